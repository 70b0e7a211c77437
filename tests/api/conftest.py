"""The API under test: a real app (lifespan, accounts database, store) driven in-process
through httpx's ASGI transport, and a world of users, children and links for the
authorisation matrix. The store is a fixture parameter: add a kind to ``STORE_KINDS``
(and a branch to :func:`open_test_store`) to run the whole suite on another store."""

from __future__ import annotations

import functools
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI

from api.accounts import Accounts
from api.app import create_app
from api.auth.links import LinkSigner
from api.auth.passwords import hash_password
from api.auth.sessions import start_session
from api.settings import Settings
from ecomap.model import EcomapDocument
from graph.base import GraphStore

STORE_KINDS = ["embedded", "neo4j"]
PASSWORD = "correct horse battery"


def open_test_store(kind: str, tmp: Path) -> GraphStore:
    """A fresh, empty store of ``kind``."""
    if kind == "embedded":
        from graph.embedded import EmbeddedStore

        return EmbeddedStore(tmp / "store.db")
    if kind == "neo4j":  # a database of its own on the session's Bolt test server
        from graph.neo4j import Neo4jStore
        from tests.boltserver import BoltTestServer

        server = BoltTestServer.shared()
        return Neo4jStore(**server.create_database(f"api_{uuid.uuid4().hex[:12]}"))
    raise ValueError(f"unknown store kind {kind!r}")


class Clock:
    """The app's clock, which tests can move (``app.state.clock``)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


class Api:
    """A synchronous face on an in-process ``httpx.AsyncClient`` over ASGI, with the
    app's lifespan running. Cookies are not kept between calls (callers say who they are)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._stack = ExitStack()
        self.portal: BlockingPortal
        self.client: httpx.AsyncClient

    def __enter__(self) -> Api:
        self.portal = self._stack.enter_context(start_blocking_portal(backend="asyncio"))
        lifespan: AbstractContextManager[Any] = self.portal.wrap_async_context_manager(
            self.app.router.lifespan_context(self.app)
        )
        self._stack.enter_context(lifespan)
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://testserver"
        )
        self._stack.callback(lambda: self.portal.call(self.client.aclose))
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return self.portal.call(functools.partial(self.client.request, method, url, **kwargs))
        finally:
            self.client.cookies.clear()

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)


def make_settings(tmp: Path, **extra: Any) -> Settings:
    """The app's settings; ``min_cohort`` 1 because the world has only three children
    (tests of small-cohort suppression build a world with their own); no dashboard
    warm-up at start (tests/api/test_dashboard_warm.py switches it on)."""
    return Settings.from_mapping(
        {"db": str(tmp / "unused.db"), "accounts_db": str(tmp / "accounts.db"),
         "secret_key": "test-signing-key", "min_cohort": 1, "dashboard_warm": False, **extra}
    )


#: user → (role, team, allocated children by key)
USERS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "wendy": ("worker", "North", ("a", "d")),
    "wes": ("worker", "North", ("a",)),
    "walt": ("worker", "South", ("b",)),
    "lena": ("leader", "North", ()),
    "lou": ("leader", None, ()),
    "ada": ("admin", None, ()),
}


