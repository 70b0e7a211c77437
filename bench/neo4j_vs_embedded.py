"""The embedded store and the Neo4j store side by side, on the same synthetic data.

For each store: import N synthetic children (``store.replace_many`` in chunks of
1,000, generation not timed), one child's read latency (``get`` now and ``get``
as recorded at the first import revision, over a fixed sample, after a warm-up),
and cohort measures (load
every document with ``iter_documents``, build ``CohortTables``, run
``cohort_measures``). The Neo4j store runs on the ArcadeDB Bolt test server the
script starts on loopback (or on ``--neo4j-uri``, which it wipes).

    .venv/bin/python -m bench.neo4j_vs_embedded --children 10000
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from ecomap.measures.cohort import cohort_measures
from ecomap.measures.tables import CohortTables
from ecomap.model import EcomapDocument
from ecomap.synth import synthesize
from graph.base import GraphStore
from graph.embedded import EmbeddedStore
from graph.neo4j import Neo4jStore
from tests.boltserver import BoltTestServer, clear_database

AT = date(2025, 12, 31)


def _chunks(docs: Iterator[EcomapDocument], size: int) -> Iterator[list[EcomapDocument]]:
    while chunk := list(itertools.islice(docs, size)):
        yield chunk


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _latency_ms(call: Callable[[str], object], ids: list[str], warmup: int) -> dict[str, float]:
    for child_id in ids[:warmup]:
        call(child_id)
    spent = []
    for child_id in ids:
        start = time.perf_counter()
        call(child_id)
        spent.append((time.perf_counter() - start) * 1000)
    return {"p50": round(_percentile(spent, 50), 2), "p95": round(_percentile(spent, 95), 2)}


def measure(store: GraphStore, children: int, seed: int, sample: int) -> dict[str, Any]:
    """Import, read latency and cohort time for one (empty) store."""
    imported = 0
    import_s = 0.0
    for chunk in _chunks(synthesize(children, seed), 1000):
        start = time.perf_counter()
        result = store.replace_many(chunk, actor="import:bench")
        import_s += time.perf_counter() - start
        imported += len(result.imported)
    counts = store.counts()
    ids = [row.id for row in store.children().data]
    picked = random.Random(seed).sample(ids, min(sample, len(ids)))
    get_ms = _latency_ms(store.get, picked, warmup=min(20, len(picked)))
    first = store.revisions(limit=1)[0].number
    recorded_ms = _latency_ms(lambda c: store.get(c, as_recorded=first), picked,
                              warmup=min(20, len(picked)))
    start = time.perf_counter()
    docs = list(store.iter_documents())
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    tables = CohortTables.from_documents(docs)
    cohort = cohort_measures(tables, AT)
    measures_s = time.perf_counter() - start
    return {
        "children": imported,
        "counts": asdict(counts),
        "import_s": round(import_s, 2),
        "children_per_s": round(imported / import_s, 1) if import_s else None,
        "get_ms": get_ms,
        "get_as_recorded_ms": recorded_ms,
        "cohort_load_s": round(load_s, 2),
        "cohort_measures_s": round(measures_s, 2),
        "cohort_total_s": round(load_s + measures_s, 2),
        "cohort": cohort,
    }


def _table(results: dict[str, dict[str, Any]]) -> str:
    rows: list[tuple[str, Callable[[dict[str, Any]], object]]] = [
        ("import (s)", lambda r: r["import_s"]),
        ("children/s imported", lambda r: r["children_per_s"]),
        (
            "child read `get` p50 / p95 (ms)",
            lambda r: f"{r['get_ms']['p50']} / {r['get_ms']['p95']}",
        ),
        (
            "child `get` as recorded at revision 1, p50 / p95 (ms)",
            lambda r: f"{r['get_as_recorded_ms']['p50']} / {r['get_as_recorded_ms']['p95']}",
        ),
        ("cohort: load every document (s)", lambda r: r["cohort_load_s"]),
        ("cohort: tables + measures (s)", lambda r: r["cohort_measures_s"]),
        ("cohort measures, total (s)", lambda r: r["cohort_total_s"]),
    ]
    names = list(results)
    lines = ["| | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for label, pick in rows:
        lines.append(f"| {label} | " + " | ".join(str(pick(results[n])) for n in names) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--sample", type=int, default=200, help="children timed for latency")
    parser.add_argument("--neo4j-uri", help="a real Neo4j to use instead (it is wiped)")
    parser.add_argument("--out", type=Path, default=Path("bench/out/neo4j_vs_embedded.json"))
    opts = parser.parse_args()
    results: dict[str, dict[str, Any]] = {}
    load_before = os.getloadavg()
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ecomap-bench-")))
        with EmbeddedStore(tmp / "ecomap.db") as embedded:
            results["embedded (SQLite)"] = measure(embedded, opts.children, opts.seed, opts.sample)
        target: dict[str, Any]
        if opts.neo4j_uri:
            target = {
                "uri": opts.neo4j_uri,
                "user": os.environ.get("NEO4J_USER", "neo4j"),
                "password": os.environ.get("NEO4J_PASSWORD", ""),
                "database": os.environ.get("NEO4J_DATABASE") or None,
            }
            label = "Neo4j"
        else:
            target = dict(stack.enter_context(BoltTestServer(heap="2g")).target)
            label = "Neo4j store on ArcadeDB Bolt test server"
        clear_database(**target)
        with Neo4jStore(**target) as neo:
            results[label] = measure(neo, opts.children, opts.seed, opts.sample)
    first, second = results.values()
    report = {
        "children": opts.children,
        "seed": opts.seed,
        "at": AT.isoformat(),
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
        "same_counts": first["counts"] == second["counts"],
        "same_cohort_measures": first["cohort"] == second["cohort"],
        "results": results,
    }
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"{opts.children:,} synthetic children (seed {opts.seed}), as at {AT}")
    print(_table(results))
    print(
        f"same counts: {report['same_counts']}; same cohort measures: "
        f"{report['same_cohort_measures']}; load average {load_before} -> {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
