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
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from ecomap.disclosure import CellCounter
from ecomap.measures.figures import CohortMeasures, Figure
from ecomap.measures.rounding import round_array, round_half_even
from ecomap.measures.series import Tenths, TieState, TieStates, strength_tenths
from ecomap.measures.settings import DEFAULT_SETTINGS, MeasureSettings
from ecomap.measures.tables import I64, B, CohortTables, has_rating, stored_at_least

F64 = NDArray[np.float64]

__all__ = [
    "CohortTables",
    "CohortValues",
    "cohort_measures",
    "cohort_trend",
    "cohort_values",
    "cohort_values_on",
    "date_runs",
    "month_ends",
    "scope_rows",
    "strength_tenths",
    "summarise",
]


@dataclass(frozen=True)
class CohortValues:
    """Per-child values behind the cohort figures on one date (one entry per child of the
    tables, open or not).

    ``open``, ``status`` and ``team`` are each child's case on the date; the flags
    ``has_trusted_adult``/``single_point_of_failure`` mean something only where
    ``trust_answered``, ``no_emotional_support`` only where ``support_answered``;
    ``network_strength`` is NaN where no active child tie is rated, ``continuity`` and
    ``paid_share`` NaN where a child has no value; ``trust_answered_on`` is a proleptic
    ordinal, -1 where not answered.
    """

    open: B
    status: NDArray[np.object_]
    team: NDArray[np.object_]
    trust_answered: B
    trust_answered_on: I64
    has_trusted_adult: B
    single_point_of_failure: B
    rated: B
    network_strength: F64
    continuity: F64
    social_workers: I64
    support_answered: B
    no_emotional_support: B
    paid_share: F64
    #: ``team`` and ``status`` as codes into ``names``
    #: (:class:`~ecomap.measures.tables.ValueCodes`), when the values come from tables:
    #: they number the cells
    team_code: NDArray[np.int32] | None = None
    status_code: NDArray[np.int32] | None = None
    names: NDArray[np.object_] | None = None

    @cached_property
    def open_cells(self) -> CellCounter:
        """The open children's cells (team and status on the date,
        :class:`~ecomap.disclosure.CellCounter`), numbered once for every figure of the
        date that a leader's small-numbers rule counts by cell."""
        opened = scope_rows(self)
        if self.team_code is None or self.status_code is None or self.names is None:
            return CellCounter(self.team[opened], self.status[opened])
        return CellCounter.of_codes(self.team_code[opened], self.status_code[opened], self.names)


def _pairs_of(tables: CohortTables, mask: B) -> B:
    """Per child tie: whether its (child, member) pair has a child tie selected by
    ``mask`` (the tie's own flag, except where a child is tied twice to one person)."""
    present = mask.copy()
    shared = tables.shared_pair_ties
    if len(shared):
        pairs = tables.tie_pair[shared]
        present[shared] = np.isin(pairs, pairs[mask[shared]])
    return present


def _count_members(tables: CohortTables, mask: B) -> I64:
    """Per child, the distinct members of the child ties selected by ``mask``: its
    selected ties, less the ties beyond the first selected of one (child, member) pair."""
    counts = tables.per_child_sum(mask)
    shared = tables.shared_pair_ties
    if len(shared):
        chosen = shared[mask[shared]]
        pairs, many = np.unique(tables.tie_pair[chosen], return_counts=True)
        np.subtract.at(counts, tables.pair_child[pairs], many - 1)
    return counts


def _top_sum(tables: CohortTables, tenths: Tenths, active: B, top: int) -> F64:
    """Per child, the sum of the ``top`` largest strengths of its active ties (tenths
    are 0..1000; inactive ties count as 0, which adds nothing).

    One sort of packed keys (:attr:`CohortTables.ranking_keys`: child, then value
    descending, ``1024 - tenths`` in the low 11 bits); the ties stay grouped by child,
    so each one's rank is its position in its child's group.
    """
    if len(tables.tie_child) == 0:
        return np.zeros(tables.n_children, dtype=np.float64)
    key = np.subtract(tables.ranking_keys, tenths * active, casting="unsafe",
                      dtype=tables.ranking_keys.dtype)  # 0..1000: fits
    key.sort()
    key &= 2047
    np.subtract(1024, key, out=key)
    key *= tables.ranked_within(top)
    return tables.per_child_sum(key).astype(np.float64)


