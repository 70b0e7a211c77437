"""Small measurement helpers: summaries over repeats, percentiles, peak memory, machine facts."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def summary(values: Sequence[float]) -> dict[str, Any]:
    """Median, quartiles and range of repeated measurements (linear-interpolated quartiles).

    >>> s = summary([4.0, 1.0, 3.0, 2.0])
    >>> s["median"], s["q1"], s["q3"], s["min"], s["max"], s["n"]
    (2.5, 1.75, 3.25, 1.0, 4.0, 4)
    """
    ordered = sorted(float(v) for v in values)
    if not ordered:
        return {"median": None, "q1": None, "q3": None, "min": None, "max": None, "n": 0}
    return {
        "median": percentile(ordered, 50),
        "q1": percentile(ordered, 25),
        "q3": percentile(ordered, 75),
        "min": ordered[0],
        "max": ordered[-1],
        "n": len(ordered),
        "values": ordered,
    }


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile with linear interpolation (numpy's default).

    >>> percentile([1.0, 2.0, 3.0, 4.0, 5.0], 95)
    4.8
    """
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Seconds taken by ``fn()`` (perf_counter) and its result."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def timed_cpu(fn: Callable[[], T]) -> tuple[float, float, T]:
    """Wall seconds, this process's CPU seconds, and the result of ``fn()``.

    CPU time is the figure to trust when other work shares the cores: wall time then
    includes waiting for a core.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def reset_peak() -> None:
    """Reset this process's peak resident set (Linux: /proc/self/clear_refs)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _status_kb(pid: int | str, field: str) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


def peak_rss_mb(pid: int | str = "self") -> float:
    """Peak resident memory of a process since start or the last :func:`reset_peak`, MB."""
    return round(_status_kb(pid, "VmHWM") / 1024, 1)


def rss_mb(pid: int | str = "self") -> float:
    """Current resident memory of a process, MB."""
    return round(_status_kb(pid, "VmRSS") / 1024, 1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (from /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def loadavg() -> list[float]:
    """The 1, 5 and 15 minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                cpu = row.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    total = 0
    try:
        match = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        total = int(match.group(1)) // 1024 if match else 0
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": total,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "loadavg_at_start": loadavg(),
    }
