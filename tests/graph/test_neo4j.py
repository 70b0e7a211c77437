"""The Neo4j store on a real Bolt server: what the shared contract suite cannot see.

Runs against the ArcadeDB Bolt test server the session starts on loopback and, when
``NEO4J_URI`` is set, against that Neo4j as well (which it wipes: point it at an
empty test database).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import neo4j
import pytest
from neo4j.exceptions import ServiceUnavailable

from api.app import create_app
from api.settings import Settings
from ecomap.format import write_jsonl
from ecomap.model import EcomapDocument
from graph import open_store
from graph.base import VersionConflict
from graph.neo4j import cypher
from graph.neo4j.store import Neo4jStore
from graph.neo4j.tx import ReadTx
from tests.boltserver import BoltTestServer, free_port
from tests.graph.bolt_raw import Target, count, raw

pytestmark = pytest.mark.bolt

ACTOR = "u-test"


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
    constraints = {row["name"] for row in raw(target, "SHOW CONSTRAINTS")}
    assert {"ecomap_child_id", "ecomap_meta_id", "ecomap_revision_number"} <= constraints
    indexes = {row["name"] for row in raw(target, "SHOW INDEXES")}
    assert {"ecomap_tierow_child", "ecomap_personrow_id", "ecomap_memberrow_person"} <= indexes
    assert store.revision() == 0


def test_dates_are_stored_as_cypher_dates_and_ids_as_strings(
    store: Neo4jStore, target: Target
) -> None:
    store.replace(_doc("c1", "p1"), actor=ACTOR)
    row = raw(target, "MATCH (t:TieRow {id: 'c1-p1'}) RETURN t.started AS started, t.id AS id")[0]
    assert isinstance(row["started"], neo4j.time.Date)
    assert row["started"].to_native() == date(2020, 1, 1)
    assert row["id"] == "c1-p1"


def test_a_revision_is_a_node_with_its_time_as_utc_microseconds(
    store: Neo4jStore, target: Target
) -> None:
    before = datetime.now(UTC)
    store.replace(_doc("c1", "p1"), actor=ACTOR, reason="first visit")
    [rev] = raw(target, "MATCH (r:Revision) RETURN properties(r) AS r")
    assert {k: rev["r"][k] for k in ("number", "actor", "reason", "kind")} == {
        "number": 1, "actor": ACTOR, "reason": "first visit", "kind": "write"}
    assert isinstance(rev["r"]["at_us"], int)
    [seen] = store.history("c1")
    assert seen.at.tzinfo is not None and before <= seen.at <= datetime.now(UTC)
    assert seen.children == ("c1",)
    listed = raw(target, "MATCH (:Revision {number: 1})-[l:LISTS]->(c:Child) "
                          "RETURN c.id AS id, l.version AS version")
    assert listed == [{"id": "c1", "version": 1}]


def test_a_person_is_one_current_row_shared_by_children(
    store: Neo4jStore, target: Target
) -> None:
    store.replace(_doc("c1", "sw"), actor=ACTOR)
    store.replace(_doc("c2", "sw"), actor=ACTOR)
    rows = raw(target, "MATCH (m:MemberRow {person: 'sw'}) RETURN m.child AS c")
    assert sorted(row["c"] for row in rows) == ["c1", "c2"]
    assert count(target, "MATCH (p:PersonRow) RETURN count(p) AS n") == 1


# ------------------------------------------------------------ rows are versioned, not rewritten


def test_an_edit_closes_and_adds_only_the_rows_it_changes(
    store: Neo4jStore, target: Target
) -> None:
    first = _doc("c1", "p1", "p2", "p3")
    store.replace(first, actor=ACTOR)
    nodes = "MATCH (n) WHERE n.rev_from IS NOT NULL RETURN count(n) AS n"
    stored = count(target, nodes)
    edited = first.model_dump()
    edited["ties"][1]["ended"] = "2024-01-01"
    edited["ties"][1]["end_reason"] = "moved_placement"
    store.replace(EcomapDocument.model_validate(edited), actor=ACTOR)
    assert count(target, nodes) == stored + 1  # one new tie row, nothing copied
    rows = raw(target, "MATCH (t:TieRow {child: 'c1'}) "
                        "RETURN t.id AS id, t.rev_from AS f, t.rev_to AS t ORDER BY id, f")
    assert [(r["id"], r["f"], r["t"]) for r in rows] == [
        ("c1-p1", 1, None), ("c1-p2", 1, 2), ("c1-p2", 2, None), ("c1-p3", 1, None)]
    assert store.get("c1", as_recorded=1) == first
    assert store.get("c1").ties[1].end_reason == "moved_placement"


def test_ten_rounds_of_one_edit_keep_one_row_per_round(store: Neo4jStore, target: Target) -> None:
    doc = _doc("c1", "p1", "p2")
    store.replace(doc, actor=ACTOR)
    for n in range(10):
        edited = doc.model_dump()
        edited["child"]["name"] = f"Round {n}"
        store.replace(EcomapDocument.model_validate(edited), actor=ACTOR)
    assert count(target, "MATCH (c:ChildRow) RETURN count(c) AS n") == 11
    assert count(target, "MATCH (t:TieRow) RETURN count(t) AS n") == 2
    assert store.get("c1", as_recorded=4).child.name == "Round 2"


def test_a_read_at_a_revision_ignores_later_writes(
    store: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("graph.neo4j.store.DOCS_PER_READ", 1)  # one transaction per child
    store.replace(_doc("c1", "p1"), actor=ACTOR)
    store.replace(_doc("c2", "p1"), actor=ACTOR)
    pinned = store.iter_documents()
    first = next(pinned)  # the read is pinned at revision 2 from here on
    store.replace(_doc("c2", "p9"), actor=ACTOR)
    assert (first.child.id, [d.people[0].id for d in pinned]) == ("c1", ["p1"])


# ------------------------------------------------------------ reads never write


def _names(prefixes: tuple[str, ...]) -> set[str]:
    return {name for name, value in vars(cypher).items()
            if isinstance(value, str) and name.startswith(prefixes)}


WRITE_NAMES = ("LOCK_", "CREATE_", "SET_", "ENSURE_", "LIST_CHILDREN", "RETIRE_", "ERASE_")


def test_no_read_query_contains_a_write_clause() -> None:
    writes = [getattr(cypher, name) for name in _names(WRITE_NAMES)]
    reads = [getattr(cypher, name) for name in _names(tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
             if getattr(cypher, name).startswith(("MATCH", "UNWIND"))
             and getattr(cypher, name) not in writes]
    reads += [cypher.current_owned(label) for label in cypher.OWNED]
    writes += [cypher.retire_owned(label) for label in cypher.OWNED]
    assert len(reads) > 20 and len(writes) > 10
    assert all(cypher.is_read(query) for query in reads)
    assert not any(cypher.is_read(query) for query in writes)


def test_a_read_transaction_refuses_a_write_before_the_server_sees_it(
    store: Neo4jStore, target: Target
) -> None:
    # The test server would run it: execute_read does not stop writes there.
    sneaky = cypher.ReadQuery("CREATE (:ChildRow {id: 'sneaky', name: 'x', rev_from: 0})")

    def work(tx: ReadTx) -> None:
        tx.run(sneaky)

    with pytest.raises(ValueError, match="read transaction"):
        store._read(work)
    assert count(target, "MATCH (c:ChildRow) RETURN count(c) AS n") == 0


def test_every_read_leaves_the_graph_as_it_was(store: Neo4jStore, target: Target) -> None:
    store.replace(_doc("c1", "p1", "p2"), actor=ACTOR)
    store.replace(_doc("c2", "p2"), actor=ACTOR)
    store.close_record("c2", actor=ACTOR)
    fingerprint = ("MATCH (n) OPTIONAL MATCH (n)-[l]->() RETURN count(DISTINCT n) AS n, "
                   "count(l) AS l, sum(coalesce(n.rev_to, 0)) AS t, "
                   "sum(coalesce(n.writes, 0)) AS w, sum(coalesce(n.version, 0)) AS v")
    before = raw(target, fingerprint)
    store.get("c1")
    store.get("c1", as_recorded=1)
    store.version("c1", as_recorded=datetime.now(UTC))
    store.is_closed("c2")
    store.children(search="child", team="North", limit=1, offset=1, include_closed=True)
    list(store.iter_documents(include_closed=True))
    store.cohort_tables()
    store.cohort_tables(["c1"], as_recorded=2)
    store.history("c1")
    store.revisions()
    store.people(search="person", of_children=["c1"])
    store.person_children(["p2"])
    store.counts()
    assert raw(target, fingerprint) == before


# ------------------------------------------------------------ writes


def test_erase_leaves_no_row_of_the_child_at_any_revision(
    store: Neo4jStore, target: Target
) -> None:
    store.replace(_doc("c1", "p1", "sw"), actor=ACTOR)
    store.replace(_doc("c1", "p2", "sw"), actor=ACTOR)
    store.replace(_doc("c2", "sw"), actor=ACTOR)
    erased = store.erase("c1", actor="admin", reason="made for the wrong child")
    assert (erased.revisions, erased.people, erased.ties) == (2, 2, 3)
    assert count(target, "MATCH (n) WHERE n.child = 'c1' OR (n:ChildRow AND n.id = 'c1') "
                          "RETURN count(n) AS n") == 0
    assert sorted(r["id"] for r in raw(target, "MATCH (p:PersonRow) RETURN p.id AS id")) == [
        "sw"]
    [rev] = store.history("c1")
    assert (rev.kind, rev.erased) == ("erase", erased)


def test_concurrent_replaces_of_one_new_child_all_land_in_order(store: Neo4jStore) -> None:
    doc = _doc("c1", "p1", "p2")
    errors: list[BaseException] = []

    def write() -> None:
        try:
            store.replace(doc, actor=ACTOR)
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
    assert [r.number for r in store.history("c1")] == [4, 3, 2, 1]
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
            others[n].replace(_doc("c1", f"p{n}", "shared"), actor=ACTOR, expected_version=0)
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
    assert store.revision() == 1
    assert store.counts().people == 2


def test_writers_in_separate_processes_get_one_revision_each_in_order(
    store: Neo4jStore, target: Target
) -> None:
    others = [Neo4jStore(**target) for _ in range(3)]
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for k in range(3):
                others[n].replace(_doc(f"c{n}", f"p{k}", "shared"), actor=f"u{n}")
        except BaseException as error:  # collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for other in others:
        other.close()
    assert errors == []
    revisions = store.revisions()
    assert [r.number for r in revisions] == list(range(1, 10))
    assert all(a.at <= b.at for a, b in itertools.pairwise(revisions))
    assert {store.version(f"c{n}") for n in range(3)} == {3}
    assert store.counts().people == 2  # p2 and the shared person; p0, p1 left every network


def test_bulk_load_batches_keep_each_document_atomic(store: Neo4jStore) -> None:
    store.replace(_doc("owner", "p0"), actor=ACTOR)
    docs = [_doc(f"c{n:03}", f"p{n % 7}", "sw") for n in range(300)]
    docs.append(_doc("c001", "p9"))  # the same child again: the later one wins
    docs.append(_doc("thief", "p1", ties=[{"id": "owner-p0", "between": ["thief", "p1"]}]))
    docs.append(_doc("broken", "p1", ties=[{"id": "b", "between": ["broken", "nobody"]}]))
    result = store.replace_many(docs, actor="import:test")
    assert [child for child, _ in result.rejected] == ["thief", "broken"]
    assert len(result.imported) == 301
    assert result.revisions == [2, 3]  # at most 250 documents a transaction
    assert store.get("c001") == _doc("c001", "p9")
    assert store.version("c001") == 2
    assert store.person_children(["sw"])["sw"][:2] == ["c000", "c002"]
    counts = store.counts()
    assert (counts.children, counts.ties) == (301, 1 + 299 * 2 + 1)
    assert counts.people == len({"p0", "sw", "p9"} | {f"p{n % 7}" for n in range(300)})


_WRITER = textwrap.dedent("""
    import json, sys
    from ecomap.format import read_documents
    from graph.neo4j import Neo4jStore
    target, first, second = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
    rounds = [list(read_documents(first)), list(read_documents(second))]
    store = Neo4jStore(**target)
    print("ready", flush=True)
    n = 0
    while True:  # alternate the two versions until killed
        store.replace_many(rounds[n % 2], actor="import:crash-test")
        n += 1
