"""The stores the contract suite runs against: one registry, one ``store`` fixture.

To run the whole contract suite against another store, write a factory (a context
manager taking the pytest request and yielding a fresh, empty store) and add one
``pytest.param`` line to ``STORE_FACTORIES``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from graph.base import GraphStore
from graph.embedded import EmbeddedStore
from tests.boltserver import clear_database

StoreFactory = Callable[[pytest.FixtureRequest], AbstractContextManager[GraphStore]]


@contextmanager
def embedded_memory(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """An in-memory embedded store."""
    with EmbeddedStore.memory() as store:
        yield store


@contextmanager
def embedded_file(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """An embedded store in a new SQLite file under the test's temporary directory."""
    tmp_path: Path = request.getfixturevalue("tmp_path")
    folder = Path(tempfile.mkdtemp(prefix="store-", dir=tmp_path))  # fresh on every call
    with EmbeddedStore(folder / "ecomap.db") as store:
        yield store


@contextmanager
def bolt_arcadedb(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """The Neo4j store on the session's ArcadeDB Bolt test server, database wiped."""
    from graph.neo4j import Neo4jStore  # only when a Bolt store is asked for

    target = request.getfixturevalue("arcadedb_target")
    clear_database(**target)  # fresh on every call (hypothesis examples share the fixture)
    with Neo4jStore(**target) as store:
        yield store


@contextmanager
def bolt_neo4j(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """The Neo4j store on the Neo4j that NEO4J_URI names, database wiped."""
    from graph.neo4j import Neo4jStore

    target = request.getfixturevalue("neo4j_target")
    clear_database(**target)
    with Neo4jStore(**target) as store:
        yield store


# The registry: every store the contract suite must hold for. One line per store.
STORE_FACTORIES: list[object] = [
    pytest.param(embedded_memory, id="embedded-memory"),
    pytest.param(embedded_file, id="embedded-file"),
    pytest.param(bolt_arcadedb, id="bolt-arcadedb", marks=pytest.mark.bolt),
    *([pytest.param(bolt_neo4j, id="bolt-neo4j", marks=pytest.mark.bolt)]
      if os.environ.get("NEO4J_URI") else []),
]


@pytest.fixture(params=STORE_FACTORIES)
def store_factory(request: pytest.FixtureRequest) -> StoreFactory:
    """The factory of the store under test (to open a second, independent store)."""
    factory: StoreFactory = request.param
    return factory


@pytest.fixture
def store(store_factory: StoreFactory, request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """A fresh, empty store of each kind in ``STORE_FACTORIES``."""
    with store_factory(request) as opened:
        yield opened
