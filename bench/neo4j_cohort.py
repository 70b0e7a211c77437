"""The Neo4j store's ``cohort_tables()`` (the dashboard's read) on the Bolt test server.

Starts the ArcadeDB Bolt test server (2 GB heap) on loopback and, for each size,
wipes the database, imports ``synthesize(size, seed)`` with ``replace_many`` in
chunks of 1,000 (timed), then times ``store.cohort_tables()`` of the whole store
``--repeats`` times (wall and this process's CPU seconds: the rest is the server's):
the current state (packed columns, docs/scale.md) and the row path (what a read as
recorded at an earlier revision takes), and compares both with
``CohortTables.from_documents``. ``--measure-at HH:MM`` (UTC) waits after the import
until then before timing (a quieter machine). Figures are printed as JSON lines and
appended to ``bench/out/neo4j-cohort.jsonl``; ``bench.scale`` reads the last one.

    .venv/bin/python -m bench.neo4j_cohort --sizes 1000
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.packed import same_tables
from bench.stats import loadavg
from ecomap.measures.tables import CohortTables
from ecomap.synth import synthesize
from graph.neo4j import Neo4jStore
from graph.neo4j.cohort import cohort_tables, read_all
from graph.neo4j.tx import resolve
from tests.boltserver import BoltTestServer, clear_database

OUT = Path(__file__).resolve().parent / "out" / "neo4j-cohort.jsonl"


def _wait_until(hhmm: str) -> None:
    now = datetime.now(UTC)
    hour, minute = (int(x) for x in hhmm.split(":"))
    then = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if then > now:
        time.sleep((then - now).total_seconds())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated numbers of children")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--row-repeats", type=int, default=1, help="times to read the rows")
    parser.add_argument("--measure-at", default="", help="UTC HH:MM to wait for before timing")
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
                # equal to the documents (before any wait: the timed reads come last)
                docs_tables = CohortTables.from_documents(store.iter_documents())
                packed_equal = same_tables(store.cohort_tables(), docs_tables)
                rows = []  # the row path (what a read as recorded earlier takes)
                rows_equal = None
                for _ in range(opts.row_repeats):
                    wall, cpu = time.perf_counter(), time.process_time()
                    by_rows = cohort_tables([store._read(
                        lambda tx: read_all(tx, resolve(tx, None), False))])
                    rows.append({"wall_s": round(time.perf_counter() - wall, 2),
                                 "cpu_s": round(time.process_time() - cpu, 2)})
                    rows_equal = same_tables(by_rows, docs_tables)
                del docs_tables
                if opts.measure_at:
                    _wait_until(opts.measure_at)
                load = loadavg()
                runs = []
                for _ in range(opts.repeats):
                    wall, cpu = time.perf_counter(), time.process_time()
                    store.cohort_tables()
                    runs.append({"wall_s": round(time.perf_counter() - wall, 2),
                                 "cpu_s": round(time.process_time() - cpu, 2)})
                line = json.dumps({"children": size, "import_s": round(import_s, 1),
                                  "cohort_tables": runs, "row_path": rows,
                                  "packed_equal_documents": packed_equal,
                                  "rows_equal_documents": rows_equal,
                                  "loadavg_before": load, "loadavg": loadavg(),
                                  "at": datetime.now(UTC).isoformat()})
                print(line, flush=True)
                OUT.parent.mkdir(parents=True, exist_ok=True)
                with OUT.open("a") as out:
                    out.write(line + "\n")


if __name__ == "__main__":
    main()
