"""Tie strength by hand: components, weights, clamping, rounding, line and arrows."""

from __future__ import annotations

from datetime import date

import pytest

from ecomap.measures.settings import MeasureSettings, StrengthWeights
from ecomap.measures.strength import (
    Components,
    arrows,
    components,
    duration,
    line,
    strength,
    tie_measures,
)
from ecomap.model import Observation, Person, Tie


def observation(**ratings: object) -> Observation:
    return Observation.model_validate({"tie": "t1", "on": "2024-01-10", "by": "child", **ratings})


GRAN = Person(id="p-gran", name="Gran", category="family")


def test_format_example_by_hand() -> None:
    # closeness 3 -> C = (3-1)/2 = 1; contact 3 -> F = 3/4 = 0.75;
    # support 3, 2, 1 -> S = ((3-1)/2 + (2-1)/2 + (1-1)/2) / 3 = (1 + 0.5 + 0) / 3 = 0.5;
    # both -> R = 1; known since 2012-04-01, 12.75 years at 2024-12-31 -> D = 1; critical 1 -> K = 0
    # strength = 100 * (0.30*1 + 0.20*0.75 + 0.25*0.5 + 0.10*1 + 0.15*1 - 0.25*0) = 82.5
    obs = observation(
        closeness=3,
        contact=3,
        critical=1,
        direction="both",
        trusted=True,
        support={"emotional": 3, "practical": 2, "informational": 1},
    )
    tie = Tie(id="t1", between=("c-ava", "p-gran"), started=date(2012, 4, 1))
    m = tie_measures(tie, GRAN, obs, date(2024, 12, 31))
    assert m["components"] == {"C": 1.0, "F": 0.75, "S": 0.5, "R": 1.0, "D": 1.0, "K": 0.0}
    assert m["strength"] == 82.5
    assert (m["line"], m["arrows"], m["trusted"], m["member"]) == ("strong", "both", True, "p-gran")


def test_missing_ratings_contribute_zero() -> None:
    # only contact 2 (F = 0.5) and support practical 3 (S = (0 + 1 + 0) / 3 = 1/3):
    # 100 * (0.20*0.5 + 0.25/3) = 10 + 8.333 = 18.3
    parts = components(observation(contact=2, support={"practical": 3}), None, date(2024, 2, 1))
    assert parts == Components(C=0.0, F=0.5, S=pytest.approx(1 / 3), R=0.0, D=0.0, K=0.0)  # type: ignore[arg-type]
    assert strength(parts) == 18.3


def test_an_observation_with_no_ratings_scores_zero_but_is_rated() -> None:
    m = tie_measures(
        Tie(id="t1", between=("c", "p-gran")), GRAN, observation(trusted=False), date(2024, 2, 1)
    )
    assert (m["strength"], m["line"], m["trusted"]) == (0.0, "unrated", False)


def test_unrated_tie_is_null() -> None:
    m = tie_measures(Tie(id="t1", between=("c", "p-gran")), GRAN, None, date(2024, 2, 1))
    assert (m["strength"], m["components"], m["trusted"], m["line"], m["arrows"]) == (
        None,
        None,
        None,
        "unrated",
        "none",
    )


def test_clamped_at_zero_and_hundred() -> None:
    # critical 3 alone: 100 * (0 - 0.25*1) = -25 -> 0
    assert strength(components(observation(critical=3), None, date(2024, 2, 1))) == 0.0
    # every scale at its top and known 5+ years: 0.30 + 0.20 + 0.25 + 0.10 + 0.15 = 1.0 -> 100
    top = observation(
        closeness=3,
        contact=4,
        direction="both",
        critical=1,
        support={"emotional": 3, "practical": 3, "informational": 3},
    )
    assert strength(components(top, date(2015, 1, 1), date(2024, 2, 1))) == 100.0


def test_duration_uses_365_25_day_years_and_unknown_start() -> None:
    # 2020-02-29 to 2021-02-28 is 365 days: 365 / 365.25 / 5 = 0.19986
    assert duration(date(2020, 2, 29), date(2021, 2, 28)) == pytest.approx(365 / 365.25 / 5)
    # 1826 days is just short of 5 years of 365.25 days; 1827 is past it
    assert duration(date(2019, 1, 1), date(2024, 1, 1)) == pytest.approx(1826 / 1826.25)
    assert duration(date(2019, 1, 1), date(2024, 1, 2)) == 1.0
    assert duration(None, date(2024, 1, 1)) == 0.0


def test_weights_are_settings() -> None:
    # contact 4 alone, weight 0.5 instead of 0.2: 100 * 0.5 * 1 = 50
    parts = components(observation(contact=4), None, date(2024, 2, 1))
    assert strength(parts, StrengthWeights(contact=0.5)) == 50.0
    obs = observation(contact=4)
    m = tie_measures(
        Tie(id="t1", between=("c", "p-gran")),
        GRAN,
        obs,
        date(2024, 2, 1),
        settings=MeasureSettings(weights=StrengthWeights(contact=0.5)),
    )
    assert m["strength"] == 50.0


def test_strength_halves_round_to_even() -> None:
    parts = components(observation(contact=4), None, date(2024, 2, 1))  # F = 1
    # 100 * 0.0025 = 0.25 -> 0.2; 100 * 0.0035 = 0.35 -> 0.4; 100 * 0.00125 = 0.125 -> 0.1
    assert strength(parts, StrengthWeights(contact=0.0025)) == 0.2
    assert strength(parts, StrengthWeights(contact=0.0035)) == 0.4
    assert strength(parts, StrengthWeights(contact=0.00125)) == 0.1


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        ({"closeness": 3, "critical": 3}, "stressful"),
        ({"closeness": 3, "critical": 2}, "strong"),
        ({"closeness": 2}, "normal"),
        ({"closeness": 1}, "tenuous"),
        ({"contact": 4}, "unrated"),
        ({"critical": 3}, "stressful"),
    ],
)
def test_line(ratings: dict[str, int], expected: str) -> None:
    assert line(observation(**ratings)) == expected


def test_arrows() -> None:
    assert [arrows(d) for d in ("both", "to_child", "from_child", None)] == [
        "both",
        "towards_child",
        "away_from_child",
        "none",
    ]
