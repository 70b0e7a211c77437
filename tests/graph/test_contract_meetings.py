"""The GraphStore contract for meetings, plans and progress (docs/meetings.md): every
store in ``STORE_FACTORIES`` keeps them whole, as revisions, and erases them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomap.format import document_to_jsonable, parse_document, read_documents
from ecomap.model import EcomapDocument
from graph.base import ChildNotFound, DocumentConflict, GraphStore

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "meetings"
ACTOR = "u-tester"


def fixture(name: str) -> EcomapDocument:
    [doc] = list(read_documents(FIXTURES / f"{name}.json"))
    assert isinstance(doc, EcomapDocument)
    return doc


def changed(doc: EcomapDocument, change: Any) -> EcomapDocument:
    data = document_to_jsonable(doc)
    change(data)
    return parse_document(data)


def test_meetings_round_trip_in_order(store: GraphStore) -> None:
    fgc, lac = fixture("family-group-conference"), fixture("looked-after-reviews")
    store.replace_many([fgc, lac], actor=ACTOR)
    assert store.get(fgc.child.id) == fgc
    assert store.get(lac.child.id) == lac
    assert list(store.iter_documents()) == sorted([fgc, lac], key=lambda d: d.child.id)


def test_each_change_is_a_revision_and_earlier_ones_read_back(store: GraphStore) -> None:
    v1 = fixture("family-group-conference")
    cid = v1.child.id
    store.replace(v1, actor=ACTOR)
    first = store.history(cid)[0].number

    def progress(data: dict[str, Any]) -> None:
        data["meetings"][0]["plan"][4]["progress"].append(
            {"on": "2025-10-01", "state": "done", "by": "child"})

    def correct(data: dict[str, Any]) -> None:
        data["meetings"][0]["participation"] = "PN2"
        data["meetings"][0]["attended"] = ["p-fgc-gran"]
        del data["meetings"][0]["plan"][3]

    v2 = changed(v1, progress)
    store.replace(v2, actor=ACTOR, expected_version=1)
    v3 = changed(v2, correct)
    assert store.replace(v3, actor=ACTOR, expected_version=2) == 3
    assert store.get(cid) == v3
    assert store.get(cid, as_recorded=first) == v1
    assert store.get(cid, as_recorded=first + 1) == v2
    store.restore(cid, first, actor=ACTOR)
    assert store.get(cid).meetings == v1.meetings


def test_removing_every_meeting(store: GraphStore) -> None:
    doc = fixture("looked-after-reviews")
    store.replace(doc, actor=ACTOR)
    empty = doc.model_copy(update={"meetings": []})
    store.replace(empty, actor=ACTOR)
    assert store.get(doc.child.id) == empty
    assert store.get(doc.child.id, as_recorded=1) == doc


def test_meeting_and_commitment_ids_are_unique_in_the_store(store: GraphStore) -> None:
    fgc, lac = fixture("family-group-conference"), fixture("looked-after-reviews")
    store.replace(fgc, actor=ACTOR)
    before = store.revision()
    same_meeting = changed(lac, lambda d: d["meetings"][0].update(id="m-fgc-1"))
    same_commitment = changed(
        lac, lambda d: d["meetings"][3]["plan"][0].update(id="k-fgc-2"))
    for bad, path in ((same_meeting, "meetings[0].id"),
                      (same_commitment, "meetings[3].plan[0].id")):
        with pytest.raises(DocumentConflict) as caught:
            store.replace(bad, actor=ACTOR)
        assert [b.path for b in caught.value.breaches] == [path]
    assert store.revision() == before
    with pytest.raises(ChildNotFound):
        store.get(lac.child.id)
    # the same ids within one child's own record stay theirs across rewrites
    store.replace(changed(fgc, lambda d: d["meetings"][0].update(note="rewritten")),
                  actor=ACTOR)


def test_erase_removes_meetings_of_every_revision(store: GraphStore) -> None:
    fgc, lac = fixture("family-group-conference"), fixture("looked-after-reviews")
    store.replace_many([fgc, lac], actor=ACTOR)
    store.replace(changed(fgc, lambda d: d["meetings"][0].update(note="later")), actor=ACTOR)
    store.erase(fgc.child.id, actor=ACTOR, reason="made in error")
    # its meeting and commitment ids are free again; the other child keeps theirs
    store.replace(fgc, actor=ACTOR)
    assert store.get(fgc.child.id) == fgc
    assert store.get(lac.child.id) == lac


PEOPLE = ["p-a", "p-b", "p-c"]
DAYS = st.dates(date(2000, 1, 1), date(2030, 12, 31)).map(lambda d: d.isoformat())
LATER = st.lists(st.integers(0, 400), max_size=3)
TEXT = st.text(st.characters(categories=("L", "N", "Zs", "P")), min_size=1, max_size=20)


@st.composite
def meetings(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for m in range(draw(st.integers(0, 3))):
        on = draw(DAYS)
        plan = []
        for k in range(draw(st.integers(0, 3))):
            start = date.fromisoformat(on)
            dates = [(start + timedelta(days=n)).isoformat() for n in sorted(draw(LATER))]
            plan.append({
                "id": f"k{m}-{k}", "what": draw(TEXT),
                "who": draw(st.lists(st.sampled_from(PEOPLE), unique=True)),
                "by": draw(st.one_of(st.none(), DAYS)),
                "progress": [{"on": d, "state": draw(st.sampled_from(
                    ["agreed", "in_progress", "done", "not_done", "dropped"])),
                    "by": draw(st.one_of(st.none(), st.sampled_from(["child", "worker"])))}
                    for d in dates]})
        out.append({"id": f"m{m}", "kind": draw(st.sampled_from(
            ["family_group_conference", "looked_after_review", "other"])), "on": on,
            "invited": draw(st.lists(st.sampled_from(PEOPLE), unique=True)),
            "attended": draw(st.lists(st.sampled_from(PEOPLE), unique=True)),
            "participation": draw(st.one_of(st.none(), st.sampled_from(["PN1", "PN7"]))),
            "note": draw(st.one_of(st.none(), TEXT)), "plan": plan})
    return out


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(meetings(), min_size=1, max_size=3))
def test_any_sequence_of_meeting_records_reads_back_at_every_revision(
    store_factory: Any, request: pytest.FixtureRequest, versions: list[list[dict[str, Any]]],
) -> None:
    docs = [parse_document({
        "format": "ecomap/1", "child": {"id": "c-h", "name": "H"},
        "people": [{"id": p, "name": p, "category": "family"} for p in PEOPLE],
        "meetings": v}) for v in versions]
    with store_factory(request) as store:
        numbers = []
        for d in docs:
            store.replace(d, actor=ACTOR)
            numbers.append(store.revision())
        for d, number in zip(docs, numbers, strict=True):
            assert store.get("c-h", as_recorded=number) == d


def test_a_synthetic_authority_with_meetings_round_trips(store: GraphStore) -> None:
    from ecomap.synth import synthesize

    docs = list(synthesize(25, seed=8, meetings=True))
    assert sum(len(d.meetings) for d in docs) > 20
    store.replace_many(docs, actor=ACTOR)
    assert list(store.iter_documents()) == sorted(docs, key=lambda d: d.child.id)