def _any_per_child(tables: CohortTables, mask: B) -> B:
    result: B = tables.per_child_sum(mask) > 0
    return result


def cohort_values(
    tables: CohortTables,
    at: date,
    settings: MeasureSettings,
    *,
    states: TieStates | None = None,
    then: Future[TieState] | None = None,
) -> CohortValues:
    """Per-child values on ``at`` (combined perspective) for every child of the tables.

    ``states`` (built with the same settings) shares the per-date tie work between the
    calls of a trend; without it, each call does that work on its own. ``then``, with
    ``states``, is the window start's tie state being worked out meanwhile (on another
    thread).

    Examples
    --------
    >>> from ecomap.model import EcomapDocument
    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C", "status": "child_in_need"},
    ...     "people": [{"id": "sw", "name": "S", "category": "professional",
    ...                 "role": "social_worker"}],
    ...     "ties": [{"id": "t", "between": ["c", "sw"], "started": "2024-01-01"}]})
    >>> v = cohort_values(CohortTables.from_documents([doc]), date(2024, 6, 30),
    ...                   DEFAULT_SETTINGS)
    >>> v.open.tolist(), v.status.tolist(), v.social_workers.tolist(), v.paid_share.tolist()
    ([True], ['child_in_need'], [1], [1.0])
    >>> v.rated.tolist(), v.network_strength.tolist(), v.trust_answered.tolist()
    ([False], [nan], [False])
    """
    s = settings
    n = tables.n_children
    t0 = at - timedelta(days=s.window_days)
    case = tables.case_on(at)
    if states is not None:
        now = states.on(at)
        start = then.result() if then is not None else states.on(t0)
        active, eff, tenths, code = now.active, now.effective, now.tenths, now.code
    else:
        active = tables.active(at)
        eff = tables.effective(at, "combined")
        tenths = strength_tenths(tables, eff, at, s)
        code = tables.obs_code[eff.row] if tables.n_observations else eff.row
    rated_tie = active & eff.rated
    if tables.n_observations:
        # every rating of the tie's effective observation is read off its code
        trust_tie = rated_tie & has_rating(code, "trusted")  # stored 0 none, 1 no, 2 yes
        trusted_tie = rated_tie & stored_at_least(code, "trusted", 2)
        emotional_tie = rated_tie & stored_at_least(code, "emotional", 2)
        support_tie = rated_tie & has_rating(code, "emotional", "practical", "informational")
        answered = np.flatnonzero(trust_tie)
        day = np.full(len(trust_tie), -1, dtype=np.int32)
        day[answered] = tables.obs_day[eff.row[answered]]
        answered_on = tables.per_child_max(day, -1)
    else:
        trust_tie = trusted_tie = emotional_tie = support_tie = np.zeros(len(active), bool)
        answered_on = np.full(n, -1, dtype=np.int64)
    trusted = _count_members(tables, active & tables.member_adult & trusted_tie)
    emotional_members = _count_members(tables, emotional_tie)
    size = _count_members(tables, active)
    paid = _count_members(tables, active & tables.member_paid)
    with np.errstate(invalid="ignore", divide="ignore"):
        paid_share = np.where(size > 0, round_array(paid / np.maximum(size, 1), 3), np.nan)

    rated = _any_per_child(tables, rated_tie)
    top = _top_sum(tables, tenths, active, s.clique_size)
    network_strength = np.where(rated, round_array(top / (10 * s.clique_size), 1), np.nan)

    if states is not None:
        active0, tenths0 = start.active, start.tenths
    else:
        active0 = tables.active(t0)
        eff0 = tables.effective(t0, "combined")
        tenths0 = strength_tenths(tables, eff0, t0, s)
    kept = active0 & _pairs_of(tables, active)
    # sums of whole tenths: exact in float64, as a float sum of them would be
    numerator = tables.per_child_sum(tenths0 * kept).astype(np.float64)
    denominator = tables.per_child_sum(tenths0 * active0).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        continuity = np.where(
            denominator > 0,
            round_array((100.0 * numerator) / np.where(denominator > 0, denominator, 1.0), 1),
            np.nan,
        )

    # a tie [start, end) shares a day with (t0, t] when max(start, t0+1) <= min(end-1, t)
    rows = tables.social_worker_ties
    first = np.maximum(tables.tie_start[rows], t0.toordinal() + 1)
    last = np.minimum(tables.tie_end[rows] - 1, at.toordinal())
    shared_days = np.zeros(len(tables.tie_child), dtype=bool)
    shared_days[rows[first <= last]] = True
    workers = _count_members(tables, shared_days)

    return CohortValues(
        open=case.open,
        status=case.status,
        team=case.team,
        trust_answered=_any_per_child(tables, trust_tie),
        trust_answered_on=answered_on,
        has_trusted_adult=trusted >= 1,
        single_point_of_failure=trusted == 1,
        rated=rated,
        network_strength=network_strength,
        continuity=continuity,
        social_workers=workers,
        support_answered=_any_per_child(tables, support_tie),
        no_emotional_support=emotional_members == 0,
        paid_share=paid_share,
        team_code=case.team_code,
        status_code=case.status_code,
        names=case.names,
    )


