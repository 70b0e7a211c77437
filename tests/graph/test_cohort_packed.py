"""The packed cohort columns (docs/scale.md) stay exactly what the documents give:
``store.cohort_tables()`` equals ``CohortTables.from_documents(store.iter_documents())``
after every step of random sequences of writes, closes, reopens, restores, person edits
(category, role, adult, paid: packed with every tie to a shared person, so each child
sharing them is repacked) and erases, on
every store in ``STORE_FACTORIES``. Mirrors ecomap/measures/packed.py and the stores'
cohort modules."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomap.format import parse_document
from ecomap.measures.tables import CohortTables
from ecomap.model import EcomapDocument, Person
from graph.base import GraphStore
from tests.graph.conftest import StoreFactory
from tests.graph.edits import ACTOR, KIDS, POOL, Step, apply_edit, edit_steps
from tests.graph.test_contract import assert_same_cohort


def network(child: str, people: list[str], ratings: list[tuple[int, int, bool]],
            ended: bool) -> EcomapDocument:
    """The child tied to each of ``people`` (and the first two people to each other), with
    observations ``(tie index, closeness, by the child)`` on successive days; ``ended``:
    the first tie ended, and status, team and placement episodes."""
    ties: list[dict[str, Any]] = [
        {"id": f"{child}-{p}", "between": [child, p], "started": "2020-01-01",
         **({"ended": "2024-06-01"} if ended and i == 0 else {})}
        for i, p in enumerate(people)]
    if len(people) > 1:
        ties.append({"id": f"{child}-x", "between": people[:2]})
    observations = [
        {"tie": ties[t % len(ties)]["id"], "on": f"2024-01-{i % 3 + 1:02d}",
         "by": "child" if own else "worker", "closeness": c,
         **({"contact": 2, "support": {"emotional": 1}} if c == 3 else {})}
        for i, (t, c, own) in enumerate(ratings)] if ties else []
    return parse_document({
        "format": "ecomap/1",
        "child": {"id": child, "name": f"Child {child}", "team": "North" if ended else "South",
                  "status": "looked_after"},
        "people": [{"id": p, "name": p.upper(), "category": "family"} for p in people],
        "ties": ties,
        "observations": observations,
        "episodes": [{"kind": "status", "start": "2020-01-01", "status": "looked_after"},
                     {"kind": "team", "start": "2021-01-01", "end": "2024-01-01",
                      "team": "East"},
                     {"kind": "team", "start": "2024-01-01", "team": "North"},
                     {"kind": "placement", "start": "2022-01-01"}] if ended else [],
    })


def _operations() -> st.SearchStrategy[list[Step]]:
    write = st.tuples(st.just("write"), st.sampled_from(KIDS),
                      st.lists(st.sampled_from(POOL), unique=True, max_size=3),
                      st.lists(st.tuples(st.integers(0, 3), st.integers(1, 3), st.booleans()),
                               max_size=4),
                      st.booleans())
    return edit_steps(write, max_size=10)


def _apply(store: GraphStore, step: Step) -> None:
    apply_edit(store, step, lambda op: network(op[1], op[2], op[3], op[4]))


def _check(store: GraphStore) -> None:
    documents = CohortTables.from_documents(store.iter_documents())
    assert_same_cohort(store.cohort_tables(), documents)
    np_member = store.cohort_tables().tie_member
    assert np_member.tolist() == documents.tie_member.tolist()  # the same numbering too
    everyone = CohortTables.from_documents(store.iter_documents(include_closed=True))
    assert_same_cohort(store.cohort_tables(include_closed=True), everyone)
    some = [c for c in ("c-1", "c-3") if c in everyone.child_ids]
    assert_same_cohort(store.cohort_tables(some, include_closed=True),
                       CohortTables.from_documents(
                           d for d in store.iter_documents(include_closed=True)
                           if d.child.id in some))


def test_packed_columns_equal_the_documents_after_every_edit(
        store_factory: StoreFactory, request: pytest.FixtureRequest) -> None:
    """Random edit sequences, each on a fresh store, checked after every step. Fewer
    examples on a Bolt store (each is a round trip per read)."""
    bolt = "bolt" in request.node.callspec.id

    @settings(max_examples=5 if bolt else 30, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(operations=_operations())
    def run(operations: list[tuple[Any, ...]]) -> None:
        with store_factory(request) as store:
            for op in operations:
                _apply(store, op)
                _check(store)

    run()


def test_a_person_edit_shows_in_every_child_sharing_them(store: GraphStore) -> None:
    store.replace(network("c-1", ["p-a", "p-b"], [(0, 2, True)], False), actor=ACTOR)
    store.replace(network("c-2", ["p-a"], [(0, 3, False)], True), actor=ACTOR)
    store.update_person(Person(id="p-a", name="P-A", category="professional",
                               role="social_worker"), actor="u-admin")
    tables = store.cohort_tables()
    assert tables.member_social_worker.tolist() == [True, False, True]
    assert tables.member_paid.tolist() == [True, False, True]
    _check(store)


def test_a_store_without_packed_columns_packs_them_when_opened(tmp_path: Path) -> None:
    """A store written before the packed columns existed (here: their rows deleted) gets
    them when next opened, equal to the documents."""
    from graph.embedded import EmbeddedStore

    path = tmp_path / "ecomap.db"
    with EmbeddedStore(path) as store:
        store.replace(network("c-1", ["p-a", "p-b"], [(0, 2, True), (1, 1, False)], False),
                      actor=ACTOR)
        store.replace(network("c-2", ["p-a"], [(0, 3, False)], True), actor=ACTOR)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM cohort_packed")
        conn.execute("UPDATE packed_check SET version = 0")  # as before the check was noted
    with EmbeddedStore(path) as store:
        assert store.cohort_tables().n_observations == 3
        _check(store)


def test_a_store_found_packed_is_not_checked_again_until_a_migration(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening notes that every child is packed at this schema version; later opens skip
    the check (every write packs in its own transaction)."""
    from graph.embedded import EmbeddedStore, write
    from graph.embedded.schema import SCHEMA_VERSION

    path = tmp_path / "ecomap.db"
    with EmbeddedStore(path) as store:
        store.replace(network("c-1", ["p-a"], [(0, 2, True)], False), actor=ACTOR)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version FROM packed_check").fetchone()[0] == SCHEMA_VERSION
        conn.execute("UPDATE packed_check SET version = ?", (SCHEMA_VERSION - 1,))

    def refuse(*_: Any) -> None:
        raise AssertionError("checked again")

    with EmbeddedStore(path):  # the note is of another version: checked (and noted)
        pass
    monkeypatch.setattr(write, "repack", refuse)
    with EmbeddedStore(path) as store:  # noted: not checked
        _check(store)


