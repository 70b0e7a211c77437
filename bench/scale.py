"""Issue 15's figures side by side in one run: the naive baseline, the first round's
documents → tables path, and this round's paths; wall and CPU time, peak memory and the
growth exponent between sizes. Writes ``bench/out/scale.json`` and the "Scale" section
of ``bench/RESULTS.md`` (between its markers; the rest of the file is bench.report's).

Usage (1k and 10k; data made or reused in ``bench/data/``)::

    python -m bench.scale --sizes 1000,10000 --at 2025-12-31
    python -m bench.page_load ...   # before and after; its JSON is read from bench/out/

Every measurement runs cold in a fresh process (:mod:`bench.scale_tasks`).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import stats

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
OUT = ROOT / "bench" / "out"
BEGIN, END = "<!-- scale:begin -->", "<!-- scale:end -->"


def log(message: str) -> None:
    stamp = datetime.now(UTC).strftime("%H:%M:%S")
    print(f"[{stamp} load {stats.loadavg()[0]:.1f}] {message}", file=sys.stderr, flush=True)


def task(name: str, args: dict[str, Any], timeout: float = 3600) -> dict[str, Any]:
    """One cold measurement in a fresh process (its own peak memory)."""
    load = stats.loadavg()[0]
    done = subprocess.run([sys.executable, "-m", "bench.scale_tasks", name, json.dumps(args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-5:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["load_before"] = load
    return result


def ecomap(*args: str) -> subprocess.CompletedProcess[str]:
    """``ecomap ARGS`` from this checkout."""
    return subprocess.run([sys.executable, "-c", "from api.cli import main; main()", *args],
                          cwd=ROOT, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def data_for(n: int, seed: int) -> tuple[Path, Path]:
    jsonl, db = DATA / f"synth-{n}-seed{seed}.jsonl", DATA / f"store-{n}-seed{seed}.db"
    if not jsonl.exists():
        log(f"synth {n}")
        DATA.mkdir(parents=True, exist_ok=True)
        done = ecomap("synth", "--children", str(n), "--seed", str(seed), "--out", str(jsonl))
        if done.returncode:
            raise SystemExit(done.stderr)
    return jsonl, db


def measure_import(jsonl: Path, db: Path, n: int) -> dict[str, Any]:
    """``ecomap import`` into a fresh store (kept as the size's store)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "import", "--store", str(db),
         str(jsonl)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out = proc.stdout.read() if proc.stdout else ""
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": usage.ru_maxrss / 1024,
            "children_per_s": n / wall, "children_per_cpu_s": n / cpu,
            "status": os.waitstatus_to_exitcode(status), "summary": out.strip()[:200]}


def measure_api_first_call(db: Path, at: str) -> dict[str, Any]:
    """The API's first dashboard call after start (as a leader of the whole authority)."""
    from bench.page_load import LEADER, PASSWORD, serve

    proc, url = serve(ROOT, db, OUT / "scale-api")
    try:
        with httpx.Client(base_url=url, timeout=600) as client:
            client.post("/api/auth/login", json={"username": LEADER, "password": PASSWORD}
                        ).raise_for_status()
            start = time.perf_counter()
            first = client.get("/api/dashboard", params={"at": at})
            took = time.perf_counter() - start
            start = time.perf_counter()
            client.get("/api/dashboard", params={"at": at})
            again = time.perf_counter() - start
        return {"first_s": took, "second_s": again, "status": first.status_code,
                "server_peak_rss_mb": stats.peak_rss_mb(proc.pid)}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def exponent(small: float, large: float, ratio: float) -> float | None:
    if small <= 0 or large <= 0:
        return None
    return math.log(large / small) / math.log(ratio)


