"""The attacks of docs/security.md, run over real HTTP: the app under uvicorn on a free
loopback port (the world of tests/api: users, three children, links), an attacker's own
site on another port, and Debian's Chromium for what only a browser does."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from ecomap.model import EcomapDocument
from tests.api.conftest import PASSWORD, World, build_world, serve

__all__ = ["PASSWORD", "Live", "World"]


@dataclass
class Live:
    """A world served over real HTTP at ``url``."""

    url: str
    world: World

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)

    def sign_in(self, username: str, password: str = PASSWORD) -> httpx.Response:
        with self.client() as client:
            return client.post("/api/auth/login",
                               json={"username": username, "password": password})

    def bearer(self, username: str) -> dict[str, str]:
        """A bearer header for ``username`` (a session made directly: no hashing)."""
        return {"Authorization": f"Bearer {self.world.fresh_session(username)}"}


LiveFactory = Callable[..., Live]


@pytest.fixture
def live_world(fixture_documents: dict[str, EcomapDocument],
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveFactory]:
    """``live_world(folder=None, **settings)``: a fresh world with these settings, served
    over HTTP; its store file in ``folder`` if given."""
    stack: list[Callable[[], None]] = []

    def make(folder: Path | None = None, **settings: Any) -> Live:
        worlds = build_world(folder or tmp_path_factory.mktemp("security"), "embedded",
                             fixture_documents, **settings)
        world = next(worlds)
        stop = serve(world.app)
        stack.append(lambda: worlds.close())
        stack.append(stop)
        return Live(url=world.app.state.live_url, world=world)

    yield make
    while stack:
        stack.pop()()


@pytest.fixture(scope="module")
def live(fixture_documents: dict[str, EcomapDocument],
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """One world per module with the default settings, over real HTTP."""
    worlds = build_world(tmp_path_factory.mktemp("security"), "embedded", fixture_documents)
    world = next(worlds)
    stop = serve(world.app)
    try:
        yield Live(url=world.app.state.live_url, world=world)
    finally:
        stop()
        worlds.close()


class AttackerSite:
    """Another site: a plain HTTP server on another loopback port serving given pages."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.get(self.path, "").encode("utf-8")
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def attacker() -> Iterator[AttackerSite]:
    site = AttackerSite()
    yield site
    site.close()




def root_can_mount(folder: Path) -> bool:
    """Whether this process may mount a small tmpfs (root in a container that allows it)."""
    if os.geteuid() != 0:
        return False
    folder.mkdir(parents=True, exist_ok=True)
    probe = os.system(f"mount -t tmpfs -o size=64k tmpfs {folder} 2>/dev/null")
    if probe != 0:
        return False
    os.system(f"umount {folder}")
    return True
