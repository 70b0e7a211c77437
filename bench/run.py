"""One command for the whole benchmark: ``python -m bench.run --sizes 1000,10000 --repeats 5``.

Synthesises stores (``ecomap synth``, seed 42, kept in ``bench/data/`` and reused),
then runs each measurement in its own process (:mod:`bench.worker`), the API under
load from a second process (:mod:`bench.api_load`), the naive baseline and the
Neo4j store side by side, and writes ``bench/out/results.json``, the plots and
``bench/RESULTS.md`` (:mod:`bench.report`). Results are written after every step,
so a run cut short still reports what it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench import stats
from bench.naive import month_ends

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / "data"
OUT = BENCH / "out"
PYTHON = ROOT / ".venv" / "bin" / "python"
ECOMAP = ROOT / ".venv" / "bin" / "ecomap"


def log(message: str) -> None:
    """Progress on stderr with the time and the load average."""
    stamp = datetime.now(UTC).strftime("%H:%M:%S")
    print(f"[{stamp} load {stats.loadavg()[0]:.2f}] {message}", file=sys.stderr, flush=True)


def worker(task: str, args: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run one measurement task in a fresh process and return its JSON result."""
    started = time.perf_counter()
    load_before = stats.loadavg()[0]
    try:
        done = subprocess.run(
            [str(PYTHON), "-m", "bench.worker", task, json.dumps(args)],
            cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    wall = time.perf_counter() - started
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-12:]
        return {"error": f"exit {done.returncode}", "stderr_tail": tail}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = round(wall, 3)
    result["loadavg_before"] = load_before
    result["loadavg_after"] = stats.loadavg()[0]
    return result


def synth_file(children: int, seed: int) -> tuple[Path, dict[str, Any]]:
    """The synthetic JSON Lines file for ``children`` (made once, then reused)."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"synth-{children}-seed{seed}.jsonl"
    info: dict[str, Any] = {"path": str(path.relative_to(ROOT)), "reused": path.exists()}
    if not path.exists():
        partial = path.with_suffix(".partial")
        start = time.perf_counter()
        command = [str(ECOMAP), "synth", "--children", str(children), "--seed", str(seed),
                   "--out", str(partial)]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode == 0 and partial.exists():
            info["command"] = " ".join(["ecomap", *command[1:-1], str(path.relative_to(ROOT))])
        else:  # the CLI command is not there (yet): the same generator, called directly
            log(f"ecomap synth unavailable ({done.stderr.strip()[-200:]}); using the library")
            from ecomap.format import write_jsonl
            from ecomap.synth import synthesize

            start = time.perf_counter()
            with partial.open("w", encoding="utf-8") as fp:
                write_jsonl(synthesize(children, seed), fp)
            info["command"] = f"write_jsonl(synthesize({children}, {seed}))"
        os.replace(partial, path)
        info["seconds"] = time.perf_counter() - start
    info["bytes"] = path.stat().st_size
    return path, info


def auto_at(path: Path) -> date:
    """The last month end on or before the latest observation in the file."""
    latest = date.min
    with path.open(encoding="utf-8") as fp:
        for line in fp:
            doc = json.loads(line)
            for obs in doc.get("observations", []):
                latest = max(latest, date.fromisoformat(obs["on"]))
    return month_ends(latest, 2)[0] if month_ends(latest, 1)[0] != latest else latest


RESULTS = OUT / "results.json"


def save(results: dict[str, Any]) -> None:
    """Write the results file (done after every step, so a cut-short run still reports)."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1, default=str))


