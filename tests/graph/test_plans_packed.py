"""The packed plan columns (docs/meetings.md, "The stores") stay exactly what the
documents give: ``store.plan_tables()`` equals
``PlanTables.from_documents(store.iter_documents())`` after every step of random
sequences of writes with meetings, closes, reopens, restores, person edits (a holder's
paid or category is packed with each commitment, so each child sharing them is
repacked) and erases, on every store in ``STORE_FACTORIES``. Mirrors
ecomap/measures/packed_plans.py and graph/*/plans.py."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomap.format import document_to_jsonable, parse_document
from ecomap.measures.plans_cohort import PlanTables
from ecomap.model import EcomapDocument, Person
from graph.base import GraphStore
from tests.ecomap.measures.test_packed_plans import assert_same_plans
from tests.graph.conftest import StoreFactory
from tests.graph.edits import ACTOR, KIDS, POOL, Step, apply_edit, edit_steps
from tests.graph.test_cohort_packed import network

STATES = ["agreed", "in_progress", "done", "not_done", "dropped"]
# A commitment: (holders as indexes into the child's people, due month or None, states)
COMMITMENT = st.tuples(st.lists(st.integers(0, 2), unique=True, max_size=2),
                       st.one_of(st.none(), st.integers(1, 12)),
                       st.lists(st.sampled_from(STATES), max_size=2))
# A meeting: (month held, participation code or None, commitments)
MEETING = st.tuples(st.integers(1, 12), st.one_of(st.none(), st.integers(0, 7)),
                    st.lists(COMMITMENT, max_size=2))


def with_meetings(child: str, people: list[str], ended: bool,
                  meetings: list[tuple[Any, ...]], tag: int = 0) -> EcomapDocument:
    """:func:`network` with ``meetings`` (ids unique per child and ``tag``)."""
    raw = document_to_jsonable(network(child, people, [(0, 2, True)] if people else [],
                                       ended))
    raw["meetings"] = [{
        "id": f"{child}-m{tag}-{i}", "kind": "family_group_conference",
        "on": f"2024-{month:02d}-01", "attended": people[:1],
        **({"participation": f"PN{code}"} if code is not None else {}),
        "plan": [{
            "id": f"{child}-m{tag}-{i}-k{j}", "what": "help",
            "who": [people[h] for h in holders if h < len(people)],
            **({"by": f"2024-{due:02d}-20"} if due is not None else {}),
            "progress": [{"on": f"2024-{month:02d}-{10 + d:02d}", "state": state}
                         for d, state in enumerate(states)],
        } for j, (holders, due, states) in enumerate(plan)],
    } for i, (month, code, plan) in enumerate(meetings)]
    return parse_document(raw)


def _operations() -> st.SearchStrategy[list[Step]]:
    write = st.tuples(st.just("write"), st.sampled_from(KIDS),
                      st.lists(st.sampled_from(POOL), unique=True, max_size=3),
                      st.booleans(), st.lists(MEETING, max_size=2), st.integers(0, 1))
    return edit_steps(write, max_size=8)


def _apply(store: GraphStore, step: Step) -> None:
    apply_edit(store, step, lambda op: with_meetings(op[1], op[2], op[3], op[4], op[5]))


def _check(store: GraphStore, *, light: bool = False) -> None:
    """The current state, with and without closed records and for some children (only
    the first when ``light``: a Bolt store's round trips are slow)."""
    assert_same_plans(store.plan_tables(),
                      PlanTables.from_documents(list(store.iter_documents())))
    if light:
        return
    everyone = PlanTables.from_documents(list(store.iter_documents(include_closed=True)))
    assert_same_plans(store.plan_tables(include_closed=True), everyone)
    some = [c for c in ("c-3", "c-1", "c-9") if c in everyone.child_ids] + ["c-9"]
    assert_same_plans(store.plan_tables(some, include_closed=True),
                      PlanTables.from_documents(list(store.iter_documents(
                          some, include_closed=True))))


def test_packed_plans_equal_the_documents_after_every_edit(
        store_factory: StoreFactory, request: pytest.FixtureRequest) -> None:
    """Random edit sequences, each on a fresh store, checked after every step (and as
    recorded at the first revision at the end). Fewer examples and lighter steps on a
    Bolt store."""
    bolt = "bolt" in request.node.callspec.id

    @settings(max_examples=2 if bolt else 20, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(operations=_operations())
    def run(operations: list[tuple[Any, ...]]) -> None:
        with store_factory(request) as store:
            for op in operations:
                _apply(store, op)
                _check(store, light=bolt)
            _check(store)
            if store.revision() >= 1:
                assert_same_plans(store.plan_tables(as_recorded=1), PlanTables.from_documents(
                    list(store.iter_documents(as_recorded=1))))

    run()


def test_a_holders_edit_shows_in_the_plans_of_every_child_sharing_them(
        store: GraphStore) -> None:
    """p-a holds a commitment of c-1 and c-2; made paid, neither plan is held by the
    network any more, and both children were repacked."""
    meeting = [(1, 1, [([0], None, [])])]
    store.replace(with_meetings("c-1", ["p-a", "p-b"], False, meeting), actor=ACTOR)
    store.replace(with_meetings("c-2", ["p-a"], True, meeting), actor=ACTOR)
    assert store.plan_tables().who_unpaid.tolist() == [True, True]
    store.update_person(Person(id="p-a", name="P-A", category="professional",
                               role="social_worker"), actor="u-admin")
    tables = store.plan_tables()
    assert tables.who_unpaid.tolist() == [False, False]
    assert tables.holder_groups.tolist() == [32, 32]  # the professionals' bit only
    _check(store)


def test_a_store_without_packed_plans_packs_them_when_opened(tmp_path: Path) -> None:
    """A store written before the packed plans existed (here: their rows deleted) gets
    them when next opened, equal to the documents."""
    from graph.embedded import EmbeddedStore

    path = tmp_path / "ecomap.db"
    with EmbeddedStore(path) as store:
        store.replace(with_meetings("c-1", ["p-a"], False, [(2, 5, [([0], 3, ["done"])])]),
                      actor=ACTOR)
        store.replace(with_meetings("c-2", ["p-a"], True, []), actor=ACTOR)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM plans_packed")
        conn.execute("UPDATE packed_check SET version = 0")  # as before the check was noted
    with EmbeddedStore(path) as store:
        assert len(store.plan_tables().commitment_child) == 1
        _check(store)
    with sqlite3.connect(path) as conn:  # read from the packed rows, not the documents
        assert conn.execute("SELECT count(*) FROM plans_packed").fetchone()[0] == 2


@pytest.mark.bolt
def test_a_bolt_store_without_packed_plans_packs_them_when_opened(
        arcadedb_target: dict[str, Any]) -> None:
    """The same on the Neo4j store (its PlansPacked nodes deleted)."""
    from graph.neo4j import Neo4jStore
    from tests.boltserver import clear_database
    from tests.graph.bolt_raw import count, raw

    clear_database(**arcadedb_target)
    with Neo4jStore(**arcadedb_target) as store:
        store.replace(with_meetings("c-1", ["p-a"], False, [(2, 5, [([0], 3, ["done"])])]),
                      actor=ACTOR)
        store.replace(with_meetings("c-2", ["p-a"], True, []), actor=ACTOR)
    raw(arcadedb_target, "MATCH (k:PlansPacked) DELETE k")
    with Neo4jStore(**arcadedb_target) as store:
        assert count(arcadedb_target, "MATCH (k:PlansPacked) RETURN count(k) AS n") == 2
        assert len(store.plan_tables().commitment_child) == 1
        _check(store)