""")


@pytest.mark.slow
def test_a_writer_killed_mid_import_leaves_each_child_whole_with_its_history(
    store: Neo4jStore, target: Target, tmp_path: Path, synthetic: Any
) -> None:
    old, new = synthetic(120, seed=1), synthetic(120, seed=2)  # same ids, other content
    assert store.replace_many(old, actor=ACTOR).revisions == [1]
    files = []
    for name, docs in (("new.jsonl", new), ("old.jsonl", old)):
        with open(tmp_path / name, "w", encoding="utf-8") as fp:
            write_jsonl(docs, fp)
        files.append(str(tmp_path / name))
    with subprocess.Popen([sys.executable, "-c", _WRITER, json.dumps(target), *files],
                          stdout=subprocess.PIPE, text=True) as writer:
        try:
            assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
            deadline = time.monotonic() + 300
            while store.revision() < 2:
                assert time.monotonic() < deadline, "the writer never committed"
                time.sleep(0.05)
            time.sleep(0.5)  # inside the next transaction: each takes seconds
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait()
    assert writer.returncode == -signal.SIGKILL
    pairs = {a.child.id: (a, b) for a, b in zip(old, new, strict=True)}
    revisions = store.revisions()
    assert [r.number for r in revisions] == list(range(1, store.revision() + 1))
    for r in revisions:  # every committed revision: all of its children, wholly one version
        assert r.children == tuple(sorted(pairs))
        written = pairs[r.children[0]][(r.number + 1) % 2]
        assert store.get(written.child.id, as_recorded=r.number) == written
    latest = [pairs[cid][(store.revision() + 1) % 2] for cid in sorted(pairs)]
    assert list(store.iter_documents()) == latest
    assert {store.version(cid) for cid in pairs} == {store.revision()}
    assert store.counts().ties == sum(len(d.ties) for d in latest)


# ------------------------------------------------------------ settings and app


def test_open_store_builds_it_from_settings_values(target: Target) -> None:
    opened = open_store("neo4j", **target)
    try:
        assert isinstance(opened, Neo4jStore)
        opened.replace(_doc("c1", "p1"), actor=ACTOR)
    finally:
        opened.close()
    with Neo4jStore(**target) as again:
        assert again.get("c1") == _doc("c1", "p1")


def test_the_app_opens_the_neo4j_store_its_settings_name(target: Target, tmp_path: Path) -> None:
    with Neo4jStore(**target) as seeded:
        seeded.replace(_doc("c1", "p1"), actor=ACTOR)
    settings = Settings.from_mapping(
        {
            "store": "neo4j",
            "NEO4J_URI": target["uri"],
            "NEO4J_USER": target["user"],
            "NEO4J_PASSWORD": target["password"],
            "NEO4J_DATABASE": target["database"],
            "db": tmp_path / "ecomap.db",
            "secret_key": "a-test-key-of-enough-length-0123456789",
            "dashboard_warm": False,  # ~1 s over Bolt; tests/api/test_dashboard_warm.py
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
