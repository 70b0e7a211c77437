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
    StoreCounts,
    VersionConflict,
)

Docs = dict[str, EcomapDocument]


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
        assert store.replace(d) == 1
    for d in fixture_documents.values():
        assert store.get(d.child.id) == d
        assert dump_document(store.get(d.child.id)) == dump_document(d)
    exported = list(store.iter_documents())
    assert exported == sorted(fixture_documents.values(), key=lambda d: d.child.id)


def test_observation_order_is_kept(store: GraphStore,
                                   fixture_documents: Docs) -> None:
    mia = fixture_documents["foster-care-after-move"]
    store.replace(mia)
    assert [(o.tie, o.on, o.by, o.note) for o in store.get("c-mia").observations] == [
        (o.tie, o.on, o.by, o.note) for o in mia.observations]


def test_reimport_is_idempotent_and_bumps_the_version(store: GraphStore,
                                                      fixture_documents: Docs) -> None:
    for d in fixture_documents.values():
        store.replace(d)
    before = snapshot(store)
    leo = fixture_documents["child-in-need-at-home"]
    assert store.replace(leo) == 2
    assert store.replace(leo) == 3
    assert store.version("c-leo") == 3
    assert snapshot(store) == before


def test_replace_replaces_the_whole_network(store: GraphStore) -> None:
    store.replace(doc("c-1", "p-a", "p-b"))
    store.replace(doc("c-1", "p-b", "p-c"))
    assert [p.id for p in store.get("c-1").people] == ["p-b", "p-c"]
    assert store.children_of_person("p-a") == []
    assert store.counts() == StoreCounts(children=1, people=2, ties=2)


def test_missing_child(store: GraphStore) -> None:
    for call in (lambda: store.get("nobody"), lambda: store.version("nobody"),
                 lambda: store.active_ties("nobody", date(2024, 1, 1)),
                 lambda: store.delete("nobody")):
        with pytest.raises(ChildNotFound) as caught:
            call()
        assert caught.value.child_id == "nobody"


# --------------------------------------------------------------------------- as at


def test_as_at_boundaries(store: GraphStore) -> None:
    store.replace(doc(
        "c-1", "p-a", "p-b", "p-c",
        ties=[
            {"id": "t-a", "between": ["c-1", "p-a"], "started": "2024-01-01",
             "ended": "2024-06-01", "end_reason": "other"},
            {"id": "t-b", "between": ["p-b", "c-1"], "started": None, "ended": "2024-03-01"},
            {"id": "t-c", "between": ["c-1", "p-c"], "started": "2024-01-01",
             "ended": "2024-01-01"},
            {"id": "t-ab", "between": ["p-a", "p-b"], "started": "2020-01-01"},
        ]))

    def active(day: date) -> list[str]:
        return [a.member.id for a in store.active_ties("c-1", day)]

    assert active(date(2019, 5, 5)) == ["p-b"]  # unknown start: active before its end
    assert active(date(2023, 12, 31)) == ["p-b"]
    assert active(date(2024, 1, 1)) == ["p-a", "p-b"]  # start day active; same-day end not
    assert active(date(2024, 2, 29)) == ["p-a", "p-b"]
    assert active(date(2024, 3, 1)) == ["p-a"]  # end day inactive
    assert active(date(2024, 5, 31)) == ["p-a"]
    assert active(date(2024, 6, 1)) == []


def test_active_ties_carry_the_tie_and_member(store: GraphStore,
                                             fixture_documents: Docs) -> None:
    store.replace(fixture_documents["foster-care-after-move"])
    got = store.active_ties("c-mia", date(2024, 9, 20))
    # hand-read from the fixture: child ties open on 2024-09-20, by member id
    assert [(a.member.id, a.tie.id) for a in got] == [
        ("fc-begum", "t-mia-begum"), ("p-mia-gran", "t-mia-gran"), ("p-mia-mum", "t-mia-mum"),
        ("p-mia-zoe", "t-mia-zoe"), ("sw-lind", "t-mia-lind"), ("tch-osei", "t-mia-osei")]
    gran = got[1]
    assert gran.tie.between == ("p-mia-gran", "c-mia") and gran.tie.started is None
    assert gran.member.role == "grandparent" and gran.member.paid is False


# --------------------------------------------------------------------------- observations


