"""Each child tie's state on many dates (a trend's month ends and window starts), with
the work the dates share done once.

A trend evaluates :func:`ecomap.measures.cohort.cohort_values` at 24 month ends, and
each of those also at its window start: 48 dates. Per date, the cohort needs every
child tie's activity, its effective observation (MEASURES.md) and its strength. Done
date by date (:meth:`CohortTables.effective`, :func:`strength_tenths`), each date
re-counts every observation and re-derives each tie's rating from its observation's
seven columns. Here:

- the part of a tie's strength that depends only on its effective observation
  (closeness, contact, support, reciprocity) is computed once per observation; a date
  adds its duration term and subtracts the criticism term, in the same order of float
  operations as :func:`strength_tenths`, so the tenths are equal to the bit;
- the effective observation comes from per-segment counts of the observations dated
  on or before the date, carried forward from the previous, earlier date: advancing
  touches only the observations dated in between (a trend's dates come in two
  ascending runs, month ends and window starts, so two counters carry them).

:class:`TieStates` answers for any date in any order; the contract test checks it
against the date-by-date path on random tables and dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from ecomap.measures.rounding import round_array
from ecomap.measures.settings import MeasureSettings
from ecomap.measures.strength import DAYS_PER_YEAR
from ecomap.measures.tables import ADULT_SIDE, CHILD_SIDE, I64, B, CohortTables, Effective

F64 = NDArray[np.float64]

__all__ = ["TieState", "TieStates"]

_BLOCK = 1 << 20  # observations per block of the once-per-observation work


@dataclass(frozen=True)
class TieState:
    """Every child tie on one date: active or not, its effective observation (combined
    perspective) and its strength in tenths (0 where unrated)."""

    at: date
    active: B
    effective: Effective
    tenths: I64


class _Counter:
    """Per segment, how many observations are dated on or before ``upto`` (a day
    offset from the tables' ``day_min``)."""

    def __init__(self, n_segments: int) -> None:
        self.counts = np.zeros(n_segments, dtype=np.int64)
        self.upto = np.iinfo(np.int64).min
        self.position = 0  # observations (in date order) counted so far


class TieStates:
    """Tie states of ``tables`` on any dates, sharing work between dates.

    Examples
    --------
    >>> from ecomap.model import EcomapDocument
    >>> from ecomap.measures.cohort import strength_tenths
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

    def __init__(self, tables: CohortTables, settings: MeasureSettings) -> None:
        self.tables = tables
        self.settings = settings
        n_segments = len(tables.seg_start) - 1
        lengths = np.diff(tables.seg_start)
        self._segment = np.repeat(np.arange(n_segments, dtype=np.int32), lengths)
        self._order = np.argsort(tables.obs_day, kind="stable").astype(np.int32, copy=False)
        self._days = tables.obs_day[self._order]
        self._counters: list[_Counter] = []
        self._n_segments = n_segments
        self._rating = self._rating_part()

    def _rating_part(self) -> F64:
        """Per observation, ``closeness + contact + support + reciprocity`` weighted, as
        :func:`~ecomap.measures.cohort.strength_tenths` adds them (left to right); in
        blocks, so the temporaries stay small whatever the number of observations."""
        t, w = self.tables, self.settings.weights
        part: F64 = np.empty(t.n_observations, dtype=np.float64)
        for start in range(0, t.n_observations, _BLOCK):
            block = slice(start, start + _BLOCK)
            closeness = t.obs_closeness[block].astype(np.int64)
            contact = t.obs_contact[block].astype(np.int64)
            direction = t.obs_direction[block]
            s_units = (
                np.maximum(t.obs_emotional[block].astype(np.int64) - 1, 0)
                + np.maximum(t.obs_practical[block].astype(np.int64) - 1, 0)
                + np.maximum(t.obs_informational[block].astype(np.int64) - 1, 0)
            )
            c = np.where(closeness > 0, (closeness - 1) / 2, 0.0)
            f = np.where(contact >= 0, contact / 4, 0.0)
            s = s_units / 6
            r = np.select([direction == 1, direction == 2], [1.0, 0.5], 0.0)
            part[block] = w.closeness * c + w.contact * f + w.support * s + w.reciprocity * r
        return part

    def _counter_for(self, day: int) -> _Counter:
        """The counter that has counted furthest without passing ``day`` (a new one if
        every counter is past it; at most two are kept)."""
        usable = [c for c in self._counters if c.upto <= day]
        if usable:
            return max(usable, key=lambda c: c.upto)
        counter = _Counter(self._n_segments)
        if len(self._counters) >= 2:
            self._counters.remove(max(self._counters, key=lambda c: c.upto))
        self._counters.append(counter)
        return counter

    def _effective(self, day: int) -> Effective:
        t = self.tables
        counter = self._counter_for(day)
        end = int(np.searchsorted(self._days, day, side="right"))
        if end > counter.position:
            fresh = self._segment[self._order[counter.position:end]]
            counter.counts += np.bincount(fresh, minlength=self._n_segments)
            counter.position = end
        counter.upto = day
        counts = counter.counts
        last = t.seg_start[:-1] + counts - 1
        child_ok, child_row = counts[CHILD_SIDE::2] > 0, last[CHILD_SIDE::2]
        adult_ok, adult_row = counts[ADULT_SIDE::2] > 0, last[ADULT_SIDE::2]
        row = np.where(child_ok, child_row, adult_row)
        return Effective(child_ok | adult_ok, np.maximum(row, 0))

    def on(self, at: date) -> TieState:
        """Every child tie's state on ``at``."""
        t, s = self.tables, self.settings
        active = t.active(at)
        n = len(t.tie_child)
        if t.n_observations == 0:
            none = np.zeros(n, dtype=np.int64)
            return TieState(at, active, Effective(np.zeros(n, dtype=bool), none), none)
        eff = self._effective(at.toordinal() - t.day_min)
        row = eff.row
        critical = t.obs_critical[row].astype(np.int64)
        days = np.maximum(at.toordinal() - t.tie_start, 0)
        d = np.where(t.tie_start_known, np.minimum(days / DAYS_PER_YEAR / s.full_years, 1.0), 0.0)
        k = np.where(critical > 0, (critical - 1) / 2, 0.0)
        w = s.weights
        total = self._rating[row] + w.duration * d - w.critical * k
        raw = 100.0 * np.minimum(np.maximum(total, 0.0), 1.0)
        tenths = np.rint(round_array(raw, 1) * 10).astype(np.int64)
        return TieState(at, active, eff, np.where(eff.rated, tenths, 0))
