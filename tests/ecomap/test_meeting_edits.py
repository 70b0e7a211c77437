"""Meeting edits on a document's JSON form, and the young person's list."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ecomap.format import DocumentInvalid, document_to_jsonable, parse_document, read_documents
from ecomap.meeting_edits import (
    CHILD_ANSWERS,
    PARTICIPATION_WORDS,
    NotFound,
    add_commitment,
    add_meeting,
    add_progress,
    child_answer,
    correct_meeting,
    update_commitment,
    who_is_helping,
)
from ecomap.model import PARTICIPATION_CODES, EcomapDocument

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "meetings"


@pytest.fixture
def fgc() -> EcomapDocument:
    [doc] = list(read_documents(FIXTURE / "family-group-conference.json"))
    assert isinstance(doc, EcomapDocument)
    return doc


def data_of(doc: EcomapDocument) -> dict[str, Any]:
    return document_to_jsonable(doc)


def test_every_code_has_plain_words() -> None:
    assert set(PARTICIPATION_WORDS) == set(PARTICIPATION_CODES)
    assert PARTICIPATION_WORDS["PN1"] == "came and spoke for themselves"


def test_a_meeting_and_plan_added_then_corrected(fgc: EcomapDocument) -> None:
    data = data_of(fgc)
    add_meeting(data, {"id": "m2", "kind": "family_network_meeting", "on": "2025-10-01",
                       "invited": ["p-fgc-aunt"], "attended": ["p-fgc-aunt"]})
    add_commitment(data, "m2", {"id": "k9", "what": "Lou rings on Wednesdays",
                                "who": ["p-fgc-aunt"], "by": "2025-11-01"})
    correct_meeting(data, "m2", {"participation": "PN6"})
    update_commitment(data, "k9", {"by": "2025-12-01"})
    add_progress(data, "k9", {"on": "2025-10-15", "state": "in_progress", "by": "family"})
    doc = parse_document(data)
    assert doc.meetings[1].participation == "PN6"
    assert doc.meetings[1].plan[0].progress[0].state == "in_progress"


def test_unknown_ids_are_not_found(fgc: EcomapDocument) -> None:
    data = data_of(fgc)
    with pytest.raises(NotFound):
        add_commitment(data, "nope", {"id": "x", "what": "y"})
    with pytest.raises(NotFound):
        add_progress(data, "nope", {"on": "2025-01-01", "state": "done"})


def test_progress_out_of_date_order_is_refused_by_the_format(fgc: EcomapDocument) -> None:
    data = data_of(fgc)
    renames = add_progress(data, "k-fgc-1", {"on": "2025-05-01", "state": "done"})
    assert list(renames) == ["meetings[0].plan[0].progress[2]"]
    with pytest.raises(DocumentInvalid) as caught:
        parse_document(data)
    assert [b.path for b in caught.value.breaches] == ["meetings[0].plan[0].progress[2].on"]


def test_who_is_helping_lists_the_open_commitments_of_the_latest_plan(
    fgc: EcomapDocument,
) -> None:
    items = who_is_helping(fgc, date(2025, 9, 30))
    # gran's tea done, Pat's walks not done, the referral done: the diary and swimming
    assert [(i["what"], i["who"], i["answer"]) for i in items] == [
        ("I keep my feelings diary", [], None),
        ("Gran and Pat take me swimming on Saturdays", ["Maureen", "Pat"], None),
    ]
    assert set(items[0]) == {"id", "what", "who", "answer", "answered_on"}  # no notes, scores


def test_the_childs_answer_is_child_progress_and_does_not_close_it_for_them(
    fgc: EcomapDocument,
) -> None:
    data = data_of(fgc)
    for answer in CHILD_ANSWERS:
        add_progress(data, "k-fgc-5", child_answer(answer, date(2025, 10, 1)))
    doc = parse_document(data)
    [swim] = [i for i in who_is_helping(doc, date(2025, 10, 2)) if i["id"] == "k-fgc-5"]
    assert swim["answer"] == "no" and swim["answered_on"] == "2025-10-01"
    assert doc.meetings[0].plan[4].progress[-1].by == "child"


def test_no_plan_means_an_empty_list(fgc: EcomapDocument) -> None:
    assert who_is_helping(fgc, date(2025, 3, 9)) == []
