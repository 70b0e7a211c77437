"""Meetings in the other views of the record: as at a date, without notes, as a graph."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from ecomap.format import read_documents, validate_document
from ecomap.meetings import add_meetings_to_graph
from ecomap.model import EcomapDocument
from ecomap.view import document_as_at, without_notes

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "meetings"


@pytest.fixture(scope="module")
def fgc() -> EcomapDocument:
    [doc] = list(read_documents(FIXTURE / "family-group-conference.json"))
    assert isinstance(doc, EcomapDocument)
    return doc


def test_as_at_keeps_meetings_held_and_progress_made_by_then(fgc: EcomapDocument) -> None:
    assert document_as_at(fgc, date(2025, 3, 9)).meetings == []
    past = document_as_at(fgc, date(2025, 5, 25))
    [m] = past.meetings
    assert [len(k.progress) for k in m.plan] == [1, 1, 1, 0, 0]
    assert validate_document(past) == []


def test_as_at_keeps_the_people_a_meeting_names(fgc: EcomapDocument) -> None:
    ties = [t.model_copy(update={"started": date(2025, 8, 1)}) if t.id == "t-fgc-2" else t
            for t in fgc.ties]  # Pat's tie is recorded as starting after the meeting
    late = fgc.model_copy(update={"ties": ties})
    past = document_as_at(late, date(2025, 4, 1))
    assert "p-fgc-pat" in {p.id for p in past.people}
    assert validate_document(past) == []


def test_young_peoples_reads_have_no_meeting_notes(fgc: EcomapDocument) -> None:
    assert fgc.meetings[0].note
    assert without_notes(fgc).meetings[0].note is None


def test_graph_has_meetings_as_nodes_with_attended_and_committed_edges(
    fgc: EcomapDocument,
) -> None:
    g = nx.Graph()
    add_meetings_to_graph(g, fgc.meetings, None)
    assert g.nodes["m-fgc-1"] == {"kind": "meeting", "meeting_kind": "family_group_conference",
                                  "on": "2025-03-10", "participation": "PN1",
                                  "child_commitments": 1}
    assert g.edges["p-fgc-gran", "m-fgc-1"]["commitments"] == 2
    assert g.edges["p-fgc-teacher", "m-fgc-1"] == {
        "relation": "meeting", "invited": True, "attended": False, "commitments": 0}
    on = nx.Graph()
    add_meetings_to_graph(on, fgc.meetings, date(2025, 9, 30))
    assert on.edges["p-fgc-pat", "m-fgc-1"]["open_commitments"] == 1  # swimming; walks not kept
    before = nx.Graph()
    add_meetings_to_graph(before, fgc.meetings, date(2025, 1, 1))
    assert before.number_of_nodes() == 0
    text = "\n".join(nx.generate_graphml(g))
    assert "synthetic" not in text.lower()  # the note is never exported
    assert nx.parse_graphml(text).nodes["m-fgc-1"]["participation"] == "PN1"
    assert "m-fgc-1" in "\n".join(nx.generate_gexf(g))


def test_compare_lists_the_meetings_held_in_between(fgc: EcomapDocument) -> None:
    from ecomap.view import ecomap_diff

    d = ecomap_diff(fgc, date(2025, 1, 1), date(2025, 9, 30))
    assert d["meetings"] == [{"id": "m-fgc-1", "kind": "family_group_conference",
                              "on": "2025-03-10", "participation": "PN1", "attended": 3,
                              "commitments": 5, "done": 2, "words": (
        "family group conference on 2025-03-10: came Maureen, Pat, Sam Okafor; Ava came "
        "and spoke for themselves; 5 commitments, 2 done by 2025-09-30")}]
    assert [c["to"] for c in d["commitments"]] == [  # all five new: held in between
        "done", "not_done", "done", "agreed", "in_progress"]
    later = ecomap_diff(fgc, date(2025, 3, 10), date(2025, 9, 30))
    assert later["meetings"] == []
    # k1 gran's tea done 07-01, k2 Pat's walks not done, k3 referral done, k5 swimming in
    # progress; k4 (the diary) still agreed: unchanged, not listed
    assert [c["words"] for c in later["commitments"]] == [
        "“Gran has Ava for tea every Sunday” (Maureen): agreed → done",
        "“Pat walks Ava to school on Tuesdays and Thursdays” (Pat): agreed → not done",
        "“Sam refers Ava to the young carers' group” (Sam Okafor): agreed → done",
        "“Gran and Pat take me swimming on Saturdays” (Maureen, Pat): agreed → happening"]
    # from Ava's side only her own answer counts: Pat's walks are happening, she says
    own = ecomap_diff(fgc, date(2025, 3, 10), date(2025, 9, 30), "child")["commitments"]
    assert [(c["id"], c["from"], c["to"]) for c in own] == [
        ("k-fgc-2", "agreed", "in_progress")]


def test_plan_status_on_the_fixture(fgc: EcomapDocument) -> None:
    from ecomap.meetings import plan_status

    s = plan_status(fgc, date(2025, 9, 30))
    assert {k: v["state"] for k, v in s["commitments"].items()} == {
        "k-fgc-1": "done", "k-fgc-2": "not_done", "k-fgc-3": "done",
        "k-fgc-4": "agreed", "k-fgc-5": "in_progress"}
    assert s["commitments"]["k-fgc-5"]["on_track"] is True
    assert s["commitments"]["k-fgc-1"]["on_track"] is None
    assert s["holders"] == {"p-fgc-gran": True, "p-fgc-pat": True}
    late = plan_status(fgc, date(2026, 1, 5))  # swimming is past its date, still open
    assert late["holders"] == {"p-fgc-gran": False, "p-fgc-pat": False}
