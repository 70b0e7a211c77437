"""Cohort (dashboard) measures over many children, vectorised with numpy, and monthly trends.

Why numpy: the measures are per-tie arithmetic, "latest row on or before t"
look-ups and per-child group sums - sorting once, then cumulative sums and
``bincount`` do each for a whole store in one pass, with no new dependency, and the elementwise
arithmetic repeats the per-child path's float operations in the same order, so
both paths give the same numbers to the bit. networkx stays for single-child
graph work (density) and the per-child path is the oracle in tests.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ecomap.measures.rounding import round_array, round_half_even
from ecomap.measures.series import TieStates
from ecomap.measures.settings import DEFAULT_SETTINGS, MeasureSettings
from ecomap.measures.strength import DAYS_PER_YEAR
from ecomap.measures.tables import I64, B, CohortTables, Effective

F64 = NDArray[np.float64]

__all__ = [
    "CohortTables",
    "CohortValues",
    "cohort_measures",
    "cohort_trend",
    "cohort_values",
    "month_ends",
    "summarise",
]


@dataclass(frozen=True)
class CohortValues:
    """Per-child values behind the cohort measures (one entry per child of the tables).

    ``continuity`` and ``paid_share`` are NaN where a child has no value.
    """

    has_trusted_adult: B
    single_point_of_failure: B
    network_strength: F64
    continuity: F64
    social_workers: I64
    no_emotional_support: B
    paid_share: F64


def strength_tenths(
    tables: CohortTables, eff: Effective, at: date, settings: MeasureSettings
) -> I64:
    """Every child tie's strength on ``at`` in tenths (0 where unrated), as the per-child path."""
    w = settings.weights
    row = eff.row
    if tables.n_observations == 0:
        return np.zeros(len(tables.tie_child), dtype=np.int64)
    closeness = tables.obs_closeness[row].astype(np.int64)
    contact = tables.obs_contact[row].astype(np.int64)
    critical = tables.obs_critical[row].astype(np.int64)
    direction = tables.obs_direction[row]
    s_units = (
        np.maximum(tables.obs_emotional[row].astype(np.int64) - 1, 0)
        + np.maximum(tables.obs_practical[row].astype(np.int64) - 1, 0)
        + np.maximum(tables.obs_informational[row].astype(np.int64) - 1, 0)
    )
    c = np.where(closeness > 0, (closeness - 1) / 2, 0.0)
    f = np.where(contact >= 0, contact / 4, 0.0)
    s = s_units / 6
    r = np.select([direction == 1, direction == 2], [1.0, 0.5], 0.0)
    days = np.maximum(at.toordinal() - tables.tie_start, 0)
    d = np.where(
        tables.tie_start_known, np.minimum(days / DAYS_PER_YEAR / settings.full_years, 1.0), 0.0
    )
    k = np.where(critical > 0, (critical - 1) / 2, 0.0)
    total = (
        w.closeness * c
        + w.contact * f
        + w.support * s
        + w.reciprocity * r
        + w.duration * d
        - w.critical * k
    )
    raw = 100.0 * np.minimum(np.maximum(total, 0.0), 1.0)
    tenths = np.rint(round_array(raw, 1) * 10).astype(np.int64)
    result: I64 = np.where(eff.rated, tenths, 0)
    return result


def _pairs(tables: CohortTables, mask: B) -> B:
    """Which (child, member) pairs have at least one child tie selected by ``mask``."""
    present = np.zeros(len(tables.pair_child), dtype=bool)
    present[tables.tie_pair[mask]] = True
    return present


def _count_members(tables: CohortTables, mask: B) -> I64:
    """Per child, the distinct members of the child ties selected by ``mask``."""
    counts: I64 = np.bincount(
        tables.pair_child[_pairs(tables, mask)], minlength=tables.n_children
    ).astype(np.int64)
    return counts


def _top_sum(child: I64, tenths: I64, n_children: int, top: int) -> F64:
    """Per child, the sum of its ``top`` largest values (tenths are 0..1000).

    One sort of packed keys (child, then value descending: ``1024 - tenths`` fits in
    11 bits), each value's rank within its child from the child's first position.
    """
    if len(child) == 0:
        return np.zeros(n_children, dtype=np.float64)
    key = np.sort(child * 2048 + (1024 - tenths))
    c, v = key >> 11, 1024 - (key & 2047)
    firsts = np.flatnonzero(np.concatenate(([True], c[1:] != c[:-1])))
    rank = np.arange(len(c)) - np.repeat(firsts, np.diff(np.append(firsts, len(c))))
    keep = rank < top
    sums = np.bincount(c[keep], weights=v[keep].astype(np.float64), minlength=n_children)
    return sums.astype(np.float64)