def run(opts: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"started": datetime.now(UTC).isoformat(),
                               "machine": stats.machine(),
                               "load_start": stats.loadavg(), "at": opts.at, "sizes": {}}
    for n in [int(s) for s in opts.sizes.split(",")]:
        jsonl, db = data_for(n, opts.seed)
        entry: dict[str, Any] = {}
        results["sizes"][str(n)] = entry
        if "import" not in opts.skip or not db.exists():
            log(f"{n}: ecomap import")
            entry["import"] = measure_import(jsonl, db, n)
        common = {"db": str(db), "at": opts.at}
        log(f"{n}: cold dashboard at one date (columns, documents, naive)")
        entry["at_columns"] = task("at", {**common, "how": "columns"})
        if "documents" not in opts.skip:
            entry["at_documents"] = task("at", {**common, "how": "documents"})
        if "naive" not in opts.skip:
            entry["naive"] = task("naive", {"jsonl": str(jsonl), "at": opts.at})
        log(f"{n}: cold {opts.months}-month trend (one pass, month by month)")
        for trend in ("one_pass", "by_month"):
            entry[f"trend_{trend}"] = task("trend", {**common, "how": "columns",
                                                     "trend": trend, "months": opts.months})
        if "api" not in opts.skip:
            log(f"{n}: API dashboard, first call after start")
            entry["api"] = measure_api_first_call(db, opts.at)
        naive = entry.get("naive", {}).get("result")
        if naive:
            from bench.agreement import compare_cohort

            entry["naive_diffs"] = compare_cohort(entry["at_columns"].get("result") or {}, naive)
            entry["naive_agrees"] = not entry["naive_diffs"]
        entry["trend_agrees"] = (entry["trend_one_pass"].get("result")
                                 == entry["trend_by_month"].get("result"))
        for key in ("at_columns", "at_documents", "naive", "trend_one_pass", "trend_by_month"):
            entry.get(key, {}).pop("result", None)
    if opts.arithmetic_copies:
        n = max(int(k) for k in results["sizes"])
        log(f"cohort arithmetic on {opts.arithmetic_copies} copies of the {n} store's tables")
        results["arithmetic"] = task("arithmetic", {
            "db": str(data_for(n, opts.seed)[1]), "at": opts.at, "months": opts.months,
            "copies": opts.arithmetic_copies})
        results["arithmetic"]["copies_of"] = n
    page = OUT / "page-load.json"
    if page.exists():
        results["page_load"] = json.loads(page.read_text())
    results["load_end"] = stats.loadavg()
    results["finished"] = datetime.now(UTC).isoformat()
    return results


