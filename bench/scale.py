"""Issue 15's figures side by side in one run: every target, the naive baseline, the
first round's documents -> tables path and today's packed path; wall and CPU time, peak
memory and the growth exponent between sizes. Writes ``bench/out/scale.json`` and the
"Scale" section of ``bench/RESULTS.md`` (between its markers; the rest of the file is
bench.report's).

Usage (data made or reused in ``bench/data/``)::

    python -m bench.neo4j_cohort --sizes 10000 --measure-at HH:MM   # the Bolt figure
    python -m bench.page_load --db bench/data/store-10000-seed42.db  # the page figure
    python -m bench.scale --sizes 1000,10000,100000 --at 2025-12-31

Every measurement runs cold in a fresh process (:mod:`bench.scale_tasks`, or the
``ecomap`` command itself). Sizes above 10,000 are made from the 10,000-child file as
renamed disjoint copies (``ecomap synth`` of 100,000 children takes about an hour of a
shared core): the same authority ten times over, every id distinct.
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
from graph.embedded import snapshots

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
    """The size's JSON Lines file and store (the store is imported by :func:`run`)."""
    if n > 10_000 and n % 10_000 == 0:
        jsonl = DATA / f"synth-{n}-seed{seed}x{n // 10_000}.jsonl"
        db = DATA / f"store-{n}-seed{seed}x{n // 10_000}.db"
        if not jsonl.exists():
            replicate_jsonl(data_for(10_000, seed)[0], jsonl, n // 10_000)
        return jsonl, db
    jsonl, db = DATA / f"synth-{n}-seed{seed}.jsonl", DATA / f"store-{n}-seed{seed}.db"
    if not jsonl.exists():
        log(f"synth {n}")
        DATA.mkdir(parents=True, exist_ok=True)
        done = ecomap("synth", "--children", str(n), "--seed", str(seed), "--out", str(jsonl))
        if done.returncode:
            raise SystemExit(done.stderr)
    return jsonl, db


def replicate_jsonl(source: Path, target: Path, copies: int) -> None:
    """``copies`` renamed copies of a synthetic file (ids ``wes-...`` become ``w01-...``
    and so on): one authority of ``copies`` times the children, every id distinct."""
    log(f"{target.name}: {copies} renamed copies of {source.name}")
    part = target.with_suffix(".part")
    with part.open("w") as out:
        for k in range(copies):
            prefix = '"wes-' if k == 0 else f'"w{k:02d}-'
            with source.open() as lines:
                for line in lines:
                    out.write(line.replace('"wes-', prefix))
    part.replace(target)


def _wait(proc: subprocess.Popen[str], start: float) -> dict[str, Any]:
    _, status, usage = os.wait4(proc.pid, 0)
    return {"wall_s": time.perf_counter() - start, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024, "status": os.waitstatus_to_exitcode(status)}


def measure_import(jsonl: Path, db: Path, n: int) -> dict[str, Any]:
    """``ecomap import`` into a fresh store ``db``."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "import", "--store", str(db),
         str(jsonl), "--no-progress"], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    measured = _wait(proc, start)
    out = proc.stdout.read() if proc.stdout else ""
    return {**measured, "children_per_s": n / measured["wall_s"],
            "children_per_cpu_s": n / measured["cpu_s"], "summary": out.strip()[:200]}


def measure_cli(db: Path, at: str, months: int) -> dict[str, Any]:
    """``ecomap dashboard --months M`` from the shell, cold (the whole process)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "dashboard", "--store",
         str(db), "--at", at, "--months", str(months)], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    measured = _wait(proc, start)
    out = proc.stdout.read() if proc.stdout else ""
    return {**measured, "output_bytes": len(out),
            "error": (proc.stderr.read() if proc.stderr else "")[-300:] if measured["status"]
            else ""}


def measure_api_first_call(db: Path, at: str) -> dict[str, Any]:
    """The API's first dashboard calls after start, as a leader of the whole authority:
    the dashboard a leader opens (today, the default 12 months), asked the moment the
    server answers (the start-up warm-up may still be making it), then again; after a
    second start, the same asked 30 s later (the warm-up done); and ``at``'s dashboard
    (a date the warm-up does not make)."""
    from bench.page_load import LEADER, PASSWORD, serve

    def first_calls(wait_s: float) -> dict[str, Any]:
        launched: list[float] = []
        proc, url = serve(ROOT, db, OUT / "scale-api", ready=launched)
        ready = launched[0]  # from launching the server (its accounts are made before)
        try:
            time.sleep(wait_s)
            with httpx.Client(base_url=url, timeout=600) as client:
                client.post("/api/auth/login", json={"username": LEADER, "password": PASSWORD}
                            ).raise_for_status()
                timed: dict[str, Any] = {"ready_s": ready, "wait_s": wait_s}
                for name, params in (("first", {}), ("second", {}), ("other_date", {"at": at})):
                    start = time.perf_counter()
                    answer = client.get("/api/dashboard", params=params)
                    timed[f"{name}_s"] = time.perf_counter() - start
                    timed[f"{name}_status"] = answer.status_code
                timed["has_plans"] = bool(answer.json().get("plans"))
            timed["server_peak_rss_mb"] = stats.peak_rss_mb(proc.pid)
            return timed
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    at_once = first_calls(0.0)
    later = first_calls(30.0)
    return {**at_once, "after_warm_up": later}


