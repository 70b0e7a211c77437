"""The HTTP API measured from outside: ``ecomap serve`` in one process, clients in others.

Per-call latency comes from a sequential httpx client in the benchmark's process;
throughput under concurrent load from ``wrk`` (Debian package) in a third process,
bounded in time, loopback only. A small Lua script rotates over the sampled children
and prints wrk's summary as JSON. The server's peak memory is its VmHWM, reset
before each load test.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from bench.stats import cpu_seconds, loadavg, peak_rss_mb, percentile, summary

ROOT = Path(__file__).resolve().parent.parent
ECOMAP = ROOT / ".venv" / "bin" / "ecomap"
WORKER = "bench-worker"
LEADER = "bench-leader"
PASSWORD = "bench-password-not-secret-42"  # a throwaway account in a throwaway accounts db

# Paths of the routes measured (relative to the server root). {id} and {at} are filled in.
# A worker allocated the sampled children reads them; a leader without a team reads the
# dashboard of the whole authority (the default 12-month trend, as the page asks for).
MEASURES = "/api/children/{id}/measures?at={at}"
ECOMAP_VIEW = "/api/children/{id}/ecomap?at={at}"
DASHBOARD = "/api/dashboard?at={at}"

LUA = r"""
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def _reset_peak(pid: int) -> None:
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


