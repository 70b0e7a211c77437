"""Status and team episodes: the rules of FORMAT.md and the case on a date."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ecomap.episodes import case_on, first_day
from ecomap.errors import DocumentInvalid
from ecomap.format import document_to_jsonable, parse_document


def doc(episodes: list[dict[str, Any]], **child: Any) -> dict[str, Any]:
    return {"format": "ecomap/1", "child": {"id": "c", "name": "C", **child},
            "episodes": episodes}


def breaches(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(DocumentInvalid) as caught:
        parse_document(data)
    return [(b.path, b.message) for b in caught.value.breaches]


JOURNEY = [
    {"kind": "status", "status": "early_help", "start": "2021-03-01", "end": "2021-09-01"},
    {"kind": "status", "status": "child_in_need", "start": "2022-01-10", "end": "2022-06-01"},
    {"kind": "status", "status": "child_protection", "start": "2022-06-01",
     "end": "2023-02-01"},
    {"kind": "status", "status": "looked_after", "start": "2023-02-01"},
    {"kind": "team", "team": "South", "start": "2021-03-01", "end": "2023-02-01"},
    {"kind": "team", "team": "Children in Care", "start": "2023-02-01"},
]


def test_a_journey_is_valid_and_its_current_values_come_from_the_episodes() -> None:
    parsed = parse_document(doc(JOURNEY))
    assert (parsed.child.status, parsed.child.team) == ("looked_after", "Children in Care")
    again = parse_document(document_to_jsonable(parsed))
    assert again == parsed
    assert parse_document(doc(JOURNEY, status="looked_after")).child.status == "looked_after"


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2021-02-28", (False, None, None)),
        ("2021-03-01", (True, "early_help", "South")),
        ("2021-12-31", (False, None, "South")),  # closed between episodes
        ("2022-06-01", (True, "child_protection", "South")),
        ("2023-02-01", (True, "looked_after", "Children in Care")),
    ],
)
def test_case_on_a_date(on: str, expected: tuple[object, ...]) -> None:
    case = case_on(parse_document(doc(JOURNEY)), date.fromisoformat(on))
    assert (case.open, case.status, case.team) == expected


def test_overlapping_status_episodes_are_refused() -> None:
    found = breaches(doc([
        {"kind": "status", "status": "early_help", "start": "2021-03-01", "end": "2021-09-01"},
        {"kind": "status", "status": "child_in_need", "start": "2021-08-31"},
    ]))
    assert [path for path, _ in found] == ["episodes[1].start"]
    assert "must not overlap" in found[0][1]


def test_an_open_team_episode_overlaps_a_later_one() -> None:
    found = breaches(doc([
        {"kind": "team", "team": "North", "start": "2021-03-01"},
        {"kind": "team", "team": "South", "start": "2022-01-01"},
    ]))
    assert [path for path, _ in found] == ["episodes[1].start"]


def test_kind_and_value_must_agree() -> None:
    found = breaches(doc([
        {"kind": "status", "start": "2021-03-01"},
        {"kind": "placement", "team": "North", "start": "2021-03-01"},
    ]))
    assert [path for path, _ in found] == ["episodes[0].status", "episodes[1].team"]


def test_current_value_must_agree_with_the_latest_episode() -> None:
    found = breaches(doc(JOURNEY, status="child_in_need", team="South"))
    assert [path for path, _ in found] == ["child.status", "child.team"]
    assert "'looked_after'" in found[0][1]


def test_fallback_without_episodes() -> None:
    parsed = parse_document({
        "format": "ecomap/1", "child": {"id": "c", "name": "C", "status": "looked_after",
                                        "team": "North"},
        "people": [{"id": "p", "name": "P", "category": "family"}],
        "ties": [{"id": "t", "between": ["c", "p"], "started": "2020-05-01"}],
        "episodes": [{"kind": "placement", "start": "2019-01-01"}]})
    assert first_day(parsed) == date(2019, 1, 1)
    before, after = case_on(parsed, date(2018, 12, 31)), case_on(parsed, date(2019, 1, 1))
    assert (before.open, after.open, after.status, after.team) == (
        False, True, "looked_after", "North")
    undated = parse_document(doc([], status="early_help"))
    assert case_on(undated, date(2024, 1, 1)).open is False