def _rate(hits: B, base: B) -> Figure:
    n = int(base.sum())
    value = None if n == 0 else round_half_even(int((hits & base).sum()) / n, 3)
    return Figure(value=value, n=n)


def _median(values: F64, places: int) -> Figure:
    present = values[~np.isnan(values)]
    n = len(present)
    value = None if n == 0 else round_half_even(float(np.median(present)), places)
    return Figure(value=value, n=n)


def summarise(values: CohortValues, rows: I64, at: date, settings: MeasureSettings
              ) -> CohortMeasures:
    """The cohort figures (MEASURES.md) over the children at ``rows`` (those open on
    ``at`` in scope): each rate over the children with the answer it needs, each median
    over the children with a value, each with its ``n``.

    Examples
    --------
    >>> v = CohortValues(open=np.array([True, True]), status=np.array([None, None]),
    ...     team=np.array([None, None]), trust_answered=np.array([True, False]),
    ...     trust_answered_on=np.array([738000, -1]),
    ...     has_trusted_adult=np.array([True, False]),
    ...     single_point_of_failure=np.array([False, False]), rated=np.array([True, False]),
    ...     network_strength=np.array([40.0, np.nan]), continuity=np.array([np.nan, 80.0]),
    ...     social_workers=np.array([3, 1]), support_answered=np.array([False, False]),
    ...     no_emotional_support=np.array([True, True]), paid_share=np.array([0.5, 0.25]))
    >>> m = summarise(v, np.array([0, 1]), date(2024, 12, 31), DEFAULT_SETTINGS)
    >>> m.children, m.has_trusted_adult_rate, m.trust_answered_rate.value
    (2, Figure(value=1.0, n=1, suppressed=False), 0.5)
    >>> m.no_emotional_support_rate, m.median_network_strength.n
    (Figure(value=None, n=0, suppressed=False), 1)
    """
    everyone = np.ones(len(rows), dtype=bool)
    answered = values.trust_answered[rows]
    support = values.support_answered[rows]
    t0 = at - timedelta(days=settings.window_days)
    on = values.trust_answered_on[rows]
    return CohortMeasures(
        at=at,
        window_days=settings.window_days,
        window_start=t0,
        children=len(rows),
        trust_answered_rate=_rate(answered, everyone),
        trust_answered_in_window_rate=_rate(answered & (on > t0.toordinal()), everyone),
        has_trusted_adult_rate=_rate(values.has_trusted_adult[rows], answered),
        single_point_of_failure_rate=_rate(values.single_point_of_failure[rows], answered),
        rated_rate=_rate(values.rated[rows], everyone),
        median_network_strength=_median(values.network_strength[rows], 1),
        median_continuity=_median(values.continuity[rows], 1),
        high_worker_churn_rate=_rate(values.social_workers[rows] >= 3, everyone),
        support_answered_rate=_rate(support, everyone),
        no_emotional_support_rate=_rate(values.no_emotional_support[rows], support),
        median_paid_share=_median(values.paid_share[rows], 3),
    )


