"""One measurement per process: ``python -m bench.worker TASK JSON-ARGS`` prints a JSON result.

Each task runs in its own process so its peak memory is its own (VmHWM, reset
after set-up where set-up is not what is measured). The orchestrator in
:mod:`bench.run` starts these and collects the last line of stdout.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from bench import naive
from bench.agreement import compare_child, compare_cohort
from bench.stats import peak_rss_mb, percentile, reset_peak, rss_mb, summary, timed, timed_cpu


def _documents(path: str) -> Iterator[Any]:
    """Parsed ``EcomapDocument``s of a JSON Lines file (invalid ones are a bench failure)."""
    from ecomap.format import DocumentInvalid, read_documents

    for item in read_documents(Path(path)):
        if isinstance(item, DocumentInvalid):
            raise SystemExit(f"synthetic document invalid: {item}")
        yield item


def _store_files(db: Path) -> list[Path]:
    return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]


def _remove_store(db: Path) -> None:
    for path in _store_files(db):
        path.unlink(missing_ok=True)


def task_parse(args: dict[str, Any]) -> dict[str, Any]:
    """Parse (and validate) every document once: the share of import spent parsing."""
    reset_peak()
    counts = {"documents": 0, "ties": 0, "observations": 0, "people": 0}
    start, cpu = time.perf_counter(), time.process_time()
    for doc in _documents(args["jsonl"]):  # streamed: 100k documents do not fit comfortably
        counts["documents"] += 1
        counts["ties"] += len(doc.ties)
        counts["observations"] += len(doc.observations)
        counts["people"] += len(doc.people)
    return {"seconds": time.perf_counter() - start, "cpu_s": time.process_time() - cpu, **counts,
            "peak_rss_mb": peak_rss_mb()}


def task_import(args: dict[str, Any]) -> dict[str, Any]:
    """Stream the JSON Lines file into a fresh embedded store, ``repeats`` times."""
    from graph import open_store

    db = Path(args["db"])
    keep = Path(args["keep"])
    db.parent.mkdir(parents=True, exist_ok=True)
    seconds: list[float] = []
    cpus: list[float] = []
    sizes: list[int] = []
    rejected = 0
    imported = 0
    reset_peak()
    for _ in range(args["repeats"]):
        _remove_store(db)
        start, cpu = time.perf_counter(), time.process_time()
        store = open_store("embedded", path=db)
        result = store.replace_many(_documents(args["jsonl"]), actor="import:bench")
        store.close()
        seconds.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        sizes.append(sum(p.stat().st_size for p in _store_files(db) if p.exists()))
        rejected = len(result.rejected)
        imported = len(result.imported)
    for path, target in zip(_store_files(db), _store_files(keep), strict=True):
        if path.exists():
            os.replace(path, target)
        else:
            target.unlink(missing_ok=True)
    return {
        "seconds": summary(seconds),
        "cpu_s": summary(cpus),
        "store_bytes": sizes[-1],
        "imported": imported,
        "rejected": rejected,
        "peak_rss_mb": peak_rss_mb(),
    }


def _view_function() -> Callable[[Any, date], Any] | None:
    """The drawable ecomap builder from ``ecomap.view`` (None until it exists)."""
    try:
        from ecomap import view
    except ImportError:
        return None
    for name in ("ecomap_view", "build_view", "build_ecomap", "drawable", "view"):
        fn = getattr(view, name, None)
        if callable(fn):
            return fn  # type: ignore[no-any-return]
    return None


def task_child(args: dict[str, Any]) -> dict[str, Any]:
    """Latency of one child's measures (and drawable ecomap) through the library."""
    from ecomap.measures import child_measures
    from graph import open_store

    at = date.fromisoformat(args["at"])
    store = open_store("embedded", path=Path(args["db"]))
    ids: list[str] = args["ids"]
    draw = _view_function()
    for child_id in ids[:10]:  # warm the connection and the page cache
        child_measures(store.get(child_id), at)
    reset_peak()
    runs: dict[str, list[dict[str, float]]] = {
        "get": [], "measures": [], "ecomap": [], "measures_cpu": []}
    for _ in range(args["repeats"]):
        got: list[float] = []
        measured: list[float] = []
        measured_cpu: list[float] = []
        drawn: list[float] = []
        for child_id in ids:
            cpu = time.thread_time()
            start = time.perf_counter()
            doc = store.get(child_id)
            fetched = time.perf_counter()
            child_measures(doc, at)
            done = time.perf_counter()
            measured_cpu.append(time.thread_time() - cpu)
            got.append(fetched - start)
            measured.append(done - start)
            if draw is not None:
                start = time.perf_counter()
                draw(store.get(child_id), at)
                drawn.append(time.perf_counter() - start)
        for key, values in (("get", got), ("measures", measured), ("ecomap", drawn),
                            ("measures_cpu", measured_cpu)):
            if values:
                runs[key].append(
                    {"p50": percentile(values, 50) * 1000, "p95": percentile(values, 95) * 1000}
                )
    store.close()
    out: dict[str, Any] = {"calls_per_repeat": len(ids), "peak_rss_mb": peak_rss_mb()}
    for key, per_repeat in runs.items():
        if per_repeat:
            out[key] = {
                "p50_ms": summary([r["p50"] for r in per_repeat]),
                "p95_ms": summary([r["p95"] for r in per_repeat]),
            }
    out["ecomap_function"] = None if draw is None else f"{draw.__module__}.{draw.__name__}"
    return out


