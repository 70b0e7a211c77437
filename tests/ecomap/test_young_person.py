"""The young person's view: only the child's own answers, only the child's own ties."""

from __future__ import annotations

from datetime import date

from ecomap.format import parse_document
from ecomap.young_person import young_person_view

DOC = parse_document({
    "format": "ecomap/1",
    "child": {"id": "c", "name": "Ava", "birth_date": "2012-04-01", "status": "looked_after",
              "team": "North"},
    "people": [
        {"id": "gran", "name": "Gran", "category": "family"},
        {"id": "mum", "name": "Mum", "category": "family"},
        {"id": "sw", "name": "Sam", "category": "professional", "role": "social_worker"},
        {"id": "old", "name": "Old friend", "category": "friend"},
    ],
    "ties": [
        {"id": "t-gran", "between": ["c", "gran"], "started": "2012-04-01"},
        {"id": "t-sw", "between": ["c", "sw"], "started": "2023-01-01"},
        {"id": "t-old", "between": ["c", "old"], "started": "2020-01-01", "ended": "2023-01-01"},
        {"id": "t-gran-mum", "between": ["gran", "mum"], "started": "2012-04-01"},
    ],
    "observations": [
        {"tie": "t-gran", "on": "2023-06-01", "by": "child", "closeness": 3, "contact": 4,
         "support": {"emotional": 3}, "trusted": True},
        {"tie": "t-gran", "on": "2024-01-01", "by": "worker", "closeness": 1, "critical": 3,
         "note": "worker only"},
        {"tie": "t-gran", "on": "2025-01-01", "by": "child", "closeness": 2},
        {"tie": "t-sw", "on": "2024-01-01", "by": "worker", "closeness": 3, "trusted": True},
        {"tie": "t-gran-mum", "on": "2024-01-01", "by": "child", "closeness": 1},
    ],
})


def test_people_are_those_with_a_tie_to_the_child_today() -> None:
    view = young_person_view(DOC, date(2024, 6, 1))
    assert [(m.id, m.tie) for m in view.members] == [("gran", "t-gran"), ("sw", "t-sw")]
    assert view.child.model_dump() == {"name": "Ava"}


def test_answers_are_the_childs_latest_as_they_gave_them_and_never_an_adults() -> None:
    gran, sw = young_person_view(DOC, date(2024, 6, 1)).members
    assert (gran.closeness, gran.contact, gran.trusted) == (3, 4, True)
    assert gran.support is not None and gran.support.emotional == 3
    assert (sw.closeness, sw.contact, sw.support, sw.trusted) == (None, None, None, None)
    later = young_person_view(DOC, date(2025, 6, 1)).members[0]
    assert (later.closeness, later.trusted) == (2, None)  # the latest answer, as given


def test_nothing_else_is_in_the_view() -> None:
    text = young_person_view(DOC, date(2024, 6, 1)).model_dump_json()
    for word in ("worker only", "looked_after", "North", "2012-04-01", "critical", "Mum",
                 "social_worker", "professional"):
        assert word not in text
