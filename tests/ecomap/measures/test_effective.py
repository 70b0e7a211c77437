"""The effective observation: whose view, which date, and same-day order."""

from __future__ import annotations

from datetime import date

from ecomap.measures.effective import effective_observation
from ecomap.model import Observation


def obs(on: str, by: str, closeness: int) -> Observation:
    return Observation.model_validate({"tie": "t", "on": on, "by": by, "closeness": closeness})


def test_latest_on_or_before_the_date() -> None:
    history = [
        obs("2024-01-01", "child", 1),
        obs("2024-06-01", "child", 2),
        obs("2024-09-01", "child", 3),
    ]
    assert effective_observation(history, date(2024, 6, 1)).closeness == 2  # type: ignore[union-attr]
    assert effective_observation(history, date(2024, 5, 31)).closeness == 1  # type: ignore[union-attr]
    assert effective_observation(history, date(2023, 12, 31)) is None


def test_same_day_the_later_in_the_document_wins() -> None:
    history = [
        obs("2024-03-01", "child", 3),
        obs("2024-03-01", "child", 1),
        obs("2024-03-01", "worker", 1),
        obs("2024-03-01", "carer", 2),
    ]
    at = date(2024, 3, 1)
    assert effective_observation(history, at, "child").closeness == 1  # type: ignore[union-attr]
    # the adult view is anyone but the child: the carer came later than the worker
    assert effective_observation(history, at, "worker").closeness == 2  # type: ignore[union-attr]


def test_an_earlier_date_later_in_the_document_does_not_win() -> None:
    history = [obs("2024-05-01", "child", 3), obs("2024-02-01", "child", 1)]
    assert effective_observation(history, date(2024, 6, 1)).closeness == 3  # type: ignore[union-attr]


def test_combined_prefers_the_child_even_if_older() -> None:
    history = [obs("2024-01-01", "child", 1), obs("2024-06-01", "worker", 3)]
    at = date(2024, 7, 1)
    assert effective_observation(history, at).closeness == 1  # type: ignore[union-attr]
    assert effective_observation(history, at, "worker").closeness == 3  # type: ignore[union-attr]


def test_combined_falls_back_to_the_adult_view() -> None:
    history = [obs("2024-06-01", "family", 2), obs("2024-08-01", "child", 3)]
    assert effective_observation(history, date(2024, 7, 1)).closeness == 2  # type: ignore[union-attr]
    assert effective_observation(history, date(2024, 7, 1), "child") is None