def task_cohort(args: dict[str, Any]) -> dict[str, Any]:
    """Cohort measures at one date and a trend, from every document in the store."""
    from ecomap.measures.cohort import CohortTables, cohort_measures, cohort_trend
    from graph import open_store

    at = date.fromisoformat(args["at"])
    store = open_store("embedded", path=Path(args["db"]))
    base = rss_mb()
    reset_peak()
    documents_path: dict[str, float] = {}
    if args.get("documents_path", True):
        # the older path (still what the CLI uses for a file): documents, then tables
        fetching = [0.0]

        def fetched() -> Iterator[Any]:
            """The store's documents, timing only the store's side of the stream."""
            stream = iter(store.iter_documents())
            while True:
                start = time.perf_counter()
                doc = next(stream, None)
                fetching[0] += time.perf_counter() - start
                if doc is None:
                    return
                yield doc

        total_s, total_cpu, _ = timed_cpu(lambda: CohortTables.from_documents(fetched()))
        documents_path = {"load_documents_s": fetching[0],
                          "build_tables_s": total_s - fetching[0],
                          "load_and_build_cpu_s": total_cpu}
        reset_peak()
    # the product path (dashboard, figures): the store reads the tables as columns
    direct_s, direct_cpu, tables = timed_cpu(lambda: store.cohort_tables())
    store.close()
    load_peak = peak_rss_mb()
    reset_peak()
    at_runs: list[float] = []
    at_cpu: list[float] = []
    result: dict[str, Any] = {}
    for _ in range(args["repeats"]):
        seconds, cpu, result = timed_cpu(
            lambda: cohort_measures(tables, at).model_dump(mode="json"))
        at_runs.append(seconds)
        at_cpu.append(cpu)
    at_peak = peak_rss_mb()
    reset_peak()
    trend_runs: list[float] = []
    trend_cpu: list[float] = []
    trend: list[dict[str, Any]] = []
    for _ in range(args["trend_repeats"]):
        seconds, cpu, trend = timed_cpu(lambda: [
            m.model_dump(mode="json") for m in cohort_trend(tables, at, args["months"])])
        trend_runs.append(seconds)
        trend_cpu.append(cpu)
    trend_peak = peak_rss_mb()
    Path(args["out"]).write_text(json.dumps({"at": result, "trend": trend}, default=str))
    return {
        **documents_path,
        "store_cohort_tables_s": direct_s,
        "store_cohort_tables_cpu_s": direct_cpu,
        "at_s": summary(at_runs),
        "at_cpu_s": summary(at_cpu),
        "trend_s": summary(trend_runs),
        "trend_cpu_s": summary(trend_cpu),
        "months": args["months"],
        "rss_before_mb": base,
        "peak_rss_load_mb": load_peak,  # of store.cohort_tables()
        "peak_rss_at_mb": at_peak,
        "peak_rss_trend_mb": trend_peak,
        "trend_dates": [row.get("at") for row in trend],
    }