def _observed_doc() -> EcomapDocument:
    def ob(on: str, by: str, closeness: int, **more: Any) -> dict[str, Any]:
        return {"tie": "c-1-p-a", "on": on, "by": by, "closeness": closeness, **more}

    return doc("c-1", "p-a", "p-b", observations=[
        ob("2024-01-01", "worker", 1),
        ob("2024-02-01", "child", 2),
        ob("2024-03-01", "child", 3, note="first of the day"),
        ob("2024-03-01", "worker", 1),
        ob("2024-03-01", "child", 1, note="later in the document: wins"),
        ob("2024-04-01", "carer", 2),
        ob("2024-02-15", "family", 3),  # out of date order in the document
        {"tie": "c-1-p-b", "on": "2024-02-01", "by": "worker", "trusted": True},
    ])


@pytest.mark.parametrize(("day", "perspective", "expected"), [
    (date(2023, 12, 31), "combined", None),
    (date(2024, 1, 1), "child", None),
    (date(2024, 1, 1), "worker", (1, "worker")),
    (date(2024, 1, 1), "combined", (1, "worker")),  # no child view yet: the adult view
    (date(2024, 2, 1), "combined", (2, "child")),
    (date(2024, 2, 20), "worker", (3, "family")),  # any side but the child's
    (date(2024, 3, 1), "child", (1, "child")),  # same day: later in document wins
    (date(2024, 3, 1), "worker", (1, "worker")),
    (date(2024, 3, 31), "worker", (1, "worker")),
    (date(2024, 4, 1), "worker", (2, "carer")),
    (date(2024, 4, 1), "combined", (1, "child")),  # the child's view first, even if older
])
def test_effective_observation(store: GraphStore, day: date, perspective: str,
                               expected: tuple[int, str] | None) -> None:
    store.replace(_observed_doc())
    [a, b] = store.active_ties("c-1", day, perspective)  # type: ignore[arg-type]
    got = None if a.observation is None else (a.observation.closeness, a.observation.by)
    assert got == expected
    if expected == (1, "child") and day == date(2024, 3, 1):
        assert a.observation is not None and a.observation.note == "later in the document: wins"
    if day >= date(2024, 2, 1) and perspective != "child":
        assert b.observation is not None and b.observation.trusted is True
    else:
        assert b.observation is None


# --------------------------------------------------------------------------- versions


def test_version_conflicts(store: GraphStore) -> None:
    assert store.replace(doc("c-1", "p-a"), expected_version=0) == 1
    with pytest.raises(VersionConflict) as caught:
        store.replace(doc("c-1", "p-b"), expected_version=0)
    assert (caught.value.expected, caught.value.current) == (0, 1)
    with pytest.raises(VersionConflict):
        store.replace(doc("c-1", "p-b"), expected_version=2)
    assert store.get("c-1") == doc("c-1", "p-a")
    assert store.replace(doc("c-1", "p-b"), expected_version=1) == 2
    with pytest.raises(VersionConflict):
        store.replace(doc("c-2"), expected_version=1)
    assert store.counts().children == 1
    with pytest.raises(VersionConflict):
        store.delete("c-1", expected_version=1)
    store.delete("c-1", expected_version=2)
    assert store.counts() == StoreCounts()


# --------------------------------------------------------------------------- atomicity


def test_conflicting_tie_id_leaves_the_store_unchanged(store: GraphStore,
                                                      fixture_documents: Docs) -> None:
    for d in fixture_documents.values():
        store.replace(d)
    before = snapshot(store)
    # A new version of Leo that also claims Mia's grandparent tie id.
    leo = fixture_documents["child-in-need-at-home"].model_dump()
    leo["people"].append({"id": "p-x", "name": "X", "category": "friend"})
    leo["ties"].append({"id": "t-mia-gran", "between": ["c-leo", "p-x"]})
    leo["child"]["name"] = "Renamed"
    with pytest.raises(DocumentConflict) as caught:
        store.replace(EcomapDocument.model_validate(leo))
    assert caught.value.child_id == "c-leo"
    assert [b.path for b in caught.value.breaches] == [f"ties[{len(leo['ties']) - 1}].id"]
    assert snapshot(store) == before
    assert store.version("c-leo") == 1


