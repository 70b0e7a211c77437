"""The dashboard's answer as typed results, and the pure rules that shape it for a viewer.

:class:`Dashboard` is what ``GET /api/dashboard`` returns (its response model), what
the page draws and what ``ecomap dashboard`` prints. The functions here turn per-child
values (:class:`~ecomap.measures.cohort.CohortValues`) into what a viewer may see: a
leader's figures with :mod:`ecomap.disclosure` applied on the whole authority's table
of that date, and distributions as bins of at least the minimum children - never a
list of per-child values.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ecomap.dashboard_plans import PlanFigures
from ecomap.disclosure import suppressed_keys
from ecomap.measures.cohort import CohortValues, scope_rows, summarise
from ecomap.measures.figures import FIGURE_BASE, CohortMeasures, FigureName
from ecomap.measures.settings import MeasureSettings
from ecomap.measures.tables import I64, B

DistributionName = Literal["network_strength", "continuity", "paid_share", "social_workers"]

__all__ = [
    "AskAgain",
    "Bin",
    "Dashboard",
    "DashboardScope",
    "Distribution",
    "base_flags",
    "binned",
    "distributions",
    "leader_measures",
    "time_to_ask_again",
]


def time_to_ask_again(answered_on: date | None, today: date, window_days: int) -> bool:
    """Whether a child's trust answer is missing or older than the window: the worker's
    caseload marks them "time to ask again" (an answer from before t0 no longer counts
    towards ``trust_answered_in_window_rate``).

    >>> time_to_ask_again(None, date(2025, 12, 31), 365)
    True
    >>> time_to_ask_again(date(2025, 1, 1), date(2025, 12, 31), 365)
    False
    >>> time_to_ask_again(date(2024, 12, 31), date(2025, 12, 31), 365)
    True
    """
    return answered_on is None or (today - answered_on).days >= window_days


class AskAgain(BaseModel):
    """One child of a caseload: when the trust question was last answered, and whether it
    is time to ask again."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"child": "c-ava", "trust_answered_on": "2024-10-02", "ask_again": True}]})

    child: str
    trust_answered_on: date | None
    ask_again: bool


class DashboardScope(BaseModel):
    """Whose children: a team and a status on the date (leaders), or a worker's caseload."""

    team: str | None = None
    status: str | None = None
    worker: str | None = None


class Bin(BaseModel):
    """Children whose value is in ``[low, high)`` (the last bin includes ``high``);
    ``children`` null means fewer than the minimum, shown as "fewer than N"."""

    model_config = ConfigDict(frozen=True)

    low: float
    high: float
    children: int | None


class Distribution(BaseModel):
    """How the children with a value spread over bins (server-side; no per-child list).
    ``n`` children have a value; null with ``suppressed`` when the figure is withheld."""

    n: int | None
    suppressed: bool
    bins: list[Bin]


class Dashboard(BaseModel):
    """The cohort on ``at`` for a scope, its monthly trend and distributions.

    ``empty`` is true when no child in scope was open on ``at`` (an empty state, not
    zeros); ``data_from`` is the first date a child in scope was open (null if never);
    ``suppressed`` is true when fewer than ``min_cohort`` children are in a leader's
    scope (the count is shown, every figure withheld) and ``reason`` says why.
    """

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "at": "2025-12-31",
        "scope": {"team": "South", "status": None, "worker": None},
        "min_cohort": 5, "data_from": "2019-04-02", "empty": False, "suppressed": False,
        "reason": None,
        "measures": {"at": "2025-12-31", "window_days": 365, "window_start": "2024-12-31",
                     "children": 96,
                     "trust_answered_rate": {"value": 0.646, "n": 96, "suppressed": False},
                     "has_trusted_adult_rate": {"value": 0.935, "n": 62, "suppressed": False},
                     "median_continuity": {"value": None, "n": None, "suppressed": True},
                     "...": "every figure of MEASURES.md, each with its n"},
        "trend": [{"at": "2025-11-30", "children": 94, "...": "..."}],
        "distributions": {"network_strength": {"n": 80, "suppressed": False, "bins": [
            {"low": 0.0, "high": 30.0, "children": 12}]}},
    }]})

    at: date
    scope: DashboardScope
    min_cohort: int = Field(description="Fewest children behind a figure a viewer sees.")
    data_from: date | None
    empty: bool
    suppressed: bool
    reason: str | None
    measures: CohortMeasures
    trend: list[CohortMeasures]
    distributions: dict[DistributionName, Distribution]
    plans: PlanFigures | None = Field(
        default=None, description="Meetings and plans (docs/meetings.md), each with its n.")
    plans_trend: list[PlanFigures] = Field(default_factory=list)


def base_flags(values: CohortValues) -> dict[str, B]:
    """Per child, whether they count towards each figure's ``n`` (open children only are
    ever selected, so these need not test ``open``)."""
    return {
        "children": np.ones(len(values.open), dtype=bool),
        "trust_answered": values.trust_answered,
        "rated": values.rated,
        "with_continuity": ~np.isnan(values.continuity),
        "support_answered": values.support_answered,
        "with_network": ~np.isnan(values.paid_share),
    }


