"""p50/p95 latency of the child-ecomap and child-measures endpoints over real HTTP.

Synthesises N children (default 10,000) into a fresh embedded store once, allocates a
sample of them to a benchmark worker, starts ``ecomap serve`` as its own process on a
free loopback port, and times ~200 requests to each endpoint with one keep-alive client.

    .venv/bin/python bench/api_latency.py [--children 10000] [--requests 200] [--store PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

PASSWORD = "bench-password-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_store(path: Path, children: int, seed: int) -> float:
    """Synthesise and store ``children`` documents; return the seconds it took."""
    from ecomap.synth import synthesize
    from graph.embedded import EmbeddedStore

    started = time.perf_counter()
    store = EmbeddedStore(path)
    try:
        batch = []
        for doc in synthesize(children, seed):
            batch.append(doc)
            if len(batch) == 500:
                store.replace_many(batch, actor="import:bench")
                batch = []
        if batch:
            store.replace_many(batch, actor="import:bench")
    finally:
        store.close()
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--store", type=Path, help="Reuse (or create) the store file here.")
    parser.add_argument("--at", default="2025-06-30")
    parser.add_argument("--out", type=Path, default=Path("bench/out/api_latency.json"))
    args = parser.parse_args()

    from api.accounts import Accounts
    from api.auth.passwords import hash_password
    from graph.embedded import EmbeddedStore

    workdir = Path(tempfile.mkdtemp(prefix="ecomap-bench-"))
    db = args.store or workdir / "bench.db"
    build_seconds = None
    if not db.exists():
        print(f"synthesising {args.children} children into {db} ...", flush=True)
        build_seconds = build_store(db, args.children, args.seed)
        print(f"  stored in {build_seconds:.1f} s", flush=True)
    store = EmbeddedStore(db)
    try:
        counts = store.counts()
        ids = [c.id for c in store.children().data]
    finally:
        store.close()
    rng = random.Random(args.seed)
    caseload = rng.sample(ids, min(200, len(ids)))
    accounts_path = workdir / "accounts.db"
    accounts = Accounts(accounts_path)
    now = datetime.now(UTC)
    accounts.add_user("bench", hash_password(PASSWORD), "worker", None, now)
    for cid in caseload:
        accounts.allocate("bench", cid, now)
    accounts.close()

    port = _free_port()
    env = {
        **os.environ,
        "ECOMAP_ACCOUNTS_DB": str(accounts_path),
        "ECOMAP_SECRET_KEY": "bench-secret-key",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "ecomap"),
            "serve",
            "--store",
            str(db),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results: dict[str, dict[str, float]] = {}
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=60) as client:
            token = client.post(
                "/api/auth/login", json={"username": "bench", "password": PASSWORD}
            ).json()["token"]
            client.cookies.clear()
            headers = {"Authorization": f"Bearer {token}"}
            for name, suffix in (("ecomap", "ecomap"), ("measures", "measures")):
                for cid in caseload[:10]:  # warm up
                    client.get(
                        f"/api/children/{cid}/{suffix}", params={"at": args.at}, headers=headers
                    )
                timings = []
                for i in range(args.requests):
                    cid = caseload[i % len(caseload)]
                    started = time.perf_counter()
                    response = client.get(
                        f"/api/children/{cid}/{suffix}", params={"at": args.at}, headers=headers
                    )
                    timings.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, response.text
                results[name] = {
                    "p50_ms": round(percentile(timings, 0.50), 1),
                    "p95_ms": round(percentile(timings, 0.95), 1),
                    "mean_ms": round(statistics.fmean(timings), 1),
                    "max_ms": round(max(timings), 1),
                    "requests": args.requests,
                }
                print(
                    f"GET /api/children/{{id}}/{suffix}: p50 {results[name]['p50_ms']} ms, "
                    f"p95 {results[name]['p95_ms']} ms ({args.requests} requests)",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=10)
    report = {
        "children": counts.children,
        "people": counts.people,
        "ties": counts.ties,
        "observations": counts.observations,
        "build_seconds": build_seconds,
        "at": args.at,
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
