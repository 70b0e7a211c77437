"""The import's pipeline (api/cli/bulk_import.py): chunks prepared by a worker process,
and by the writing process while the worker is busy, come out in file order, equal to
preparing every line here."""

from __future__ import annotations

import time

import orjson

from api.cli.bulk_import import CHUNK_LINES, STEAL_LINES, _shared, start_workers
from graph.embedded.bulk import Prepared, prepare_lines


def _lines(n: int) -> list[tuple[int, bytes]]:
    out = []
    for i in range(1, n + 1):
        doc = {"format": "ecomap/1", "child": {"id": f"c{i:04d}", "name": "C"}}
        out.append((i, b"{oops" if i % 97 == 0 else orjson.dumps(doc)))
    return out


def test_chunks_from_the_worker_and_from_here_come_in_file_order() -> None:
    lines = _lines(6 * CHUNK_LINES)
    pool = start_workers(1)
    assert pool is not None
    try:
        pool.submit(time.sleep, 0.5)  # the worker is busy: this process prepares meanwhile
        parts = list(_shared(iter(lines), pool, 1, lambda: None))
    finally:
        pool.shutdown()
    assert STEAL_LINES in {len(part) for part in parts}  # some prepared here
    assert CHUNK_LINES in {len(part) for part in parts}  # some by the worker
    got = [item for part in parts for item in part]
    want = prepare_lines(lines)
    assert [type(g) for g in got] == [type(w) for w in want]
    for g, w in zip(got, want, strict=True):
        if isinstance(g, Prepared):
            assert isinstance(w, Prepared)
            assert g.rows.child_id == w.rows.child_id and g.packed == w.packed
        else:
            assert g == w
