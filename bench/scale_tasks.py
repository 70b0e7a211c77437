"""One cold measurement per process for :mod:`bench.scale`:
``python -m bench.scale_tasks TASK JSON-ARGS`` prints one JSON line.

Cold means from a fresh process: imports, opening the store and reading it are all
inside the measured time, as for ``ecomap dashboard`` run from the shell. Peak memory is
the process's VmHWM (everything it held, the interpreter included).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bench.stats import peak_rss_mb


def _cold(fn: Callable[[], Any]) -> dict[str, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu,
            "peak_rss_mb": peak_rss_mb(), "result": result}


def _tables(db: str, how: str) -> Any:
    from ecomap.measures.tables import CohortTables
    from graph.embedded import EmbeddedStore

    store = EmbeddedStore(Path(db))
    try:
        if how == "documents":  # the first round's path: documents, then tables
            return CohortTables.from_documents(store.iter_documents())
        return store.cohort_tables()  # columns read by SQL (today's dashboard path)
    finally:
        store.close()


def task_at(args: dict[str, Any]) -> dict[str, Any]:
    """Cohort measures at one date, cold: read the store (``how``) then measure."""
    def run() -> Any:
        from ecomap.measures.cohort import cohort_measures

        tables = _tables(args["db"], args["how"])
        return cohort_measures(tables, date.fromisoformat(args["at"]))
    return _cold(run)


def task_trend(args: dict[str, Any]) -> dict[str, Any]:
    """The 24-month trend, cold: ``one_pass`` (cohort_trend, sharing the tie work between
    dates) or ``by_month`` (cohort_measures at each month end, as the first round did)."""
    def run() -> Any:
        from ecomap.measures.cohort import cohort_measures, cohort_trend, month_ends

        tables = _tables(args["db"], args["how"])
        at, months = date.fromisoformat(args["at"]), args["months"]
        if args["trend"] == "one_pass":
            return cohort_trend(tables, at, months)
        return [cohort_measures(tables, point) for point in month_ends(at, months)]
    return _cold(run)


def task_naive(args: dict[str, Any]) -> dict[str, Any]:
    """The naive baseline (networkx per child) from the JSON Lines file, streamed."""
    def run() -> Any:
        from bench import naive

        return naive.cohort_measures(naive.load_jsonl(args["jsonl"]),
                                     date.fromisoformat(args["at"]))
    return _cold(run)


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "at": task_at, "trend": task_trend, "naive": task_naive,
}


def main() -> None:
    task, raw = sys.argv[1], sys.argv[2]
    print(json.dumps(TASKS[task](json.loads(raw)), default=str))


if __name__ == "__main__":
    main()
