"""The Neo4j store on a real Bolt server: what the shared contract suite cannot see.

Runs against the ArcadeDB Bolt test server the session starts on loopback and, when
``NEO4J_URI`` is set, against that Neo4j as well (which it wipes: point it at an
empty test database).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import neo4j
import pytest
from neo4j.exceptions import ServiceUnavailable

from api.app import create_app
from api.settings import Settings
from ecomap.model import EcomapDocument
from graph import open_store
from graph.base import ChildNotFound, DocumentConflict, DocumentInvalid, VersionConflict
from graph.neo4j import cypher
from graph.neo4j.store import Neo4jStore, ReadTx, effective_observation
from tests.boltserver import BoltTestServer, free_port

pytestmark = pytest.mark.bolt

Target = dict[str, Any]


@pytest.fixture
def target(bolt_target: Target) -> Target:
    """The test server's database (and NEO4J_URI's when set), wiped: tests/conftest.py."""
    return bolt_target


@pytest.fixture
def store(target: Target) -> Iterator[Neo4jStore]:
    with Neo4jStore(**target) as opened:
        yield opened


def _doc(
    child: str, *people: str, ties: list[dict[str, Any]] | None = None, **extra: Any
) -> EcomapDocument:
    """A small document: the child tied to each person from 2020-01-01."""
    return EcomapDocument.model_validate(
        {
            "format": "ecomap/1",
            "child": {"id": child, "name": f"Child {child}", "team": "North"},
            "people": [{"id": p, "name": f"Person {p}", "category": "family"} for p in people],
            "ties": ties
            if ties is not None
            else [
                {"id": f"{child}-{p}", "between": [child, p], "started": "2020-01-01"}
                for p in people
            ],
            **extra,
        }
    )


def _raw(target: Target, query: str, **params: Any) -> list[dict[str, Any]]:
    auth = neo4j.basic_auth(target["user"], target["password"])
    with (
        neo4j.GraphDatabase.driver(target["uri"], auth=auth) as driver,
        driver.session(database=target["database"]) as session,
    ):
        rows: list[dict[str, Any]] = session.run(query, params).data()
        return rows


# ------------------------------------------------------------ the test server


def test_test_server_listens_on_loopback_and_stops_cleanly() -> None:
    server = BoltTestServer().start()
    try:
        assert server.uri.startswith("bolt://127.0.0.1:")
        with neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
            assert (
                driver.execute_query("RETURN 1 AS one", database_=server.database)[0][0]["one"] == 1
            )
    finally:
        server.stop()
    assert not server.running
    with (
        pytest.raises(ServiceUnavailable),
        neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver,
    ):
        driver.verify_connectivity()


def test_an_unreachable_server_is_a_clear_error_at_open() -> None:
    with pytest.raises(ServiceUnavailable):
        Neo4jStore(f"bolt://127.0.0.1:{free_port()}", user="neo4j", password="x")


# ------------------------------------------------------------ schema and types


def test_schema_is_created_on_start_and_again_harmlessly(store: Neo4jStore, target: Target) -> None:
    with Neo4jStore(**target):  # a second process starting up
        pass
    names = {row["name"] for row in _raw(target, "SHOW CONSTRAINTS")}
    assert {"ecomap_child_id", "ecomap_person_id", "ecomap_tie_id"} <= names


def test_dates_are_stored_as_cypher_dates_and_ids_as_strings(
    store: Neo4jStore, target: Target
) -> None:
    store.replace(_doc("c1", "p1"))
    row = _raw(target, "MATCH (t:Tie {id: 'c1-p1'}) RETURN t.started AS started, t.id AS id")[0]
    assert isinstance(row["started"], neo4j.time.Date)
    assert row["started"].to_native() == date(2020, 1, 1)
    assert row["id"] == "c1-p1"


def test_a_person_is_one_node_shared_by_children(store: Neo4jStore, target: Target) -> None:
    store.replace(_doc("c1", "sw"))
    store.replace(_doc("c2", "sw"))
    rows = _raw(target, "MATCH (c:Child)-[:KNOWS]->(p:Person {id: 'sw'}) RETURN c.id AS c")
    assert sorted(row["c"] for row in rows) == ["c1", "c2"]
    assert _raw(target, "MATCH (p:Person) RETURN count(p) AS n")[0]["n"] == 1


# ------------------------------------------------------------ reads never write


def test_no_read_query_contains_a_write_clause() -> None:
    reads = [
        v
        for v in vars(cypher).values()
        if isinstance(v, str) and v.startswith(("MATCH", "UNWIND")) and v not in _write_queries()
    ]
    assert len(reads) > 10
    assert all(cypher.is_read(query) for query in reads)
    assert not any(cypher.is_read(query) for query in _write_queries())


def _write_queries() -> set[str]:
    names = [
        name for name in vars(cypher) if name.startswith(("DELETE_", "MERGE_", "CREATE_", "LOCK_"))
    ]
    return {getattr(cypher, name) for name in names}


def test_a_read_transaction_refuses_a_write_before_the_server_sees_it(
    store: Neo4jStore, target: Target
) -> None:
    # The test server would run it: execute_read does not stop writes there.
    sneaky = cypher.ReadQuery("CREATE (:Child {id: 'sneaky', name: 'x', version: 1})")

    def work(tx: ReadTx) -> None:
        tx.run(sneaky)

    with pytest.raises(ValueError, match="read transaction"):
        store._read(work)
    assert _raw(target, "MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def test_every_read_leaves_the_graph_as_it_was(store: Neo4jStore, target: Target) -> None:
    store.replace(_doc("c1", "p1", "p2"))
    store.replace(_doc("c2", "p2"))
    fingerprint = "MATCH (n) RETURN count(n) AS n, sum(coalesce(n.version, 0)) AS v"
    before = _raw(target, fingerprint)
    store.get("c1")
    store.version("c1")
    store.children(search="child", team="North", limit=1, offset=1)
    store.children_of_person("p2")
    store.active_ties("c1", date(2024, 1, 1))
    list(store.iter_documents())
    store.counts()
    assert _raw(target, fingerprint) == before


# ------------------------------------------------------------ writes


def test_a_tie_id_owned_by_another_child_is_a_conflict_and_nothing_changes(
    store: Neo4jStore,
) -> None:
    store.replace(_doc("c1", "p1"))
    store.replace(_doc("c2", "p2"))
    before = store.get("c2")
    clash = _doc("c2", "p2", ties=[{"id": "c1-p1", "between": ["c2", "p2"]}])
    with pytest.raises(DocumentConflict) as caught:
        store.replace(clash)
    assert [b.path for b in caught.value.breaches] == ["ties[0].id"]
    assert store.get("c2") == before
    assert store.version("c2") == 1


def test_an_invalid_document_is_refused_whole(store: Neo4jStore) -> None:
    store.replace(_doc("c1", "p1"))
    bad = _doc("c1", "p1", ties=[{"id": "t", "between": ["c1", "ghost"]}])
    with pytest.raises(DocumentInvalid) as caught:
        store.replace(bad)
    assert caught.value.breaches[0].path == "ties[0].between[1]"
    assert store.get("c1") == _doc("c1", "p1")


def test_version_checks(store: Neo4jStore) -> None:
    assert store.replace(_doc("c1", "p1"), expected_version=0) == 1
    with pytest.raises(VersionConflict) as caught:
        store.replace(_doc("c1", "p2"), expected_version=0)
    assert (caught.value.expected, caught.value.current) == (0, 1)
    assert store.replace(_doc("c1", "p2"), expected_version=1) == 2
    with pytest.raises(VersionConflict):
        store.delete("c1", expected_version=1)
    store.delete("c1", expected_version=2)
    with pytest.raises(ChildNotFound):
        store.version("c1")
    assert store.counts().people == 0


def test_concurrent_replaces_of_one_new_child_all_land_in_order(store: Neo4jStore) -> None:
    doc = _doc("c1", "p1", "p2")
    errors: list[BaseException] = []

    def write() -> None:
        try:
            store.replace(doc)
        except BaseException as error:  # collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.version("c1") == 4
    assert store.get("c1") == doc
    counts = store.counts()
    assert (counts.children, counts.people, counts.ties) == (1, 2, 2)


def test_concurrent_creates_from_separate_processes_let_exactly_one_win(
    store: Neo4jStore, target: Target
) -> None:
    # One store per thread, as in separate API processes: only the server serialises.
    others = [Neo4jStore(**target) for _ in range(3)]
    outcomes: list[str] = []
    lock = threading.Lock()

    def create(n: int) -> None:
        try:
            others[n].replace(_doc("c1", f"p{n}", "shared"), expected_version=0)
            result = "stored"
        except VersionConflict:
            result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for other in others:
        other.close()
    assert sorted(outcomes) == ["conflict", "conflict", "stored"]
    assert store.version("c1") == 1
    assert store.counts().people == 2


def test_bulk_load_batches_keep_each_document_atomic(store: Neo4jStore) -> None:
    store.replace(_doc("owner", "p0"))
    docs = [_doc(f"c{n:03}", f"p{n % 7}", "sw") for n in range(250)]
    docs.append(_doc("c001", "p9"))  # the same child again: the later one wins
    docs.append(_doc("thief", "p1", ties=[{"id": "owner-p0", "between": ["thief", "p1"]}]))
    docs.append(_doc("broken", "p1", ties=[{"id": "b", "between": ["broken", "nobody"]}]))
    result = store.replace_many(docs)
    assert sorted(child for child, _ in result.rejected) == ["broken", "thief"]
    assert len(result.imported) == 251
    assert store.get("c001") == _doc("c001", "p9")
    assert store.version("c001") == 2
    assert store.children_of_person("sw")[:2] == ["c000", "c002"]
    counts = store.counts()
    assert (counts.children, counts.ties) == (251, 1 + 249 * 2 + 1)
    assert counts.people == len({"p0", "sw", "p9"} | {f"p{n % 7}" for n in range(250)})


def test_open_store_builds_it_from_settings_values(target: Target) -> None:
    opened = open_store("neo4j", **target)
    try:
        assert isinstance(opened, Neo4jStore)
        opened.replace(_doc("c1", "p1"))
    finally:
        opened.close()
    with Neo4jStore(**target) as again:
        assert again.get("c1") == _doc("c1", "p1")


# ------------------------------------------------------------ as-at view


def test_effective_observation_by_perspective(store: Neo4jStore) -> None:
    doc = _doc(
        "c1",
        "p1",
        observations=[
            {"tie": "c1-p1", "on": "2021-01-01", "by": "worker", "closeness": 1},
            {"tie": "c1-p1", "on": "2021-06-01", "by": "child", "closeness": 2},
            {"tie": "c1-p1", "on": "2021-06-01", "by": "child", "closeness": 3},
            {"tie": "c1-p1", "on": "2022-01-01", "by": "carer", "closeness": 1, "trusted": True},
        ],
    )
    store.replace(doc)

    def closeness(at: date, perspective: Any) -> int | None:
        (active,) = store.active_ties("c1", at, perspective)
        return None if active.observation is None else active.observation.closeness

    assert closeness(date(2020, 6, 1), "combined") is None
    assert closeness(date(2021, 5, 31), "combined") == 1
    assert closeness(date(2021, 6, 1), "child") == 3  # same date: later in the document
    assert closeness(date(2021, 6, 1), "worker") == 1
    assert closeness(date(2023, 1, 1), "worker") == 1
    assert closeness(date(2023, 1, 1), "combined") == 3
    assert effective_observation([], "combined") is None


def test_a_tie_is_a_node_with_an_end_edge_to_each_of_its_ends(
    store: Neo4jStore, target: Target
) -> None:
    store.replace(
        _doc(
            "c1",
            "p1",
            "p2",
            ties=[{"id": "t1", "between": ["p1", "c1"]}, {"id": "t2", "between": ["p1", "p2"]}],
        )
    )
    rows = _raw(
        target,
        "MATCH (t:Tie)-[e:END]->(x) RETURN t.id AS tie, e.side AS side, x.id AS end "
        "ORDER BY tie, side",
    )
    assert [(r["tie"], r["side"], r["end"]) for r in rows] == [
        ("t1", 0, "p1"),
        ("t1", 1, "c1"),
        ("t2", 0, "p1"),
        ("t2", 1, "p2"),
    ]


def test_the_app_opens_the_neo4j_store_its_settings_name(target: Target, tmp_path: Path) -> None:
    with Neo4jStore(**target) as seeded:
        seeded.replace(_doc("c1", "p1"))
    settings = Settings.from_mapping(
        {
            "store": "neo4j",
            "NEO4J_URI": target["uri"],
            "NEO4J_USER": target["user"],
            "NEO4J_PASSWORD": target["password"],
            "NEO4J_DATABASE": target["database"],
            "db": tmp_path / "ecomap.db",
            "secret_key": "a-test-key-of-enough-length-0123456789",
        }
    )
    app = create_app(settings)

    async def serve() -> tuple[object, Any]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
                health = (await client.get("/api/health")).json()
            store = app.state.store
            return store, (health, store.get("c1"))

    store, (health, stored) = asyncio.run(serve())
    assert isinstance(store, Neo4jStore)
    assert health["store"] == "neo4j"
    assert stored == _doc("c1", "p1")