@pytest.mark.bolt
def test_a_bolt_store_without_packed_columns_packs_them_when_opened(
        arcadedb_target: dict[str, Any]) -> None:
    """The same on the Neo4j store (an old store here: its CohortPacked nodes deleted)."""
    from graph.neo4j import Neo4jStore
    from tests.boltserver import clear_database
    from tests.graph.bolt_raw import count, raw

    clear_database(**arcadedb_target)
    with Neo4jStore(**arcadedb_target) as store:
        store.replace(network("c-1", ["p-a", "p-b"], [(0, 2, True), (1, 1, False)], False),
                      actor=ACTOR)
        store.replace(network("c-2", ["p-a"], [(0, 3, False)], True), actor=ACTOR)
    raw(arcadedb_target, "MATCH (k:CohortPacked) DELETE k")
    with Neo4jStore(**arcadedb_target) as store:
        assert count(arcadedb_target, "MATCH (k:CohortPacked) RETURN count(k) AS n") == 2
        assert store.cohort_tables().n_observations == 3
        _check(store)


def test_a_store_packed_in_the_older_layout_packs_again_when_opened(tmp_path: Path) -> None:
    """A store whose packed columns are of the first layout (the schema version before
    PACKED_FORMAT 2; here: that version set back and the columns replaced by bytes of
    another layout) is packed again by the migration, equal to the documents."""
    from graph.embedded import EmbeddedStore
    from graph.embedded.schema import MIGRATIONS

    path = tmp_path / "ecomap.db"
    with EmbeddedStore(path) as store:
        store.replace(network("c-1", ["p-a", "p-b"], [(0, 2, True), (1, 1, False)], False),
                      actor=ACTOR)
    emptied = MIGRATIONS.index(next(m for m in MIGRATIONS if "DELETE FROM cohort_packed" in m))
    with sqlite3.connect(path) as conn:  # the store as it was before that migration
        conn.execute("UPDATE cohort_packed SET observations = zeroblob(34)")
        conn.execute(f"PRAGMA user_version = {emptied}")
        conn.execute("DELETE FROM schema_version WHERE version > ?", (emptied,))
        conn.execute("DROP TABLE packed_check")
    with EmbeddedStore(path) as store:
        assert store.cohort_tables().n_observations == 2
        _check(store)


@pytest.mark.bolt
def test_a_bolt_store_packed_in_an_older_layout_packs_again_when_opened(
        arcadedb_target: dict[str, Any]) -> None:
    """CohortPacked nodes without the current layout's ``format`` are not read (the row
    path answers, still equal to the documents) and are packed again when the store is
    next opened."""
    from graph.neo4j import Neo4jStore
    from tests.boltserver import clear_database
    from tests.graph.bolt_raw import count, raw

    clear_database(**arcadedb_target)
    with Neo4jStore(**arcadedb_target) as store:
        store.replace(network("c-1", ["p-a", "p-b"], [(0, 2, True), (1, 1, False)], False),
                      actor=ACTOR)
        store.replace(network("c-2", ["p-a"], [(0, 3, False)], True), actor=ACTOR)
        raw(arcadedb_target, "MATCH (k:CohortPacked) SET k.format = 1, k.observations = 'AAAA'")
        _check(store)  # the row path, while the old layout is there
    with Neo4jStore(**arcadedb_target) as store:
        assert count(arcadedb_target,
                     "MATCH (k:CohortPacked) WHERE k.format = 2 RETURN count(k) AS n") == 2
        _check(store)


def test_as_recorded_at_the_latest_revision_reads_the_packed_columns(
        store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The latest revision is the current state: as recorded at it, the tables come from
    the packed columns (the row paths refuse here), and equal the documents."""
    import graph.embedded.cohort
    import graph.neo4j.cohort

    store.replace(network("c-1", ["p-a", "p-b"], [(0, 2, True), (1, 1, False)], False),
                  actor=ACTOR)
    store.replace(network("c-2", ["p-a"], [(0, 3, False)], True), actor=ACTOR)
    documents = CohortTables.from_documents(store.iter_documents())
    latest = store.revision()

    def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError("the row path was taken")

    monkeypatch.setattr(graph.embedded.cohort, "cohort_tables", refuse)
    monkeypatch.setattr(graph.neo4j.cohort, "cohort_tables", refuse)
    assert_same_cohort(store.cohort_tables(as_recorded=latest), documents)
    monkeypatch.undo()
    earlier = store.cohort_tables(as_recorded=latest - 1)  # the row path, as before
    assert earlier.child_ids == ["c-1"]
