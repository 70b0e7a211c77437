"""The drawable ecomap, the two-date diff and the as-at document (ecomap/view.py)."""

from __future__ import annotations

from datetime import date

import pytest

from ecomap.format import parse_document, validate_document
from ecomap.measures import child_measures
from ecomap.model import EcomapDocument
from ecomap.view import RINGS, document_as_at, ecomap_diff, ecomap_view, without_notes

DATES = [date(2022, 1, 1), date(2024, 3, 1), date(2024, 12, 31), date(2025, 6, 30)]


@pytest.mark.parametrize("at", DATES)
@pytest.mark.parametrize("perspective", ["combined", "child", "worker"])
def test_members_carry_the_measures_numbers(
    fixture_documents: dict[str, EcomapDocument], at: date, perspective: str
) -> None:
    for doc in fixture_documents.values():
        view = ecomap_view(doc, at, perspective)  # type: ignore[arg-type]
        ties = child_measures(doc, at, perspective)["ties"]  # type: ignore[arg-type]
        assert [
            (
                m["id"],
                m["tie"],
                m["strength"],
                m["line"],
                m["arrows"],
                m["trusted"],
                m["components"],
            )
            for m in view["members"]
        ] == [
            (
                t["member"],
                t["tie"],
                t["strength"],
                t["line"],
                t["arrows"],
                t["trusted"],
                t["components"],
            )
            for t in ties
        ]


def test_rings_follow_closeness(fixture_documents: dict[str, EcomapDocument]) -> None:
    for doc in fixture_documents.values():
        for member in ecomap_view(doc, date(2024, 12, 31))["members"]:
            assert member["ring"] == RINGS[member["closeness"]]
            if member["line"] in ("strong", "normal", "tenuous"):
                assert (
                    member["closeness"] == {"strong": 3, "normal": 2, "tenuous": 1}[member["line"]]
                )


def test_links_are_active_person_ties_between_members(
    fixture_documents: dict[str, EcomapDocument],
) -> None:
    for doc in fixture_documents.values():
        at = date(2024, 12, 31)
        view = ecomap_view(doc, at)
        members = {m["id"] for m in view["members"]}
        expected = sorted(
            t.id
            for t in doc.ties
            if doc.child.id not in t.between and t.active_on(at) and set(t.between) <= members
        )
        assert [link["tie"] for link in view["links"]] == expected


def test_diff_agrees_with_the_two_views(fixture_documents: dict[str, EcomapDocument]) -> None:
    for doc in fixture_documents.values():
        start, end = date(2023, 6, 30), date(2025, 6, 30)
        before = {m["id"]: m for m in ecomap_view(doc, start)["members"]}
        after = {m["id"]: m for m in ecomap_view(doc, end)["members"]}
        diff = ecomap_diff(doc, start, end)
        assert {m["id"] for m in diff["gained"]} == after.keys() - before.keys()
        assert {m["id"] for m in diff["lost"]} == before.keys() - after.keys()
        for change in diff["changed"]:
            for item in change["changes"]:
                assert before[change["id"]][item["field"]] == item["from"]
                assert after[change["id"]][item["field"]] == item["to"]
        assert diff["unchanged"] + len(diff["changed"]) == len(before.keys() & after.keys())
        for lost in diff["lost"]:
            tie = next(t for t in doc.ties if t.id == lost["tie"])
            assert lost["ended"] == (tie.ended.isoformat() if tie.ended else None)


@pytest.mark.parametrize("at", DATES)
def test_document_as_at_is_valid_and_forgets_the_future(
    fixture_documents: dict[str, EcomapDocument], at: date
) -> None:
    for doc in fixture_documents.values():
        past = document_as_at(doc, at)
        assert validate_document(past) == []
        assert parse_document(past.model_dump(mode="json")) == past
        assert all(o.on <= at for o in past.observations)
        assert all(t.ended is None or t.ended <= at for t in past.ties)
        assert all(t.started is None or t.started <= at for t in past.ties)
        # the ecomap on that date is the same either way
        assert ecomap_view(past, at) == ecomap_view(doc, at)


def test_without_notes_drops_only_notes(fixture_documents: dict[str, EcomapDocument]) -> None:
    doc = fixture_documents["foster-care-after-move"]
    bare = without_notes(doc)
    assert all(o.note is None for o in bare.observations)
    assert [o.model_copy(update={"note": None}) for o in doc.observations] == bare.observations
