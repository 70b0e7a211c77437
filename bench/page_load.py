"""The dashboard page's first load in real headless Chromium, at a throttled link speed
with an empty cache (Chrome DevTools Protocol network emulation).

The app (from ``--tree``: this checkout, or another for a before/after comparison) runs
under uvicorn on a free loopback port over an embedded store; a leader signs in once
through the API, then every run opens a fresh browser context (its own empty HTTP
cache) with the session cookie, throttles it with ``Network.emulateNetworkConditions``
and loads ``/dashboard`` until the trend chart is drawn. Reported per run: navigation
start to the load event, to the charts drawn, and the bytes that crossed the wire.

Usage::

    python -m bench.page_load --db bench/data/store-10000-seed42.db [--tree /other/checkout]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking"]
LEADER, PASSWORD = "bench-leader", "bench-password-not-secret-42"
LOAD = "() => { const n = performance.getEntriesByType('navigation')[0];" \
       " return n.loadEventEnd - n.startTime; }"
BYTES = """() => performance.getEntriesByType('navigation').concat(
  performance.getEntriesByType('resource')).map(e => ({name: e.name.replace(location.origin, ''),
  wire: e.transferSize, body: e.decodedBodySize, start: Math.round(e.startTime),
  end: Math.round(e.responseEnd), waiting: Math.round(e.responseStart - e.requestStart)}))"""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(tree: Path, db: Path, workdir: Path, *,
          ready: list[float] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """``ecomap serve`` (the service as the README runs it) of ``tree``'s app over
    ``db``, with one leader account; the seconds from launching the server to its first
    answer are appended to ``ready``."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "accounts.db").unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(tree), "ECOMAP_STORE": "embedded",
           "ECOMAP_DB": str(db.resolve()), "ECOMAP_ACCOUNTS_DB": str(workdir / "accounts.db"),
           "ECOMAP_SECRET_KEY": "bench-secret-key-not-secret-0123456789",
           "ECOMAP_COOKIE_SECURE": "false"}
    subprocess.run([sys.executable, "-c", "from api.cli import main; main()", "user", "add",
                    LEADER, "--role", "leader", "--password-stdin"], input=PASSWORD + "\n",
                   text=True, env=env, cwd=tree, check=True, capture_output=True)
    port = _free_port()
    log = (workdir / "server.log").open("wb")
    launched = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "serve", "--host",
         "127.0.0.1", "--port", str(port)],
        cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                if ready is not None:
                    ready.append(time.perf_counter() - launched)
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError((workdir / "server.log").read_text()[-1500:])


def measure(url: str, *, mbit: float, latency_ms: float, runs: int) -> dict[str, Any]:
    """``runs`` cold loads of ``/dashboard`` (the first one also warms the server's
    cohort cache, so it is reported apart)."""
    from playwright.sync_api import sync_playwright

    login = httpx.post(f"{url}/api/auth/login", json={"username": LEADER, "password": PASSWORD},
                       timeout=120)
    login.raise_for_status()
    cookies = [{"name": c.name, "value": c.value or "", "url": url} for c in login.cookies.jar]
    loads: list[dict[str, Any]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for _ in range(runs + 1):
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.add_cookies(cookies)  # type: ignore[arg-type]
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", {
                "offline": False, "latency": latency_ms,
                "downloadThroughput": mbit * 1e6 / 8, "uploadThroughput": mbit * 1e6 / 8})
            page.goto(f"{url}/dashboard", wait_until="load", timeout=120_000)
            page.locator("#fig-medians_trend .main-svg").first.wait_for(timeout=120_000)
            drawn = float(page.evaluate("() => performance.now()"))
            entries = page.evaluate(BYTES)
            loads.append({
                "load_ms": round(float(page.evaluate(LOAD)), 1), "drawn_ms": round(drawn, 1),
                "wire_bytes": sum(int(e["wire"]) for e in entries),
                "body_bytes": sum(int(e["body"]) for e in entries),
                "largest": max(entries, key=lambda e: int(e["wire"])),
                "requests": entries,
            })
            context.close()
        browser.close()
    warm = loads[1:]
    return {
        "mbit": mbit, "latency_ms": latency_ms, "runs": runs, "first_server_call": loads[0],
        "load_ms": statistics.median(x["load_ms"] for x in warm),
        "drawn_ms": statistics.median(x["drawn_ms"] for x in warm),
        "drawn_max_ms": max(x["drawn_ms"] for x in warm),
        "wire_bytes": warm[-1]["wire_bytes"], "body_bytes": warm[-1]["body_bytes"],
        "largest": warm[-1]["largest"], "loads": warm,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--tree", type=Path, default=ROOT)
    parser.add_argument("--mbit", type=float, default=10.0)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--label", default="after")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "page-load.json")
    a = parser.parse_args(argv)
    proc, url = serve(a.tree.resolve(), a.db, ROOT / "bench" / "out" / f"page-{a.label}")
    try:
        result = measure(url, mbit=a.mbit, latency_ms=a.latency_ms, runs=a.runs)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    result.update(tree=str(a.tree.resolve()), db=str(a.db), label=a.label)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    saved = json.loads(a.out.read_text()) if a.out.exists() else {}
    saved[a.label] = result
    a.out.write_text(json.dumps(saved, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "loads"}, indent=2))


if __name__ == "__main__":
    main()