@dataclass
class World:
    """A running app with users, three children (a: c-mia, b: c-leo, d: c-jay) and links."""

    api: Api
    app: FastAPI
    store: GraphStore
    accounts: Accounts
    signer: LinkSigner
    clock: Clock
    docs: dict[str, EcomapDocument]
    ids: dict[str, str]
    links: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)

    def fresh_session(self, username: str) -> str:
        user = self.accounts.user(username)
        assert user is not None
        token, _ = start_session(self.accounts, user, self.clock(), 1.0)
        return token

    def as_user(self, username: str) -> dict[str, str]:
        if username not in self.sessions:
            self.sessions[username] = self.fresh_session(username)
        return {"Authorization": f"Bearer {self.sessions[username]}"}

    def write_as(self, username: str, child_id: str) -> dict[str, str]:
        """Headers for a write to ``child_id``: the user's session and ``If-Match`` at the
        child's current version (every write to a child needs it)."""
        return {**self.as_user(username), "If-Match": f'"{self.store.version(child_id)}"'}

    def person_write(self, username: str, person_id: str) -> dict[str, str]:
        """Headers for a person edit: the user's session and ``If-Match`` at the person's
        current version (a person edit needs it)."""
        version = self.store.person_versions([person_id])[person_id]
        return {**self.as_user(username), "If-Match": f'"{version}"'}

    def link_write(self, name: str, child_id: str) -> dict[str, str]:
        """A young person's write: their link and ``If-Match`` at the current version."""
        return {**self.as_link(name), "If-Match": f'"{self.store.version(child_id)}"'}

    def as_link(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Link {self.links[name]}"}

    def new_link(self, child_key: str, *, by: str = "wendy", age: timedelta = timedelta(0),
                 lifetime: timedelta = timedelta(days=7)) -> tuple[str, str]:
        link, token = self.signer.create(self.accounts, self.ids[child_key], by,
                                         self.clock() - age, lifetime)
        return link.id, token


def build_world(tmp: Path, kind: str, fixture_documents: dict[str, EcomapDocument],
                **settings: Any) -> Iterator[World]:
    store = open_test_store(kind, tmp)
    docs = {
        "a": fixture_documents["foster-care-after-move"],
        "b": fixture_documents["child-in-need-at-home"],
        "d": fixture_documents["care-leaver-professional-network"],
    }
    for doc in docs.values():
        store.replace(doc, actor="import:fixtures")
    app = create_app(make_settings(tmp, **settings), store=store)
    clock = Clock()
    app.state.clock = clock
    try:
        with Api(app) as api:
            accounts: Accounts = app.state.accounts
            ids = {key: doc.child.id for key, doc in docs.items()}
            secret = hash_password(PASSWORD)
            for name, (role, team, kids) in USERS.items():
                accounts.add_user(name, secret, role, team, clock())  # type: ignore[arg-type]
                for key in kids:
                    accounts.allocate(name, ids[key], clock())
            world = World(api=api, app=app, store=store, accounts=accounts,
                          signer=app.state.signer, clock=clock, docs=docs, ids=ids)
            world.links["link"] = world.new_link("a")[1]
            world.links["link_other_child"] = world.new_link("b", by="walt")[1]
            world.links["link_expired"] = world.new_link(
                "a", age=timedelta(days=30), lifetime=timedelta(days=1))[1]
            revoked_id, world.links["link_revoked"] = world.new_link("a")
            accounts.revoke_link(revoked_id, clock())
            yield world
    finally:
        store.close()


@pytest.fixture(scope="module", params=STORE_KINDS)
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def world(store_kind: str, fixture_documents: dict[str, EcomapDocument],
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One world per test module (hashing passwords is deliberately slow)."""
    yield from build_world(tmp_path_factory.mktemp("world"), store_kind, fixture_documents)


@pytest.fixture
def fresh_world(store_kind: str, fixture_documents: dict[str, EcomapDocument],
                tmp_path: Path) -> Iterator[World]:
    """A world of its own for a test that changes things others would see."""
    yield from build_world(tmp_path, store_kind, fixture_documents)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    world: World


def serve(app: FastAPI) -> Callable[[], None]:
    """Run ``app`` under uvicorn on a free loopback port in a thread; return a stopper."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    app.state.live_url = f"http://127.0.0.1:{port}"

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return stop


@pytest.fixture(scope="module")
def live(world: World) -> Iterator[LiveServer]:
    """The same world's app also served over real HTTP by uvicorn on 127.0.0.1."""
    stop = serve(world.app)
    try:
        yield LiveServer(url=world.app.state.live_url, world=world)
    finally:
        stop()