def cohort_values(
    tables: CohortTables,
    at: date,
    *,
    window_days: int | None = None,
    settings: MeasureSettings | None = None,
    states: TieStates | None = None,
) -> CohortValues:
    """Per-child values on ``at`` (combined perspective) for every child of the tables.

    ``states`` (built with the same settings) shares the per-date tie work between the
    calls of a trend; without it, each call does that work on its own.

    Examples
    --------
    >>> from ecomap.model import EcomapDocument
    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "sw", "name": "S", "category": "professional",
    ...                 "role": "social_worker"}],
    ...     "ties": [{"id": "t", "between": ["c", "sw"], "started": "2024-01-01"}]})
    >>> v = cohort_values(CohortTables.from_documents([doc]), date(2024, 6, 30))
    >>> v.social_workers.tolist(), v.paid_share.tolist(), v.network_strength.tolist()
    ([1], [1.0], [0.0])
    """
    s = settings or DEFAULT_SETTINGS
    w = s.window_days if window_days is None else window_days
    n = tables.n_children
    t0 = at - timedelta(days=w)
    if states is not None:
        now, then = states.on(at), states.on(t0)
        active, eff, tenths = now.active, now.effective, now.tenths
    else:
        active = tables.active(at)
        eff = tables.effective(at, "combined")
        tenths = strength_tenths(tables, eff, at, s)

    trusted_tie = eff.rated & (tables.obs_trusted[eff.row] == 1) if tables.n_observations else (
        np.zeros(len(active), dtype=bool)
    )
    trusted = _count_members(tables, active & tables.member_adult & trusted_tie)
    emotional_tie = eff.rated & (tables.obs_emotional[eff.row] >= 2) if tables.n_observations else (
        np.zeros(len(active), dtype=bool)
    )
    emotional = _count_members(tables, active & emotional_tie)
    size = _count_members(tables, active)
    paid = _count_members(tables, active & tables.member_paid)
    with np.errstate(invalid="ignore", divide="ignore"):
        paid_share = np.where(size > 0, round_array(paid / np.maximum(size, 1), 3), np.nan)

    top = _top_sum(tables.tie_child[active], tenths[active], n, s.clique_size)
    network_strength = round_array(top / (10 * s.clique_size), 1)

    if states is not None:
        active0, tenths0 = then.active, then.tenths
    else:
        active0 = tables.active(t0)
        eff0 = tables.effective(t0, "combined")
        tenths0 = strength_tenths(tables, eff0, t0, s)
    kept = active0 & _pairs(tables, active)[tables.tie_pair]
    numerator = np.bincount(
        tables.tie_child[kept], weights=tenths0[kept].astype(np.float64), minlength=n
    )
    denominator = np.bincount(
        tables.tie_child[active0], weights=tenths0[active0].astype(np.float64), minlength=n
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        continuity = np.where(
            denominator > 0,
            round_array((100.0 * numerator) / np.where(denominator > 0, denominator, 1.0), 1),
            np.nan,
        )

    # a tie [start, end) shares a day with (t0, t] when max(start, t0+1) <= min(end-1, t)
    first = np.maximum(tables.tie_start, t0.toordinal() + 1)
    last = np.minimum(tables.tie_end - 1, at.toordinal())
    workers = _count_members(tables, tables.member_social_worker & (first <= last))

    return CohortValues(
        has_trusted_adult=trusted >= 1,
        single_point_of_failure=trusted == 1,
        network_strength=network_strength,
        continuity=continuity,
        social_workers=workers,
        no_emotional_support=emotional == 0,
        paid_share=paid_share,
    )


def _array(values: Iterable[Any], dtype: Any) -> NDArray[Any]:
    """An array of ``values`` (None becomes NaN); arrays pass through without a loop."""
    if isinstance(values, np.ndarray):
        return values.astype(dtype, copy=False)
    return np.array([np.nan if v is None else v for v in values], dtype=dtype)


def summarise(
    at: date,
    window_days: int,
    has_trusted_adult: Iterable[bool],
    single_point_of_failure: Iterable[bool],
    network_strength: Iterable[float],
    continuity: Iterable[float | None],
    social_workers: Iterable[int],
    no_emotional_support: Iterable[bool],
    paid_share: Iterable[float | None],
) -> dict[str, Any]:
    """The cohort measures (MEASURES.md names) from per-child values.

    Rates are shares of the children (3 decimals, null for no children);
    medians are over the children with a value (null if none), rounded as
    their measure.

    Examples
    --------
    >>> summarise(date(2024, 12, 31), 365, [True, False], [True, False], [40.0, 61.0],
    ...           [None, 80.0], [3, 1], [False, True], [0.5, 0.25])["median_network_strength"]
    50.5
    """
    trusted = _array(has_trusted_adult, bool)
    n = len(trusted)

    def rate(values: Iterable[bool]) -> float | None:
        return None if n == 0 else round_half_even(float(_array(values, bool).sum()) / n, 3)

    def median(values: Iterable[float | None], places: int) -> float | None:
        arr = _array(values, np.float64)
        arr = arr[~np.isnan(arr)]
        return None if len(arr) == 0 else round_half_even(float(np.median(arr)), places)

    return {
        "at": at.isoformat(),
        "window_days": window_days,
        "children": n,
        "has_trusted_adult_rate": rate(trusted),
        "single_point_of_failure_rate": rate(single_point_of_failure),
        "median_network_strength": median(network_strength, 1),
        "median_continuity": median(continuity, 1),
        "high_worker_churn_rate": rate(_array(social_workers, np.int64) >= 3),
        "no_emotional_support_rate": rate(no_emotional_support),
        "median_paid_share": median(paid_share, 3),
    }


def cohort_measures(
    tables: CohortTables,
    at: date,
    *,
    window_days: int = 365,
    child_ids: Iterable[str] | None = None,
    settings: MeasureSettings | None = None,
) -> dict[str, Any]:
    """Cohort measures on ``at`` over the children in scope (all, or ``child_ids``).

    Combined perspective. ``children``; ``has_trusted_adult_rate``;
    ``single_point_of_failure_rate``; ``median_network_strength``;
    ``median_continuity`` (children with a value); ``high_worker_churn_rate``
    (``social_workers >= 3``); ``no_emotional_support_rate``;
    ``median_paid_share`` (children with a network).

    Examples
    --------
    >>> from ecomap.model import EcomapDocument
    >>> docs = [EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": f"c{i}", "name": "C"},
    ...     "people": [{"id": f"p{i}", "name": "P", "category": "family"}],
    ...     "ties": [{"id": f"t{i}", "between": [f"c{i}", f"p{i}"]}],
    ...     "observations": [{"tie": f"t{i}", "on": "2024-01-01", "by": "child",
    ...                       "closeness": 3, "trusted": i == 0}]}) for i in range(2)]
    >>> m = cohort_measures(CohortTables.from_documents(docs), date(2024, 6, 30))
    >>> m["children"], m["has_trusted_adult_rate"], m["median_network_strength"]
    (2, 0.5, 6.0)
    >>> m["no_emotional_support_rate"], m["median_paid_share"]
    (1.0, 0.0)
    """
    values = cohort_values(tables, at, window_days=window_days, settings=settings)
    return _summary(values, tables.indices(child_ids), at, window_days)


def _summary(values: CohortValues, rows: I64, at: date, window_days: int) -> dict[str, Any]:
    return summarise(
        at,
        window_days,
        values.has_trusted_adult[rows],
        values.single_point_of_failure[rows],
        values.network_strength[rows],
        values.continuity[rows],
        values.social_workers[rows],
        values.no_emotional_support[rows],
        values.paid_share[rows],
    )


def month_ends(at: date, months: int) -> list[date]:
    """The last ``months`` month ends up to ``at``, oldest first; the last point is
    ``at`` itself when ``at`` is not a month end.

    Examples
    --------
    >>> month_ends(date(2024, 3, 15), 3)
    [datetime.date(2024, 1, 31), datetime.date(2024, 2, 29), datetime.date(2024, 3, 15)]
    """
    points: list[date] = []
    year, month = at.year, at.month
    for _ in range(months):
        end = date(year, month, calendar.monthrange(year, month)[1])
        points.append(min(end, at))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return points[::-1]


def cohort_trend(
    tables: CohortTables,
    at: date,
    months: int,
    *,
    window_days: int = 365,
    child_ids: Iterable[str] | None = None,
    settings: MeasureSettings | None = None,
) -> list[dict[str, Any]]:
    """The cohort measures at each of the last ``months`` month ends, oldest first.

    Examples
    --------
    >>> from ecomap.model import EcomapDocument
    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "p", "name": "P", "category": "family"}],
    ...     "ties": [{"id": "t", "between": ["c", "p"], "started": "2024-02-10"}]})
    >>> trend = cohort_trend(CohortTables.from_documents([doc]), date(2024, 3, 31), 2)
    >>> [(m["at"], m["median_paid_share"]) for m in trend]
    [('2024-02-29', 0.0), ('2024-03-31', 0.0)]
    """
    ids = list(child_ids) if child_ids is not None else None
    s = settings or DEFAULT_SETTINGS
    states = TieStates(tables, s)  # one pass: the months share the tie work
    rows = tables.indices(ids)
    trend = []
    for point in month_ends(at, months):
        values = cohort_values(tables, point, window_days=window_days, settings=s,
                               states=states)
        trend.append(_summary(values, rows, point, window_days))
    return trend