def run_size(n: int, opts: argparse.Namespace, at: date, results: dict[str, Any]) -> None:
    """Every measurement at one store size."""
    from bench.worker import sample_ids

    entry: dict[str, Any] = results["sizes"].setdefault(str(n), {})
    path, info = synth_file(n, opts.seed)
    entry["synth"] = info
    save(results)
    big = n >= 100_000
    repeats = max(1, min(opts.repeats, 3)) if big else opts.repeats
    import_repeats = opts.import_repeats or repeats
    jsonl = str(path)
    db = DATA / f"store-{n}-seed{opts.seed}.db"
    skip = set(opts.skip)

    if "parse" not in skip:
        log(f"{n}: parse")
        entry["parse"] = worker("parse", {"jsonl": jsonl}, timeout=3600)
        save(results)
    if "import" not in skip:
        log(f"{n}: import x{import_repeats}")
        entry["import"] = worker(
            "import",
            {"jsonl": jsonl, "db": str(DATA / f"import-{n}.db"), "keep": str(db),
             "repeats": import_repeats},
            timeout=7200,
        )
        _throughput(entry)
        save(results)
    if "import_cli" not in skip and n <= opts.cli_import_max:
        log(f"{n}: ecomap import (the CLI, once)")
        entry["import_cli"] = cli_import(path, DATA / f"import-cli-{n}.db", entry.get("parse", {}))
        save(results)
    ids = sample_ids(jsonl, opts.sample)
    if "child" not in skip:
        log(f"{n}: one child through the library x{opts.repeats}")
        entry["child_library"] = worker(
            "child", {"db": str(db), "at": at.isoformat(), "ids": ids, "repeats": opts.repeats},
            timeout=1800,
        )
        save(results)
    if "api" not in skip:
        from bench.api_load import run_api

        log(f"{n}: API latency and load")
        try:
            entry["api"] = run_api(db, ids, at, repeats=opts.repeats, seconds=opts.load_seconds,
                                   connections=opts.connections, out=OUT / f"api-{n}",
                                   dashboard=n <= opts.dashboard_max)
        except Exception as error:  # an API not there yet is a gap in the report, not a crash
            entry["api"] = {"error": repr(error)[:500]}
        save(results)
    engine_out = OUT / f"cohort-engine-{n}.json"
    if "cohort" not in skip:
        log(f"{n}: cohort at {at} and {opts.months}-month trend")
        entry["cohort"] = worker(
            "cohort",
            {"db": str(db), "at": at.isoformat(), "months": opts.months, "repeats": repeats,
             "trend_repeats": 1 if big else min(repeats, 3), "out": str(engine_out),
             "documents_path": n <= opts.documents_path_max},
            timeout=7200,
        )
        save(results)
    naive_out = OUT / f"cohort-naive-{n}.json"
    if "naive" not in skip and n <= opts.naive_max:
        trend_dates: list[str] = []
        if n <= opts.naive_trend_max:
            trend_dates = list(entry.get("cohort", {}).get("trend_dates") or [])
            if not trend_dates:
                trend_dates = [d.isoformat() for d in month_ends(at, opts.months)]
        naive_repeats = 1 if big else (repeats if n <= 1000 else min(repeats, 3))
        log(f"{n}: naive baseline x{naive_repeats}")
        entry["naive"] = worker(
            "naive",
            {"jsonl": jsonl, "at": at.isoformat(), "repeats": naive_repeats,
             "trend_dates": trend_dates, "trend_repeats": 1, "out": str(naive_out),
             "stream": n > 10_000},
            timeout=7200,
        )
        _ratio(entry)
        save(results)
    if "agree" not in skip:
        log(f"{n}: engine against naive, child by child")
        dates = [at, month_ends(at, 7)[0], month_ends(at, 13)[0]]
        entry["agreement"] = worker(
            "agree",
            {"jsonl": jsonl, "ids": None if n <= 1000 else ids[: opts.agree_sample],
             "dates": [d.isoformat() for d in dates],
             "perspectives": ["combined", "child", "worker"],
             "engine_out": str(engine_out) if engine_out.exists() else None,
             "naive_out": str(naive_out) if naive_out.exists() else None},
            timeout=3600,
        )
        save(results)
    if "neo4j" not in skip and n <= opts.neo4j_max:
        log(f"{n}: Neo4j store on the Bolt test server")
        entry["neo4j"] = worker(
            "neo4j",
            {"jsonl": jsonl, "at": at.isoformat(), "ids": ids[:100],
             "repeats": 1 if n > 1000 else min(repeats, 3)},
            timeout=5400,
        )
        save(results)


