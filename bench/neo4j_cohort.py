"""The Neo4j store's ``cohort_tables()`` (the dashboard's read) on the Bolt test server.

Starts the ArcadeDB Bolt test server (2 GB heap) on loopback and, for each size,
wipes the database, imports ``synthesize(size, seed)`` with ``replace_many`` in
chunks of 1,000 (timed), then times ``store.cohort_tables()`` of the whole store
``--repeats`` times (wall and this process's CPU seconds: the rest is the server's):
the current state (packed columns, docs/scale.md) and the row path (as recorded at the
latest revision), and compares both with ``CohortTables.from_documents``.
Figures are printed as JSON lines; ``bench/RESULTS.md`` quotes them by hand.

    .venv/bin/python -m bench.neo4j_cohort --sizes 1000
"""

from __future__ import annotations

import argparse
import itertools
import json
import time

from bench.packed import same_tables
from bench.stats import loadavg
from ecomap.measures.tables import CohortTables
from ecomap.synth import synthesize
from graph.neo4j import Neo4jStore
from tests.boltserver import BoltTestServer, clear_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated numbers of children")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeats", type=int, default=3)
    opts = parser.parse_args()
    with BoltTestServer(heap="2g") as server:
        for size in (int(s) for s in opts.sizes.split(",")):
            clear_database(**server.target)
            with Neo4jStore(**server.target) as store:
                docs = synthesize(size, opts.seed)
                start = time.perf_counter()
                while chunk := list(itertools.islice(docs, 1000)):
                    store.replace_many(chunk, actor="import:bench")
                import_s = time.perf_counter() - start
                runs = []
                for _ in range(opts.repeats):
                    wall, cpu = time.perf_counter(), time.process_time()
                    tables = store.cohort_tables()
                    runs.append({"wall_s": round(time.perf_counter() - wall, 2),
                                 "cpu_s": round(time.process_time() - cpu, 2)})
                rows = []  # the row path (as recorded at the latest revision: no packing)
                latest = store.revision()
                for _ in range(opts.repeats):
                    wall, cpu = time.perf_counter(), time.process_time()
                    by_rows = store.cohort_tables(as_recorded=latest)
                    rows.append({"wall_s": round(time.perf_counter() - wall, 2),
                                 "cpu_s": round(time.process_time() - cpu, 2)})
                docs_tables = CohortTables.from_documents(store.iter_documents())
                print(json.dumps({"children": size, "import_s": round(import_s, 1),
                                  "cohort_tables": runs, "row_path": rows,
                                  "packed_equal_documents": same_tables(tables, docs_tables),
                                  "rows_equal_documents": same_tables(by_rows, docs_tables),
                                  "n_children": tables.n_children,
                                  "n_observations": tables.n_observations,
                                  "loadavg": loadavg()}), flush=True)


if __name__ == "__main__":
    main()
