"""The ecomap/1 pydantic model: category defaults, activity on a date, strict ratings."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from ecomap.model import CATEGORIES, Observation, Person, Tie

# FORMAT.md: adult defaults to true except for friends; paid to true for professionals
# and carers only.
DEFAULTS = {
    "family": (True, False), "carer": (True, True), "friend": (False, False),
    "community": (True, False), "volunteer": (True, False), "professional": (True, True),
}


@pytest.mark.parametrize("category", CATEGORIES)
def test_adult_and_paid_default_from_the_category(category: str) -> None:
    p = Person.model_validate({"id": "p", "name": "P", "category": category})
    assert (p.adult, p.paid) == DEFAULTS[category]


def test_given_adult_and_paid_win_over_the_defaults() -> None:
    p = Person.model_validate({"id": "p", "name": "P", "category": "friend", "adult": True,
                               "paid": True})
    assert (p.adult, p.paid) == (True, True)


@pytest.mark.parametrize(("started", "ended", "day", "active"), [
    (None, None, date(2000, 1, 1), True),
    (date(2024, 1, 1), None, date(2023, 12, 31), False),
    (date(2024, 1, 1), None, date(2024, 1, 1), True),
    (date(2024, 1, 1), date(2024, 6, 1), date(2024, 5, 31), True),
    (date(2024, 1, 1), date(2024, 6, 1), date(2024, 6, 1), False),
    (None, date(2024, 6, 1), date(2019, 1, 1), True),
])
def test_tie_active_on(started: date | None, ended: date | None, day: date,
                       active: bool) -> None:
    tie = Tie(id="t", between=("a", "b"), started=started, ended=ended)
    assert tie.active_on(day) is active


@pytest.mark.parametrize("value", [1.0, "2", True, 0, 4])
def test_ratings_are_strict_integers_in_range(value: object) -> None:
    with pytest.raises(ValidationError):
        Observation.model_validate({"tie": "t", "on": "2024-01-01", "by": "child",
                                    "closeness": value})


def test_models_are_frozen() -> None:
    tie = Tie(id="t", between=("a", "b"))
    with pytest.raises(ValidationError):
        tie.id = "u"  # type: ignore[misc]