def task_naive(args: dict[str, Any]) -> dict[str, Any]:
    """The naive baseline's cohort measures (and, if asked, trend) from the JSON Lines file."""
    at = date.fromisoformat(args["at"])
    stream = bool(args.get("stream"))
    docs: list[dict[str, Any]] = []
    load_s = 0.0
    if not stream:  # small stores are read once; big ones are streamed child by child
        load_s, docs = timed(lambda: list(naive.load_jsonl(args["jsonl"])))
    reset_peak()
    at_runs: list[float] = []
    at_cpu: list[float] = []
    result: dict[str, Any] = {}
    for _ in range(args["repeats"]):
        source = naive.load_jsonl(args["jsonl"]) if stream else docs
        seconds, cpu, result = timed_cpu(
            lambda: naive.cohort_measures(source, at))  # noqa: B023
        at_runs.append(seconds)
        at_cpu.append(cpu)
    at_peak = peak_rss_mb()
    trend_runs: list[float] = []
    trend_cpu: list[float] = []
    trend: list[dict[str, Any]] = []
    dates = [date.fromisoformat(d) for d in args.get("trend_dates", [])]
    for _ in range(args["trend_repeats"] if dates else 0):
        seconds, cpu, trend = timed_cpu(lambda: naive.cohort_trend(docs, dates))
        trend_runs.append(seconds)
        trend_cpu.append(cpu)
    Path(args["out"]).write_text(json.dumps({"at": result, "trend": trend}, default=str))
    return {
        "streamed_from_json": stream,
        "load_json_s": load_s,
        "at_s": summary(at_runs),
        "at_cpu_s": summary(at_cpu),
        "trend_s": summary(trend_runs),
        "trend_cpu_s": summary(trend_cpu),
        "peak_rss_at_mb": at_peak,
        "peak_rss_mb": peak_rss_mb(),
    }


def task_agree(args: dict[str, Any]) -> dict[str, Any]:
    """Engine against naive, child by child, on sampled children, dates and perspectives."""
    from ecomap.format import parse_document
    from ecomap.measures import child_measures

    wanted = set(args["ids"]) if args.get("ids") else None
    dates = [date.fromisoformat(d) for d in args["dates"]]
    perspectives: list[Any] = args["perspectives"]  # "combined", "child", "worker"
    checked = 0
    findings: list[dict[str, Any]] = []
    by_measure: dict[str, int] = {}
    errors: list[dict[str, str]] = []
    for raw in naive.load_jsonl(args["jsonl"]):
        child_id = raw["child"]["id"]
        if wanted is not None and child_id not in wanted:
            continue
        doc = parse_document(raw, source=child_id)
        graph = naive.build_graph(raw)
        for when in dates:
            for perspective in perspectives:
                expected = naive.child_measures(graph, when, perspective)
                try:
                    got = child_measures(doc, when, perspective=perspective)
                except Exception as error:  # the engine failing is a finding, not a crash
                    errors.append({"child": child_id, "at": when.isoformat(),
                                   "perspective": perspective, "error": repr(error)[:300]})
                    continue
                checked += 1
                for diff in compare_child(got, expected):
                    by_measure[diff["path"].split("[")[0]] = (
                        by_measure.get(diff["path"].split("[")[0], 0) + 1
                    )
                    if len(findings) < args.get("max_findings", 200):
                        findings.append(
                            {"child": child_id, "at": when.isoformat(),
                             "perspective": perspective, **diff}
                        )
    cohort: dict[str, Any] = {}
    if args.get("engine_out") and args.get("naive_out"):
        engine = json.loads(Path(args["engine_out"]).read_text())
        slow = json.loads(Path(args["naive_out"]).read_text())
        cohort["at"] = compare_cohort(engine["at"], slow["at"])
        if engine.get("trend") and slow.get("trend"):
            cohort["trend"] = [
                {"at": e.get("at"), "diffs": compare_cohort(e, s)}
                for e, s in zip(engine["trend"], slow["trend"], strict=False)
                if compare_cohort(e, s)
            ]
    return {
        "child_measures_checked": checked,
        "mismatching_measures": by_measure,
        "findings": findings,
        "engine_errors": errors[:50],
        "engine_error_count": len(errors),
        "cohort": cohort,
    }