def _f(value: Any, places: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{places}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def render(results: dict[str, Any]) -> str:
    """The Scale section of RESULTS.md."""
    sizes = results["sizes"]
    lines = [
        BEGIN,
        "## Scale (issue 15): every figure side by side, one run",
        "",
        f"`python -m bench.scale` ({results['started'][:16]}Z to {results['finished'][11:16]}Z; "
        f"load average {results['load_start'][0]:.1f} at start, {results['load_end'][0]:.1f} "
        "at end: the 2 cores were shared with seven engineers' tests, so wall times are "
        "inflated and CPU seconds are the figures to compare). Every row is one cold process: "
        "imports, opening and reading the store included. Peak memory is the process's. "
        f"As-at date {results['at']}.",
        "",
        "| children | figure | path | wall s | CPU s | peak MB | note |",
        "|---|---|---|---|---|---|---|",
    ]
    rows = [
        ("import", "`ecomap import`", "import"),
        ("cohort at one date", "naive (networkx per child, from JSON)", "naive"),
        ("cohort at one date", "documents → tables (first round)", "at_documents"),
        ("cohort at one date", "store.cohort_tables (SQL columns, today)", "at_columns"),
        ("24-month trend", "month by month (first round)", "trend_by_month"),
        ("24-month trend", "one pass (this round)", "trend_one_pass"),
    ]
    for n, entry in sizes.items():
        for figure, path, key in rows:
            e = entry.get(key)
            if not e:
                continue
            note = e.get("error", "")
            if key == "import" and "children_per_s" in e:
                note = (f"{e['children_per_s']:,.0f} children/s wall, "
                        f"{e['children_per_cpu_s']:,.0f} per CPU-s")
            if key == "trend_one_pass":
                note = f"equal to month by month: {entry.get('trend_agrees')}"
            if key == "naive":
                note = f"equal to the engine: {entry.get('naive_agrees')}"
            lines.append(f"| {int(n):,} | {figure} | {path} | {_f(e.get('wall_s'))} | "
                         f"{_f(e.get('cpu_s'))} | {_f(e.get('peak_rss_mb'), 0)} | {note} |")
        api = entry.get("api")
        if api:
            lines.append(f"| {int(n):,} | API dashboard, first call after start | `GET "
                         f"/api/dashboard` (12-month trend) | {_f(api.get('first_s'))} | — | "
                         f"{_f(api.get('server_peak_rss_mb'), 0)} (server) | second call "
                         f"{_f(api.get('second_s'))} s |")
        naive, cols = entry.get("naive", {}), entry.get("at_columns", {})
        if naive.get("wall_s") and cols.get("wall_s"):
            lines.append(
                f"| {int(n):,} | engine incl. store read vs naive | ratio | "
                f"{naive['wall_s'] / cols['wall_s']:.1f}x | "
                f"{naive['cpu_s'] / cols['cpu_s']:.1f}x | — | naive ÷ cold columns path |")
    lines += ["", "**Growth** (CPU seconds; exponent = log(figure ratio) ÷ log(size ratio), "
              "1.0 is linear):", "", "| figure | sizes | exponent |", "|---|---|---|"]
    ns = sorted(sizes, key=int)
    for key, label in (("import", "import"), ("at_columns", "cohort at one date, cold"),
                       ("at_documents", "documents → tables, cold"), ("naive", "naive"),
                       ("trend_one_pass", "trend, one pass, cold"),
                       ("trend_by_month", "trend, month by month, cold")):
        for a, b in itertools.pairwise(ns):
            small, large = sizes[a].get(key, {}), sizes[b].get(key, {})
            if small.get("cpu_s") and large.get("cpu_s"):
                e = exponent(small["cpu_s"], large["cpu_s"], int(b) / int(a))
                lines.append(f"| {label} | {int(a):,} → {int(b):,} | {_f(e)} |")
    arith = results.get("arithmetic")
    if arith and "children" in arith:
        lines += ["", f"**The cohort arithmetic alone at {arith['children']:,} children** (tables "
                  f"in memory: {arith.get('copies', '')} disjoint copies "
                  f"of the {int(arith['copies_of']):,}-child store's tables, "
                  f"{arith['ties']:,} ties, {arith['observations']:,} observations; "
                  "`bench.scale_tasks.replicate`):", "",
                  "| figure | wall s | CPU s | peak MB |", "|---|---|---|---|"]
        for key, label in (("at", "cohort at one date"),
                           ("trend_by_month", "24-month trend, month by month"),
                           ("trend_one_pass", "24-month trend, one pass")):
            e = arith[key]
            lines.append(f"| {label} | {_f(e['wall_s'])} | {_f(e['cpu_s'])} | "
                         f"{_f(e['peak_rss_mb'], 0)} |")
        lines.append(f"\nOne pass equal to month by month: {arith.get('trend_agrees')}.")
    page = results.get("page_load", {})
    if page:
        lines += ["", "**Dashboard page, first load** (headless Chromium, "
                  f"{page.get('after', page.get('before', {})).get('mbit', 10):.0f} Mbit/s and "
                  "20 ms latency by CDP, empty cache; `python -m bench.page_load`; median of "
                  "the runs after a first one that warms the server's cache):", "",
                  "| code | load event ms | charts drawn ms | bytes on the wire | plotly.js on "
                  "the wire |", "|---|---|---|---|---|"]
        for label in ("before", "after"):
            p = page.get(label)
            if p:
                lines.append(f"| {label} | {_f(p['load_ms'], 0)} | {_f(p['drawn_ms'], 0)} | "
                             f"{p['wire_bytes']:,} | {p['largest']['wire']:,} |")
    lines.append(END)
    return "\n".join(lines)


def splice(section: str, md: Path) -> None:
    """Put the section at the top of RESULTS.md (replacing the previous one)."""
    text = md.read_text() if md.exists() else ""
    if BEGIN in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        text = head + section + tail
    else:
        first, _, rest = text.partition("\n\n")
        text = f"{first}\n\n{section}\n\n{rest}"
    md.write_text(text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--at", default="2025-12-31")
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--skip", default="", help="comma list: import,documents,naive,api")
    parser.add_argument("--arithmetic-copies", type=int, default=0,
                        help="also time the arithmetic on this many copies of the largest "
                             "size's tables (e.g. 10: 100k children from the 10k store)")
    parser.add_argument("--only-arithmetic", action="store_true",
                        help="add the arithmetic step to the saved run, measuring nothing else")
    parser.add_argument("--render-only", action="store_true")
    opts = parser.parse_args(argv)
    opts.skip = set(filter(None, opts.skip.split(",")))
    out = OUT / "scale.json"
    if opts.only_arithmetic:
        results = json.loads(out.read_text())
        n = max(int(k) for k in results["sizes"])
        log(f"cohort arithmetic on {opts.arithmetic_copies} copies of the {n} store's tables")
        results["arithmetic"] = task("arithmetic", {
            "db": str(data_for(n, opts.seed)[1]), "at": opts.at, "months": opts.months,
            "copies": opts.arithmetic_copies}) | {"copies_of": n}
        out.write_text(json.dumps(results, indent=2, default=str))
    if opts.render_only or opts.only_arithmetic:
        results = json.loads(out.read_text())
        page = OUT / "page-load.json"
        if page.exists():
            results["page_load"] = json.loads(page.read_text())
    else:
        results = run(opts)
        OUT.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2, default=str))
    splice(render(results), ROOT / "bench" / "RESULTS.md")
    print(render(results))


if __name__ == "__main__":
    main()
