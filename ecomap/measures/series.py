"""Each child tie's strength on a date, and its state on many dates (a trend's month ends
and window starts) with the work the dates share done once.

A trend evaluates :func:`ecomap.measures.cohort.cohort_values` at 24 month ends, and
each of those also at its window start: 48 dates. Per date, the cohort needs every
child tie's activity, its effective observation (MEASURES.md) and its strength:

- a tie's strength is the part that depends only on its effective observation
  (closeness, contact, support, reciprocity; and the criticism term), plus the duration
  term of the date, minus the criticism term, in that order of float operations. The
  observation's part is a function of its code (:func:`~ecomap.measures.tables.observation_codes`),
  so it is worked out once per code (:func:`observation_parts`, 2**17 of them) with the
  same float operations, and looked up per tie: equal to the bit;
- the effective observation comes from each segment's position: the row after its last
  observation dated on or before the date (its start plus how many), carried forward
  from the previous, earlier date: advancing touches only the segments whose next
  observation falls in between (a trend's dates come in two ascending runs, month ends
  and window starts, so two counters carry them). No sort, and no temporary the size of
  the observations. Rows are int32 and strengths int16 (docs/scale.md, "The arithmetic
  on many dates": the work is memory-bound).

:class:`TieStates` answers for any date in any order; the contract test checks it
against the date-by-date path on random tables and dates.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ecomap.measures.rounding import round_array
from ecomap.measures.settings import MeasureSettings
from ecomap.measures.strength import DAYS_PER_YEAR
from ecomap.measures.tables import I64, N_CODES, B, CohortTables, Effective, rating

F64 = NDArray[np.float64]
#: Strengths in tenths (0..1000): int16 from the strength table, int64 worked out per tie.
Tenths = NDArray[np.signedinteger[Any]]

__all__ = ["TieState", "TieStates", "observation_parts", "strength_tenths"]


@dataclass(frozen=True)
class TieState:
    """Every child tie on one date: active or not, its effective observation (combined
    perspective) and its strength in tenths (0 where unrated)."""

    at: date
    active: B
    effective: Effective
    tenths: Tenths
    #: the effective observation's code (:func:`~ecomap.measures.tables.observation_codes`;
    #: that of row 0 where unrated)
    code: NDArray[np.int32]


@lru_cache(maxsize=8)
def _parts(closeness: float, contact: float, support: float, reciprocity: float
           ) -> tuple[F64, F64]:
    every = np.arange(N_CODES, dtype=np.int32)
    closeness_ = rating(every, "closeness").astype(np.int64)
    contact_ = rating(every, "contact").astype(np.int64)
    direction = rating(every, "direction")
    critical = rating(every, "critical").astype(np.int64)
    s_units = (
        np.maximum(rating(every, "emotional").astype(np.int64) - 1, 0)
        + np.maximum(rating(every, "practical").astype(np.int64) - 1, 0)
        + np.maximum(rating(every, "informational").astype(np.int64) - 1, 0)
    )
    c = np.where(closeness_ > 0, (closeness_ - 1) / 2, 0.0)
    f = np.where(contact_ >= 0, contact_ / 4, 0.0)
    s = s_units / 6
    r = np.select([direction == 1, direction == 2], [1.0, 0.5], 0.0)
    part: F64 = closeness * c + contact * f + support * s + reciprocity * r
    k: F64 = np.where(critical > 0, (critical - 1) / 2, 0.0)
    part.flags.writeable = k.flags.writeable = False
    return part, k


def observation_parts(settings: MeasureSettings) -> tuple[F64, F64]:
    """Per observation code: ``closeness + contact + support + reciprocity`` weighted
    and added left to right (MEASURES.md), and the criticism term (unweighted).

    >>> from ecomap.measures.settings import DEFAULT_SETTINGS
    >>> from ecomap.measures.tables import observation_codes
    >>> part, k = observation_parts(DEFAULT_SETTINGS)
    >>> code = observation_codes([3], [4], [0], [0], [0], [3], [1], [-1])
    >>> float(part[code][0]), float(k[code][0])  # closeness 0.3 + contact 0.2 + both ways 0.1
    (0.6, 1.0)
    """
    w = settings.weights
    return _parts(w.closeness, w.contact, w.support, w.reciprocity)


#: Above this many days of duration term, strengths are worked out per tie, not tabled.
_MAX_TABLE_DAYS = 20_000


@lru_cache(maxsize=8)
def _strength_table(closeness: float, contact: float, support: float, reciprocity: float,
                    duration: float, critical: float, full_years: float
                    ) -> tuple[NDArray[np.int32], NDArray[np.int16], int] | None:
    """Every strength there can be, in tenths: per distinct (observation part, criticism
    term) and per day of a tie's age up to the day its duration term reaches 1 (day 0
    also stands for an unknown start: both give 0). None when that day is too far."""
    last = int(np.ceil(DAYS_PER_YEAR * full_years)) + 2
    if last > _MAX_TABLE_DAYS:
        return None
    ages = np.arange(last + 1, dtype=np.int64)
    d = np.minimum(ages / DAYS_PER_YEAR / full_years, 1.0)
    full = int(np.flatnonzero(d >= 1.0)[0])
    part, k = _parts(closeness, contact, support, reciprocity)
    parts, part_index = np.unique(part, return_inverse=True)
    ks, k_index = np.unique(k, return_inverse=True)
    # one row per (distinct part, distinct criticism term), one column per age
    total = (parts[:, None, None] + duration * d[None, None, : full + 1]
             - critical * ks[None, :, None]).reshape(len(parts) * len(ks), full + 1)
    raw = 100.0 * np.minimum(np.maximum(total, 0.0), 1.0)
    table = np.rint(round_array(raw, 1) * 10).astype(np.int16)
    index = part_index.reshape(-1) * len(ks) + k_index.reshape(-1)
    if table.size >= np.iinfo(np.int32).max:  # cells are numbered in int32
        return None
    return index.astype(np.int32), table, full


def _tenths(tables: CohortTables, at: date, code: NDArray[np.int32], rated: B,
            settings: MeasureSettings) -> Tenths:
    """Strength in tenths from each tie's effective observation code: its part, plus the
    duration term of ``at``, minus the criticism term, clamped to 0-100 and rounded.
    Looked up in :func:`_strength_table` (each entry made by these same float
    operations, so equal to the bit; int32 arithmetic, int16 strengths) unless that
    table would be too large."""
    w = settings.weights
    found = _strength_table(w.closeness, w.contact, w.support, w.reciprocity, w.duration,
                            w.critical, settings.full_years)
    if found is None:
        return _tenths_directly(tables, at, code, rated, settings)
    index, table, full = found
    age = np.int32(at.toordinal()) - tables.tie_known_start32  # unknown: below 0, so 0
    np.clip(age, 0, full, out=age)
    cell = index.take(code)
    cell *= full + 1
    cell += age
    result: NDArray[np.int16] = table.ravel().take(cell)
    result *= rated  # 0 where unrated
    return result


def _tenths_directly(tables: CohortTables, at: date, code: NDArray[np.int32], rated: B,
                     settings: MeasureSettings) -> I64:
    """:func:`_tenths` worked out per tie (MEASURES.md's formula)."""
    w = settings.weights
    parts, ks = observation_parts(settings)
    days = np.maximum(at.toordinal() - tables.tie_start, 0)
    d = np.where(tables.tie_start_known,
                 np.minimum(days / DAYS_PER_YEAR / settings.full_years, 1.0), 0.0)
    total = parts[code] + w.duration * d - w.critical * ks[code]
    raw = 100.0 * np.minimum(np.maximum(total, 0.0), 1.0)
    tenths = np.rint(round_array(raw, 1) * 10).astype(np.int64)
    result: I64 = np.where(rated, tenths, 0)
    return result


def strength_tenths(
    tables: CohortTables, eff: Effective, at: date, settings: MeasureSettings
) -> Tenths:
    """Every child tie's strength on ``at`` in tenths (0 where unrated), as the per-child
    path computes it."""
    if tables.n_observations == 0:
        return np.zeros(len(tables.tie_child), dtype=np.int64)
    return _tenths(tables, at, tables.obs_code[eff.row], eff.rated, settings)


class _Counter:
    """Per segment, the row after its last observation dated on or before ``upto``
    (the segment's start plus how many there are: int32), and the day of the
    observation at that row (past the segment's end: never)."""

    def __init__(self, tables: CohortTables, at: date) -> None:
        self.upto = at.toordinal()
        self.position = tables.counts_on(at)
        self.position += tables.segment_bounds[:-1]
        self.next_day: NDArray[np.int32] | None = None  # made when first carried forward

    def _next_days(self, tables: CohortTables) -> NDArray[np.int32]:
        next_day = np.full(len(self.position), _NEVER, dtype=np.int32)
        waiting = np.flatnonzero(self.position < tables.segment_bounds[1:])
        next_day[waiting] = tables.obs_day[self.position[waiting]]
        return next_day

    def advance(self, tables: CohortTables, day: int) -> None:
        """Count the observations dated after ``upto`` and on or before ``day``."""
        if self.next_day is None:
            self.next_day = self._next_days(tables)
        ready = np.flatnonzero(self.next_day <= day)
        ends = tables.segment_bounds[1:]
        while len(ready):
            position = self.position[ready]
            position += 1
            self.position[ready] = position
            more = position < ends[ready]
            self.next_day[ready[~more]] = _NEVER
            ready, position = ready[more], position[more]
            following = tables.obs_day[position]
            self.next_day[ready] = following
            ready = ready[following <= day]
        self.upto = day


_NEVER = np.iinfo(np.int32).max


class TieStates:
    """Tie states of ``tables`` on any dates, sharing work between dates.

    Examples
    --------
    >>> from ecomap.model import EcomapDocument
    >>> from ecomap.measures.settings import DEFAULT_SETTINGS
    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "p", "name": "P", "category": "family"}],
    ...     "ties": [{"id": "t", "between": ["c", "p"], "started": "2023-01-01"}],
    ...     "observations": [{"tie": "t", "on": "2024-01-01", "by": "child", "closeness": 3},
    ...                      {"tie": "t", "on": "2024-06-01", "by": "child", "closeness": 1}]})
    >>> tables = CohortTables.from_documents([doc])
    >>> states = TieStates(tables, DEFAULT_SETTINGS)
    >>> [states.on(date(y, m, 1)).tenths.tolist() for y, m in ((2023, 6), (2024, 3), (2024, 7))]
    [[0], [335], [45]]
    >>> at = date(2024, 7, 1)
    >>> eff = tables.effective(at, "combined")
    >>> strength_tenths(tables, eff, at, DEFAULT_SETTINGS).tolist()
    [45]
    """

    def __init__(self, tables: CohortTables, settings: MeasureSettings, *,
                 again: Collection[date] = ()) -> None:
        self.tables = tables
        self.settings = settings
        self._counters: list[_Counter] = []
        self._again = set(again)  # dates that will be asked for twice: kept once made
        self._kept: dict[date, TieState] = {}

    def _counter(self, at: date) -> _Counter:
        """A counter at ``at``: the one that has counted furthest without passing it,
        carried forward (a new one when every counter is past it; at most two are
        kept)."""
        day = at.toordinal()
        usable = [c for c in self._counters if c.upto <= day]
        if usable:
            counter = max(usable, key=lambda c: c.upto)
            counter.advance(self.tables, day)
            return counter
        if len(self._counters) >= 2:
            self._counters.remove(max(self._counters, key=lambda c: c.upto))
        counter = _Counter(self.tables, at)
        self._counters.append(counter)
        return counter

    def on(self, at: date) -> TieState:
        """Every child tie's state on ``at`` (a date of ``again`` is worked out once: a
        trend's month end is also a later month's window start when a whole number of
        years apart)."""
        kept = self._kept.pop(at, None)
        if kept is not None:
            return kept
        state = self._make(at)
        if at in self._again:
            self._again.discard(at)
            self._kept[at] = state
        return state

    def _make(self, at: date) -> TieState:
        t, s = self.tables, self.settings
        active = t.active(at)
        n = len(t.tie_child)
        if t.n_observations == 0:
            none = np.zeros(n, dtype=np.int32)
            return TieState(at, active, Effective(np.zeros(n, dtype=bool), none),
                            none.astype(np.int16), none)
        eff = t.effective_after(self._counter(at).position)
        code = t.obs_code[eff.row]
        return TieState(at, active, eff, _tenths(t, at, code, eff.rated, s), code)
