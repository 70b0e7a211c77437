"""One cold measurement per process for :mod:`bench.scale`:
``python -m bench.scale_tasks TASK JSON-ARGS`` prints one JSON line.

Cold means from a fresh process: imports, opening the store and reading it are all
inside the measured time, as for ``ecomap dashboard`` run from the shell. Peak memory is
the process's VmHWM (everything it held, the interpreter included).
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from bench.stats import peak_rss_mb


def _cold(fn: Callable[[], Any]) -> dict[str, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu,
            "peak_rss_mb": peak_rss_mb(), "result": _plain(result)}


@contextlib.contextmanager
def _part(parts: dict[str, float], name: str) -> Iterator[None]:
    """Time the block: ``NAME_wall_s`` and ``NAME_cpu_s`` in ``parts``."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    parts[f"{name}_wall_s"] = time.perf_counter() - wall
    parts[f"{name}_cpu_s"] = time.process_time() - cpu


def _plain(result: Any) -> Any:
    """Measures as plain JSON data (pydantic models dumped), for comparing runs."""
    if isinstance(result, list):
        return [_plain(r) for r in result]
    dump = getattr(result, "model_dump", None)
    return dump(mode="json") if dump is not None else result


def _tables(db: str, how: str) -> Any:
    from ecomap.measures.tables import CohortTables
    from graph.embedded import EmbeddedStore

    store = EmbeddedStore(Path(db))
    try:
        if how == "documents":  # the first round's path: documents, then tables
            return CohortTables.from_documents(store.iter_documents())
        if how == "packed_rows":  # round 3's path: every child's packed row, concatenated
            from graph.embedded.cohort import packed_cohort_tables

            with store._reading() as conn:
                return packed_cohort_tables(conn, None)
        return store.cohort_tables()  # today's dashboard path: the columns file, mapped
    finally:
        store.close()


def task_at(args: dict[str, Any]) -> dict[str, Any]:
    """Cohort measures at one date, cold: import, read the store (``how``), then measure;
    the imports' and the read's own wall and CPU seconds beside the whole."""
    parts: dict[str, float] = {}

    def run() -> Any:
        with _part(parts, "imports"):
            from ecomap.measures.cohort import cohort_measures
            from ecomap.measures.tables import CohortTables  # noqa: F401
            from graph.embedded import EmbeddedStore  # noqa: F401
            from graph.embedded.cohort import packed_cohort_tables  # noqa: F401
        with _part(parts, "read"):
            tables = _tables(args["db"], args["how"])
        return cohort_measures(tables, date.fromisoformat(args["at"]))
    return {**_cold(run), **parts}


def task_plans(args: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's plan tables, cold: ``store.plan_tables()`` of every current child
    (the packed plans columns)."""
    def run() -> Any:
        from graph.embedded import EmbeddedStore

        store = EmbeddedStore(Path(args["db"]))
        try:
            tables = store.plan_tables()
            return {"children": len(tables.child_ids)}
        finally:
            store.close()
    return _cold(run)


def task_trend(args: dict[str, Any]) -> dict[str, Any]:
    """The 24-month trend, cold: ``one_pass`` (cohort_trend: the months share the tie
    work, in two runs on two threads) or ``by_month`` (cohort_measures at each month end
    on its own, as the first round did, with today's tables)."""
    def run() -> Any:
        from ecomap.measures.cohort import cohort_measures, cohort_trend, month_ends

        tables = _tables(args["db"], args["how"])
        at, months = date.fromisoformat(args["at"]), args["months"]
        if args["trend"] == "one_pass":
            return cohort_trend(tables, at, months)
        return [cohort_measures(tables, point) for point in month_ends(at, months)]
    return _cold(run)


def task_naive(args: dict[str, Any]) -> dict[str, Any]:
    """The naive baseline (networkx per child) from the JSON Lines file, streamed; the
    imports' own wall and CPU seconds beside the whole."""
    parts: dict[str, float] = {}

    def run() -> Any:
        with _part(parts, "imports"):
            import networkx  # noqa: F401

            from bench import naive
        return naive.cohort_measures(naive.load_jsonl(args["jsonl"]),
                                     date.fromisoformat(args["at"]))
    return {**_cold(run), **parts}


def replicate(tables: Any, copies: int) -> Any:
    """``copies`` disjoint copies of ``tables`` as one cohort (children, people, ties
    and observations renumbered per copy): the arithmetic at ``copies`` times the size
    without making and importing that many children."""
    import dataclasses

    import numpy as np

    from ecomap.measures.tables import Members

    t = tables
    n_children, n_pairs, n_obs = t.n_children, len(t.pair_child), t.n_observations

    def tile(values: Any) -> Any:
        return np.tile(values, copies)

    def shifted(values: Any, step: int) -> Any:
        return np.concatenate([values + k * step for k in range(copies)])

    fields = {f.name: tile(getattr(t, f.name)) for f in dataclasses.fields(t)
              if (f.name.startswith(("obs_", "member_", "tie_start", "tie_end", "ep_", "has_",
                                    "first_day"))
              and f.name != "ep_child") or f.name in ("team", "status")}

    def members() -> Any:
        codes = t.tie_member
        return shifted(codes, int(codes.max()) + 1 if len(codes) else 1)

    return dataclasses.replace(
        t, **fields,
        child_ids=[f"{cid}#{k}" for k in range(copies) for cid in t.child_ids],
        members=Members.lazy(members),
        tie_child=shifted(t.tie_child, n_children),
        ep_child=shifted(t.ep_child, n_children),
        tie_pair=shifted(t.tie_pair, n_pairs),
        pair_child=shifted(t.pair_child, n_children),
        seg_start=np.append(shifted(t.seg_start[:-1], n_obs), copies * n_obs),
    )


def task_arithmetic(args: dict[str, Any]) -> dict[str, Any]:
    """The cohort arithmetic alone (tables in memory) on ``copies`` copies of a store's
    tables: one date, the trend in one pass and month by month."""
    from bench.stats import reset_peak
    from ecomap.measures.cohort import cohort_measures, cohort_trend, month_ends

    tables = replicate(_tables(args["db"], "columns"), args["copies"])
    at, months = date.fromisoformat(args["at"]), args["months"]
    reset_peak()
    out: dict[str, Any] = {"children": tables.n_children, "ties": len(tables.tie_child),
                           "observations": tables.n_observations}
    runs = {
        "at": lambda: cohort_measures(tables, at),
        "trend_one_pass": lambda: cohort_trend(tables, at, months),
        "trend_by_month": lambda: [cohort_measures(tables, p) for p in month_ends(at, months)],
    }
    results = {}
    for name, fn in runs.items():
        reset_peak()
        measured = _cold(fn)
        results[name] = measured.pop("result")
        out[name] = measured
    out["trend_agrees"] = results["trend_one_pass"] == results["trend_by_month"]
    out["copies"] = args["copies"]
    return out


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "at": task_at, "trend": task_trend, "naive": task_naive, "arithmetic": task_arithmetic,
    "plans": task_plans,
}


def main() -> None:
    task, raw = sys.argv[1], sys.argv[2]
    print(json.dumps(TASKS[task](json.loads(raw)), default=str))


if __name__ == "__main__":
    main()
