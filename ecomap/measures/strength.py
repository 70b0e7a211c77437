"""Tie strength (a derived 0-100 composite), its components, and the ecomap line and arrows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from ecomap.measures.rounding import round_half_even
from ecomap.measures.settings import DEFAULT_SETTINGS, MeasureSettings, StrengthWeights
from ecomap.model import Direction, Observation, Person, Tie

Line = Literal["stressful", "strong", "normal", "tenuous", "unrated"]
Arrows = Literal["both", "towards_child", "away_from_child", "none"]

DAYS_PER_YEAR = 365.25
RECIPROCITY: dict[Direction | None, float] = {
    "both": 1.0,
    "to_child": 0.5,
    "from_child": 0.0,
    None: 0.0,
}


@dataclass(frozen=True)
class Components:
    """The six parts of tie strength, each in [0, 1] (MEASURES.md)."""

    C: float
    F: float
    S: float
    R: float
    D: float
    K: float

    def as_dict(self) -> dict[str, float]:
        """The components rounded to 3 decimals, as reported with each tie."""
        return {
            name: round_half_even(value, 3)
            for name, value in (
                ("C", self.C), ("F", self.F), ("S", self.S),
                ("R", self.R), ("D", self.D), ("K", self.K),
            )
        }


def duration(started: date | None, at: date, full_years: float = 5.0) -> float:
    """D = min(years known / ``full_years``, 1), years known = days / 365.25; 0 if unknown.

    Examples
    --------
    >>> duration(date(2020, 1, 1), date(2022, 7, 2))   # 913 days = 2.4997 years
    0.4999315537303217
    >>> duration(None, date(2024, 1, 1)), duration(date(2000, 1, 1), date(2024, 1, 1))
    (0.0, 1.0)
    """
    if started is None:
        return 0.0
    days = max((at - started).days, 0)
    return min(days / DAYS_PER_YEAR / full_years, 1.0)


def components(
    observation: Observation, started: date | None, at: date, full_years: float = 5.0
) -> Components:
    """The strength components of a rated tie; a missing rating contributes 0.

    Examples
    --------
    >>> obs = Observation(tie="t", on=date(2024, 1, 1), by="child", closeness=3,
    ...                   contact=3, support={"emotional": 3, "practical": 2},
    ...                   critical=2, direction="to_child")
    >>> components(obs, None, date(2024, 1, 1))
    Components(C=1.0, F=0.75, S=0.5, R=0.5, D=0.0, K=0.5)
    """
    o = observation
    support = o.support
    # S = mean over the three types of (rating - 1) / 2 = sum of (rating - 1) / 6
    s_units = 0
    if support is not None:
        for rating in (support.emotional, support.practical, support.informational):
            if rating is not None:
                s_units += rating - 1
    return Components(
        C=(o.closeness - 1) / 2 if o.closeness is not None else 0.0,
        F=o.contact / 4 if o.contact is not None else 0.0,
        S=s_units / 6,
        R=RECIPROCITY[o.direction],
        D=duration(started, at, full_years),
        K=(o.critical - 1) / 2 if o.critical is not None else 0.0,
    )


def raw_strength(parts: Components, weights: StrengthWeights) -> float:
    """100 * clamp(weighted sum, 0, 1), unrounded (the cohort path repeats this arithmetic).

    Examples
    --------
    >>> raw_strength(Components(1.0, 0.75, 0.5, 1.0, 1.0, 0.0), StrengthWeights())
    82.5
    """
    w = weights
    total = (
        w.closeness * parts.C
        + w.contact * parts.F
        + w.support * parts.S
        + w.reciprocity * parts.R
        + w.duration * parts.D
        - w.critical * parts.K
    )
    return 100.0 * min(max(total, 0.0), 1.0)


def strength(parts: Components, weights: StrengthWeights | None = None) -> float:
    """Tie strength, 0-100, rounded half to even to 1 decimal.

    Examples
    --------
    >>> strength(Components(C=1.0, F=0.75, S=0.5, R=1.0, D=1.0, K=0.0))
    82.5
    >>> strength(Components(C=0.0, F=0.0, S=0.0, R=0.0, D=0.0, K=1.0))
    0.0
    """
    return round_half_even(raw_strength(parts, weights or DEFAULT_SETTINGS.weights), 1)


def line(observation: Observation | None) -> Line:
    """Hartman's line for the tie: stressful if critical is 3, else by closeness.

    Examples
    --------
    >>> line(Observation(tie="t", on=date(2024, 1, 1), by="child", closeness=3, critical=3))
    'stressful'
    >>> line(Observation(tie="t", on=date(2024, 1, 1), by="child", closeness=1))
    'tenuous'
    >>> line(None)
    'unrated'
    """
    if observation is None:
        return "unrated"
    if observation.critical == 3:
        return "stressful"
    return {3: "strong", 2: "normal", 1: "tenuous"}.get(observation.closeness or 0, "unrated")  # type: ignore[return-value]


def arrows(direction: Direction | None) -> Arrows:
    """Where the arrowheads go: both ends, towards the child, away from the child, none.

    Examples
    --------
    >>> arrows("to_child"), arrows(None)
    ('towards_child', 'none')
    """
    if direction is None:
        return "none"
    return {"both": "both", "to_child": "towards_child", "from_child": "away_from_child"}[direction]  # type: ignore[return-value]


def tie_measures(
    tie: Tie,
    member: Person,
    observation: Observation | None,
    at: date,
    *,
    settings: MeasureSettings | None = None,
) -> dict[str, Any]:
    """One tie as reported in ``ties``: strength, line, arrows, trusted and components.

    ``observation`` is the tie's effective observation on ``at`` (see
    :func:`ecomap.measures.effective.effective_observation`; a store's
    ``active_ties`` gives it too). Unrated ties have ``strength``, ``trusted``
    and ``components`` null.

    Examples
    --------
    >>> tie = Tie(id="t1", between=("c-1", "p-gran"), started=date(2012, 4, 1))
    >>> gran = Person(id="p-gran", name="Gran", category="family")
    >>> obs = Observation(tie="t1", on=date(2024, 1, 10), by="child", closeness=3,
    ...                   contact=3, support={"emotional": 3, "practical": 2,
    ...                   "informational": 1}, critical=1, direction="both", trusted=True)
    >>> m = tie_measures(tie, gran, obs, date(2024, 12, 31))
    >>> m["strength"], m["line"], m["arrows"], m["components"]["S"]
    (82.5, 'strong', 'both', 0.5)
    """
    s = settings or DEFAULT_SETTINGS
    parts = components(observation, tie.started, at, s.full_years) if observation else None
    return {
        "tie": tie.id,
        "member": member.id,
        "category": member.category,
        "strength": strength(parts, s.weights) if parts is not None else None,
        "line": line(observation),
        "arrows": arrows(observation.direction if observation else None),
        "trusted": observation.trusted if observation else None,
        "components": parts.as_dict() if parts is not None else None,
    }