def test_invalid_document_built_in_code_is_refused(store: GraphStore) -> None:
    store.replace(doc("c-1", "p-a"))
    before = snapshot(store)
    # Field-valid, but the tie names someone who is not in the document.
    broken = EcomapDocument.model_validate({
        "format": "ecomap/1", "child": {"id": "c-1", "name": "C"},
        "ties": [{"id": "t", "between": ["c-1", "p-ghost"]}]})
    with pytest.raises(DocumentInvalid) as caught:
        store.replace(broken)
    assert [b.path for b in caught.value.breaches] == ["ties[0].between[1]"]
    assert snapshot(store) == before


def test_bulk_import_reports_bad_documents_and_keeps_the_rest(store: GraphStore) -> None:
    store.replace(doc("c-0", "p-0"))
    before_c0 = store.get("c-0")
    stolen = doc("c-2", "p-2", ties=[{"id": "c-0-p-0", "between": ["c-2", "p-2"]}])
    broken = EcomapDocument.model_validate({
        "format": "ecomap/1", "child": {"id": "c-3", "name": "C"},
        "observations": [{"tie": "nope", "on": "2024-01-01", "by": "child"}]})
    result = store.replace_many([doc("c-1", "p-1"), stolen, broken, doc("c-4", "p-1")])
    assert result.imported == ["c-1", "c-4"]
    assert sorted((cid, [b.path for b in bs]) for cid, bs in result.rejected) == [
        ("c-2", ["ties[0].id"]), ("c-3", ["observations[0].tie"])]  # in any order
    assert [s.id for s in store.children().data] == ["c-0", "c-1", "c-4"]
    assert store.get("c-0") == before_c0
    assert store.counts() == StoreCounts(children=3, people=2, ties=3)


def test_bulk_import_round_trips(store: GraphStore, synthetic: Any) -> None:
    docs = synthetic(60, seed=7)
    result = store.replace_many(docs)
    assert result.imported == [d.child.id for d in docs] and result.rejected == []
    assert list(store.iter_documents()) == docs  # generated in id order
    assert list(store.iter_documents(["c-s000005", "c-s000002", "c-absent"])) == [
        docs[2], docs[5]]
    again = store.replace_many(docs)
    assert again.imported == result.imported
    assert {store.version(d.child.id) for d in docs} == {2}


# --------------------------------------------------------------------------- people


def test_shared_people_keep_one_record_updated_by_the_later_import(
        store: GraphStore, fixture_documents: Docs) -> None:
    mia = fixture_documents["foster-care-after-move"]
    leo = fixture_documents["child-in-need-at-home"]
    store.replace(mia)
    store.replace(leo)
    assert store.children_of_person("sw-okafor") == ["c-leo", "c-mia"]
    shared = len({p.id for p in mia.people} & {p.id for p in leo.people})
    assert shared == 1
    assert store.counts().people == len(mia.people) + len(leo.people) - shared

    renamed = leo.model_dump()
    [okafor] = [p for p in renamed["people"] if p["id"] == "sw-okafor"]
    okafor["name"] = "Sam Okafor-Reid"
    store.replace(EcomapDocument.model_validate(renamed))
    [seen_by_mia] = [p for p in store.get("c-mia").people if p.id == "sw-okafor"]
    assert seen_by_mia.name == "Sam Okafor-Reid"

    store.delete("c-leo")
    assert store.children_of_person("sw-okafor") == ["c-mia"]
    assert store.children_of_person("p-leo-mum") == []
    assert store.counts().people == len(mia.people)
    store.delete("c-mia")
    assert store.children_of_person("sw-okafor") == []
    assert store.counts() == StoreCounts()


def test_delete_removes_only_that_child(store: GraphStore,
                                        fixture_documents: Docs) -> None:
    for d in fixture_documents.values():
        store.replace(d)
    jay = fixture_documents["care-leaver-professional-network"]
    store.delete("c-leo")
    with pytest.raises(ChildNotFound):
        store.get("c-leo")
    assert store.get("c-jay") == jay
    mia, jay_ = fixture_documents["foster-care-after-move"], jay
    assert store.counts() == StoreCounts(
        children=2, people=len(mia.people) + len(jay_.people),
        ties=len(mia.ties) + len(jay_.ties),
        observations=len(mia.observations) + len(jay_.observations),
        episodes=len(mia.episodes) + len(jay_.episodes))
    store.replace(fixture_documents["child-in-need-at-home"])  # and it can come back
    assert store.version("c-leo") == 1


