"""ecomap.stored: what a store read back is given back as stored when it breaks only the
rules FORMAT.md gained later; a write may keep such a value, not bring one."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ecomap.errors import Breach
from ecomap.model import EcomapDocument, Person
from ecomap.stored import kept, later_breaches, stored


def _doc(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "ecomap/1",
        "child": {"id": "c", "name": "Ava"},
        "people": [{"id": "p", "name": "Gran", "category": "family"},
                   {"id": "q", "name": "Sam", "category": "friend"}],
        "ties": [{"id": "t", "between": ["c", "p"], "started": "2015-01-01"},
                 {"id": "u", "between": ["c", "q"]}],
        "observations": [{"tie": "t", "on": "2024-03-01", "by": "child", "closeness": 3,
                          "note": "tea\tand\ncake"}],
        "episodes": [{"kind": "placement", "start": "2020-01-01"}],
    }
    for path, value in changes.items():
        section, index, field = path.split("__")
        doc[section][int(index)][field] = value
    return doc


def test_a_valid_record_is_validated_as_usual() -> None:
    assert stored(EcomapDocument, _doc()) == EcomapDocument.model_validate(_doc())


def test_every_value_breaking_a_later_rule_is_kept_exactly_where_it_was() -> None:
    data = _doc(people__1__name="Sam\x1b[31m", ties__0__started="0001-01-01",
                ties__1__between=["c", "q\x00"], episodes__0__start="2250-06-30",
                observations__0__note="tea\x07")
    data["people"][1]["id"] = "q\x00"

    doc = stored(EcomapDocument, data)

    assert doc.people[1].name == "Sam\x1b[31m" and doc.people[1].id == "q\x00"
    assert doc.ties[0].started == date(1, 1, 1)
    assert doc.ties[1].between == ("c", "q\x00")
    assert doc.episodes[0].start == date(2250, 6, 30)
    assert doc.observations[0].note == "tea\x07"
    assert doc.observations[0].closeness == 3  # the rest validated as usual
    assert [b.path for b in later_breaches(doc)] == [
        "people[1].id", "people[1].name", "ties[0].started", "ties[1].between[1]",
        "observations[0].note", "episodes[0].start"]


def test_a_record_read_from_json_text_is_the_same() -> None:
    import json

    data = _doc(ties__0__started="2300-01-01")
    assert stored(EcomapDocument, json.loads(json.dumps(data))).ties[0].started == date(2300, 1, 1)


@pytest.mark.parametrize("change", [
    {"people__0__category": "aunt"},  # not one of the categories
    {"observations__0__closeness": 9},  # out of range: an old rule
    {"ties__0__started": "2015-1-1"},  # not YYYY-MM-DD: an old rule
    {"people__0__name": ""},  # a required name: an old rule
])
def test_any_other_breach_raises_even_beside_a_later_one(change: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        stored(EcomapDocument, _doc(people__1__name="Sam\x07", **change))


@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20))
def test_any_stored_name_reads_back_unchanged(name: str) -> None:
    person = stored(Person, {"id": "p", "name": name, "category": "family"})
    assert person.name == name
    assert bool(later_breaches(person)) == any(
        ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in name)


def test_an_edit_keeps_a_value_where_the_record_holds_it() -> None:
    before = stored(EcomapDocument, _doc(people__1__name="Sam\x07"))
    data = _doc(people__1__name="Sam\x07")
    data["observations"].append({"tie": "u", "on": "2025-01-01", "by": "worker", "closeness": 1})

    after = kept(EcomapDocument, data, before)

    assert after.people[1].name == "Sam\x07" and len(after.observations) == 2


@pytest.mark.parametrize("data", [
    _doc(people__1__name="Sammy\x07"),  # changed
    _doc(people__0__name="Sam\x07"),  # the same text, another place
    _doc(people__1__name="Sam\x07", ties__0__started="0001-01-01"),  # a new one beside
], ids=["changed", "moved", "new beside"])
def test_an_edit_may_not_bring_a_value_the_record_does_not_hold(data: dict[str, Any]) -> None:
    before = stored(EcomapDocument, _doc(people__1__name="Sam\x07"))
    with pytest.raises(ValidationError):
        kept(EcomapDocument, data, before)
    with pytest.raises(ValidationError):
        kept(EcomapDocument, data, None)


def test_a_kept_date_compares_as_the_record_writes_it() -> None:
    before = stored(EcomapDocument, _doc(ties__0__started="1850-02-03"))
    assert kept(EcomapDocument, _doc(ties__0__started="1850-02-03"), before).ties[0].started \
        == date(1850, 2, 3)
    assert later_breaches(before) == [
        Breach("ties[0].started", "must be between 1900-01-01 and 2199-12-31")]
