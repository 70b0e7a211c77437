"""Synthetic life histories: ages, care entry, placement moves, schools, worker changes.

Dates are proleptic Gregorian ordinals (``date.toordinal()``) so arithmetic stays
cheap; :func:`iso` turns one into ``YYYY-MM-DD`` at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from random import Random

from ecomap.model import Status

HISTORY_DAYS = 1095
"""Three years of history end on the "as at" date."""

STATUS_WEIGHTS: tuple[tuple[Status, float], ...] = (
    ("looked_after", 0.40),
    ("child_in_need", 0.31),
    ("child_protection", 0.14),
    ("early_help", 0.15),
)
"""Status mix of the geographic teams (care leavers make up the Leaving Care team)."""

# Age bands in years and their weights per status (DfE-like shapes).
_AGE_BANDS: tuple[tuple[float, float], ...] = ((0, 1), (1, 5), (5, 10), (10, 16), (16, 18))
_AGE_WEIGHTS: dict[str, tuple[float, ...]] = {
    "looked_after": (0.05, 0.13, 0.18, 0.38, 0.26),
    "child_in_need": (0.06, 0.18, 0.27, 0.33, 0.16),
    "child_protection": (0.10, 0.25, 0.30, 0.28, 0.07),
    "early_help": (0.05, 0.25, 0.35, 0.30, 0.05),
}


def years(n: float) -> int:
    """Days in ``n`` years.

    >>> years(1), years(18)
    (365, 6574)
    """
    return round(n * 365.25)


@cache
def iso(ordinal: int) -> str:
    """``YYYY-MM-DD`` for a date ordinal.

    >>> iso(date(2024, 2, 29).toordinal())
    '2024-02-29'
    """
    return date.fromordinal(ordinal).isoformat()


def age_days(rng: Random, status: Status) -> int:
    """A plausible age on the "as at" date, in days, for a child with ``status``."""
    if status == "care_leaver":
        return years(18 + 4 * rng.random())
    low, high = rng.choices(_AGE_BANDS, _AGE_WEIGHTS[status])[0]
    return max(20, years(low + (high - low) * rng.random()))


def change_dates(
    rng: Random, start: int, end: int, per_year: float, min_gap: int = 14
) -> list[int]:
    """Dates strictly between ``start`` and ``end`` when something changes, as a
    Poisson process with ``per_year`` changes a year and at least ``min_gap`` days apart."""
    out: list[int] = []
    t = start
    scale = 365.25 / per_year
    while True:
        t += max(min_gap, int(rng.expovariate(1.0) * scale))
        if t >= end - min_gap:
            return out
        out.append(t)


@dataclass(frozen=True, slots=True)
class Spell:
    """A stretch of time: [start, end); ``end`` None means still going on "as at"."""

    start: int
    end: int | None


def spells(start: int, changes: list[int], end: int | None) -> list[Spell]:
    """Consecutive spells from ``start`` to ``end`` broken at ``changes``.

    >>> spells(0, [5, 9], None)
    [Spell(start=0, end=5), Spell(start=5, end=9), Spell(start=9, end=None)]
    """
    bounds = [start, *changes]
    ends: list[int | None] = [*changes, end]
    return [Spell(s, e) for s, e in zip(bounds, ends, strict=True)]


@dataclass(frozen=True, slots=True)
class Placement:
    """A placement episode and who cared for the child in it."""

    spell: Spell
    kind: str  # foster_carer, kinship_carer or residential_key_worker
    first: bool  # the child's first placement (entered care)


def placements(
    rng: Random, entered: int, left: int | None, *, birth: int, history_start: int, as_at: int
) -> list[Placement]:
    """The placements of a child who entered care on ``entered`` (and left on ``left``,
    for care leavers), keeping those that reach into the history window."""
    u = rng.random()
    per_year = 0.25 if u < 0.75 else 0.8 if u < 0.93 else 2.5
    end = left if left is not None else as_at
    moves = change_dates(rng, entered, end, per_year, min_gap=21)
    out: list[Placement] = []
    for i, spell in enumerate(spells(entered, moves, left)):
        if spell.end is not None and spell.end <= history_start:
            continue
        residential, kinship = (0.25, 0.37) if spell.start - birth >= years(12) else (0.05, 0.22)
        v = rng.random()
        kind = (
            "residential_key_worker" if v < residential
            else "kinship_carer" if v < kinship
            else "foster_carer"
        )
        out.append(Placement(spell, kind, first=i == 0))
    return out


@dataclass(frozen=True, slots=True)
class School:
    """A school spell: which of the unit's schools, and why the spell began and ended."""

    spell: Spell
    school: int
    reason: str | None  # why this school began: None (first known), moved_placement, transfer
    end_reason: str | None  # moved_placement or other (changed or left school)


def schools(
    rng: Random,
    *,
    birth: int,
    history_start: int,
    as_at: int,
    moves: list[int],
    primary: int,
    total: int,
) -> list[School]:
    """School spells in the history window: primary from 4½, secondary from 11½, leaving
    at 16½; a placement move changes school four times in ten."""
    begin = max(birth + years(4.5), history_start - rng.randint(0, 700))
    leave = birth + years(16.5)
    end = min(as_at, leave)
    if begin >= end - 14:
        return []
    cuts: dict[int, str] = {}
    transfer = birth + years(11.5)
    if begin < transfer < end - 14:
        cuts[transfer] = "transfer"
    for move in moves:
        day = move + 14
        if begin < day < end - 14 and rng.random() < 0.4:
            cuts.setdefault(day, "moved_placement")
    changes = sorted(cuts)
    out: list[School] = []
    current = -1
    for i, spell in enumerate(spells(begin, changes, leave if leave <= as_at else None)):
        secondary = spell.start >= transfer
        choices = range(primary, total) if secondary else range(primary)
        school = rng.choice([s for s in choices if s != current] or list(choices))
        current = school
        reason = cuts[spell.start] if i else None
        end_reason: str | None = None
        if spell.end is not None:
            end_reason = "moved_placement" if cuts.get(spell.end) == "moved_placement" else "other"
        out.append(School(spell, school, reason, end_reason))
    return out
