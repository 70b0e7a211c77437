"""The Neo4j store's ``plan_tables()`` (the dashboard's plans read) on the Bolt test server.

Starts the ArcadeDB Bolt test server on loopback and, for each size, wipes the database,
imports ``synthesize(size, seed, meetings=True)`` with ``replace_many`` in chunks of
1,000 (timed), then times ``store.plan_tables()`` of the whole store ``--repeats`` times
(the packed ``PlansPacked`` nodes, docs/meetings.md "The stores") against the path the
dashboard took before (``PlanTables.from_documents`` of every stored document), and
checks the two are equal column by column. Prints JSON lines; bench/PLANS.md quotes them.

    .venv/bin/python -m bench.neo4j_plans --sizes 1000
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import fields

from bench.stats import loadavg
from ecomap.measures.plans_cohort import PlanTables
from ecomap.synth import synthesize
from graph.neo4j import Neo4jStore
from tests.boltserver import BoltTestServer, clear_database


def same(a: PlanTables, b: PlanTables) -> bool:
    """Every column equal, dtype too."""
    return a.child_ids == b.child_ids and all(
        getattr(a, f.name).dtype == getattr(b, f.name).dtype
        and getattr(a, f.name).tolist() == getattr(b, f.name).tolist()
        for f in fields(PlanTables) if f.name != "child_ids")


def _timed(read: Callable[[], PlanTables]) -> tuple[PlanTables, dict[str, float]]:
    wall, cpu = time.perf_counter(), time.process_time()
    tables = read()
    return tables, {"wall_s": round(time.perf_counter() - wall, 2),
                    "cpu_s": round(time.process_time() - cpu, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated numbers of children")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeats", type=int, default=2)
    opts = parser.parse_args()
    with BoltTestServer(heap="2g") as server:
        for size in (int(s) for s in opts.sizes.split(",")):
            clear_database(**server.target)
            with Neo4jStore(**server.target) as store:
                docs = synthesize(size, opts.seed, meetings=True)
                start = time.perf_counter()
                while chunk := list(itertools.islice(docs, 1000)):
                    store.replace_many(chunk, actor="import:bench")
                import_s = time.perf_counter() - start
                load = loadavg()[0]
                packed_runs, document_runs = [], []
                for _ in range(opts.repeats):
                    packed, took = _timed(store.plan_tables)
                    packed_runs.append(took)
                for _ in range(opts.repeats):
                    documents, took = _timed(
                        lambda: PlanTables.from_documents(list(store.iter_documents())))
                    document_runs.append(took)
                print(json.dumps({
                    "children": size, "commitments": len(packed.commitment_child),
                    "import_s": round(import_s, 1), "plan_tables": packed_runs,
                    "from_documents": document_runs,
                    "packed_equal_documents": same(packed, documents),
                    "load_average": [load, loadavg()[0]]}), flush=True)


if __name__ == "__main__":
    main()
