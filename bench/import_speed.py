"""``ecomap import`` end to end, with the CPU of every process it uses:
``python -m bench.import_speed --sizes 1000,10000 [--before /path/to/other/checkout]``.

Each run imports ``bench/data/synth-N-seed7.jsonl`` (made with ``ecomap synth`` if
missing) into a new store in a fresh process and reports wall time, CPU time (user and
system, the worker processes included: they are waited for, so ``wait4`` counts them),
the largest process's peak memory, the store's size and the 1-minute load average before
and after (the machine is shared: wall time moves with the load, CPU time much less).
``--before`` runs the same command on another checkout's code (``PYTHONPATH``) first,
for a before/after pair under the same load. Writes ``bench/out/import-speed.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import stats

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
OUT = ROOT / "bench" / "out"
SEED = 7


def synth_file(children: int) -> Path:
    """The synthetic file for ``children`` (seed 7), made once and reused."""
    path = DATA / f"synth-{children}-seed{SEED}.jsonl"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "api.cli", "synth", "--children", str(children),
                        "--seed", str(SEED), "--out", str(path)], cwd=ROOT, check=True)
    return path


def run_import(jsonl: Path, code: Path, extra: list[str]) -> dict[str, Any]:
    """One ``ecomap import`` of ``jsonl`` with ``code`` on ``PYTHONPATH``."""
    db = OUT / "import-speed.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(code)}
    command = [sys.executable, "-m", "api.cli", "import", str(jsonl), "--store", str(db),
               "--no-progress", *extra]
    load_before = stats.loadavg()[0]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=code, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    out = process.stdout.read().decode() if process.stdout else ""
    cpu = usage.ru_utime + usage.ru_stime
    children = int(out.split()[1].rstrip(",")) if out.startswith("imported") else 0
    result = {
        "code": str(code), "options": extra, "exit": os.waitstatus_to_exitcode(status),
        "children": children, "wall_s": wall, "cpu_s": cpu,
        "children_per_s": children / wall, "children_per_cpu_s": children / cpu if cpu else 0,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "store_mb": sum(Path(str(db) + s).stat().st_size for s in ("", "-wal", "-shm")
                        if Path(str(db) + s).exists()) / 1e6,
        "load_before": load_before, "load_after": stats.loadavg()[0],
    }
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--before", type=Path, help="another checkout to run first")
    parser.add_argument("--workers", default=None, help="--workers for this checkout's runs")
    opts = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, Any]] = []
    for size in (int(s) for s in opts.sizes.split(",")):
        jsonl = synth_file(size)
        if opts.before is not None:
            results.append({"size": size, "which": "before",
                            **run_import(jsonl, opts.before.resolve(), [])})
            print(json.dumps(results[-1]), flush=True)
        extra = [] if opts.workers is None else ["--workers", opts.workers]
        results.append({"size": size, "which": "after", **run_import(jsonl, ROOT, extra)})
        print(json.dumps(results[-1]), flush=True)
        (OUT / "import-speed.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