def test_revision_increases_on_every_write_and_not_on_reads(store: GraphStore) -> None:
    def reads() -> None:
        store.get("c1")
        store.version("c1")
        store.children(team="North", search="child")
        store.children_of_person("p")
        store.active_ties("c1", date(2024, 1, 1))
        list(store.iter_documents())
        store.cohort_tables()
        store.counts()

    seen = [store.revision()]

    def increased() -> bool:
        seen.append(store.revision())
        return seen[-1] > seen[-2]

    store.replace(doc("c1", "p"))
    assert increased()
    reads()
    assert not increased()
    # c2 changes the person c1 shares with it: no version of c1 moves, the revision does
    store.replace(doc("c2", "p", team="South"))
    assert increased()
    store.replace(doc("c2", "p", team="South"), expected_version=1)
    assert increased()
    result = store.replace_many([doc("c3", "q"), doc("c1", "p", "q")])
    assert result.imported == ["c3", "c1"]
    assert increased()
    with pytest.raises(VersionConflict):
        store.replace(doc("c1", "p"), expected_version=1)
    assert store.revision() >= seen[-1]  # a refused write changes nothing else either
    store.delete("c3")
    assert increased()
    reads()
    assert not increased()


# --------------------------------------------------------------------------- listing


def _listed(store: GraphStore, **filters: Any) -> tuple[list[str], int]:
    page = store.children(**filters)
    return [s.id for s in page.data], page.count


def test_children_filters_and_pages(store: GraphStore) -> None:
    store.replace(doc("c-b", team="North", status="looked_after", name="Zoë Brown"))
    store.replace(doc("c-a", team="South", status="child_in_need", name="Ava"))
    store.replace(doc("c-c", team="North", status="child_in_need", name="Cal"))
    store.replace(doc("c-d", team="North", status="care_leaver", name="Dee"))
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


def test_children_of_person_lists_each_child_once(store: GraphStore) -> None:
    store.replace(doc("c-2", "sw-1", "p-x"))
    store.replace(doc("c-1", "sw-1"))
    store.replace(doc("c-3", "p-x"))
    assert store.children_of_person("sw-1") == ["c-1", "c-2"]
    assert store.children_of_person("p-x") == ["c-2", "c-3"]
    assert store.children_of_person("nobody") == []


# --------------------------------------------------------------------------- properties


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_valid_document_round_trips_through_the_store(
        store: GraphStore, valid_documents: Any, data: st.DataObject) -> None:
    d: EcomapDocument = data.draw(valid_documents(child_id="c-prop"))
    store.replace(d)
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
                 "member_category", "seg_start", "obs_day", "obs_closeness", "obs_contact",
                 "obs_emotional", "obs_practical", "obs_informational", "obs_critical",
                 "obs_direction", "obs_trusted", "ep_child", "ep_kind", "ep_start", "ep_end",
                 "first_day", "has_status_episodes", "has_team_episodes"):
        np.testing.assert_array_equal(getattr(columns, name), getattr(documents, name),
                                      err_msg=name)
    assert columns.child_ids == documents.child_ids
    assert columns.team.tolist() == documents.team.tolist()
    assert columns.status.tolist() == documents.status.tolist()
    assert columns.ep_value.tolist() == documents.ep_value.tolist()
    assert columns.day_min == documents.day_min and columns.n_people == documents.n_people
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
    assert store.replace_many(docs).rejected == []
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
    store.replace_many(docs)
    first = docs[0]
    store.replace(first.model_copy(update={"observations": first.observations[:2],
                                           "ties": first.ties}))
    store.delete(docs[5].child.id)
    tables = store.cohort_tables()
    assert docs[5].child.id not in tables.child_ids
    assert_same_cohort(tables, CohortTables.from_documents(store.iter_documents()))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_valid_document_gives_the_same_cohort_tables(
        store: GraphStore, valid_documents: Any, data: st.DataObject) -> None:
    d: EcomapDocument = data.draw(valid_documents(child_id="c-prop"))
    store.replace(d)
    assert_same_cohort(store.cohort_tables(), CohortTables.from_documents([d]))
    assert_same_cohort(store.cohort_tables(["c-prop"]), CohortTables.from_documents([d]))