def scope_rows(
    values: CohortValues,
    rows: I64 | None = None,
    *,
    team: str | None = None,
    status: str | None = None,
) -> I64:
    """The children of the cohort: those at ``rows`` (all when None) open on the values'
    date, of ``team`` and ``status`` then (MEASURES.md: a trend month counts the children
    open then, as they were then).

    >>> v = CohortValues(open=np.array([True, True, False]),
    ...     status=np.array(["early_help", "looked_after", None], dtype=object),
    ...     team=np.array(["South", "South", "South"], dtype=object),
    ...     **{k: np.zeros(3) for k in ("trust_answered", "trust_answered_on",
    ...        "has_trusted_adult", "single_point_of_failure", "rated", "network_strength",
    ...        "continuity", "social_workers", "support_answered", "no_emotional_support",
    ...        "paid_share")})
    >>> scope_rows(v, team="South").tolist(), scope_rows(v, status="looked_after").tolist()
    ([0, 1], [1])
    """
    keep = values.open.copy()
    if team is not None:
        keep &= values.team == team
    if status is not None:
        keep &= values.status == status
    if rows is not None:
        chosen = np.zeros(len(keep), dtype=bool)
        chosen[rows] = True
        keep &= chosen
    result: I64 = np.flatnonzero(keep).astype(np.int64)
    return result


def cohort_measures(
    tables: CohortTables,
    at: date,
    settings: MeasureSettings = DEFAULT_SETTINGS,
    *,
    child_ids: Iterable[str] | None = None,
    team: str | None = None,
    status: str | None = None,
) -> CohortMeasures:
    """Cohort figures on ``at`` over the children open then, of ``team`` and ``status``
    then, among ``child_ids`` (all when None). Combined perspective; the window and the
    strength weights come from ``settings`` alone.

    Examples
    --------
    >>> from ecomap.model import EcomapDocument
    >>> docs = [EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": f"c{i}", "name": "C"},
    ...     "people": [{"id": f"p{i}", "name": "P", "category": "family"}],
    ...     "ties": [{"id": f"t{i}", "between": [f"c{i}", f"p{i}"], "started": "2023-01-01"}],
    ...     "observations": [{"tie": f"t{i}", "on": "2024-01-01", "by": "child",
    ...                       "closeness": 3, "trusted": True} for _ in range(i)]})
    ...     for i in range(2)]
    >>> m = cohort_measures(CohortTables.from_documents(docs), date(2024, 6, 30))
    >>> m.children, m.trust_answered_rate.value, m.has_trusted_adult_rate
    (2, 0.5, Figure(value=1.0, n=1, suppressed=False))
    >>> m.median_network_strength, cohort_measures(  # (30 + 15 * 546 / 365.25 / 5) / 5
    ...     CohortTables.from_documents(docs), date(2022, 6, 30)).children
    (Figure(value=6.9, n=1, suppressed=False), 0)
    """
    values = cohort_values(tables, at, settings)
    rows = None if child_ids is None else tables.indices(child_ids)
    return summarise(values, scope_rows(values, rows, team=team, status=status), at, settings)


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
    settings: MeasureSettings = DEFAULT_SETTINGS,
    *,
    child_ids: Iterable[str] | None = None,
    team: str | None = None,
    status: str | None = None,
) -> list[CohortMeasures]:
    """The cohort figures at each of the last ``months`` month ends, oldest first; each
    month counts the children open then, with their team and status then.

    Examples
    --------
    >>> from ecomap.model import EcomapDocument
    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "p", "name": "P", "category": "family"}],
    ...     "ties": [{"id": "t", "between": ["c", "p"], "started": "2024-02-10"}]})
    >>> trend = cohort_trend(CohortTables.from_documents([doc]), date(2024, 3, 31), 3)
    >>> [(m.at.isoformat(), m.children, m.median_paid_share.value) for m in trend]
    [('2024-01-31', 0, None), ('2024-02-29', 1, 0.0), ('2024-03-31', 1, 0.0)]
    """
    ids = list(child_ids) if child_ids is not None else None
    rows = None if ids is None else tables.indices(ids)
    points = month_ends(at, months)
    return [summarise(values, scope_rows(values, rows, team=team, status=status), point,
                      settings)
            for point, values in zip(points, cohort_values_on(tables, points, settings),
                                     strict=True)]


