"""Where an import's CPU goes, stage by stage, and SQLite's own floor for the same rows:
``python -m bench.import_floor [--jsonl FILE] [--children 3000]``.

``ecomap import`` spends CPU in two processes (docs/scale.md, "Import"): a worker parses
each line, checks it on the raw structure and makes the store's rows and packed columns;
the writer inserts them. This times each stage alone, in this one process, over the
first ``--children`` documents of a synthetic file (CPU time, ``time.process_time``):

- ``parse``: orjson, the line to a dict;
- ``check``: ``ecomap.format_fast.checked`` (FORMAT.md on the raw structure);
- ``rows``: ``graph.embedded.bulk.rows_from_checked``;
- ``pack``: the packed cohort and plan columns;
- ``transfer``: encoding a chunk as the worker sends it and decoding it in the writer;
- ``write``: the writer (``EmbeddedStore.import_prepared``, 200 documents a batch);
- ``sqlite``: the same rows copied by SQLite alone into a new store with the same schema
  and indexes (``INSERT INTO ... SELECT * FROM`` the written store, in one transaction):
  what inserting them costs with no Python per row. It reads them too, so it is an
  upper bound on SQLite's share.

From these it reports the children/s two cores could reach if every other stage cost
nothing, for the import as it is, for a writer binding no rows in Python (``sqlite``
in place of ``write``) and for a compiled import that only parses and inserts. Writes
``bench/out/import-floor.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

import orjson

from bench import stats
from ecomap.format_fast import checked
from ecomap.measures.packed_plans import pack_plans_checked
from ecomap.measures.packed_raw import pack_checked
from graph.embedded.bulk import Prepared, decode_chunk, encode_chunk, rows_from_checked
from graph.embedded.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
T = TypeVar("T")

#: The tables an import writes, in an order their rows can be copied in.
TABLES = ("revisions", "revision_children", "children", "people", "memberships", "ties",
          "observations", "episodes", "meetings", "commitments", "progress",
          "cohort_packed", "plans_packed")


def timed(work: Callable[[], T]) -> tuple[T, float]:
    """``work()`` and the CPU seconds it took."""
    start = time.process_time()
    result = work()
    return result, time.process_time() - start


def sqlite_copy(source: Path, target: Path) -> tuple[float, dict[str, int]]:
    """CPU seconds for SQLite to copy every imported row of ``source`` into ``target``
    (a new store: same schema and indexes), and the rows of each table."""
    EmbeddedStore(target).close()
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("ATTACH DATABASE ? AS src", (str(source),))
    counts = {t: conn.execute(f"SELECT count(*) FROM src.{t}").fetchone()[0] for t in TABLES}

    def copy() -> None:
        conn.execute("BEGIN")
        for table in TABLES:
            conn.execute(f"INSERT INTO main.{table} SELECT * FROM src.{table}")
        conn.execute("COMMIT")

    _, seconds = timed(copy)
    conn.close()
    return seconds, counts


def measure(jsonl: Path, children: int) -> dict[str, Any]:
    """Each stage's CPU over the first ``children`` documents of ``jsonl``, 200 at a time
    (one writer batch: memory stays as bounded as the import's), with the cycle collector
    off as in the import's processes (``api.cli.bulk_import``)."""
    gc.disable()
    stages = dict.fromkeys(("parse", "check", "rows", "pack", "transfer", "write"), 0.0)
    n = size = 0
    with tempfile.TemporaryDirectory() as tmp, jsonl.open("rb") as f:
        written, copied = Path(tmp) / "written.db", Path(tmp) / "copied.db"
        store = EmbeddedStore(written)
        while n < children and (lines := list(islice(f, min(200, children - n)))):
            n += len(lines)
            size += sum(map(len, lines))
            with _stage(stages, "parse"):
                raws = [orjson.loads(line) for line in lines]
            with _stage(stages, "check"):
                docs = [checked(raw) for raw in raws]
            if any(d is None for d in docs):
                raise SystemExit("a document left the fast path: use a synthetic file")
            with _stage(stages, "rows"):
                rows = [rows_from_checked(d) for d in docs]
            with _stage(stages, "pack"):
                packs = [(pack_checked(d), pack_plans_checked(d)) for d in docs]
            prepared = [Prepared(r, p, q) for r, (p, q) in zip(rows, packs, strict=True)]
            with _stage(stages, "transfer"):
                received = [item for start in range(0, len(prepared), 100)
                            for item in decode_chunk(encode_chunk(prepared[start:start + 100]))]
            with _stage(stages, "write"):
                store.import_prepared(received, actor="bench")
        store.close()
        stages["sqlite"], counts = sqlite_copy(written, copied)
    ms = {k: v / n * 1000 for k, v in stages.items()}
    now = sum(v for k, v in ms.items() if k != "sqlite")
    no_binding = now - ms["write"] + ms["sqlite"]
    compiled = ms["parse"] + ms["sqlite"]
    return {
        "jsonl": str(jsonl), "children": n, "bytes_per_child": size / n,
        "rows_per_child": {t: c / n for t, c in counts.items()},
        "ms_per_child": ms,
        "two_cores_children_per_s": {
            "as_it_is": 2000 / now,
            "writer_binding_no_rows": 2000 / no_binding,
            "parse_and_sqlite_only": 2000 / compiled,
        },
        "load": stats.loadavg(),
    }


@contextlib.contextmanager
def _stage(stages: dict[str, float], name: str) -> Iterator[None]:
    """Add the block's CPU seconds to ``stages[name]``."""
    start = time.process_time()
    yield
    stages[name] += time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl", type=Path,
                        default=ROOT / "bench" / "data" / "synth-10000-seed42.jsonl")
    parser.add_argument("--children", type=int, default=3000)
    args = parser.parse_args()
    result = measure(args.jsonl, args.children)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "import-floor.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"{result['children']} children, {result['bytes_per_child'] / 1000:.1f} KB each")
    rows = result["rows_per_child"]
    print("rows a child: " + ", ".join(f"{t} {c:.1f}" for t, c in rows.items() if c))
    for stage, value in result["ms_per_child"].items():
        print(f"  {stage:<9} {value:6.3f} ms a child")
    for case, rate in result["two_cores_children_per_s"].items():
        print(f"  two cores, {case.replace('_', ' ')}: {rate:,.0f} children/s at most")


if __name__ == "__main__":
    main()