def leader_measures(
    values: CohortValues,
    at: date,
    settings: MeasureSettings,
    minimum: int,
    *,
    team: str | None = None,
    status: str | None = None,
) -> CohortMeasures:
    """A leader's figures for (``team``, ``status``) on ``at``: computed over the children
    open then, each figure withheld where :func:`ecomap.disclosure.suppressed_keys` -
    decided on every open child's (team, status) then - withholds it.

    Examples
    --------
    >>> from ecomap.measures.cohort import CohortValues
    >>> from ecomap.measures.settings import DEFAULT_SETTINGS
    >>> k = 9  # 7 early help in South, 2 looked after in South
    >>> v = CohortValues(open=np.ones(k, bool),
    ...     status=np.array(["early_help"] * 7 + ["looked_after"] * 2, dtype=object),
    ...     team=np.array(["South"] * k, dtype=object),
    ...     trust_answered=np.ones(k, bool), trust_answered_on=np.full(k, 739000),
    ...     has_trusted_adult=np.array([True] * 8 + [False]),
    ...     single_point_of_failure=np.zeros(k, bool), rated=np.ones(k, bool),
    ...     network_strength=np.full(k, 50.0), continuity=np.full(k, np.nan),
    ...     social_workers=np.ones(k, np.int64), support_answered=np.zeros(k, bool),
    ...     no_emotional_support=np.zeros(k, bool), paid_share=np.full(k, 0.5))
    >>> south = leader_measures(v, date(2024, 12, 31), DEFAULT_SETTINGS, 5, team="South")
    >>> south.children, south.has_trusted_adult_rate.value
    (9, 0.889)
    >>> leader_measures(v, date(2024, 12, 31), DEFAULT_SETTINGS, 5,
    ...                 team="South", status="early_help").has_trusted_adult_rate
    Figure(value=None, n=None, suppressed=True)
    """
    opened = scope_rows(values)
    cells = values.open_cells
    flags = base_flags(values)
    wanted = (team, status)
    rows = scope_rows(values, team=team, status=status)
    measures = summarise(values, rows, at, settings)
    update: dict[str, Any] = {}
    decided: dict[str, bool] = {}
    for name, base in FIGURE_BASE.items():
        if base not in decided:
            decided[base] = wanted in suppressed_keys(cells.counts(flags[base][opened]),
                                                      minimum)
        if decided[base]:
            update[name] = measures.figure(name).withheld()
    return measures.model_copy(update=update) if update else measures


#: Bin edges per distribution: strengths and continuity 0-100 in tens, paid share in
#: fifths, social workers 0, 1, 2, 3+.
EDGES: dict[DistributionName, tuple[float, ...]] = {
    "network_strength": tuple(float(x) for x in range(0, 101, 10)),
    "continuity": tuple(float(x) for x in range(0, 101, 10)),
    "paid_share": (0.0, 0.2, 0.4, 0.6, 0.8, 1.0),
    "social_workers": (0.0, 1.0, 2.0, 3.0, 1000.0),
}
#: The figure whose withholding withholds each distribution.
DISTRIBUTION_FIGURE: dict[DistributionName, FigureName] = {
    "network_strength": "median_network_strength",
    "continuity": "median_continuity",
    "paid_share": "median_paid_share",
    "social_workers": "high_worker_churn_rate",
}


def binned(values: Sequence[float], edges: Sequence[float], minimum: int) -> list[Bin]:
    """Counts of ``values`` between ``edges``; a bin of fewer than ``minimum`` (but some)
    children is merged with its smaller neighbour until none is, and if only one bin is
    left that is still too small its count is withheld ("fewer than N").

    >>> [(b.low, b.high, b.children) for b in binned([5, 15, 15, 25, 95], [0, 10, 20, 30, 100], 2)]
    [(0.0, 20.0, 3), (20.0, 100.0, 2)]
    >>> binned([5], [0, 10], 5)
    [Bin(low=0.0, high=10.0, children=None)]
    """
    arr = np.asarray(values, dtype=np.float64)
    counts, _ = np.histogram(arr, bins=np.asarray(edges, dtype=np.float64))
    bins = [[float(lo), float(hi), int(c)]
            for lo, hi, c in zip(edges[:-1], edges[1:], counts, strict=True)]
    while len(bins) > 1:
        small = [i for i, b in enumerate(bins) if 0 < b[2] < minimum]
        if not small:
            break
        i = min(small, key=lambda j: (bins[j][2], j))
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(bins)]
        j = min(neighbours, key=lambda k: (bins[k][2], k))
        a, b = sorted((i, j))
        bins[a:b + 1] = [[bins[a][0], bins[b][1], bins[a][2] + bins[b][2]]]
    return [Bin(low=lo, high=hi, children=None if 0 < c < minimum else c)
            for lo, hi, c in bins]


def distributions(
    values: CohortValues, rows: I64, measures: CohortMeasures, minimum: int
) -> dict[DistributionName, Distribution]:
    """The distributions behind the medians and the churn rate for the children at
    ``rows``, binned (:func:`binned`); withheld wherever their figure is."""
    per_child: dict[DistributionName, np.ndarray] = {
        "network_strength": values.network_strength[rows],
        "continuity": values.continuity[rows],
        "paid_share": values.paid_share[rows],
        "social_workers": values.social_workers[rows].astype(np.float64),
    }
    out: dict[DistributionName, Distribution] = {}
    for name, data in per_child.items():
        if measures.figure(DISTRIBUTION_FIGURE[name]).suppressed:
            out[name] = Distribution(n=None, suppressed=True, bins=[])
            continue
        present = data[~np.isnan(data)]
        out[name] = Distribution(
            n=len(present), suppressed=False,
            bins=binned(present.tolist(), EDGES[name], minimum) if len(present) else [],
        )
    return out
