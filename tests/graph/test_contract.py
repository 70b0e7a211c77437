"""The GraphStore contract: every store in ``STORE_FACTORIES`` must pass all of it."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomap.format import dump_document, parse_document
from ecomap.measures.cohort import cohort_measures, cohort_trend, cohort_values
from ecomap.measures.settings import DEFAULT_SETTINGS as s
from ecomap.measures.tables import CohortTables
from ecomap.model import EcomapDocument
from graph.base import (
    ChildNotFound,
    DocumentConflict,
    DocumentInvalid,
    GraphStore,
    PersonConflict,
    PersonNotFound,
    StoreCounts,
    VersionConflict,
)

Docs = dict[str, EcomapDocument]
ACTOR = "u-tester"


def doc(child: str, *people: str, team: str = "North", status: str = "looked_after",
        name: str | None = None, **parts: Any) -> EcomapDocument:
    """A small document: the child tied to each person (tie ``<child>-<person>``) from
    2020-01-01 unless ``ties`` is given; other parts passed through."""
    data: dict[str, Any] = {
        "format": "ecomap/1",
        "child": {"id": child, "name": name or f"Child {child}", "team": team,
                  "status": status},
        "people": [{"id": p, "name": f"Person {p}", "category": "family"} for p in people],
        "ties": [{"id": f"{child}-{p}", "between": [child, p], "started": "2020-01-01"}
                 for p in people],
    }
    data.update(parts)
    return parse_document(data)


def snapshot(store: GraphStore) -> tuple[list[str], StoreCounts]:
    """Everything the store holds, as exported text, plus its counts."""
    return [dump_document(d) for d in store.iter_documents()], store.counts()


# --------------------------------------------------------------------------- round trip


def test_import_then_export_gives_the_same_documents(store: GraphStore,
                                                     fixture_documents: Docs) -> None:
    for d in fixture_documents.values():
        assert store.replace(d, actor=ACTOR) == 1
    for d in fixture_documents.values():
        assert store.get(d.child.id) == d
        assert dump_document(store.get(d.child.id)) == dump_document(d)
    exported = list(store.iter_documents())
    assert exported == sorted(fixture_documents.values(), key=lambda d: d.child.id)


def test_observation_order_is_kept(store: GraphStore,
                                   fixture_documents: Docs) -> None:
    mia = fixture_documents["foster-care-after-move"]
    store.replace(mia, actor=ACTOR)
    assert [(o.tie, o.on, o.by, o.note) for o in store.get("c-mia").observations] == [
        (o.tie, o.on, o.by, o.note) for o in mia.observations]


def test_reimport_is_idempotent_and_bumps_the_version(store: GraphStore,
                                                      fixture_documents: Docs) -> None:
    for d in fixture_documents.values():
        store.replace(d, actor=ACTOR)
    before = snapshot(store)
    leo = fixture_documents["child-in-need-at-home"]
    assert store.replace(leo, actor=ACTOR) == 2
    assert store.replace(leo, actor=ACTOR) == 3
    assert store.version("c-leo") == 3
    assert snapshot(store) == before


def test_replace_replaces_the_whole_network(store: GraphStore) -> None:
    store.replace(doc("c-1", "p-a", "p-b"), actor=ACTOR)
    store.replace(doc("c-1", "p-b", "p-c"), actor=ACTOR)
    assert [p.id for p in store.get("c-1").people] == ["p-b", "p-c"]
    assert store.person_children(["p-a", "p-b"]) == {"p-b": ["c-1"]}
    assert store.counts() == StoreCounts(children=1, people=2, ties=2)


def test_missing_child(store: GraphStore) -> None:
    for call in (lambda: store.get("nobody"), lambda: store.version("nobody"),
                 lambda: store.is_closed("nobody"), lambda: store.history("nobody"),
                 lambda: store.close_record("nobody", actor=ACTOR),
                 lambda: store.reopen_record("nobody", actor=ACTOR),
                 lambda: store.restore("nobody", 0, actor=ACTOR),
                 lambda: store.erase("nobody", actor=ACTOR, reason="made in error")):
        with pytest.raises(ChildNotFound) as caught:
            call()
        assert caught.value.child_id == "nobody"


# --------------------------------------------------------------------------- versions


def test_version_conflicts(store: GraphStore) -> None:
    assert store.replace(doc("c-1", "p-a"), expected_version=0, actor=ACTOR) == 1
    with pytest.raises(VersionConflict) as caught:
        store.replace(doc("c-1", "p-b"), expected_version=0, actor=ACTOR)
    assert (caught.value.expected, caught.value.current) == (0, 1)
    with pytest.raises(VersionConflict):
        store.replace(doc("c-1", "p-b"), expected_version=2, actor=ACTOR)
    assert store.get("c-1") == doc("c-1", "p-a")
    assert store.replace(doc("c-1", "p-b"), expected_version=1, actor=ACTOR) == 2
    with pytest.raises(VersionConflict):
        store.replace(doc("c-2"), expected_version=1, actor=ACTOR)
    assert store.counts().children == 1
    with pytest.raises(VersionConflict):
        store.close_record("c-1", actor=ACTOR, expected_version=1)
    assert store.close_record("c-1", actor=ACTOR, expected_version=2) == 3
    with pytest.raises(VersionConflict):
        store.reopen_record("c-1", actor=ACTOR, expected_version=2)
    assert store.reopen_record("c-1", actor=ACTOR, expected_version=3) == 4
    with pytest.raises(VersionConflict):
        store.restore("c-1", 1, actor=ACTOR, expected_version=3)
    assert store.restore("c-1", 1, actor=ACTOR, expected_version=4) == 5
    assert store.get("c-1") == doc("c-1", "p-a")


# --------------------------------------------------------------------------- atomicity


def test_conflicting_tie_id_leaves_the_store_unchanged(store: GraphStore,
                                                      fixture_documents: Docs) -> None:
    for d in fixture_documents.values():
        store.replace(d, actor=ACTOR)
    before = snapshot(store)
    # A new version of Leo that also claims Mia's grandparent tie id.
    leo = fixture_documents["child-in-need-at-home"].model_dump()
    leo["people"].append({"id": "p-x", "name": "X", "category": "friend"})
    leo["ties"].append({"id": "t-mia-gran", "between": ["c-leo", "p-x"]})
    leo["child"]["name"] = "Renamed"
    with pytest.raises(DocumentConflict) as caught:
        store.replace(EcomapDocument.model_validate(leo), actor=ACTOR)
    assert caught.value.child_id == "c-leo"
    assert [b.path for b in caught.value.breaches] == [f"ties[{len(leo['ties']) - 1}].id"]
    assert snapshot(store) == before
    assert store.version("c-leo") == 1


def test_invalid_document_built_in_code_is_refused(store: GraphStore) -> None:
    store.replace(doc("c-1", "p-a"), actor=ACTOR)
    before = snapshot(store)
    # Field-valid, but the tie names someone who is not in the document.
    broken = EcomapDocument.model_validate({
        "format": "ecomap/1", "child": {"id": "c-1", "name": "C"},
        "ties": [{"id": "t", "between": ["c-1", "p-ghost"]}]})
    with pytest.raises(DocumentInvalid) as caught:
        store.replace(broken, actor=ACTOR)
    assert [b.path for b in caught.value.breaches] == ["ties[0].between[1]"]
    assert snapshot(store) == before


def test_bulk_import_reports_bad_documents_and_keeps_the_rest(store: GraphStore) -> None:
    store.replace(doc("c-0", "p-0"), actor=ACTOR)
    before_c0 = store.get("c-0")
    stolen = doc("c-2", "p-2", ties=[{"id": "c-0-p-0", "between": ["c-2", "p-2"]}])
    broken = EcomapDocument.model_validate({
        "format": "ecomap/1", "child": {"id": "c-3", "name": "C"},
        "observations": [{"tie": "nope", "on": "2024-01-01", "by": "child"}]})
    result = store.replace_many([doc("c-1", "p-1"), stolen, broken, doc("c-4", "p-1")], actor=ACTOR)
    assert result.imported == ["c-1", "c-4"]
    assert sorted((cid, [b.path for b in bs]) for cid, bs in result.rejected) == [
        ("c-2", ["ties[0].id"]), ("c-3", ["observations[0].tie"])]  # in any order
    assert [s.id for s in store.children().data] == ["c-0", "c-1", "c-4"]
    assert store.get("c-0") == before_c0
    assert store.counts() == StoreCounts(children=3, people=2, ties=3)


def test_bulk_import_round_trips(store: GraphStore, synthetic: Any) -> None:
    docs = synthetic(60, seed=7)
    result = store.replace_many(docs, actor=ACTOR)
    assert result.imported == [d.child.id for d in docs] and result.rejected == []
    assert list(store.iter_documents()) == docs  # generated in id order
    assert list(store.iter_documents(["c-s000005", "c-s000002", "c-absent"])) == [
        docs[2], docs[5]]
    again = store.replace_many(docs, actor=ACTOR)
    assert again.imported == result.imported
    assert {store.version(d.child.id) for d in docs} == {2}


# --------------------------------------------------------------------------- people


def test_shared_people_keep_one_record(store: GraphStore, fixture_documents: Docs) -> None:
    mia = fixture_documents["foster-care-after-move"]
    leo = fixture_documents["child-in-need-at-home"]
    store.replace(mia, actor=ACTOR)
    store.replace(leo, actor=ACTOR)
    assert store.person_children(["sw-okafor", "p-leo-mum", "nobody"]) == {
        "sw-okafor": ["c-leo", "c-mia"], "p-leo-mum": ["c-leo"]}
    shared = len({p.id for p in mia.people} & {p.id for p in leo.people})
    assert shared == 1
    assert store.counts().people == len(mia.people) + len(leo.people) - shared


def _renamed(d: EcomapDocument, person_id: str, name: str) -> EcomapDocument:
    data = d.model_dump()
    [person] = [p for p in data["people"] if p["id"] == person_id]
    person["name"] = name
    return EcomapDocument.model_validate(data)


def test_a_child_write_may_not_change_a_shared_person(store: GraphStore,
                                                      fixture_documents: Docs) -> None:
    mia = fixture_documents["foster-care-after-move"]
    leo = fixture_documents["child-in-need-at-home"]
    store.replace(mia, actor=ACTOR)
    store.replace(leo, actor=ACTOR)
    before = snapshot(store), store.revision()
    renamed = _renamed(leo, "sw-okafor", "Sam Okafor-Reid")
    where = [p.id for p in leo.people].index("sw-okafor")
    with pytest.raises(DocumentConflict) as caught:
        store.replace(renamed, actor=ACTOR)
    [breach] = caught.value.breaches
    assert breach.path == f"people[{where}]"
    assert "person edit" in breach.message and "c-mia" not in breach.message
    assert (snapshot(store), store.revision()) == before
    # a new person, and linking an existing one with the same details, are fine
    linked = leo.model_dump()
    linked["people"].append({"id": "p-new", "name": "New", "category": "friend"})
    linked["people"].append(next(p.model_dump() for p in mia.people if p.id == "p-mia-gran"))
    assert store.replace(EcomapDocument.model_validate(linked), actor=ACTOR) == 2
    assert store.version("c-mia") == 1


def test_an_import_may_update_a_shared_person_and_moves_every_version(
        store: GraphStore, fixture_documents: Docs) -> None:
    mia = fixture_documents["foster-care-after-move"]
    leo = fixture_documents["child-in-need-at-home"]
    store.replace(mia, actor=ACTOR)
    store.replace(leo, actor=ACTOR)
    renamed = _renamed(leo, "sw-okafor", "Sam Okafor-Reid")
    assert store.replace(renamed, actor="import:test", update_people=True) == 2
    [seen_by_mia] = [p for p in store.get("c-mia").people if p.id == "sw-okafor"]
    assert seen_by_mia.name == "Sam Okafor-Reid"
    assert store.version("c-mia") == 2
    assert store.history("c-mia")[0].children == ("c-leo", "c-mia")
    assert store.get("c-mia", as_recorded=2) == mia  # as it was before


def test_update_person_moves_every_affected_child(store: GraphStore,
                                                  fixture_documents: Docs) -> None:
    mia = fixture_documents["foster-care-after-move"]
    leo = fixture_documents["child-in-need-at-home"]
    jay = fixture_documents["care-leaver-professional-network"]
    for d in (mia, leo, jay):
        store.replace(d, actor=ACTOR)
    [okafor] = [p for p in leo.people if p.id == "sw-okafor"]
    revision = store.update_person(okafor.model_copy(update={"name": "S. Okafor"}),
                                   actor="u-admin", reason="married name")
    assert revision.number == store.revision() == 4
    assert (revision.actor, revision.reason, revision.kind) == ("u-admin", "married name",
                                                                "person")
    assert revision.children == ("c-leo", "c-mia")
    assert [store.version(c) for c in ("c-leo", "c-mia", "c-jay")] == [2, 2, 1]
    for cid in ("c-leo", "c-mia"):
        assert {p.id: p.name for p in store.get(cid).people}["sw-okafor"] == "S. Okafor"
        assert store.history(cid)[0] == revision
    assert store.get("c-leo", as_recorded=3) == leo
    # the stale editor of Mia is refused instead of reverting the edit
    with pytest.raises(VersionConflict):
        store.replace(mia, actor=ACTOR, expected_version=1)
    with pytest.raises(DocumentConflict):  # and a fresh one may not revert it either
        store.replace(mia, actor=ACTOR, expected_version=2)
    with pytest.raises(PersonNotFound):
        store.update_person(okafor.model_copy(update={"id": "p-nobody"}), actor="u-admin")
    assert store.revision() == 4


def test_a_person_edit_made_on_changed_details_is_refused(store: GraphStore,
                                                           fixture_documents: Docs) -> None:
    """A person's version is the revision that wrote their details; an edit naming
    another one changes nothing (docs/record.md, "People are shared")."""
    mia = fixture_documents["foster-care-after-move"]
    leo = fixture_documents["child-in-need-at-home"]
    store.replace(mia, actor=ACTOR)
    store.replace(leo, actor=ACTOR)
    [okafor] = [p for p in leo.people if p.id == "sw-okafor"]
    assert store.person_versions(["sw-okafor", "p-nobody"]) == {"sw-okafor": 1}
    store.replace(leo, actor=ACTOR)  # the same details: the version stays
    assert store.person_versions(["sw-okafor"]) == {"sw-okafor": 1}

    first = store.update_person(okafor.model_copy(update={"name": "S. Okafor"}),
                                actor="u-a", expected_version=1)
    assert store.person_versions(["sw-okafor"]) == {"sw-okafor": first.number}
    with pytest.raises(PersonConflict) as refused:
        store.update_person(okafor.model_copy(update={"role": "team_manager"}),
                            actor="u-b", expected_version=1)
    assert (refused.value.expected, refused.value.current) == (1, first.number)
    assert store.revision() == first.number
    [now] = store.people(ids=["sw-okafor"])
    assert (now.name, now.role) == ("S. Okafor", okafor.role)
    store.update_person(now.model_copy(update={"role": "team_manager"}), actor="u-b",
                        expected_version=first.number)
    [now] = store.people(ids=["sw-okafor"])
    assert (now.name, now.role) == ("S. Okafor", "team_manager")


def test_people_search(store: GraphStore, fixture_documents: Docs) -> None:
    for d in fixture_documents.values():
        store.replace(d, actor=ACTOR)
    everyone = {p.id: p for d in fixture_documents.values() for p in d.people}
    got = store.people(limit=None)
    assert [p.id for p in got] == sorted(everyone)
    assert all(everyone[p.id] == p for p in got)
    assert [p.id for p in store.people(limit=2)] == sorted(everyone)[:2]
    mia = fixture_documents["foster-care-after-move"]
    assert [p.id for p in store.people(of_children=["c-mia"], limit=None)] == sorted(
        p.id for p in mia.people)
    pros = sorted(i for i, p in everyone.items() if p.category == "professional")
    assert [p.id for p in store.people(category="professional", limit=None)] == pros
    gran = everyone["p-mia-gran"]
    assert [p.id for p in store.people(search=gran.name.upper())] == ["p-mia-gran"]
    assert [p.id for p in store.people(ids=["p-mia-gran", "nobody"])] == ["p-mia-gran"]
    assert store.people(search="no such name") == []


def test_closing_keeps_the_record_out_of_listings(store: GraphStore,
                                                   fixture_documents: Docs) -> None:
    for d in fixture_documents.values():
        store.replace(d, actor=ACTOR)
    before = store.counts()
    leo = fixture_documents["child-in-need-at-home"]
    assert store.close_record("c-leo", actor="u-admin", reason="moved away") == 2
    assert store.is_closed("c-leo") and not store.is_closed("c-leo", as_recorded=3)
    assert store.get("c-leo") == leo  # kept whole
    assert store.counts() == before
    assert "c-leo" not in [s.id for s in store.children().data]
    assert store.children(ids=["c-leo"]).count == 0
    [row] = store.children(ids=["c-leo"], include_closed=True).data
    assert (row.closed, row.version) == (True, 2)
    assert [d.child.id for d in store.iter_documents()] == ["c-jay", "c-mia"]
    assert list(store.iter_documents(["c-leo"])) == []
    assert list(store.iter_documents(["c-leo"], include_closed=True)) == [leo]
    assert store.cohort_tables().child_ids == ["c-jay", "c-mia"]
    assert store.cohort_tables(include_closed=True).child_ids == ["c-jay", "c-leo", "c-mia"]
    assert store.cohort_tables(as_recorded=3).child_ids == ["c-jay", "c-leo", "c-mia"]
    # a write to a closed record keeps it closed; reopening brings it back
    assert store.replace(leo, actor=ACTOR) == 3 and store.is_closed("c-leo")
    assert store.reopen_record("c-leo", actor="u-admin") == 4
    assert [s.id for s in store.children().data] == ["c-jay", "c-leo", "c-mia"]
    kinds = [(r.kind, r.actor, r.reason) for r in store.history("c-leo")]
    assert kinds == [("reopen", "u-admin", None), ("write", ACTOR, None),
                     ("close", "u-admin", "moved away"), ("write", ACTOR, None)]


def test_revision_increases_on_every_write_and_not_on_reads(store: GraphStore) -> None:
    def reads() -> None:
        store.get("c1")
        store.version("c1")
        store.children(team="North", search="child")
        store.person_children(["p"])
        store.people(search="p")
        store.history("c1")
        store.revisions()
        store.get("c1", as_recorded=1)
        list(store.iter_documents())
        store.cohort_tables()
        store.counts()

    seen = [store.revision()]

    def increased() -> bool:
        seen.append(store.revision())
        return seen[-1] > seen[-2]

    store.replace(doc("c1", "p"), actor=ACTOR)
    assert increased()
    reads()
    assert not increased()
    # c2 links the person c1 shares with it: no version of c1 moves, the revision does
    store.replace(doc("c2", "p", team="South"), actor=ACTOR)
    assert increased()
    store.replace(doc("c2", "p", team="South"), expected_version=1, actor=ACTOR)
    assert increased()
    result = store.replace_many([doc("c3", "q"), doc("c1", "p", "q")], actor=ACTOR)
    assert result.imported == ["c3", "c1"]
    assert increased()
    with pytest.raises(VersionConflict):
        store.replace(doc("c1", "p"), expected_version=1, actor=ACTOR)
    assert store.revision() >= seen[-1]  # a refused write changes nothing else either
    store.close_record("c3", actor=ACTOR)
    assert increased()
    store.restore("c3", 4, actor=ACTOR)
    assert increased()
    reads()
    assert not increased()


# --------------------------------------------------------------------------- listing


def _listed(store: GraphStore, **filters: Any) -> tuple[list[str], int]:
    page = store.children(**filters)
    return [s.id for s in page.data], page.count


def test_children_filters_and_pages(store: GraphStore) -> None:
    store.replace(doc("c-b", team="North", status="looked_after", name="Zoë Brown"), actor=ACTOR)
    store.replace(doc("c-a", team="South", status="child_in_need", name="Ava"), actor=ACTOR)
    store.replace(doc("c-c", team="North", status="child_in_need", name="Cal"), actor=ACTOR)
    store.replace(doc("c-d", team="North", status="care_leaver", name="Dee"), actor=ACTOR)
    assert _listed(store) == (["c-a", "c-b", "c-c", "c-d"], 4)
    assert _listed(store, team="North") == (["c-b", "c-c", "c-d"], 3)
    assert _listed(store, status="child_in_need") == (["c-a", "c-c"], 2)
    assert _listed(store, team="North", status="child_in_need") == (["c-c"], 1)
    assert _listed(store, search="ZOË") == (["c-b"], 1)
    assert _listed(store, search="C-") == (["c-a", "c-b", "c-c", "c-d"], 4)
    assert _listed(store, search="%") == ([], 0)
    assert _listed(store, ids=["c-d", "c-a", "c-x"]) == (["c-a", "c-d"], 2)
    assert _listed(store, limit=2) == (["c-a", "c-b"], 4)
    assert _listed(store, limit=2, offset=2) == (["c-c", "c-d"], 4)
    assert _listed(store, limit=2, offset=9) == ([], 4)
    assert _listed(store, team="North", limit=1, offset=1) == (["c-c"], 3)
    [row] = store.children(ids=["c-b"]).data
    assert (row.id, row.name, row.team, row.status, row.version) == (
        "c-b", "Zoë Brown", "North", "looked_after", 1)


def test_person_children_lists_each_child_once(store: GraphStore) -> None:
    store.replace(doc("c-2", "sw-1", "p-x"), actor=ACTOR)
    store.replace(doc("c-1", "sw-1"), actor=ACTOR)
    store.replace(doc("c-3", "p-x"), actor=ACTOR)
    store.close_record("c-3", actor=ACTOR)  # closed records keep their people
    assert store.person_children(["sw-1", "p-x", "nobody"]) == {
        "sw-1": ["c-1", "c-2"], "p-x": ["c-2", "c-3"]}
    assert store.person_children([]) == {}


# --------------------------------------------------------------------------- properties


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_valid_document_round_trips_through_the_store(
        store: GraphStore, valid_documents: Any, data: st.DataObject) -> None:
    d: EcomapDocument = data.draw(valid_documents(child_id="c-prop"))
    store.replace(d, actor=ACTOR, update_people=True)  # examples share the store
    assert store.get("c-prop") == d
    assert list(store.iter_documents()) == [d]
    assert store.counts() == StoreCounts(children=1, people=len(d.people), ties=len(d.ties),
                                         observations=len(d.observations),
                                         episodes=len(d.episodes))


# --------------------------------------------------------------------------- cohort tables

COHORT_DATES = [date(2019, 6, 30), date(2021, 3, 31), date(2023, 12, 31), date(2025, 6, 30)]


def assert_same_cohort(columns: CohortTables, documents: CohortTables) -> None:
    """The store's columnar tables hold what the documents' do and measure the same."""
    for name in ("tie_child", "tie_start", "tie_end", "tie_start_known", "tie_pair",
                 "pair_child", "member_adult", "member_paid", "member_social_worker",
                 "member_category", "seg_start", "obs_day", "obs_code", "obs_closeness",
                 "obs_contact", "obs_emotional", "obs_practical", "obs_informational",
                 "obs_critical", "obs_direction", "obs_trusted", "ep_child", "ep_kind",
                 "ep_start", "ep_end",
                 "first_day", "has_status_episodes", "has_team_episodes"):
        np.testing.assert_array_equal(getattr(columns, name), getattr(documents, name),
                                      err_msg=name)
    assert columns.child_ids == documents.child_ids
    assert columns.team.tolist() == documents.team.tolist()
    assert columns.status.tolist() == documents.status.tolist()
    assert columns.ep_value.tolist() == documents.ep_value.tolist()
    assert columns.n_people == documents.n_people
    same = columns.tie_member[:, None] == columns.tie_member[None, :]
    np.testing.assert_array_equal(same, documents.tie_member[:, None] ==
                                  documents.tie_member[None, :])  # one code per person
    for at in COHORT_DATES:
        assert cohort_measures(columns, at) == cohort_measures(documents, at)
        got, want = cohort_values(columns, at, s), cohort_values(documents, at, s)
        for field in fields(got):
            np.testing.assert_array_equal(getattr(got, field.name), getattr(want, field.name))
    assert cohort_trend(columns, COHORT_DATES[-1], 6) == cohort_trend(
        documents, COHORT_DATES[-1], 6)


def test_cohort_tables_equal_the_documents_path(store: GraphStore, synthetic: Any,
                                                fixture_documents: Docs) -> None:
    docs = [*synthetic(40, seed=11), *fixture_documents.values()]
    assert store.replace_many(docs, actor=ACTOR).rejected == []
    everyone = store.cohort_tables()
    assert everyone.n_children == len(docs) and everyone.n_observations > 0
    assert_same_cohort(everyone, CohortTables.from_documents(store.iter_documents()))
    some = ["c-mia", "c-s000031", "c-s000004", "c-absent", "c-s000004"]
    subset = store.cohort_tables(some)
    assert subset.child_ids == ["c-mia", "c-s000004", "c-s000031"]  # stored ones, id order
    assert_same_cohort(subset, CohortTables.from_documents(store.iter_documents(some)))
    assert store.cohort_tables([]).n_children == 0


def test_cohort_tables_follow_replacements_and_deletions(store: GraphStore,
                                                         synthetic: Any) -> None:
    docs = synthetic(12, seed=3)
    store.replace_many(docs, actor=ACTOR)
    first = docs[0]
    store.replace(first.model_copy(update={"observations": first.observations[:2],
                                           "ties": first.ties}), actor=ACTOR)
    store.close_record(docs[5].child.id, actor=ACTOR)
    tables = store.cohort_tables()
    assert docs[5].child.id not in tables.child_ids
    assert_same_cohort(tables, CohortTables.from_documents(store.iter_documents()))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_valid_document_gives_the_same_cohort_tables(
        store: GraphStore, valid_documents: Any, data: st.DataObject) -> None:
    d: EcomapDocument = data.draw(valid_documents(child_id="c-prop"))
    store.replace(d, actor=ACTOR, update_people=True)  # examples share the store
    assert_same_cohort(store.cohort_tables(), CohortTables.from_documents([d]))
    assert_same_cohort(store.cohort_tables(["c-prop"]), CohortTables.from_documents([d]))
