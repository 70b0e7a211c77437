"""Render ``bench/RESULTS.md`` and the time-against-size plot from ``results.json``.

``python -m bench.report`` re-renders from the last run without measuring again.
Hand-written analysis (profiles, what limits each figure) lives in
``bench/ANALYSIS.md`` and is appended verbatim.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"

TARGETS = (
    ("cohort measures at one date, 100k children", "< 5 s"),
    ("24-month trend, 100k children", "< 60 s"),
    ("one child's measures via the API, p95, 100k store", "< 20 ms"),
    ("import into the embedded store", ">= 2,000 children/s"),
    ("engine vs naive on cohort measures, 10k children", ">= 20x"),
)


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def fmt(value: Any, digits: int = 2) -> str:
    """A number for a table: thousands separated, ``—`` when missing."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}f}"


def spread(s: dict[str, Any] | None, digits: int = 2, scale: float = 1.0) -> str:
    """``median [q1-q3]`` (or ``median (n=1)``) of a summary."""
    if not s or s.get("median") is None:
        return "—"
    median = s["median"] * scale
    if s.get("n", 0) <= 1:
        return f"{fmt(median, digits)} (n=1)"
    return (f"{fmt(median, digits)} [{fmt(s['q1'] * scale, digits)}-"
            f"{fmt(s['q3'] * scale, digits)}]")


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _sizes(results: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return sorted(((int(k), v) for k, v in results["sizes"].items()), key=lambda kv: kv[0])


def figures(results: dict[str, Any]) -> dict[str, dict[int, float]]:
    """The headline figure series against size (medians), for growth ratios and the plot."""
    series: dict[str, dict[int, float]] = {}

    def put(name: str, n: int, value: Any) -> None:
        if isinstance(value, int | float):
            series.setdefault(name, {})[n] = float(value)

    for n, e in _sizes(results):
        put("import (s)", n, _get(e, "import", "seconds", "median"))
        put("import (CPU s)", n, _get(e, "import", "cpu_s", "median"))
        put("cohort at one date (CPU s)", n, _get(e, "cohort", "at_cpu_s", "median"))
        put("24-month trend (CPU s)", n, _get(e, "cohort", "trend_cpu_s", "median"))
        put("load documents + build tables (CPU s)", n,
            _get(e, "cohort", "load_and_build_cpu_s"))
        put("store.cohort_tables (s)", n, _get(e, "cohort", "store_cohort_tables_s"))
        put("store.cohort_tables (CPU s)", n, _get(e, "cohort", "store_cohort_tables_cpu_s"))
        put("naive cohort at one date (CPU s)", n, _get(e, "naive", "at_cpu_s", "median"))
        put("one child, library, p95 (CPU ms)", n,
            _get(e, "child_library", "measures_cpu", "p95_ms", "median"))
        put("cohort at one date (s)", n, _get(e, "cohort", "at_s", "median"))
        put("cohort tables build (s)", n, _get(e, "cohort", "build_tables_s"))
        put("load documents from store (s)", n, _get(e, "cohort", "load_documents_s"))
        put("24-month trend (s)", n, _get(e, "cohort", "trend_s", "median"))
        put("naive cohort at one date (s)", n, _get(e, "naive", "at_s", "median"))
        put("one child, library, p95 (ms)", n, _get(e, "child_library", "measures", "p95_ms",
                                                    "median"))
        put("one child, API, p95 (ms)", n, _get(e, "api", "measures", "p95_ms", "median"))
        put("store size (MB)", n, (_get(e, "import", "store_bytes") or 0) / 1e6 or None)
        put("Neo4j import (s)", n, _get(e, "neo4j", "import_s", "median"))
    return series


def growth_rows(series: dict[str, dict[int, float]]) -> list[list[str]]:
    """For each figure, value ratio between consecutive sizes and the implied exponent."""
    import math

    rows = []
    for name, points in series.items():
        sizes = sorted(points)
        for a, b in itertools.pairwise(sizes):
            if points[a] > 0 and points[b] > 0:
                ratio = points[b] / points[a]
                exponent = math.log(ratio) / math.log(b / a)
                rows.append([name, f"{a:,} → {b:,}", f"{b / a:.0f}x", f"{ratio:.1f}x",
                             f"{exponent:.2f}"])
    return rows


def plot(results: dict[str, Any], out: Path) -> list[Path]:
    """Time against size, log-log: plotly HTML (self-contained) and a PNG via Chromium."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    series = figures(results)
    fig = make_subplots(rows=1, cols=2, subplot_titles=(
        "Bulk work (seconds)", "One child (milliseconds, p95)"))
    for name, points in series.items():
        if name.endswith("(MB)") or len(points) == 0:
            continue
        col = 2 if name.endswith("ms)") else 1
        xs = sorted(points)
        dash = "dot" if "CPU" in name else "solid"
        fig.add_trace(go.Scatter(x=xs, y=[points[x] for x in xs], mode="lines+markers",
                                 name=name, line={"dash": dash}), row=1, col=col)
    for col in (1, 2):
        fig.update_xaxes(type="log", title_text="children in the store", row=1, col=col)
        fig.update_yaxes(type="log", row=1, col=col)
    fig.update_layout(title="ecomap: time against store size (medians; dotted = CPU time)",
                      width=1400, height=620, template="plotly_white")
    out.mkdir(parents=True, exist_ok=True)
    html = out / "scaling.html"
    png = out / "scaling.png"
    fig.write_html(html, include_plotlyjs=True, full_html=True,
                   config={"displayModeBar": False})
    made = [html]
    try:
        subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--hide-scrollbars",
             "--window-size=1420,640", f"--screenshot={png}", html.as_uri()],
            capture_output=True, timeout=120, check=False,
        )
        if png.exists():
            made.append(png)
    except (OSError, subprocess.TimeoutExpired):
        pass
    return made


def _target_rows(results: dict[str, Any]) -> list[list[str]]:
    sizes = dict(_sizes(results))
    big = sizes.get(100_000, {})
    ten = sizes.get(10_000, {})
    rows: list[list[str]] = []

    def verdict(value: float | None, ok: bool | None) -> str:
        if value is None or ok is None:
            return "not measured"
        return "met" if ok else "**missed**"

    at = _get(big, "cohort", "at_s", "median")
    rows.append([*TARGETS[0], fmt(at) + " s" if at is not None else "—",
                 verdict(at, None if at is None else at < 5)])
    trend = _get(big, "cohort", "trend_s", "median")
    rows.append([*TARGETS[1], fmt(trend) + " s" if trend is not None else "—",
                 verdict(trend, None if trend is None else trend < 60)])
    p95 = _get(big, "api", "measures", "p95_ms", "median")
    rows.append([*TARGETS[2], fmt(p95) + " ms" if p95 is not None else "—",
                 verdict(p95, None if p95 is None else p95 < 20)])
    rates = [(n, _get(e, "import", "docs_per_s", "median")) for n, e in sizes.items()]
    rates = [(n, r) for n, r in rates if r is not None]
    worst = min(rates, key=lambda nr: nr[1]) if rates else None
    rows.append([*TARGETS[3],
                 "; ".join(f"{n:,}: {fmt(r)}/s" for n, r in rates) if rates else "—",
                 verdict(worst[1] if worst else None, None if not worst else worst[1] >= 2000)])
    ratio = _get(ten, "speed_ratio", "cohort_at")
    rows.append([*TARGETS[4], f"{ratio:.0f}x" if ratio is not None else "—",
                 verdict(ratio, None if ratio is None else ratio >= 20)])
    return rows


def render(results_path: Path, md_path: Path, out: Path) -> None:
    """Write RESULTS.md (and the plot) from a results.json."""
    results = json.loads(results_path.read_text())
    for extra in sorted(results_path.parent.glob("results-*.json")):
        # figures measured in a separate run (e.g. the slow Neo4j side) fill the gaps
        more = json.loads(extra.read_text())
        for size, entry in more.get("sizes", {}).items():
            mine = results["sizes"].setdefault(size, {})
            for key, value in entry.items():
                if key not in mine:
                    mine[key] = {**value, "from_run": extra.name} if isinstance(value, dict) \
                        else value
    sizes = _sizes(results)
    machine = results.get("machine", {})
    made = plot(results, out)
    lines = ["# ecomap benchmarks", ""]
    lines += [
        "Generated by `python -m bench.report` from `bench/out/results.json` "
        f"(run started {results.get('started')}, finished {results.get('finished', '—')}). "
        "Every figure is the median over repeats, with the interquartile range in "
        "brackets (`n=1`: one run).", "",
        "## Machine", "",
        f"- CPU: {machine.get('cpu')} x {machine.get('cores')} cores (shared: other "
        "engineers were building and testing on the same 2 cores during the run; the "
        "1-minute load average is recorded before and after every step in results.json)",
        f"- Memory: {fmt(machine.get('memory_mb'))} MB; kernel {machine.get('kernel')}; "
        f"Python {machine.get('python')}; SQLite {machine.get('sqlite')}",
        f"- Load average at start {machine.get('loadavg_at_start')}, at end "
        f"{machine.get('loadavg_at_end', '—')}", "",
        "## Reproduce", "",
        "```sh",
        "apt-get install -y wrk          # the loopback load generator (Debian package)",
        ".venv/bin/pip install pyinstrument==5.1.3   # profiles (optional)",
        f".venv/bin/{results.get('command', 'python -m bench.run')}",
        ".venv/bin/python -m bench.run --quick       # 1k smoke run",
        ".venv/bin/python -m bench.report            # re-render this file from results.json",
        "```", "",
        f"Synthetic data: `ecomap synth --children N --seed {_get(results, 'options', 'seed')}` "
        "into `bench/data/` (made once, reused). As-at date for every measure: "
        f"**{results.get('at')}** (the last month end of the synthetic data).", "",
    ]
    lines += ["## Targets", ""]
    lines += _table(["target", "goal", "measured", "verdict"], _target_rows(results))

    lines += ["## Import into the embedded store", ""]
    rows = []
    for n, e in sizes:
        imp, parse = e.get("import", {}), e.get("parse", {})
        cli = e.get("import_cli", {})
        per_cpu = (parse["documents"] / imp["cpu_s"]["median"]
                   if parse.get("documents") and _get(imp, "cpu_s", "median") else None)
        rows.append([f"{n:,}", fmt(parse.get("ties")), spread(imp.get("seconds")),
                     spread(imp.get("cpu_s")), fmt(per_cpu, 0),
                     spread(imp.get("docs_per_s"), 0), spread(imp.get("ties_per_s"), 0),
                     fmt(cli.get("docs_per_s"), 0),
                     fmt(parse.get("seconds")),
                     fmt((imp.get("store_bytes") or 0) / 1e6, 1) if imp.get("store_bytes")
                     else "—",
                     fmt(imp.get("peak_rss_mb"), 0), imp.get("error", "")])
    lines += _table(["children", "ties", "import s (wall)", "import CPU s",
                     "children per CPU-s", "children/s (wall)",
                     "ties/s", "`ecomap import` children/s", "parse alone s", "store MB",
                     "peak RSS MB", "error"], rows)

    lines += ["## One child: measures and drawable ecomap (latency per call, ms)", "",
              "Library: `store.get(id)` then `child_measures(doc, at)` (what `ecomap measures` "
              "does), over a fixed sample of children. API: sequential GETs from a second "
              "process over loopback, authenticated.", ""]
    rows = []
    for n, e in sizes:
        lib, api = e.get("child_library", {}), e.get("api", {})
        rows.append([f"{n:,}", spread(_get(lib, "measures", "p50_ms")),
                     spread(_get(lib, "measures", "p95_ms")),
                     spread(_get(lib, "measures_cpu", "p95_ms")),
                     spread(_get(lib, "ecomap", "p95_ms")),
                     spread(_get(api, "measures", "p50_ms")),
                     spread(_get(api, "measures", "p95_ms")),
                     spread(_get(api, "ecomap", "p95_ms")),
                     fmt(lib.get("peak_rss_mb"), 0), lib.get("error", "") or api.get("error", "")])
    lines += _table(["children", "library p50", "library p95", "library p95 CPU",
                     "library ecomap p95", "API p50",
                     "API p95", "API ecomap p95", "peak RSS MB (library)", "error"], rows)

    lines += ["## API under concurrent load (wrk from a second process, loopback)", ""]
    rows = []
    for n, e in sizes:
        for key, label in (("dashboard_one_call", "dashboard, first call (builds tables)"),
                           ("dashboard_warm_call", "dashboard, second call (cached tables)")):
            one = _get(e, "api", key)
            if one:
                rows.append([f"{n:,}", label, "1", "1", "—",
                             fmt(one.get("seconds", 0) * 1000), "—",
                             "0" if one.get("status") == 200 else "1", "—",
                             fmt(one.get("server_peak_rss_mb"), 0),
                             f"HTTP {one.get('status')}, {one.get('children')} children"])
        for name, load in (_get(e, "api", "load") or {}).items():
            rows.append([f"{n:,}", name, fmt(load.get("connections")), fmt(load.get("requests")),
                         fmt(load.get("rps"), 1), fmt(load.get("p50_ms")),
                         fmt(load.get("p99_ms")), fmt(load.get("error_rate"), 4),
                         fmt(load.get("server_cpu_ms_per_request")),
                         fmt(load.get("server_peak_rss_mb"), 0),
                         str(load.get("skipped") or load.get("error") or "")])
    lines += _table(["children", "endpoint", "connections", "requests", "req/s", "p50 ms",
                     "p99 ms", "error rate", "server CPU ms/request", "server peak RSS MB",
                     "note"], rows)

    lines += ["## Cohort measures (dashboard) over the whole store", ""]
    rows = []
    for n, e in sizes:
        c = e.get("cohort", {})
        rows.append([f"{n:,}", fmt(c.get("store_cohort_tables_s")),
                     fmt(c.get("store_cohort_tables_cpu_s")),
                     fmt(c.get("load_documents_s")), fmt(c.get("build_tables_s")),
                     fmt(c.get("load_and_build_cpu_s")),
                     spread(c.get("at_s"), 3), spread(c.get("at_cpu_s"), 3),
                     spread(c.get("trend_s")), spread(c.get("trend_cpu_s")),
                     fmt(c.get("peak_rss_load_mb"), 0), fmt(c.get("peak_rss_at_mb"), 0),
                     fmt(c.get("peak_rss_trend_mb"), 0), c.get("error", "")])
    lines += ["`store.cohort_tables()` reads the tables as columns in one SQL pass (the "
              "dashboard's path); the documents path (`iter_documents` then "
              "`CohortTables.from_documents`) is shown where it was also timed.", ""]
    lines += _table(["children", "store.cohort_tables s", "its CPU s",
                     "documents path: load docs s", "build tables s", "load+build CPU s",
                     "at one date s", "at one date CPU s",
                     f"{_get(results, 'options', 'months')}-month trend s", "trend CPU s",
                     "peak RSS tables MB", "peak RSS at MB", "peak RSS trend MB", "error"], rows)

    lines += ["## Engine against the naive baseline", "",
              "Naive: `bench/naive.py`, per child a networkx MultiGraph and Python loops, "
              "written from MEASURES.md alone (it reads the JSON, not the engine's model). "
              "Ratio = naive cohort time ÷ engine `cohort_measures` time (and ÷ engine time "
              "including `CohortTables.from_documents`).", ""]
    rows = []
    for n, e in sizes:
        nv, c, r, ag = e.get("naive", {}), e.get("cohort", {}), e.get("speed_ratio", {}), \
            e.get("agreement", {})
        cohort_diffs = _get(ag, "cohort", "at")
        rows.append([f"{n:,}", spread(nv.get("at_s")), spread(c.get("at_s"), 3),
                     f"{r['cohort_at']:.0f}x" if r.get("cohort_at") else "—",
                     f"{r['cohort_at_cpu']:.0f}x" if r.get("cohort_at_cpu") else "—",
                     f"{r['cohort_at_with_tables']:.1f}x" if r.get("cohort_at_with_tables")
                     else "—",
                     spread(nv.get("trend_s")),
                     f"{r['trend']:.0f}x" if r.get("trend") else "—",
                     fmt(ag.get("child_measures_checked")),
                     fmt(sum((ag.get("mismatching_measures") or {}).values()))
                     if "mismatching_measures" in ag else "—",
                     "—" if cohort_diffs is None else str(len(cohort_diffs)),
                     fmt(nv.get("peak_rss_mb"), 0)])
    lines += _table(["children", "naive at one date s", "engine s", "ratio", "ratio (CPU)",
                     "ratio incl. tables", "naive trend s", "trend ratio",
                     "child results compared", "mismatching values", "cohort diffs",
                     "naive peak RSS MB"], rows)
    for n, e in sizes:
        ag = e.get("agreement", {})
        if ag.get("mismatching_measures") or ag.get("engine_error_count") or \
                _get(ag, "cohort", "at"):
            lines += [f"Disagreements at {n:,}: by measure "
                      f"`{json.dumps(ag.get('mismatching_measures'))}`; engine errors "
                      f"{ag.get('engine_error_count', 0)}; cohort "
                      f"`{json.dumps(_get(ag, 'cohort', 'at'))[:600]}`.", ""]
            for f in (ag.get("findings") or [])[:8]:
                lines.append(f"- child `{f['child']}` at {f['at']} ({f['perspective']}): "
                             f"`{f['path']}` engine {f['engine']!r} vs naive {f['naive']!r}"
                             f"{' (rounding only)' if f.get('rounding_only') else ''}")
            lines.append("")

    lines += ["## Embedded store against the Neo4j store (ArcadeDB Bolt test server)", ""]
    rows = []
    for n, e in sizes:
        neo = e.get("neo4j")
        if not neo:
            continue
        lib = e.get("child_library", {})
        c = e.get("cohort", {})
        rows.append([f"{n:,}", spread(_get(e, "import", "seconds")), spread(neo.get("import_s")),
                     spread(_get(lib, "measures", "p95_ms")), fmt(neo.get("measures_p95_ms")),
                     fmt(c.get("load_documents_s")), fmt(neo.get("load_documents_s")),
                     fmt(c.get("store_cohort_tables_s")), fmt(neo.get("store_cohort_tables_s")),
                     fmt(neo.get("server_peak_rss_mb"), 0), neo.get("error", "")])
    lines += _table(["children", "embedded import s", "Neo4j import s",
                     "embedded child p95 ms", "Neo4j child p95 ms",
                     "embedded load all docs s", "Neo4j load all docs s",
                     "embedded store.cohort_tables s", "Neo4j store.cohort_tables s",
                     "Bolt server peak RSS MB", "error"], rows)

    lines += ["## How cost grows", "",
              "Ratio of each figure between consecutive sizes; exponent = log(ratio) ÷ "
              "log(size ratio): 1.0 is linear in children, 0 is flat. Wall-time exponents "
              "are distorted when the machine's load differed between sizes; the CPU "
              "rows are the ones to read.", ""]
    lines += _table(["figure", "sizes", "size x", "figure x", "exponent"],
                    growth_rows(figures(results)))
    names = [p.name for p in made]
    lines += [f"Plot: `bench/out/{names[0]}` (interactive)"
              + (f" and ![time against size](out/{names[1]})" if len(names) > 1 else ""), ""]
    analysis = BENCH / "ANALYSIS.md"
    if analysis.exists():
        lines += [analysis.read_text().strip(), ""]
    md_path.write_text("\n".join(lines))


def main() -> None:
    out = BENCH / "out"
    render(out / "results.json", BENCH / "RESULTS.md", out)
    print(BENCH / "RESULTS.md", file=sys.stderr)


if __name__ == "__main__":
    main()
