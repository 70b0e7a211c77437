"""The record contract (docs/record.md): revisions, as_recorded reads, restore, closing,
erasing and person edits, on every store in ``STORE_FACTORIES``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomap.format import parse_document
from ecomap.measures.tables import CohortTables
from ecomap.model import EcomapDocument, Person
from graph.base import (
    ChildNotFound,
    DocumentConflict,
    GraphStore,
    RecordedChild,
    RevisionNotFound,
    StoreCounts,
)
from tests.graph.conftest import StoreFactory
from tests.graph.test_contract import assert_same_cohort

ACTOR = "u-worker"


def network(child: str, people: dict[str, str], ratings: list[int] | None = None,
            name: str | None = None) -> EcomapDocument:
    """The child tied to each person (``people``: id → name), with one closeness rating per
    entry of ``ratings`` on the first tie."""
    ids = sorted(people)
    ratings = ratings or []
    return parse_document({
        "format": "ecomap/1",
        "child": {"id": child, "name": name or f"Child {child}", "team": "North",
                  "status": "looked_after"},
        "people": [{"id": p, "name": people[p], "category": "family"} for p in ids],
        "ties": [{"id": f"{child}-{p}", "between": [child, p], "started": "2020-01-01"}
                 for p in ids],
        "observations": [{"tie": f"{child}-{ids[0]}", "on": f"2024-01-{i + 1:02d}",
                          "by": "worker", "closeness": c} for i, c in enumerate(ratings)]
        if ids else [],
    })


def test_every_write_is_a_revision_with_who_when_why(store: GraphStore) -> None:
    assert store.revision() == 0 and store.revisions() == []
    before = datetime.now(UTC) - timedelta(seconds=1)
    store.replace(network("c-1", {"p-a": "A"}), actor=ACTOR, reason="first visit")
    store.replace(network("c-2", {"p-a": "A"}), actor="u-other")
    store.replace(network("c-1", {"p-a": "A"}, [2]), actor=ACTOR)
    result = store.replace_many([network("c-3", {"p-b": "B"})], actor="import:file.jsonl")
    assert result.revisions == [4]
    after = datetime.now(UTC) + timedelta(seconds=1)
    revisions = store.revisions()
    assert [(r.number, r.actor, r.reason, r.children, r.kind) for r in revisions] == [
        (1, ACTOR, "first visit", ("c-1",), "write"),
        (2, "u-other", None, ("c-2",), "write"),
        (3, ACTOR, None, ("c-1",), "write"),
        (4, "import:file.jsonl", None, ("c-3",), "write"),
    ]
    assert all(before <= r.at <= after and r.at.tzinfo is not None for r in revisions)
    assert [r.at for r in revisions] == sorted(r.at for r in revisions)
    assert store.revisions(after=2) == revisions[2:]
    assert store.revisions(after=1, limit=1) == revisions[1:2]
    assert store.history("c-1") == [revisions[2], revisions[0]]
    assert store.revision() == 4


def test_as_recorded_by_number_and_by_time(store: GraphStore) -> None:
    first = network("c-1", {"p-a": "A"}, [1])
    second = network("c-1", {"p-a": "A", "p-b": "B"}, [1, 3], name="Renamed")
    store.replace(first, actor=ACTOR)
    store.replace(second, actor=ACTOR)
    assert store.get("c-1", as_recorded=1) == first
    assert store.get("c-1", as_recorded=2) == store.get("c-1") == second
    assert store.version("c-1", as_recorded=1) == 1
    with pytest.raises(ChildNotFound):
        store.get("c-1", as_recorded=0)
    [r2, r1] = store.history("c-1")
    assert store.get("c-1", as_recorded=r1.at) == first
    assert store.get("c-1", as_recorded=r2.at) == second
    assert store.revision_at(r1.at) == (2 if r2.at == r1.at else 1)
    assert store.revision_at(r1.at - timedelta(days=1)) == 0
    assert store.revision_at(r2.at + timedelta(days=1)) == 2
    assert store.revision_at(None) == 2 and store.revision_at(1) == 1
    [row] = store.children(as_recorded=1).data
    assert (row.name, row.version) == ("Child c-1", 1)
    assert list(store.iter_documents(as_recorded=1)) == [first]
    assert store.counts() == StoreCounts(children=1, people=2, ties=2, observations=2)
    for bad in (3, -1):
        with pytest.raises(RevisionNotFound):
            store.get("c-1", as_recorded=bad)
    with pytest.raises(RevisionNotFound):  # a timestamp must say it is UTC
        store.get("c-1", as_recorded=datetime(2030, 1, 1))


def test_restore_writes_a_new_revision_equal_to_an_old_one(store: GraphStore) -> None:
    first = network("c-1", {"p-a": "A", "p-b": "B"}, [1])
    store.replace(first, actor=ACTOR)
    store.replace(network("c-1", {"p-a": "A"}, [1, 2, 3]), actor=ACTOR)
    store.replace(network("c-2", {"p-a": "A"}), actor=ACTOR)
    store.update_person(Person(id="p-a", name="Ann", category="family"), actor="u-admin")
    assert store.restore("c-1", 1, actor="u-lead", reason="ratings entered in error",
                         expected_version=3) == 4
    restored = store.get("c-1")
    # the state of revision 1, with the people who still exist as they are now
    assert restored == network("c-1", {"p-a": "Ann", "p-b": "B"}, [1])
    latest = store.history("c-1")[0]
    assert (latest.number, latest.kind, latest.restored, latest.actor, latest.reason) == (
        5, "restore", 1, "u-lead", "ratings entered in error")
    assert store.get("c-1", as_recorded=2) == network("c-1", {"p-a": "A"}, [1, 2, 3])
    assert len(store.history("c-1")) == 4  # nothing erased from history
    with pytest.raises(ChildNotFound):
        store.restore("c-2", 1, actor=ACTOR)  # c-2 had no record at revision 1
    with pytest.raises(RevisionNotFound):
        store.restore("c-1", 99, actor=ACTOR)


def test_erase_removes_the_child_and_its_history_and_says_what(store: GraphStore) -> None:
    store.replace(network("c-1", {"p-a": "A", "p-only": "Only"}, [1, 2]), actor=ACTOR)
    store.replace(network("c-2", {"p-a": "A"}, [3]), actor=ACTOR)
    store.replace(network("c-1", {"p-a": "A", "p-only": "Only"}, [1, 2, 3]), actor=ACTOR)
    store.close_record("c-1", actor="u-admin")
    counts = store.erase("c-1", actor="u-admin", reason="created for the wrong child")
    assert (counts.child_id, counts.revisions, counts.people) == ("c-1", 3, 1)
    assert counts.ties >= 2 and counts.observations >= 3 and counts.episodes == 0
    for read in (lambda: store.get("c-1"), lambda: store.version("c-1"),
                 lambda: store.get("c-1", as_recorded=1)):
        with pytest.raises(ChildNotFound):
            read()
    [erasing] = store.history("c-1")
    assert (erasing.number, erasing.kind, erasing.children, erasing.erased) == (
        5, "erase", ("c-1",), counts)
    assert erasing.reason == "created for the wrong child"
    assert [r.children for r in store.revisions()] == [(), ("c-2",), (), (), ("c-1",)]
    assert store.counts() == StoreCounts(children=1, people=1, ties=1, observations=1)
    assert store.people(limit=None) == [Person(id="p-a", name="A", category="family")]
    assert store.get("c-2", as_recorded=2) == network("c-2", {"p-a": "A"}, [3])
    assert store.children(include_closed=True, as_recorded=3).count == 1
    with pytest.raises(ChildNotFound):
        store.erase("c-1", actor="u-admin", reason="again")


def test_cohort_tables_as_recorded_equal_the_documents_then(store: GraphStore,
                                                            synthetic: Any) -> None:
    docs = synthetic(16, seed=5)
    store.replace_many(docs, actor="import:synthetic")
    imported = store.revision()
    first = docs[0]
    store.replace(first.model_copy(update={"observations": first.observations[:1]}),
                  actor=ACTOR)
    store.close_record(docs[3].child.id, actor=ACTOR)
    then = store.cohort_tables(as_recorded=imported)
    assert then.child_ids == [d.child.id for d in docs]
    assert_same_cohort(then, CohortTables.from_documents(docs))
    assert_same_cohort(then, CohortTables.from_documents(
        store.iter_documents(as_recorded=imported)))
    now = store.cohort_tables()
    assert docs[3].child.id not in now.child_ids
    assert_same_cohort(now, CohortTables.from_documents(store.iter_documents()))
    some = [docs[0].child.id, docs[3].child.id]
    assert_same_cohort(store.cohort_tables(some, as_recorded=imported),
                       CohortTables.from_documents(docs[i] for i in (0, 3)))


def test_replay_copies_revisions_with_their_versions(store: GraphStore,
                                                     store_factory: StoreFactory,
                                                     request: pytest.FixtureRequest) -> None:
    """``replay`` of every revision of one store into another gives the same history."""
    from graph.embedded import EmbeddedStore

    with EmbeddedStore.memory() as source:
        source.replace(network("c-1", {"p-a": "A"}, [1]), actor=ACTOR, reason="why")
        source.replace(network("c-2", {"p-a": "A"}), actor=ACTOR)
        source.update_person(Person(id="p-a", name="Ann", category="family"), actor="u-adm")
        source.close_record("c-2", actor="u-adm")
        source.replace(network("c-3", {"p-c": "C"}), actor=ACTOR)
        source.erase("c-3", actor="u-adm", reason="wrong child")
        for revision in source.revisions():
            changes = []
            for cid in revision.children:
                try:
                    changes.append(RecordedChild(
                        cid, source.get(cid, as_recorded=revision.number),
                        source.is_closed(cid, as_recorded=revision.number),
                        source.version(cid, as_recorded=revision.number)))
                except ChildNotFound:
                    changes.append(RecordedChild(cid, None))
            store.replay(revision, changes)
        assert store.revisions() == source.revisions()
        for n in range(source.revision() + 1):
            for cid in ("c-1", "c-2"):
                try:
                    want: Any = (source.get(cid, as_recorded=n), source.version(cid, as_recorded=n),
                                 source.is_closed(cid, as_recorded=n))
                except ChildNotFound:
                    want = None
                try:
                    got: Any = (store.get(cid, as_recorded=n), store.version(cid, as_recorded=n),
                                store.is_closed(cid, as_recorded=n))
                except ChildNotFound:
                    got = None
                assert got == want, (n, cid)


# --------------------------------------------------------------------------- properties

POOL = ["p-a", "p-b", "p-c", "p-d"]
KIDS = ["c-1", "c-2", "c-3"]


def _operations() -> st.SearchStrategy[list[tuple[Any, ...]]]:
    write = st.tuples(st.just("write"), st.sampled_from(KIDS),
                      st.lists(st.sampled_from(POOL), unique=True, max_size=3),
                      st.lists(st.integers(1, 3), max_size=3))
    close = st.tuples(st.just("close"), st.sampled_from(KIDS))
    reopen = st.tuples(st.just("reopen"), st.sampled_from(KIDS))
    restore = st.tuples(st.just("restore"), st.sampled_from(KIDS), st.integers(0, 12))
    person = st.tuples(st.just("person"), st.sampled_from(POOL), st.sampled_from(["X", "Y"]))
    return st.lists(st.one_of(write, write, close, reopen, restore, person), min_size=1,
                    max_size=10)


class Model:
    """What the store should hold: each child's document and closed flag after every
    revision, written by the plain rules of docs/record.md."""

    def __init__(self) -> None:
        self.names = {p: p.upper() for p in POOL}
        self.states: list[dict[str, tuple[EcomapDocument, bool]]] = [{}]

    @property
    def now(self) -> dict[str, tuple[EcomapDocument, bool]]:
        return self.states[-1]

    def people_now(self) -> set[str]:
        return {p.id for d, _ in self.now.values() for p in d.people}

    def with_names(self, d: EcomapDocument) -> EcomapDocument:
        current = self.people_now()
        return d.model_copy(update={"people": [
            p.model_copy(update={"name": self.names[p.id]}) if p.id in current else p
            for p in d.people]})


def _apply(store: GraphStore, model: Model, op: tuple[Any, ...]) -> None:
    kind, target = op[0], op[1]
    state = dict(model.now)
    if kind == "write":
        d = network(target, {p: model.names[p] for p in op[2]}, op[3])
        store.replace(d, actor=ACTOR)
        state[target] = (d, state.get(target, (d, False))[1])
    elif kind in ("close", "reopen"):
        if target not in state:
            with pytest.raises(ChildNotFound):
                (store.close_record if kind == "close" else store.reopen_record)(
                    target, actor=ACTOR)
            return
        (store.close_record if kind == "close" else store.reopen_record)(target, actor=ACTOR)
        state[target] = (state[target][0], kind == "close")
    elif kind == "restore":
        at = min(op[2], len(model.states) - 1)
        if target not in state or target not in model.states[at]:
            with pytest.raises(ChildNotFound):
                store.restore(target, at, actor=ACTOR)
            return
        d = model.with_names(model.states[at][target][0])
        store.restore(target, at, actor=ACTOR)
        model.names.update({p.id: p.name for p in d.people})  # people who came back
        state[target] = (d, state[target][1])
    else:  # a person edit
        if target not in model.people_now():
            return
        model.names[target] = f"{target.upper()} {op[2]}"
        store.update_person(Person(id=target, name=model.names[target], category="family"),
                            actor="u-admin")
        for cid, (d, closed) in state.items():
            if any(p.id == target for p in d.people):
                state[cid] = (model.with_names(d), closed)
    model.states.append(state)


def _check_sequence(store: GraphStore, operations: list[tuple[Any, ...]]) -> None:
    model = Model()
    for op in operations:
        _apply(store, model, op)
    assert store.revision() == len(model.states) - 1
    for n, state in enumerate(model.states):
        for cid in KIDS:
            if cid in state:
                assert store.get(cid, as_recorded=n) == state[cid][0], (n, cid)
                assert store.is_closed(cid, as_recorded=n) == state[cid][1]
            else:
                with pytest.raises(ChildNotFound):
                    store.get(cid, as_recorded=n)
        listed = store.children(as_recorded=n, include_closed=True).data
        assert [c.id for c in listed] == sorted(state)
    for cid, (d, closed) in model.now.items():
        assert store.get(cid) == d and store.is_closed(cid) == closed
        assert store.version(cid) == len(store.history(cid))
    open_now = sorted(c for c, (_, closed) in model.now.items() if not closed)
    assert [d.child.id for d in store.iter_documents()] == open_now


def test_as_recorded_gives_what_was_written_then(store_factory: StoreFactory,
                                                 request: pytest.FixtureRequest) -> None:
    """Random sequences of edits, closes, reopens, restores and person edits, each on a
    fresh store: every revision reads back as written then; the current state is the last
    write. Fewer examples on a Bolt store (each is a round trip per read)."""
    bolt = "bolt" in request.node.callspec.id

    @settings(max_examples=6 if bolt else 25, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(operations=_operations())
    def run(operations: list[tuple[Any, ...]]) -> None:
        with store_factory(request) as store:
            _check_sequence(store, operations)

    run()


def test_a_refused_write_leaves_no_revision(store: GraphStore) -> None:
    store.replace(network("c-1", {"p-a": "A"}), actor=ACTOR)
    with pytest.raises(DocumentConflict):
        store.replace(network("c-2", {"p-a": "Someone else"}), actor=ACTOR)
    stolen = network("c-2", {"p-b": "B"}).model_copy(update={"ties": [
        network("c-1", {"p-b": "B"}).ties[0].model_copy(update={"id": "c-1-p-a"})]})
    result = store.replace_many([stolen], actor="import:x")
    assert result.imported == [] and result.revisions == []
    assert [r.number for r in store.revisions()] == [1]
