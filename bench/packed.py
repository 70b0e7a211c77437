"""Issue 15, item 1: the embedded store's ``cohort_tables`` for the current state, the
row path (one SQL aggregation per child, as before) against the packed per-child columns
(docs/scale.md), each cold in a fresh process, and the packed tables compared with
``CohortTables.from_documents(store.iter_documents())`` array by array.

    python -m bench.packed STORE.db [STORE.db ...]      # prints JSON per store
    python -m bench.packed --task rows|packed|compare STORE.db   # one cold measurement
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
AT = date(2025, 12, 31)
COLUMNS = ("tie_child", "tie_member", "tie_start", "tie_end", "tie_start_known", "tie_pair",
           "pair_child", "member_adult", "member_paid", "member_social_worker",
           "member_category", "seg_start", "obs_day", "obs_code")


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def same_tables(a: Any, b: Any) -> bool:
    """Whether two CohortTables hold exactly the same arrays and lists."""
    import numpy as np

    return bool(a.child_ids == b.child_ids and a.n_people == b.n_people
                and a.team.tolist() == b.team.tolist()
                and a.status.tolist() == b.status.tolist()
                and all(np.array_equal(getattr(a, c), getattr(b, c)) for c in COLUMNS))


def task(how: str, db: str) -> dict[str, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    from ecomap.measures.cohort import cohort_measures
    from graph.embedded import EmbeddedStore
    from graph.embedded.cohort import cohort_tables

    store = EmbeddedStore(Path(db))
    result: dict[str, Any] = {}
    call_wall, call_cpu = time.perf_counter(), time.process_time()
    try:
        if how == "rows":  # the row path on the current state (what every read did before)
            with store._reading() as conn:
                tables = cohort_tables(conn, None, None)
        else:
            tables = store.cohort_tables()
        read_wall, read_cpu = time.perf_counter() - wall, time.process_time() - cpu
        result.update(call_wall_s=time.perf_counter() - call_wall,
                      call_cpu_s=time.process_time() - call_cpu)
        if how == "compare":
            from ecomap.measures.tables import CohortTables

            result["equal"] = same_tables(
                tables, CohortTables.from_documents(store.iter_documents()))
        else:
            measures = cohort_measures(tables, AT)
            result["measures"] = json.loads(json.dumps(measures, default=str))
    finally:
        store.close()
    result.update(read_wall_s=read_wall, read_cpu_s=read_cpu,
                  wall_s=time.perf_counter() - wall, cpu_s=time.process_time() - cpu,
                  peak_rss_mb=_peak_mb(), children=tables.n_children,
                  observations=tables.n_observations)
    return result


def cold(how: str, db: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "bench.packed", "--task", how, db], cwd=ROOT,
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stores", nargs="+")
    parser.add_argument("--task", choices=("rows", "packed", "compare"))
    parser.add_argument("--repeats", type=int, default=2)
    opts = parser.parse_args()
    if opts.task:
        print(json.dumps(task(opts.task, opts.stores[0])))
        return
    for db in opts.stores:
        runs = {how: [cold(how, db) for _ in range(opts.repeats)] for how in ("rows", "packed")}
        same = runs["rows"][0].pop("measures") == runs["packed"][0].pop("measures")
        for rs in runs.values():
            for r in rs:
                r.pop("measures", None)
        print(json.dumps({"store": db, "load": os.getloadavg()[0], "same_measures": same,
                          "compare": cold("compare", db), **runs}))


if __name__ == "__main__":
    main()
