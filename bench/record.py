"""What keeping every revision costs the embedded store (issue 10).

``python -m bench.record --jsonl bench/data/synth-10000-seed42.jsonl --out FILE.json``

In one process, on a fresh store file:

1. **import**: ``replace_many`` of the whole file (children per second);
2. **child read**: ``store.get`` of a fixed sample of children, after a warm-up
   (p50 / p95 ms);
3. **cohort tables**: ``store.cohort_tables()`` of the whole store (median of 3, s);
4. **rounds of edits**: ``rounds`` times, every child gets one edit: the rating of its
   last observation changes (closeness 1 → 2 → 3 → 1). Children are read and written
   500 at a time (``iter_documents`` of their ids, then ``replace_many``: one
   transaction, and so one revision, per 500 edits). The store's size on disk (file plus
   WAL after a checkpoint) is taken before and after, and the child read and cohort
   tables are timed again after the edits;
5. **single edits**: the sampled children edited once more, one ``replace`` each (its own
   transaction and revision), timed (p50 / p95 ms).

The figures go to ``--out`` as JSON; ``bench/RESULTS.md`` quotes them by hand.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.stats import loadavg, percentile

_EDIT_BATCH = 500  # children read and written per transaction in the rounds of edits


def _documents(path: Path) -> Iterator[Any]:
    from ecomap.format import DocumentInvalid, read_documents

    for item in read_documents(path):
        if isinstance(item, DocumentInvalid):
            raise SystemExit(f"synthetic document invalid: {item}")
        yield item


def _size(db: Path) -> int:
    """Bytes on disk after the WAL is checkpointed into the file."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return sum(p.stat().st_size for p in (db, db.with_name(db.name + "-wal")) if p.exists())


def _read_ms(store: Any, sample: list[str]) -> dict[str, float]:
    for cid in sample[:20]:  # warm the connection and the page cache
        store.get(cid)
    times = []
    for cid in sample:
        start = time.perf_counter()
        store.get(cid)
        times.append((time.perf_counter() - start) * 1000)
    return {"p50": round(percentile(times, 50), 2), "p95": round(percentile(times, 95), 2)}


def _cohort_s(store: Any) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        store.cohort_tables()
        times.append(time.perf_counter() - start)
    return round(sorted(times)[1], 3)


def _edited(doc: Any) -> Any:
    """The document with its last observation's closeness moved on by one (1 → 2 → 3 → 1)."""
    if not doc.observations:
        return None
    last = doc.observations[-1]
    closeness = 1 if last.closeness is None else last.closeness % 3 + 1
    changed = last.model_copy(update={"closeness": closeness})
    return doc.model_copy(update={"observations": [*doc.observations[:-1], changed]})


def run(jsonl: Path, rounds: int, sample_size: int, workdir: Path, out: Path) -> dict[str, Any]:
    """Measure, writing the figures so far to ``out`` after every step (a run cut short
    still reports what it measured)."""
    from graph.embedded import EmbeddedStore

    db = workdir / "record-bench.db"
    result: dict[str, Any] = {"jsonl": str(jsonl), "loadavg_start": loadavg()[0]}

    def save() -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n")

    store = EmbeddedStore(db)
    start = time.perf_counter()
    imported = store.replace_many(_documents(jsonl), actor="import:bench")
    seconds = time.perf_counter() - start
    n = len(imported.imported)
    result["import"] = {"children": n, "seconds": round(seconds, 2),
                        "children_per_s": round(n / seconds, 1)}
    ids = [c.id for c in store.children(limit=None).data]
    sample = random.Random(42).sample(ids, min(sample_size, len(ids)))
    result["read_ms"] = _read_ms(store, sample)
    result["cohort_tables_s"] = _cohort_s(store)
    result["bytes_after_import"] = _size(db)
    result["bytes_after_round"] = []
    save()
    edits, edit_seconds = 0, 0.0
    for r in range(rounds):
        round_start = time.perf_counter()
        for start in range(0, len(ids), _EDIT_BATCH):
            docs = list(store.iter_documents(ids[start:start + _EDIT_BATCH]))
            edited = [e for e in map(_edited, docs) if e is not None]
            store.replace_many(edited, actor="bench", update_people=False)
            edits += len(edited)
        edit_seconds += time.perf_counter() - round_start
        print(f"round {r + 1}: {time.perf_counter() - round_start:.1f} s", file=sys.stderr)
        result["bytes_after_round"].append(_size(db))
        result["edits"] = {"rounds": r + 1, "edits": edits,
                           "ms_per_edit_in_batches": round(edit_seconds / edits * 1000, 2)}
        save()
    result["edits"] = {"rounds": rounds, "edits": edits,
                       "ms_per_edit_in_batches": round(edit_seconds / max(edits, 1) * 1000, 2)}
    result["bytes_after_edits"] = _size(db)
    single = []
    for cid in sample:  # one edit at a time, each its own transaction (and revision)
        edited_one = _edited(store.get(cid))
        if edited_one is not None:
            start = time.perf_counter()
            store.replace(edited_one, actor="bench", reason="single edit")
            single.append((time.perf_counter() - start) * 1000)
    result["single_edit_ms"] = {"p50": round(percentile(single, 50), 2),
                                "p95": round(percentile(single, 95), 2)}
    result["bytes_after_edits"] = _size(db)
    result["read_ms_after_edits"] = _read_ms(store, sample)
    result["cohort_tables_s_after_edits"] = _cohort_s(store)
    store.close()
    result["loadavg_end"] = loadavg()[0]
    save()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--out", type=Path, required=True)
    opts = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ecomap-record-bench-") as tmp:
        result = run(opts.jsonl, opts.rounds, opts.sample, Path(tmp), opts.out)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
