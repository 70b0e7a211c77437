"""Where the time goes: pyinstrument profiles of the benchmark's paths.

``python -m bench.profile --size 10000 import load tables cohort trend child naive api``
profiles
each named path on the stores ``bench.run`` made (``bench/data/``) and writes a text
tree (and an HTML one) per path to ``bench/out/profiles/``, printing the top of each.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bench import naive
from bench.run import DATA, OUT
from bench.worker import _documents, _remove_store, sample_ids


def _paths(size: int, seed: int, at: date) -> dict[str, Callable[[], Any]]:
    from ecomap.measures import child_measures
    from ecomap.measures.cohort import CohortTables, cohort_measures, cohort_trend
    from graph import open_store

    jsonl = DATA / f"synth-{size}-seed{seed}.jsonl"
    db = DATA / f"store-{size}-seed{seed}.db"
    scratch = OUT / "profiles" / f"import-{size}.db"
    cache: dict[str, Any] = {}

    def tables() -> Any:
        if "tables" not in cache:
            store = open_store("embedded", path=db)
            cache["tables"] = CohortTables.from_documents(store.iter_documents())
            store.close()
        return cache["tables"]

    def do_import() -> None:
        _remove_store(scratch)
        store = open_store("embedded", path=scratch)
        store.replace_many(_documents(str(jsonl)), actor="import:bench")
        store.close()
        _remove_store(scratch)

    def load() -> None:
        store = open_store("embedded", path=db)
        CohortTables.from_documents(store.iter_documents())
        store.close()

    def store_tables() -> None:
        store = open_store("embedded", path=db)
        store.cohort_tables()
        store.close()

    def child() -> None:
        store = open_store("embedded", path=db)
        for child_id in sample_ids(str(jsonl), 200):
            child_measures(store.get(child_id), at)
        store.close()

    def naive_cohort() -> None:
        naive.cohort_measures(naive.load_jsonl(jsonl), at)

    return {
        "import": do_import,
        "load": load,
        "tables": store_tables,
        "cohort": lambda: cohort_measures(tables(), at),
        "trend": lambda: cohort_trend(tables(), at, 24),
        "child": child,
        "naive": naive_cohort,
        "_warm": tables,
    }


def profile_api(size: int, seed: int, at: date, seconds: int) -> None:
    """Sample ``ecomap serve`` with py-spy (all threads: routes run in a thread pool) while
    a client makes sequential child-measures requests; write the collapsed stacks and a
    summary of where the server's time goes."""
    import subprocess

    import httpx

    from bench.api_load import MEASURES, WORKER, Server

    out = OUT / "profiles"
    raw = out / f"api-measures-{size}.collapsed"
    server = Server(DATA / f"store-{size}-seed{seed}.db", out / f"api-{size}")
    ids = sample_ids(str(DATA / f"synth-{size}-seed{seed}.jsonl"), 200)
    server.start(ids)
    calls = 0
    try:
        assert server.process is not None
        token = server.sign_in(WORKER)
        spy = subprocess.Popen(
            [str(Path(sys.executable).with_name("py-spy")), "record", "--pid",
             str(server.process.pid), "--duration", str(seconds), "--rate", "250",
             "--format", "raw", "--output", str(raw), "--nonblocking"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + seconds
        with httpx.Client(base_url=server.base, timeout=60,
                          headers={"Authorization": f"Bearer {token}"}) as client:
            while time.monotonic() < deadline:
                client.get(MEASURES.format(id=ids[calls % len(ids)], at=at.isoformat()))
                calls += 1
        spy.wait(timeout=60)
    finally:
        server.stop()
    summary = collapsed_summary(raw)
    (out / f"api-measures-{size}.txt").write_text(summary)
    print(f"== api measures at {size:,}: {calls} calls in {seconds} s -> {raw}")
    print(summary)


def collapsed_summary(raw: Path, top: int = 25) -> str:
    """Inclusive and self share of samples per function from py-spy's raw output."""
    from collections import Counter

    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        total += n
        seen = set()
        for frame in stack.split(";"):
            name = frame.split(" (")[0] + " (" + frame.split(" (")[-1].split(":")[0].rsplit(
                "/", 2)[-1] + ")" if " (" in frame else frame
            if name not in seen:
                seen.add(name)
                inclusive[name] += n
        leaf[name] += n
    lines = [f"{total} samples (non-idle, all threads)"]
    for name, n in inclusive.most_common(top):
        lines.append(f"{100 * n / max(total, 1):5.1f}%  {name}")
    lines.append("self (innermost frame):")
    for name, n in leaf.most_common(12):
        lines.append(f"{100 * n / max(total, 1):5.1f}%  {name}")
    return "\n".join(lines)


def main() -> None:
    from pyinstrument import Profiler

    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("paths", nargs="+", help="import load tables cohort trend child naive api")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--at", default="2025-12-31")
    parser.add_argument("--lines", type=int, default=40, help="lines of each tree to print")
    opts = parser.parse_args()
    out = OUT / "profiles"
    out.mkdir(parents=True, exist_ok=True)
    if "api" in opts.paths:
        profile_api(opts.size, opts.seed, date.fromisoformat(opts.at), 20)
        opts.paths.remove("api")
    paths = _paths(opts.size, opts.seed, date.fromisoformat(opts.at))
    if {"cohort", "trend"} & set(opts.paths):
        paths["_warm"]()  # build the tables outside the profile of the measure itself
    for name in opts.paths:
        profiler = Profiler(interval=0.001)
        start, cpu = time.perf_counter(), time.process_time()
        profiler.start()
        paths[name]()
        profiler.stop()
        wall, used = time.perf_counter() - start, time.process_time() - cpu
        text = profiler.output_text(unicode=True, color=False, show_all=False)
        stem = out / f"{name}-{opts.size}"
        Path(f"{stem}.txt").write_text(text)
        Path(f"{stem}.html").write_text(profiler.output_html())
        print(f"== {name} at {opts.size:,}: wall {wall:.2f} s, CPU {used:.2f} s -> {stem}.txt")
        print("\n".join(line for line in text.splitlines()[:opts.lines] if line.strip()))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