class Server:
    """``ecomap serve`` on a free loopback port over a given embedded store."""

    def __init__(self, db: Path, workdir: Path, prefix: tuple[str, ...] = ()) -> None:
        from tests.boltserver import free_port

        self.port = free_port()
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "ECOMAP_STORE": "embedded",
            "ECOMAP_DB": str(db.resolve()),
            "ECOMAP_HOST": "127.0.0.1",
            "ECOMAP_PORT": str(self.port),
            "ECOMAP_ACCOUNTS_DB": str(workdir / "accounts.db"),
            "ECOMAP_SECRET_KEY": "bench-secret-key-not-secret-0123456789",
            "ECOMAP_COOKIE_SECURE": "false",
        }
        self.prefix = prefix  # e.g. a profiler that runs the server
        self.process: subprocess.Popen[bytes] | None = None
        self.base = f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(ECOMAP), *args], env=self.env, cwd=self.workdir, input=stdin,
                              capture_output=True, text=True, timeout=120, check=False)

    def start(self, allocated: list[str]) -> None:
        """Make a worker (allocated the sampled children) and a leader, then serve."""
        (self.workdir / "accounts.db").unlink(missing_ok=True)
        for user, role in ((WORKER, "worker"), (LEADER, "leader")):
            made = self.cli("user", "add", user, "--role", role, "--password-stdin",
                            stdin=PASSWORD + "\n")
            if made.returncode != 0:
                raise RuntimeError(f"ecomap user add failed: {made.stderr.strip()[-500:]}")
        made = self.cli("user", "allocate", WORKER, *allocated)
        if made.returncode != 0:
            raise RuntimeError(f"ecomap user allocate failed: {made.stderr.strip()[-500:]}")
        log = (self.workdir / "server.log").open("wb")
        self.process = subprocess.Popen(
            [*self.prefix, str(ECOMAP), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("ecomap serve exited: "
                                   + (self.workdir / "server.log").read_text()[-1500:])
            try:
                if httpx.get(self.base + "/api/health", timeout=2).status_code < 500:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError("ecomap serve did not answer within 120 s")

    def sign_in(self, user: str) -> str:
        """A bearer token for one of the benchmark's accounts."""
        answer = httpx.post(self.base + "/api/auth/login",
                            json={"username": user, "password": PASSWORD}, timeout=60)
        answer.raise_for_status()
        return str(answer.json()["token"])

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None


def latency(client: httpx.Client, paths: list[str], repeats: int) -> dict[str, Any]:
    """p50/p95 of sequential GETs (ms) per repeat, summarised over repeats; errors counted."""
    p50s, p95s = [], []
    errors = 0
    statuses: dict[int, int] = {}
    for path in paths[:5]:
        client.get(path)
    for _ in range(repeats):
        times = []
        for path in paths:
            start = time.perf_counter()
            answer = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            if answer.status_code >= 400:
                errors += 1
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
        p50s.append(percentile(times, 50))
        p95s.append(percentile(times, 95))
    return {"p50_ms": summary(p50s), "p95_ms": summary(p95s), "errors": errors,
            "error_statuses": statuses,
            "calls": repeats * len(paths)}


def load(server: Server, token: str, paths: list[str], seconds: int, connections: int,
         workdir: Path, name: str, timeout: int = 10) -> dict[str, Any]:
    """wrk against the paths for ``seconds`` with ``connections``; its summary and errors."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"error": "wrk not installed (apt-get install -y wrk)"}
    script = workdir / "rotate.lua"
    script.write_text(LUA)
    listing = workdir / f"{name}.paths"
    listing.write_text("\n".join(paths) + "\n")
    assert server.process is not None
    _reset_peak(server.process.pid)
    cpu_before = cpu_seconds(server.process.pid)
    load_before = loadavg()[0]
    done = subprocess.run(
        [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", f"{timeout}s",
         "-s", str(script), "-H", f"Authorization: Bearer {token}", server.base + paths[0]],
        env={**os.environ, "BENCH_PATHS": str(listing)}, capture_output=True, text=True,
        timeout=seconds + timeout + 60, check=False,
    )
    server_cpu = cpu_seconds(server.process.pid) - cpu_before
    found = [line for line in done.stdout.splitlines() if line.startswith("WRK_JSON ")]
    if not found:
        return {"error": f"wrk failed: {done.stderr.strip()[-500:]}"}
    raw = json.loads(found[0][len("WRK_JSON "):])
    failures = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    requests = raw["requests"]
    return {
        "connections": connections,
        "seconds": raw["duration_us"] / 1e6,
        "requests": requests,
        "rps": requests / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "errors": {k: raw[k] for k in ("connect", "read", "write", "status", "timeout")},
        "error_rate": failures / requests if requests else None,
        "server_peak_rss_mb": peak_rss_mb(server.process.pid),
        "server_cpu_ms_per_request": 1000 * server_cpu / requests if requests else None,
        "loadavg_before": load_before,
        "loadavg_after": loadavg()[0],
    }


def run_api(db: Path, ids: list[str], at: date, *, repeats: int, seconds: int,
            connections: int, out: Path, dashboard: bool = True) -> dict[str, Any]:
    """Latency of one child's measures and ecomap, then the load tests; the server stopped.

    The dashboard builds the cohort tables from the store on its first call (then the
    API caches them per scope and store versions), so the first call can take long on
    a big store; the load test is sized from a second, cached call.
    """
    server = Server(db, out)
    server.start(ids)
    try:
        worker_token = server.sign_in(WORKER)
        leader_token = server.sign_in(LEADER)
        day = at.isoformat()
        result: dict[str, Any] = {"base": "127.0.0.1 loopback", "auth": "bearer token"}
        assert server.process is not None
        with httpx.Client(base_url=server.base, timeout=60,
                          headers={"Authorization": f"Bearer {worker_token}"}) as client:
            result["measures"] = latency(
                client, [MEASURES.format(id=i, at=day) for i in ids], repeats)
            result["ecomap"] = latency(
                client, [ECOMAP_VIEW.format(id=i, at=day) for i in ids], repeats)
        result["server_peak_rss_latency_mb"] = peak_rss_mb(server.process.pid)
        result["load"] = {
            "child-ecomap": load(server, worker_token,
                                 [ECOMAP_VIEW.format(id=i, at=day) for i in ids],
                                 seconds, connections, out, "child-ecomap"),
        }
        if not dashboard:
            result["load"]["dashboard"] = {
                "skipped": "not run at this size (--dashboard-max)"}
            return result
        _reset_peak(server.process.pid)
        for call in ("dashboard_one_call", "dashboard_warm_call"):
            # the first call builds the cohort tables (the API caches them per scope and
            # store versions); the second shows what a cached call costs
            start = time.perf_counter()
            answer = httpx.get(server.base + DASHBOARD.format(at=day), timeout=3600,
                               headers={"Authorization": f"Bearer {leader_token}"})
            result[call] = {
                "seconds": time.perf_counter() - start, "status": answer.status_code,
                "server_peak_rss_mb": peak_rss_mb(server.process.pid),
                "children": (answer.json().get("measures") or {}).get("children")
                if answer.status_code == 200 else None,
            }
        warm = result["dashboard_warm_call"]["seconds"]
        if warm <= 60:
            slow = warm > 2
            result["load"]["dashboard"] = load(
                server, leader_token, [DASHBOARD.format(at=day)],
                int(min(120, max(seconds, 4 * warm))) if slow else seconds,
                1 if slow else connections, out, "dashboard",
                timeout=int(max(10, 4 * warm)))
        else:
            result["load"]["dashboard"] = {
                "skipped": f"a cached call took {warm:.0f} s; see dashboard_warm_call"}
        result["server_rss_mb_end"] = peak_rss_mb(server.process.pid)
        return result
    finally:
        server.stop()