def cli_import(jsonl: Path, db: Path, parse: dict[str, Any]) -> dict[str, Any]:
    """``ecomap import FILE --store DB`` end to end: wall time and the process's peak RSS."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    command = [str(ECOMAP), "import", str(jsonl), "--store", str(db), "--no-progress"]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace")[-500:] if process.stderr else ""
    out: dict[str, Any] = {
        "command": "ecomap import " + str(jsonl.relative_to(ROOT)) + " --store DB",
        "seconds": seconds, "exit": process.returncode, "peak_rss_mb": usage.ru_maxrss / 1024,
        "store_bytes": sum(Path(str(db) + s).stat().st_size for s in ("", "-wal", "-shm")
                           if Path(str(db) + s).exists()),
    }
    if process.returncode != 0:
        out["error"] = error
    if parse.get("documents"):
        out["docs_per_s"] = parse["documents"] / seconds
        out["ties_per_s"] = parse["ties"] / seconds
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    return out


def _throughput(entry: dict[str, Any]) -> None:
    imported = entry.get("import", {})
    parse = entry.get("parse", {})
    seconds = imported.get("seconds", {}).get("values")
    if not seconds or "documents" not in parse:
        return
    docs, ties = parse["documents"], parse["ties"]
    imported["docs_per_s"] = stats.summary([docs / s for s in seconds])
    imported["ties_per_s"] = stats.summary([ties / s for s in seconds])


def _ratio(entry: dict[str, Any]) -> None:
    engine = entry.get("cohort", {})
    slow = entry.get("naive", {})
    if "at_s" not in engine or "at_s" not in slow or not engine["at_s"].get("median"):
        return
    naive_s = slow["at_s"]["median"]
    entry["speed_ratio"] = {
        "cohort_at": naive_s / engine["at_s"]["median"],
        "cohort_at_with_tables": naive_s / (engine["at_s"]["median"] + engine.get(
            "store_cohort_tables_s", engine.get("build_tables_s", 0.0))),
    }
    if slow.get("at_cpu_s", {}).get("median") and engine.get("at_cpu_s", {}).get("median"):
        entry["speed_ratio"]["cohort_at_cpu"] = (
            slow["at_cpu_s"]["median"] / engine["at_cpu_s"]["median"])
    if slow.get("trend_s", {}).get("median") and engine.get("trend_s", {}).get("median"):
        entry["speed_ratio"]["trend"] = slow["trend_s"]["median"] / engine["trend_s"]["median"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="children per store, comma-separated")
    parser.add_argument("--repeats", type=int, default=5, help="repeats per measurement")
    parser.add_argument("--quick", action="store_true", help="1k smoke run (2 repeats)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--import-repeats", type=int, default=0,
                        help="repeats of the import (default: as --repeats; 3 at most at 100k)")
    parser.add_argument("--at", default="auto", help="the 'as at' date (auto: last month end)")
    parser.add_argument("--months", type=int, default=24, help="trend length in months")
    parser.add_argument("--sample", type=int, default=200, help="children sampled for latency")
    parser.add_argument("--agree-sample", type=int, default=500,
                        help="children compared engine-vs-naive above 1k (all at 1k)")
    parser.add_argument("--naive-max", type=int, default=100_000,
                        help="largest size the naive baseline runs at")
    parser.add_argument("--naive-trend-max", type=int, default=1000,
                        help="largest size the naive baseline also runs the trend at")
    parser.add_argument("--neo4j-max", type=int, default=10_000,
                        help="largest size the Neo4j store is measured at")
    parser.add_argument("--cli-import-max", type=int, default=10_000,
                        help="largest size also imported once through `ecomap import`")
    parser.add_argument("--dashboard-max", type=int, default=10_000,
                        help="largest size the API dashboard is called at (it rebuilds the "
                        "cohort tables from the store on every request)")
    parser.add_argument("--documents-path-max", type=int, default=10_000,
                        help="largest size also timing tables built from documents")
    parser.add_argument("--load-seconds", type=int, default=10, help="duration of each load test")
    parser.add_argument("--connections", type=int, default=8, help="concurrent load connections")
    parser.add_argument("--skip", default="", help="comma list: parse,import,import_cli,child,api,"
                        "cohort,naive,agree,neo4j (later steps reuse an earlier store)")
    parser.add_argument("--no-report", action="store_true", help="do not render RESULTS.md")
    parser.add_argument("--results", default=str(OUT / "results.json"),
                        help="results file; RESULTS.md also takes figures missing from it "
                        "from any bench/out/results-*.json (e.g. a separate Neo4j run)")
    opts = parser.parse_args(argv)
    if opts.quick:
        opts.sizes, opts.repeats, opts.load_seconds = "1000", 2, 5
    opts.skip = [s for s in opts.skip.split(",") if s]
    return opts


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and write results.json, the plots and RESULTS.md."""
    global RESULTS
    opts = parse_args(argv)
    RESULTS = Path(opts.results)
    sizes = sorted(int(s) for s in opts.sizes.split(","))
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": stats.machine(),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                 capture_output=True, text=True, check=False).stdout.strip(),
        "options": {k: v for k, v in vars(opts).items()},
        "sizes": {},
    }
    first, _ = synth_file(sizes[0], opts.seed)
    at = auto_at(first) if opts.at == "auto" else date.fromisoformat(opts.at)
    results["at"] = at.isoformat()
    log(f"as at {at}; sizes {sizes}")
    for n in sizes:
        run_size(n, opts, at, results)
    results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["machine"]["loadavg_at_end"] = stats.loadavg()
    save(results)
    if not opts.no_report:
        from bench.report import render

        render(OUT / "results.json", BENCH / "RESULTS.md", OUT)
    log("done")


if __name__ == "__main__":
    main()