def write_one_child(db: Path) -> None:
    """One write of one child: a stored child's record written again as it is (a new
    revision listing the child; what the store holds is unchanged)."""
    from graph.embedded import EmbeddedStore

    with EmbeddedStore(db) as store:
        page = store.children(limit=1, offset=store.children(limit=0).count // 2)
        child = page.data[0].id
        store.replace(store.get(child), actor="bench", reason="one write before a read")


def work_ratio(naive: dict[str, Any], engine: dict[str, Any], clock: str = "wall") -> float:
    """How many times the naive baseline's work takes the engine's: each cold process's
    time less its modules' imports (0.0 for a run that did not time them).

    >>> work_ratio({"wall_s": 10.5, "imports_wall_s": 0.5}, {"wall_s": 0.5, "imports_wall_s": 0.25})
    40.0
    """
    if f"imports_{clock}_s" not in naive or f"imports_{clock}_s" not in engine:
        return 0.0
    return float((naive[f"{clock}_s"] - naive[f"imports_{clock}_s"])
                 / (engine[f"{clock}_s"] - engine[f"imports_{clock}_s"]))


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
        entry: dict[str, Any] = {"data": jsonl.name}
        results["sizes"][str(n)] = entry
        if not db.exists():
            log(f"{n}: ecomap import (the store the rest reads)")
            entry["import"] = measure_import(jsonl, db, n)
        common = {"db": str(db), "at": opts.at}
        log(f"{n}: cold `ecomap dashboard`, one date and {opts.months} months")
        for kind in snapshots.KINDS:  # the first read after a write: no columns file
            snapshots.path_for(str(db), kind).unlink(missing_ok=True)
        entry["cli_one_date_rows"] = measure_cli(db, opts.at, 1)  # ... and writes it
        entry["cli_one_date"] = measure_cli(db, opts.at, 1)
        write_one_child(db)  # the first read after a write: the stale file patched
        entry["cli_one_date_after_write"] = measure_cli(db, opts.at, 1)
        entry["cli_trend"] = measure_cli(db, opts.at, opts.months)
        log(f"{n}: cold cohort at one date (packed columns, documents, naive)")
        entry["at_columns"] = task("at", {**common, "how": "columns"})
        entry["at_packed_rows"] = task("at", {**common, "how": "packed_rows"})
        if n <= opts.documents_max:
            entry["at_documents"] = task("at", {**common, "how": "documents"})
        if n <= opts.naive_max:
            entry["naive"] = task("naive", {"jsonl": str(jsonl), "at": opts.at})
        entry["plans"] = task("plans", common)
        log(f"{n}: cold {opts.months}-month trend (one pass, month by month)")
        for trend in ("one_pass", "by_month"):
            entry[f"trend_{trend}"] = task("trend", {**common, "how": "columns",
                                                     "trend": trend, "months": opts.months})
        if "api" not in opts.skip:
            log(f"{n}: API dashboard, first call after start")
            entry["api"] = measure_api_first_call(db, opts.at)
        if "import" not in opts.skip and "import" not in entry and n <= opts.import_max:
            log(f"{n}: ecomap import (timed, into a scratch store)")
            scratch = DATA / f"scratch-import-{n}.db"
            entry["import"] = measure_import(jsonl, scratch, n)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{scratch}{suffix}").unlink(missing_ok=True)
        naive = entry.get("naive", {}).get("result")
        if naive:
            from bench.agreement import compare_cohort

            entry["naive_diffs"] = compare_cohort(entry["at_columns"].get("result") or {}, naive)
            entry["naive_agrees"] = not entry["naive_diffs"]
        entry["packed_rows_agree"] = (entry["at_packed_rows"].get("result")
                                      == entry["at_columns"].get("result"))
        documents = entry.get("at_documents", {}).get("result")
        if documents:
            entry["documents_agree"] = documents == entry["at_columns"].get("result")
        entry["trend_agrees"] = (entry["trend_one_pass"].get("result")
                                 == entry["trend_by_month"].get("result"))
        for key in ("at_columns", "at_packed_rows", "at_documents", "naive", "trend_one_pass",
                    "trend_by_month"):
            entry.get(key, {}).pop("result", None)
    neo4j = OUT / "neo4j-cohort.jsonl"
    if neo4j.exists():
        results["neo4j"] = [json.loads(line) for line in neo4j.read_text().splitlines()
                            if line.strip()]
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


ROWS = (  # (figure, path, key)
    ("cold `ecomap dashboard`, one date", "the command, first read after a write (no "
     "columns file: packed rows, then the file written)", "cli_one_date_rows"),
    ("cold `ecomap dashboard`, one date", "the command, whole process", "cli_one_date"),
    ("cold `ecomap dashboard`, one date", "the command, first read after a write of one "
     "child (the stale columns file patched)", "cli_one_date_after_write"),
    ("cold `ecomap dashboard`, 24 months", "the command, whole process", "cli_trend"),
    ("cohort at one date, cold", "naive (networkx per child, from JSON)", "naive"),
    ("cohort at one date, cold", "documents → tables (first round)", "at_documents"),
    ("cohort at one date, cold", "packed rows (round 3: a row per child)", "at_packed_rows"),
    ("cohort at one date, cold", "columns file (store.cohort_tables)", "at_columns"),
    ("24-month trend, cold", "month by month (first round's arithmetic)", "trend_by_month"),
    ("24-month trend, cold", "one pass, two threads (this round)", "trend_one_pass"),
    ("plans tables, cold", "store.plan_tables (packed plans)", "plans"),
    ("import", "`ecomap import`", "import"),
)


def _target_rows(results: dict[str, Any]) -> list[str]:
    """Each target of issue 15 with the figure this run measured and a verdict."""
    sizes = results["sizes"]
    big = sizes.get("100000") or sizes[max(sizes, key=int)]
    ten = sizes.get("10000", {})
    big_n = int(max(sizes, key=int))
    rows = []

    def verdict(ok: bool | None) -> str:
        return "—" if ok is None else ("**met**" if ok else "**missed**")

    one = big.get("cli_one_date", {})
    rows.append((f"cold `ecomap dashboard`, one date, {big_n:,}: ≤ 1.5 s wall, ≤ 500 MB",
                 f"{_f(one.get('wall_s'))} s wall ({_f(one.get('cpu_s'))} s CPU), "
                 f"{_f(one.get('peak_rss_mb'), 0)} MB",
                 verdict(one.get("wall_s") is not None and one["wall_s"] <= 1.5
                         and one["peak_rss_mb"] <= 500)))
    trend, cli = big.get("trend_one_pass", {}), big.get("cli_trend", {})
    rows.append((f"cold 24-month trend, {big_n:,}: ≤ 5 s",
                 f"`ecomap dashboard --months 24` {_f(cli.get('wall_s'))} s wall "
                 f"({_f(cli.get('cpu_s'))} s CPU); read + trend alone {_f(trend.get('wall_s'))} s "
                 f"wall ({_f(trend.get('cpu_s'))} s CPU)",
                 verdict(cli.get("wall_s") is not None and cli["wall_s"] <= 5)))
    neo = [r for r in results.get("neo4j", []) if r.get("children") == 10_000]
    if neo:
        walls = sorted(r["wall_s"] for r in neo[-1]["cohort_tables"])
        rows.append(("Neo4j `cohort_tables`, 10,000, Bolt test server: ≤ 3 s",
                     f"{', '.join(_f(w) for w in walls)} s wall "
                     f"(load {neo[-1]['loadavg_before'][0]:.1f}); equal to the documents: "
                     f"{neo[-1]['packed_equal_documents']}",
                     verdict(walls[len(walls) // 2] <= 3)))
    naive, cols = ten.get("naive", {}), ten.get("at_columns", {})
    if naive.get("cpu_s") and cols.get("cpu_s"):
        work = work_ratio(naive, cols)
        whole = naive["wall_s"] / cols["wall_s"]
        measured = (f"{work:.0f}x wall, {work_ratio(naive, cols, 'cpu'):.0f}x CPU: reading "
                    "and measuring, the modules' imports left out as in the issue's 4.6x; "
                    if work else "")
        rows.append(("engine incl. store read ≥ 50x naive, 10,000",
                     f"{measured}whole cold processes, imports included: {whole:.0f}x wall, "
                     f"{naive['cpu_s'] / cols['cpu_s']:.0f}x CPU (the engine's CPU counts "
                     "numpy's threads)", verdict((work or whole) >= 50)))
    imp = big.get("import", {})
    if imp.get("children_per_s"):
        rows.append((f"`ecomap import` ≥ 5,000 children/s, {big_n:,}",
                     f"{imp['children_per_s']:,.0f}/s wall ({imp['children_per_cpu_s']:,.0f} "
                     "per CPU-s)", verdict(imp["children_per_s"] >= 5000)))
    api = big.get("api", {})
    if api.get("first_s") is not None:
        later = api.get("after_warm_up", {})
        rows.append((f"API dashboard, {big_n:,}, first call after start: ≤ 2 s",
                     f"asked the moment the server answers ({_f(api['ready_s'])} s after "
                     f"start): {_f(api['first_s'])} s (today, 12 months and plans: the "
                     f"start-up warm-up still making it); asked 30 s after start: "
                     f"{_f(later.get('first_s'))} s; another date, not warmed: "
                     f"{_f(api['other_date_s'])} s", verdict(api["first_s"] <= 2)))
    page = results.get("page_load", {}).get("after")
    if page:
        rows.append(("dashboard page first load, 10 Mbit/s, empty cache: ≤ 1.5 s",
                     f"load event {_f(page['load_ms'], 0)} ms, charts drawn "
                     f"{_f(page['drawn_ms'], 0)} ms", verdict(page["load_ms"] <= 1500)))
    return ["| target | measured | verdict |", "|---|---|---|",
            *[f"| {a} | {b} | {c} |" for a, b, c in rows]]


def render(results: dict[str, Any]) -> str:
    """The Scale section of RESULTS.md."""
    sizes = results["sizes"]
    lines = [
        BEGIN,
        "## Scale (issue 15): every figure side by side, one run",
        "",
        f"`python -m bench.scale` ({results['started'][:16]}Z to {results['finished'][11:16]}Z; "
        f"load average {results['load_start'][0]:.1f} at start, {results['load_end'][0]:.1f} "
        "at end, on 2 cores shared with the other engineers: each row's own load is in "
        "`bench/out/scale.json`). Every row is one cold process: imports, opening and reading "
        "the store included. Peak memory is the process's. "
        f"As-at date {results['at']}. 100,000 children: ten renamed copies of the "
        "10,000-child synthetic authority (seed 42).",
        "",
        "**Targets**", "",
        *_target_rows(results),
        "",
        "| children | figure | path | wall s | CPU s | peak MB | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, entry in sizes.items():
        for figure, path, key in ROWS:
            e = entry.get(key)
            if not e:
                continue
            note = e.get("error", "") or ""
            if isinstance(note, list):
                note = " ".join(note)[-120:]
            if key == "import" and "children_per_s" in e:
                note = (f"{e['children_per_s']:,.0f} children/s wall, "
                        f"{e['children_per_cpu_s']:,.0f} per CPU-s")
            if key == "trend_one_pass":
                note = f"equal to month by month: {entry.get('trend_agrees')}"
            if key == "naive":
                note = f"equal to the engine: {entry.get('naive_agrees')}"
            if key == "at_documents":
                note = f"equal to the columns file: {entry.get('documents_agree')}"
            if key == "at_packed_rows":
                note = f"equal to the columns file: {entry.get('packed_rows_agree')}"
            if key == "at_columns" and e.get("read_cpu_s") is not None:
                note = (f"of which the store read {_f(e['read_wall_s'])} s wall, "
                        f"{_f(e['read_cpu_s'])} s CPU, the imports "
                        f"{_f(e.get('imports_wall_s'))} s wall")
            if "load_before" in e:
                note = f"{note} (load {e['load_before']:.1f})".strip()
            lines.append(f"| {int(n):,} | {figure} | {path} | {_f(e.get('wall_s'))} | "
                         f"{_f(e.get('cpu_s'))} | {_f(e.get('peak_rss_mb'), 0)} | {note} |")
        api = entry.get("api")
        if api:
            later = api.get("after_warm_up", {})
            lines.append(f"| {int(n):,} | API dashboard, first call after start | `GET "
                         f"/api/dashboard` (today, 12-month trend, plans) asked the moment the "
                         f"server answers | {_f(api.get('first_s'))} | — | "
                         f"{_f(api.get('server_peak_rss_mb'), 0)} (server) | ready "
                         f"{_f(api.get('ready_s'))} s after start; second call "
                         f"{_f(api.get('second_s'))} s; `at` {_f(api.get('other_date_s'))} s |")
            lines.append(f"| {int(n):,} | API dashboard, first call after start | the same, "
                         f"asked 30 s after start | {_f(later.get('first_s'))} | — | "
                         f"{_f(later.get('server_peak_rss_mb'), 0)} (server) | `at` "
                         f"{_f(later.get('other_date_s'))} s |")
        naive, cols, docs = (entry.get("naive", {}), entry.get("at_columns", {}),
                             entry.get("at_documents", {}))
        if naive.get("wall_s") and cols.get("wall_s"):
            lines.append(
                f"| {int(n):,} | engine incl. store read vs naive | ratio | "
                f"{naive['wall_s'] / cols['wall_s']:.1f}x | "
                f"{naive['cpu_s'] / cols['cpu_s']:.1f}x | — | naive ÷ cold packed path; "
                f"imports left out: {work_ratio(naive, cols):.1f}x wall, "
                f"{work_ratio(naive, cols, 'cpu'):.1f}x CPU |")
        if docs.get("wall_s") and cols.get("wall_s"):
            lines.append(
                f"| {int(n):,} | packed vs documents → tables | ratio | "
                f"{docs['wall_s'] / cols['wall_s']:.1f}x | "
                f"{docs['cpu_s'] / cols['cpu_s']:.1f}x | — | first round ÷ cold packed path |")
    lines += ["", "**Growth** (CPU seconds; exponent = log(figure ratio) ÷ log(size ratio), "
              "1.0 is linear):", "", "| figure | sizes | exponent |", "|---|---|---|"]
    ns = sorted(sizes, key=int)
    for key, label in (("import", "import"), ("cli_one_date", "`ecomap dashboard`, one date"),
                       ("cli_trend", "`ecomap dashboard`, 24 months"),
                       ("at_columns", "cohort at one date, packed, cold"),
                       ("at_documents", "documents → tables, cold"), ("naive", "naive"),
                       ("trend_one_pass", "trend, one pass, cold"),
                       ("trend_by_month", "trend, month by month, cold")):
        pairs = [(ns[0], ns[-1])] if len(ns) > 1 else []
        pairs += [p for p in itertools.pairwise(ns) if p not in pairs]
        for a, b in pairs:
            small, large = sizes[a].get(key, {}), sizes[b].get(key, {})
            if small.get("cpu_s") and large.get("cpu_s"):
                e = exponent(small["cpu_s"], large["cpu_s"], int(b) / int(a))
                lines.append(f"| {label} | {int(a):,} → {int(b):,} | {_f(e)} |")
    neo = results.get("neo4j", [])
    if neo:
        lines += ["", "**Neo4j store on the Bolt test server** (`python -m bench.neo4j_cohort`; "
                  "client CPU, the rest is the server's; timed after the import):", "",
                  "| children | import s | cohort_tables wall s | client CPU s | load | "
                  "equal to the documents |", "|---|---|---|---|---|---|"]
        for r in neo:
            lines.append(f"| {r['children']:,} | {_f(r['import_s'], 0)} | "
                         f"{', '.join(_f(x['wall_s']) for x in r['cohort_tables'])} | "
                         f"{', '.join(_f(x['cpu_s']) for x in r['cohort_tables'])} | "
                         f"{r['loadavg_before'][0]:.1f} | {r['packed_equal_documents']} |")
    page = results.get("page_load", {})
    if page:
        lines += ["", "**Dashboard page, first load** (headless Chromium, "
                  f"{page.get('after', page.get('before', {})).get('mbit', 10):.0f} Mbit/s and "
                  "20 ms latency by CDP, empty cache; `python -m bench.page_load`; median of "
                  "the runs after a first one that warms the server's cache; before = round 2's "
                  "starting point):", "",
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
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--at", default="2025-12-31")
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--skip", default="", help="comma list: import,api")
    parser.add_argument("--naive-max", type=int, default=10_000,
                        help="largest size the naive baseline runs at")
    parser.add_argument("--documents-max", type=int, default=10_000,
                        help="largest size the documents -> tables path runs at")
    parser.add_argument("--import-max", type=int, default=100_000,
                        help="largest size `ecomap import` is timed at (into a scratch store)")
    parser.add_argument("--render-only", action="store_true")
    opts = parser.parse_args(argv)
    opts.skip = set(filter(None, opts.skip.split(",")))
    out = OUT / "scale.json"
    if opts.render_only:
        results = json.loads(out.read_text())
    else:
        results = run(opts)
        OUT.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2, default=str))
    splice(render(results), ROOT / "bench" / "RESULTS.md")
    print(render(results))


if __name__ == "__main__":
    main()
