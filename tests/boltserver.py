"""A throwaway Bolt server for tests and benchmarks: ArcadeDB with its Bolt plugin.

The PyPI package ``arcadedb-embedded`` bundles ArcadeDB's jars and a Java runtime
(the jars need Java 21+). :class:`BoltTestServer` runs its server class on free
loopback ports in a temporary root, waits until it is ready, creates one database
(``neo4j`` by default) and stops it with SIGTERM. It speaks enough Cypher over Bolt
for :class:`graph.neo4j.Neo4jStore`; it is a test double for Neo4j, not a product
store. Use it as a context manager::

    with BoltTestServer() as server:
        store = Neo4jStore(server.uri, user=server.user, password=server.password,
                           database=server.database)
"""

from __future__ import annotations

import atexit
import base64
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import TypedDict

ROOT_USER = "root"
_MAIN_CLASS = "com.arcadedb.server.ArcadeDBServer"
_BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"


_SHARED: BoltTestServer | None = None
_SHARED_LOCK = threading.Lock()


class BoltTarget(TypedDict):
    """Where and how to connect: ``Neo4jStore(**target)``, ``clear_database(**target)``."""

    uri: str
    user: str
    password: str
    database: str


class BoltServerError(RuntimeError):
    """The test server could not be found, started or set up."""


def arcadedb_home() -> Path:
    """The installed ``arcadedb_embedded`` package folder (holding ``jre/`` and ``jars/``)."""
    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or not spec.submodule_search_locations:
        raise BoltServerError(
            "the Bolt test server needs the PyPI package arcadedb-embedded "
            "(pip install 'ecomap[test]')"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class BoltTestServer:
    """ArcadeDB's server with the Bolt plugin, on loopback, in a temporary root.

    Parameters
    ----------
    database:
        The database created once the server is ready, and the Bolt default.
    password:
        The root password (ArcadeDB wants 8+ characters, or it stops at a prompt).
    heap:
        The JVM's maximum heap (``-Xmx``).
    startup_timeout:
        Seconds to wait for ``GET /api/v1/ready`` to answer 204.
    """

    def __init__(
        self,
        *,
        database: str = "neo4j",
        password: str = "ecomap-test-root",
        heap: str = "768m",
        startup_timeout: float = 60.0,
    ) -> None:
        if len(password) < 8:
            raise ValueError("password must be at least 8 characters (ArcadeDB's rule)")
        self.database = database
        self.user = ROOT_USER
        self.password = password
        self.heap = heap
        self.startup_timeout = startup_timeout
        self.bolt_port = 0
        self.http_port = 0
        self._root: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log: Path | None = None

    @property
    def uri(self) -> str:
        """The Bolt URI clients connect to (``bolt://127.0.0.1:PORT``)."""
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self) -> BoltTestServer:
        """Start the server, wait until it is ready and create the database."""
        if self._process is not None:
            raise BoltServerError("the server is already started")
        home = arcadedb_home()
        java = home / "jre" / "bin" / "java"
        if not java.exists():
            raise BoltServerError(f"no bundled Java runtime at {java}")
        self._root = Path(tempfile.mkdtemp(prefix="ecomap-bolt-"))
        self._log = self._root / "server.log"
        self.bolt_port, self.http_port = free_port(), free_port()
        while self.http_port == self.bolt_port:
            self.http_port = free_port()
        command = [
            str(java),
            f"-Xmx{self.heap}",
            "-Djava.awt.headless=true",
            f"-Darcadedb.server.rootPath={self._root}",
            f"-Darcadedb.server.databaseDirectory={self._root / 'databases'}",
            f"-Darcadedb.server.rootPassword={self.password}",
            "-Darcadedb.server.httpIncomingHost=127.0.0.1",
            f"-Darcadedb.server.httpIncomingPort={self.http_port}",
            f"-Darcadedb.server.plugins={_BOLT_PLUGIN}",
            "-Darcadedb.bolt.host=127.0.0.1",
            f"-Darcadedb.bolt.port={self.bolt_port}",
            f"-Darcadedb.bolt.defaultDatabase={self.database}",
            "-cp",
            os.pathsep.join(str(p) for p in sorted((home / "jars").glob("*.jar"))),
            _MAIN_CLASS,
        ]
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(
                command,
                cwd=self._root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_ready()
            self._command(f"create database {self.database}")
            self._wait_bolt()
        except BaseException:
            self.stop()
            raise
        return self

    @classmethod
    def shared(cls) -> BoltTestServer:
        """One server for this whole process, started on first use and stopped at exit
        (or by :meth:`stop`): for test fixtures that cannot share a pytest fixture."""
        with _SHARED_LOCK:
            global _SHARED
            if _SHARED is None or not _SHARED.running:
                _SHARED = cls().start()
                atexit.register(_SHARED.stop)
            return _SHARED

    def create_database(self, name: str) -> BoltTarget:
        """Create another database on the running server; return its connection
        settings (``uri``, ``user``, ``password``, ``database``) for ``Neo4jStore``."""
        if not name.isidentifier():
            raise ValueError(f"database name {name!r} must be letters, digits and _")
        self._command(f"create database {name}")
        return BoltTarget(uri=self.uri, user=self.user, password=self.password, database=name)

    @property
    def target(self) -> BoltTarget:
        """Connection settings of the default database, for ``Neo4jStore(**target)``."""
        return BoltTarget(
            uri=self.uri, user=self.user, password=self.password, database=self.database
        )

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 15 s) and remove its root."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None

    def log_tail(self, lines: int = 40) -> str:
        """The last lines the server wrote (for error messages)."""
        if self._log is None or not self._log.exists():
            return ""
        return "\n".join(self._log.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> BoltTestServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _http(self, method: str, path: str, body: dict[str, str] | None = None) -> int:
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.http_port}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            status: int = response.status
            return status

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise BoltServerError(f"the Bolt test server exited:\n{self.log_tail()}")
            try:
                if self._http("GET", "/api/v1/ready") == 204:
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise BoltServerError(
            f"the Bolt test server was not ready in {self.startup_timeout} s:\n{self.log_tail()}"
        )

    def _command(self, command: str) -> None:
        try:
            self._http("POST", "/api/v1/server", {"command": command})
        except urllib.error.HTTPError as error:
            raise BoltServerError(
                f"server command {command!r} failed with HTTP {error.code}:\n{self.log_tail()}"
            ) from error

    def _wait_bolt(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.bolt_port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise BoltServerError(f"the Bolt port never opened:\n{self.log_tail()}")


def clear_database(
    uri: str, *, user: str | None, password: str | None, database: str | None
) -> int:
    """Delete every node and relationship of a database (tests only); return how many
    nodes there were. Never point this at a database whose data you want."""
    import neo4j

    auth = None if user is None else neo4j.basic_auth(user, password or "")
    with (
        neo4j.GraphDatabase.driver(uri, auth=auth) as driver,
        driver.session(database=database) as session,
    ):
        before = int(session.run("MATCH (n) RETURN count(n) AS n").single(strict=True)["n"])
        session.run("MATCH (n) DETACH DELETE n").consume()
        return before


__all__ = [
    "BoltServerError",
    "BoltTarget",
    "BoltTestServer",
    "arcadedb_home",
    "clear_database",
    "free_port",
]