#: How many threads :func:`cohort_values_on` splits a run of dates between (numpy lets
#: go of the interpreter in its loops, so the second core does half the months).
WORKERS = 2


def cohort_values_on(
    tables: CohortTables,
    dates: Sequence[date],
    settings: MeasureSettings = DEFAULT_SETTINGS,
    *,
    workers: int = WORKERS,
) -> list[CohortValues]:
    """:func:`cohort_values` on each of ``dates`` (in that order), sharing the tie work
    between dates (:class:`~ecomap.measures.series.TieStates`): the dates are cut into
    ``workers`` runs (:func:`date_runs`), each worked through by its own states on its
    own thread; a date that is another's window start is worked out once (one date: its
    window start's tie state on a second thread). The same values whatever ``workers``
    is.

    >>> from ecomap.model import EcomapDocument
    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "p", "name": "P", "category": "family"}],
    ...     "ties": [{"id": "t", "between": ["c", "p"], "started": "2024-02-10"}]})
    >>> days = month_ends(date(2024, 3, 31), 3)
    >>> [v.open.tolist() for v in cohort_values_on(CohortTables.from_documents([doc]), days)]
    [[False], [True], [True]]
    """
    points = list(dates)
    if len(points) == 1 and workers > 1:  # one date: its window start on another thread
        at = points[0]
        with ThreadPoolExecutor(1) as pool:
            then = pool.submit(TieStates(tables, settings).on,
                               at - timedelta(days=settings.window_days))
            return [cohort_values(tables, at, settings, states=TieStates(tables, settings),
                                  then=then)]
    window = timedelta(days=settings.window_days)
    runs = date_runs(points, window, workers)

    def work(run: list[date]) -> dict[date, CohortValues]:
        # one pass: the dates share the tie work; a date that is also a later one's
        # window start is worked out once
        states = TieStates(tables, settings, again={d - window for d in run} & set(run))
        return {point: cohort_values(tables, point, settings, states=states)
                for point in run}

    found: dict[date, CohortValues] = {}
    if len(runs) <= 1:
        found = work(runs[0]) if runs else {}
    else:
        with ThreadPoolExecutor(len(runs)) as pool:
            for made in pool.map(work, runs):
                found.update(made)
    return [found[point] for point in points]


def date_runs(dates: Sequence[date], window: timedelta, parts: int) -> list[list[date]]:
    """``dates`` (each once, ascending) cut into at most ``parts`` runs of about equal
    length for :func:`cohort_values_on`'s threads, keeping a date in the run of the
    date whose window start it is (so that run works its tie state out once).

    >>> ends = month_ends(date(2025, 12, 31), 24)  # 2024-03-31 is 2025-03-31's start
    >>> [[d.isoformat()[:7] for d in run] for run in date_runs(ends, timedelta(365), 2)]
    ... # doctest: +NORMALIZE_WHITESPACE
    [['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06', '2024-07',
      '2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07'],
     ['2024-08', '2024-09', '2024-10', '2024-11', '2024-12', '2025-01', '2025-08',
      '2025-09', '2025-10', '2025-11', '2025-12']]
    """
    chains: list[list[date]] = []
    chain_of: dict[date, int] = {}
    for day in sorted(set(dates)):
        at = chain_of.get(day - window)
        if at is None:
            at = len(chains)
            chains.append([])
        chain_of[day] = at
        chains[at].append(day)
    total = sum(len(chain) for chain in chains)
    runs: list[list[date]] = [[] for _ in range(max(1, min(parts, len(chains))))]
    done = 0
    for chain in chains:  # in order of their first date: neighbouring dates together
        runs[min(len(runs) - 1, done * len(runs) // max(total, 1))].extend(chain)
        done += len(chain)
    return [sorted(run) for run in runs if run]
