"""Sign-in flood (issue 11): how fast can an attacker guess, and how slow do a signed-in
worker's reads get, while 16 connections send sign-ins as fast as the server answers?

Starts the app under uvicorn in its own process on a temp store (the hand-made fixtures,
one worker), signs the worker in, then for ``--seconds``:

- 16 attacker connections post wrong-password sign-ins for the worker's account;
- the worker reads their child's measures one request after another.

Reports the attacker's guesses actually checked per second (answers 401; a 429 checks
nothing), the answers by status, and the worker's read latency p50/p95 — with no flood
first, then under it. ``--code DIR`` runs another checkout (e.g. the code before the
change) with the same script; ``--env K=V`` passes settings.

    python -m bench.signin_flood --seconds 20
    python -m bench.signin_flood --seconds 20 --code /tmp/before
    python -m bench.signin_flood --seconds 20 --env ECOMAP_LOGIN_ADDRESS_LIMIT=100000/minute \\
        --env ECOMAP_LOGIN_ACCOUNT_LIMIT=100000/minute
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
WORKER, PASSWORD = "bench.worker", "violet tundra kettle 42"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(code: Path, folder: Path) -> str:
    """Fill a store from the fixtures and add the worker, with ``code``'s own modules."""
    script = f"""
import json, sys
from datetime import UTC, datetime
from pathlib import Path
from api.accounts import Accounts
from api.auth.passwords import hash_password
from ecomap.format import parse_document
from graph import open_store
store = open_store("embedded", path=Path({str(folder / 'ecomap.db')!r}))
ids = []
for path in sorted(Path({str(ROOT / 'fixtures')!r}).glob("*.json")):
    doc = parse_document(json.loads(path.read_text()), source=path.name)
    store.replace(doc); ids.append(doc.child.id)
store.close()
accounts = Accounts({str(folder / 'ecomap.accounts.db')!r})
accounts.add_user({WORKER!r}, hash_password({PASSWORD!r}), "worker", None, datetime.now(UTC))
for cid in ids: accounts.allocate({WORKER!r}, cid, datetime.now(UTC))
accounts.close()
print(ids[0])
"""
    env = {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run([sys.executable, "-c", script], env=env, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def _quantiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {"n": len(values), "p50_ms": float("nan"), "p95_ms": float("nan")}
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    return {"n": len(values), "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(cuts[18], 1)}


async def _reads(client: httpx.AsyncClient, path: str, until: float) -> list[float]:
    times = []
    while time.monotonic() < until:
        started = time.perf_counter()
        answer = await client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
    return times


async def _attacker(client: httpx.AsyncClient, until: float, seen: Counter[int]) -> None:
    n = 0
    while time.monotonic() < until:
        n += 1
        try:
            answer = await client.post("/api/auth/login",
                                       json={"username": WORKER, "password": f"guess {n}"})
            seen[answer.status_code] += 1
        except httpx.HTTPError:
            seen[0] += 1


async def _run(url: str, child: str, seconds: float, connections: int) -> dict[str, object]:
    async with httpx.AsyncClient(base_url=url, timeout=60) as worker:
        signed = await worker.post("/api/auth/login",
                                   json={"username": WORKER, "password": PASSWORD})
        signed.raise_for_status()
        worker.headers["Authorization"] = f"Bearer {signed.json()['token']}"
        worker.cookies.clear()
        path = f"/api/children/{child}/measures"
        quiet = await _reads(worker, path, time.monotonic() + min(seconds, 10))
        seen: Counter[int] = Counter()
        limits = httpx.Limits(max_connections=connections)
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as attacker:
            until = time.monotonic() + seconds
            started = time.monotonic()
            attackers = [asyncio.create_task(_attacker(attacker, until, seen))
                         for _ in range(connections)]
            flooded = await _reads(worker, path, until)
            await asyncio.gather(*attackers)
            elapsed = time.monotonic() - started
    return {
        "reads_quiet": _quantiles(quiet),
        "reads_under_flood": _quantiles(flooded),
        "sign_in_answers": {str(k): v for k, v in sorted(seen.items())},
        "guesses_checked_per_s": round(seen[401] / elapsed, 2),
        "sign_ins_answered_per_s": round(sum(seen.values()) / elapsed, 2),
        "seconds": round(elapsed, 1),
        "connections": connections,
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose code to run")
    parser.add_argument("--env", action="append", default=[], help="K=V setting for the server")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        child = _prepare(args.code, folder)
        port = _free_port()
        env = {**os.environ, "PYTHONPATH": str(args.code), "ECOMAP_DB": str(folder / "ecomap.db"),
               "ECOMAP_SECRET_KEY": "bench-only-secret-key",
               **dict(item.split("=", 1) for item in args.env)}
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--host",
             "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"],
            cwd=folder, env=env)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start")
                time.sleep(0.2)
            result = asyncio.run(_run(url, child, args.seconds, args.connections))
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(json.dumps({"label": args.label, "env": args.env, **result}))


if __name__ == "__main__":
    main()
