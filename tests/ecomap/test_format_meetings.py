"""Every FORMAT.md rule for ``meetings``, each with a failing example; round trips."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ecomap.format import (
    DocumentInvalid,
    document_to_jsonable,
    dump_document,
    parse_document,
    validate_document,
)
from ecomap.model import Commitment, EcomapDocument, Meeting, Progress


def base() -> dict[str, Any]:
    """A valid document with one family group conference and its plan."""
    return {
        "format": "ecomap/1",
        "child": {"id": "c-1", "name": "Ava"},
        "people": [
            {"id": "p-gran", "name": "Maureen", "category": "family"},
            {"id": "p-nb", "name": "Pat", "category": "community"},
            {"id": "sw-1", "name": "Sam", "category": "professional", "role": "social_worker"},
        ],
        "meetings": [{
            "id": "m1", "kind": "family_group_conference", "on": "2024-03-01",
            "invited": ["p-gran", "sw-1"], "attended": ["p-gran", "p-nb"],
            "participation": "PN1", "note": "synthetic",
            "plan": [
                {"id": "k1", "what": "Tea at gran's on Sundays", "who": ["p-gran"],
                 "by": "2024-06-01", "progress": [
                     {"on": "2024-04-01", "state": "in_progress", "by": "worker"},
                     {"on": "2024-06-01", "state": "done", "by": "child"}]},
                {"id": "k2", "what": "Lifts to football", "who": ["p-nb"], "by": None},
                {"id": "k3", "what": "Keep a diary", "who": []},
            ],
        }],
    }


def breaches(data: Any) -> dict[str, str]:
    with pytest.raises(DocumentInvalid) as caught:
        parse_document(data)
    return {b.path: b.message for b in caught.value.breaches}


def test_the_base_document_is_valid_and_round_trips() -> None:
    doc = parse_document(base())
    assert doc.meetings[0].plan[0].progress[1].state == "done"
    assert parse_document(dump_document(doc)) == doc
    assert document_to_jsonable(doc)["meetings"][0]["plan"][2] == {
        "id": "k3", "what": "Keep a diary", "who": [], "progress": []}


def test_a_document_without_meetings_is_written_as_before() -> None:
    data = base()
    del data["meetings"]
    assert "meetings" not in document_to_jsonable(parse_document(data))


def test_attended_need_not_be_invited() -> None:
    data = base()
    data["meetings"][0]["invited"] = []
    assert parse_document(data).meetings[0].attended == ["p-gran", "p-nb"]


@pytest.mark.parametrize(("field", "value", "path", "says"), [
    ("kind", "case_conference", "meetings[0].kind", "family_group_conference"),
    ("participation", "PN8", "meetings[0].participation", "PN7"),
    ("on", "2024-3-1", "meetings[0].on", "YYYY-MM-DD"),
    ("invited", "p-gran", "meetings[0].invited", "list"),
    ("agenda", "x", "meetings[0].agenda", "unknown field"),
])
def test_meeting_fields(field: str, value: Any, path: str, says: str) -> None:
    data = base()
    data["meetings"][0][field] = value
    assert says in breaches(data)[path]


def test_a_meeting_needs_id_kind_and_date() -> None:
    data = base()
    data["meetings"][0] = {"plan": []}
    found = breaches(data)
    assert {"meetings[0].id", "meetings[0].kind", "meetings[0].on"} <= set(found)


@pytest.mark.parametrize(("change", "path", "says"), [
    (lambda k: k.update(what=""), "meetings[0].plan[0].what", "must not be empty"),
    (lambda k: k.update(by="soon"), "meetings[0].plan[0].by", "YYYY-MM-DD"),
    (lambda k: k.update(owner="x"), "meetings[0].plan[0].owner", "unknown field"),
    (lambda k: k["progress"][0].update(state="started"),
     "meetings[0].plan[0].progress[0].state", "in_progress"),
    (lambda k: k["progress"][0].update(by="teacher"),
     "meetings[0].plan[0].progress[0].by", "worker"),
    (lambda k: k["progress"][0].pop("on"), "meetings[0].plan[0].progress[0].on", "required"),
])
def test_commitment_and_progress_fields(change: Any, path: str, says: str) -> None:
    data = base()
    change(data["meetings"][0]["plan"][0])
    assert says in breaches(data)[path]


def test_meeting_ids_are_unique() -> None:
    data = base()
    second = copy.deepcopy(data["meetings"][0])
    for k in second["plan"]:
        k["id"] += "-b"
    data["meetings"].append(second)
    assert "used more than once" in breaches(data)["meetings[1].id"]


def test_commitment_ids_are_unique_across_meetings() -> None:
    data = base()
    data["meetings"].append({"id": "m2", "kind": "other", "on": "2024-05-01",
                             "plan": [{"id": "k1", "what": "again"}]})
    assert "meetings[0].plan[0]" in breaches(data)["meetings[1].plan[0].id"]


@pytest.mark.parametrize("path", [
    ("invited", 1), ("attended", 0),
])
def test_invited_and_attended_name_people_of_the_document(path: tuple[str, int]) -> None:
    data = base()
    field, index = path
    data["meetings"][0][field][index] = "p-nobody"
    assert "not one of this document's people" in breaches(data)[f"meetings[0].{field}[{index}]"]


def test_who_names_people_of_the_document() -> None:
    data = base()
    data["meetings"][0]["plan"][1]["who"] = ["p-nb", "p-ghost"]
    assert "p-ghost" in breaches(data)["meetings[0].plan[1].who[1]"]


def test_the_child_is_not_an_attendee_but_a_participation_code() -> None:
    data = base()
    data["meetings"][0]["attended"].append("c-1")
    assert "participation code" in breaches(data)["meetings[0].attended[2]"]


def test_progress_is_not_dated_before_its_meeting() -> None:
    data = base()
    data["meetings"][0]["plan"][0]["progress"][0]["on"] = "2024-02-28"
    assert "before its meeting" in breaches(data)["meetings[0].plan[0].progress[0].on"]


def test_progress_is_in_date_order() -> None:
    data = base()
    data["meetings"][0]["plan"][0]["progress"][1]["on"] = "2024-03-31"
    assert "date order" in breaches(data)["meetings[0].plan[0].progress[1].on"]


def test_progress_on_one_date_twice_is_in_order() -> None:
    data = base()
    data["meetings"][0]["plan"][0]["progress"][1]["on"] = "2024-04-01"
    assert len(parse_document(data).meetings[0].plan[0].progress) == 2


def test_every_breach_is_reported_at_once_and_in_order() -> None:
    data = base()
    data["meetings"][0]["attended"] = ["p-x"]
    data["meetings"][0]["plan"][0]["progress"][0]["on"] = "2020-01-01"
    data["people"][0]["category"] = "aunt"
    assert list(breaches(data)) == [
        "people[0].category", "meetings[0].attended[0]", "meetings[0].plan[0].progress[0].on",
    ]


def test_validate_document_checks_meetings_built_in_code() -> None:
    doc = parse_document(base())
    bad = doc.model_copy(update={"meetings": [
        *doc.meetings,
        Meeting(id="m2", kind="other", on=doc.meetings[0].on, plan=[
            Commitment(id="k9", what="x", who=["ghost"], progress=[
                Progress(on=doc.meetings[0].on.replace(year=2023), state="done")])]),
    ]})
    assert [b.path for b in validate_document(bad)] == [
        "meetings[1].plan[0].who[0]", "meetings[1].plan[0].progress[0].on"]
    assert validate_document(doc) == []


def test_json_text_and_mapping_accept_the_same() -> None:
    import json

    data = base()
    data["meetings"][0]["plan"][0]["progress"].reverse()
    with pytest.raises(DocumentInvalid):
        parse_document(json.dumps(data))
    assert isinstance(parse_document(json.dumps(base())), EcomapDocument)