def task_neo4j(args: dict[str, Any]) -> dict[str, Any]:
    """The Neo4j store on the Bolt test server: import, one child's latency, cohort load."""
    from ecomap.measures import child_measures
    from ecomap.measures.cohort import CohortTables, cohort_measures
    from graph.neo4j import Neo4jStore
    from tests.boltserver import BoltTestServer

    at = date.fromisoformat(args["at"])
    import_runs: list[float] = []
    out: dict[str, Any] = {}
    for repeat in range(args["repeats"]):
        with BoltTestServer(heap=args.get("heap", "2g")) as server:
            store = Neo4jStore(server.uri, user=server.user, password=server.password,
                               database=server.database)
            start = time.perf_counter()
            result = store.replace_many(_documents(args["jsonl"]), actor="import:bench")
            import_runs.append(time.perf_counter() - start)
            out["rejected"] = len(result.rejected)
            if repeat == args["repeats"] - 1:
                ids: list[str] = args["ids"]
                for child_id in ids[:5]:
                    child_measures(store.get(child_id), at)
                latencies = []
                for child_id in ids:
                    start = time.perf_counter()
                    child_measures(store.get(child_id), at)
                    latencies.append(time.perf_counter() - start)
                out["measures_p50_ms"] = percentile(latencies, 50) * 1000
                out["measures_p95_ms"] = percentile(latencies, 95) * 1000
                start = time.perf_counter()
                docs = list(store.iter_documents())
                loaded = time.perf_counter()
                tables = CohortTables.from_documents(docs)
                built = time.perf_counter()
                cohort_measures(tables, at)
                out.update(load_documents_s=loaded - start, build_tables_s=built - loaded,
                           cohort_at_s=time.perf_counter() - built)
                del docs, tables
                start = time.perf_counter()
                store.cohort_tables()  # the dashboard's path on this store
                out["store_cohort_tables_s"] = time.perf_counter() - start
                process = server._process
                if process is not None:
                    out["server_peak_rss_mb"] = peak_rss_mb(process.pid)
            store.close()
    out["import_s"] = summary(import_runs)
    out["client_peak_rss_mb"] = peak_rss_mb()
    return out


def sample_ids(jsonl: str, count: int, seed: int = 7) -> list[str]:
    """A fixed random sample of child ids from a JSON Lines file."""
    with open(jsonl, encoding="utf-8") as fp:
        ids = [json.loads(line)["child"]["id"] for line in fp if line.strip()]
    ids.sort()
    return random.Random(seed).sample(ids, min(count, len(ids)))


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "parse": task_parse,
    "import": task_import,
    "child": task_child,
    "cohort": task_cohort,
    "naive": task_naive,
    "agree": task_agree,
    "neo4j": task_neo4j,
}


def main() -> None:
    """Run the task named in argv[1] with the JSON arguments in argv[2]; print JSON."""
    task, raw = sys.argv[1], sys.argv[2]
    result = TASKS[task](json.loads(raw))
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
