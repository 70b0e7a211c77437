"""The cohort figures of the engine (a real embedded store's ``cohort_tables``) against
the naive baseline (``bench/naive.py``) on synthetic authorities, by scope and date.

Run: ``python -m bench.cohort_agreement 1000 10000`` (writes
``bench/out/cohort-agreement.json`` and prints one line per size). Both sides read the
same documents: the engine through the store, the naive one from the JSON Lines.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench import naive
from bench.agreement import compare_cohort

OUT = Path(__file__).parent / "out" / "cohort-agreement.json"
SEED = 42
AS_AT = date(2025, 12, 31)


def run(children: int) -> dict[str, Any]:
    """Agreement for one synthetic authority of ``children``."""
    from ecomap.measures.cohort import cohort_measures
    from ecomap.synth import write_synthetic_jsonl
    from graph import open_store

    dates = [AS_AT, date(2024, 12, 31)] if children <= 1000 else [AS_AT]
    scopes: list[dict[str, str | None]] = [
        {"team": None, "status": None}, {"team": "South", "status": None},
        {"team": None, "status": "looked_after"}, {"team": "North", "status": "child_in_need"},
    ]
    if children > 1000:
        scopes = scopes[:2]
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "la.jsonl"
        with jsonl.open("w", encoding="utf-8") as fp:
            write_synthetic_jsonl(fp, children, SEED, as_at=AS_AT)
        from ecomap.format import read_documents

        store = open_store("embedded", path=str(Path(tmp) / "la.db"))
        store.replace_many(d for d in read_documents(jsonl) if not hasattr(d, "breaches"))
        tables = store.cohort_tables()
        store.close()
        graphs = [naive.build_graph(raw) for raw in naive.load_jsonl(jsonl)]
    checks, diffs, seconds = 0, [], {"engine": 0.0, "naive": 0.0}
    for at in dates:
        for scope in scopes:
            began = time.perf_counter()
            got = cohort_measures(tables, at, team=scope["team"], status=scope["status"])
            seconds["engine"] += time.perf_counter() - began
            began = time.perf_counter()
            want = naive.cohort_measures(graphs, at, team=scope["team"], status=scope["status"])
            seconds["naive"] += time.perf_counter() - began
            checks += 1
            diffs += [{"at": at.isoformat(), **scope, **d} for d in compare_cohort(got, want)]
    return {"children": children, "checks": checks, "diffs": diffs,
            "engine_s": round(seconds["engine"], 2), "naive_s": round(seconds["naive"], 2)}


def main(argv: list[str]) -> None:
    results = [run(int(n)) for n in argv or ["1000"]]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1) + "\n")
    for r in results:
        print(f"{r['children']} children: {r['checks']} scope-dates, {len(r['diffs'])} "
              f"differences; engine {r['engine_s']} s, naive {r['naive_s']} s")


if __name__ == "__main__":
    main(sys.argv[1:])
