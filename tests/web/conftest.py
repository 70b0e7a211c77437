"""Browser-test fixtures: the real app under uvicorn on a free loopback port, a temp store
filled from ``fixtures/*.json``, real accounts, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page

from api.accounts import Accounts
from api.auth.passwords import hash_password
from api.settings import Settings
from ecomap.format import parse_document
from graph import open_store

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery"
WORKER, LEADER = "worker.web", "leader.web"


@dataclass(frozen=True)
class Server:
    """A running app: its base URL and the files behind it."""

    url: str
    db: Path
    fixtures: dict[str, dict[str, Any]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _fill(settings: Settings) -> dict[str, dict[str, Any]]:
    fixtures = {}
    store = open_store("embedded", path=settings.db)
    try:
        # The hand-made fixtures, and the 40- and 60-person networks for the map layout tests.
        for path in [*sorted((ROOT / "fixtures").glob("*.json")),
                     *sorted((ROOT / "fixtures" / "large-networks").glob("*.json"))]:
            raw = json.loads(path.read_text(encoding="utf-8"))
            store.replace(parse_document(raw, source=path.name), actor=f"import:{path.name}")
            fixtures[raw["child"]["id"]] = raw
    finally:
        store.close()
    accounts = Accounts(settings.accounts_path())
    now = datetime.now(UTC)
    try:
        accounts.add_user(WORKER, hash_password(PASSWORD), "worker", None, now)
        accounts.add_user(LEADER, hash_password(PASSWORD), "leader", None, now)
        for child_id in fixtures:
            accounts.allocate(WORKER, child_id, now)
    finally:
        accounts.close()
    return fixtures


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``uvicorn api.app:create_app`` in its own process, on a temp store with the fixtures."""
    folder = tmp_path_factory.mktemp("web")
    env = {**os.environ, "ECOMAP_DB": str(folder / "ecomap.db"), "ECOMAP_STORE": "embedded",
           "ECOMAP_SECRET_KEY": "browser-tests-only-secret-key",
           # three fixture children: a leader sees all three measured, one alone suppressed
           "ECOMAP_MIN_COHORT": "2"}
    settings = Settings.from_mapping({"db": env["ECOMAP_DB"]})
    fixtures = _fill(settings)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start: {(folder / 'server.log').read_text()}")
            time.sleep(0.1)
        yield Server(url, Path(env["ECOMAP_DB"]), fixtures)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()




@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) at a laptop's size; no request leaves loopback."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    yield from _guarded(context.new_page())
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A 360-px-wide touch phone."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True,
                                  is_mobile=True, device_scale_factor=2)
    yield from _guarded(context.new_page())
    context.close()


def _guarded(page: Page) -> Iterator[Page]:
    outside: list[str] = []
    errors: list[str] = []

    def check(route: Any) -> None:
        if route.request.url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", check)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert not outside, f"pages asked the network for {outside}"
    assert not errors, f"script errors on the page: {errors}"


def sign_in(page: Page, server: Server, username: str) -> None:
    """Sign in through the home page's form, as a person would."""
    page.goto(f"{server.url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


@contextmanager
def api_client(server: Server, username: str) -> Iterator[httpx.Client]:
    """An HTTP client signed in as ``username`` (bearer token), for checking the API."""
    with httpx.Client(base_url=server.url, timeout=10) as client:
        r = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        r.raise_for_status()
        client.headers["Authorization"] = f"Bearer {r.json()['token']}"
        yield client


def screenshot(page: Page, name: str) -> Path:
    """Keep screenshots under ``test-artifacts/web/`` for people to look at: the whole
    page (``name.png``) and what the first screen shows (``name-screen.png``)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-screen.png"))
    return path


def load_time_ms(page: Page) -> float:
    """Navigation start to the end of the load event, as the browser measured it."""
    value = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return n.loadEventEnd - n.startTime; }"
    )
    return float(value)


def record_load_time(name: str, ms: float) -> None:
    """Add a page's load time to ``test-artifacts/web/load-times.json`` (never asserted)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "load-times.json"
    times = json.loads(path.read_text()) if path.exists() else {}
    times[name] = round(ms, 1)
    path.write_text(json.dumps(times, indent=2, sort_keys=True))


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it stands."""
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run `npm ci` in {ROOT} (the README's setup does)")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]
