"""The one dashboard service: scope rules, the cohort on a date, disclosure control and
caching. ``GET /api/dashboard`` (and its CSV), the dashboard page and ``ecomap
dashboard`` all call :func:`dashboard`; routes only parse, authorise and render.

Scope rules: a leader filters by team and status only (a leader with a team is held to
it; a leader without one sees the authority); a worker sees their own caseload; admins
no dashboard. Leaders' figures follow :mod:`ecomap.disclosure`, decided on the whole
authority's table of each date, so the decision is the same whoever asks and whatever
they compare. Caching (:mod:`api.dashboard_cache`): the store's tables, each date's
per-child values and each finished answer are kept per store revision (every write bumps
it), so a repeat view is a lookup and never stale; :func:`warm` makes the first view
ahead of time (docs/scale.md, "The cold paths outside the store read"). No FastAPI here:
the ``ecomap dashboard`` command runs this module without loading the web framework (the
request parsing is :mod:`api.dashboard_request`).
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from api.auth.principal import Principal
from api.dashboard_cache import DashboardCache
from api.error_shape import ApiError, ErrorDetail
from api.settings import Settings
from ecomap.dashboard import (
    AskAgain,
    Dashboard,
    DashboardScope,
    distributions,
    leader_measures,
    time_to_ask_again,
)
from ecomap.dashboard_plans import PlanFigures, plan_figures
from ecomap.measures.cohort import (
    cohort_values,
    cohort_values_on,
    month_ends,
    scope_rows,
    summarise,
)
from ecomap.measures.figures import CohortMeasures
from ecomap.measures.plans_cohort import PlanTables, plan_values
from ecomap.measures.settings import MeasureSettings
from ecomap.measures.tables import NULL_END, STATUS_EPISODE, CohortTables
from graph.base import GraphStore, StoreError

if TYPE_CHECKING:
    from api.accounts import Accounts

log = logging.getLogger("ecomap.api")

DEFAULT_MONTHS = 12
"""Month ends in the trend unless asked otherwise (the API, the page and the CLI)."""

__all__ = [
    "DashboardCache",
    "Viewer",
    "asking",
    "check_at",
    "dashboard",
    "teams",
    "viewer_for",
    "warm",
]


@dataclass(frozen=True)
class Viewer:
    """Who looks and what they may see: a ``leader`` (their ``team``, or the authority
    when None) sees suppressed aggregates; a ``worker`` their ``caseload`` in full."""

    kind: Literal["leader", "worker"]
    team: str | None = None
    worker: str | None = None


def viewer_for(user: Principal, *, team: str | None, worker: str | None) -> Viewer:
    """The viewer a signed-in user is, checked against the filters they asked for.

    >>> viewer_for(Principal("lena", "leader", "North"), team=None, worker=None)
    Viewer(kind='leader', team='North', worker=None)
    """
    if user.role == "admin":
        raise ApiError(403, "dashboards are for leaders and workers")
    if user.role == "worker":
        if worker is not None and worker != user.actor:
            raise ApiError(403, "workers see their own caseload only")
        return Viewer("worker", worker=user.actor)
    if worker is not None:
        raise ApiError(403, "leaders filter by team and status only",
                       details=[ErrorDetail(field="worker", message="not for leaders")])
    if user.team is not None and team is not None and team != user.team:
        raise ApiError(403, "leaders see their own team only")
    return Viewer("leader", team=user.team)


def check_at(at: date, today: date) -> date:
    """``at`` itself, or a 422 naming ``at`` when it is after ``today``: the dashboard
    reports what was recorded, never a forecast.

    >>> check_at(date(2024, 1, 1), date(2024, 1, 1))
    datetime.date(2024, 1, 1)
    """
    if at > today:
        raise ApiError(422, "the date is after today: the dashboard does not forecast",
                       details=[ErrorDetail(field="at",
                                            message=f"must be on or before {today}")])
    return at


def suppressed_reason(children: int, min_cohort: int) -> str | None:
    """Why a scope's figures are all withheld, or None.

    >>> suppressed_reason(3, 5)
    'fewer than 5 children in this scope on this date: only the count is shown, to keep each child private'
    """  # noqa: E501
    if children == 0 or children >= min_cohort:
        return None
    return (f"fewer than {min_cohort} children in this scope on this date: only the count is "
            "shown, to keep each child private")


def asking(
    store: GraphStore,
    child_ids: list[str],
    settings: Settings,
    today: date,
    cache: DashboardCache | None = None,
) -> list[AskAgain]:
    """For each of ``child_ids`` (stored ones, in id order): the latest trust answer on
    their current relationships today, and whether it is time to ask again."""
    cache = cache or DashboardCache()
    revision = store.revision()
    ms = settings.measure_settings()
    tables = cache.tables.get(revision, lambda: store.cohort_tables())
    values = cache.values.get((revision, today, ms.model_dump_json()),
                              lambda: cohort_values(tables, today, ms))
    known = set(tables.child_ids)
    rows = tables.indices([c for c in child_ids if c in known])
    out = []
    for row in rows.tolist():
        day = int(values.trust_answered_on[row])
        on = date.fromordinal(day) if day > 0 else None
        out.append(AskAgain(child=tables.child_ids[row], trust_answered_on=on,
                            ask_again=time_to_ask_again(on, today, ms.window_days)))
    return out


def teams(store: GraphStore, cache: DashboardCache | None = None) -> list[str]:
    """Every team an open record names, sorted: what the dashboard's team filter offers.
    Read from the cohort tables the dashboard keeps (made at start-up, or waited for while
    they are read), not by listing every child.

    >>> from graph.embedded import EmbeddedStore
    >>> teams(EmbeddedStore.memory())
    []
    """
    cache = cache or DashboardCache()
    tables = cache.tables.get(store.revision(), lambda: store.cohort_tables())
    return sorted({team for team in tables.team.tolist() if team})


def _plan_tables(
    store: GraphStore, tables: CohortTables, as_recorded: int | None = None
) -> PlanTables:
    """The meetings of the cohort's children, in the cohort tables' order (id order):
    the store's packed plan columns (docs/meetings.md, "The stores")."""
    plans = store.plan_tables(as_recorded=as_recorded)
    if list(plans.child_ids) != tables.child_ids:  # records closed, erased or added in between
        plans = store.plan_tables(list(tables.child_ids), as_recorded=as_recorded,
                                  include_closed=True)
    if list(plans.child_ids) != tables.child_ids:
        raise StoreError("the store changed while the dashboard read it: ask again")
    return plans


def _data_from(tables: CohortTables, rows: Any) -> date | None:
    """The first date any of the children at ``rows`` was open."""
    chosen = np.zeros(tables.n_children, dtype=bool)
    chosen[rows] = True
    starts = tables.ep_start[(tables.ep_kind == STATUS_EPISODE) & chosen[tables.ep_child]]
    fallback = tables.first_day[chosen & ~tables.has_status_episodes]
    days = np.concatenate([starts, fallback[fallback < NULL_END]])
    return date.fromordinal(int(days.min())) if len(days) else None


def dashboard(
    store: GraphStore,
    accounts: Accounts | None,
    settings: Settings,
    viewer: Viewer,
    *,
    at: date,
    team: str | None = None,
    status: str | None = None,
    months: int = DEFAULT_MONTHS,
    cache: DashboardCache | None = None,
    as_recorded: int | None = None,
) -> Dashboard:
    """The dashboard for ``viewer``: the cohort on ``at`` in scope, its ``months`` trend
    and distributions. ``team`` is the leader's own when they have one. Raises nothing
    for an empty date: ``empty`` says so. With ``as_recorded`` (a revision number) the
    children are read as the store held them then (docs/record.md): last quarter's
    dashboard again."""
    cache = cache or DashboardCache()
    team = viewer.team or team
    ms = settings.measure_settings()
    caseload: tuple[str, ...] | None = None
    if viewer.kind == "worker":
        assert accounts is not None and viewer.worker is not None
        caseload = tuple(accounts.caseload(viewer.worker))
    revision = store.revision() if as_recorded is None else as_recorded
    key = (revision, viewer.kind, caseload, team, status, at, months, ms.model_dump_json(),
           settings.min_cohort)
    return cache.answers.get(key, lambda: _answer(
        store, cache, revision, ms, settings.min_cohort, viewer, caseload,
        at=at, team=team, status=status, months=months, pinned=as_recorded is not None,
    ))


def _answer(
    store: GraphStore,
    cache: DashboardCache,
    revision: int,
    ms: MeasureSettings,
    min_cohort: int,
    viewer: Viewer,
    caseload: tuple[str, ...] | None,
    *,
    at: date,
    team: str | None,
    status: str | None,
    months: int,
    pinned: bool = False,
) -> Dashboard:
    # Revision R's tables are the same read now (R the latest) or as recorded at R.
    recorded = revision if pinned else None
    tables = cache.tables.get(revision, lambda: store.cohort_tables(as_recorded=recorded))
    known = set(tables.child_ids)
    rows = None if caseload is None else tables.indices([c for c in caseload if c in known])
    minimum = min_cohort if viewer.kind == "leader" else 0

    key = ms.model_dump_json()
    days = month_ends(at, months)  # ``at`` is the last
    # Each date's values are shared by every scope and viewer. The dates not yet known
    # are made in one call, which shares the tie work between them on two threads; dates
    # another request (or the start-up warm-up) is making are waited for, not redone.
    by_day = dict(zip(days, cache.values.get_many(
        [(revision, day, key) for day in days],
        lambda missing: cohort_values_on(tables, [day for _, day, _ in missing], ms),
    ), strict=True))

    @functools.cache  # ``at`` is also the trend's last month end
    def measured(day: date) -> CohortMeasures:
        values = by_day[day]
        if viewer.kind == "leader":
            return leader_measures(values, day, ms, minimum, team=team, status=status)
        return summarise(values, scope_rows(values, rows, team=team, status=status), day, ms)

    plan_tables = cache.plans.get(revision, lambda: _plan_tables(store, tables, recorded))

    @functools.cache
    def plans_on(day: date) -> PlanFigures:
        return plan_figures(by_day[day], plan_values(plan_tables, day,
                                                        window_days=ms.window_days),
                            plan_tables, day, rows=rows, team=team, status=status,
                            leader=viewer.kind == "leader", minimum=minimum)

    now = measured(at)
    values = by_day[at]
    in_scope = scope_rows(values, rows, team=team, status=status)
    reason = suppressed_reason(now.children, minimum)
    everyone = np.arange(tables.n_children) if rows is None else rows
    return Dashboard(
        at=at,
        scope=DashboardScope(team=team, status=status, worker=viewer.worker),
        min_cohort=minimum,
        data_from=_data_from(tables, everyone),
        empty=now.children == 0,
        suppressed=reason is not None,
        reason=reason,
        measures=now,
        trend=[measured(day) for day in days],
        distributions=distributions(values, in_scope, now, minimum),
        plans=plans_on(at),
        plans_trend=[plans_on(day) for day in days],
    )


@dataclass(frozen=True)
class WarmUp:
    """The first dashboard being made (:func:`warm`) on ``thread``, from ``store`` into
    ``cache``: what the app serves from once it starts (:func:`api.app.create_app`)."""

    store: GraphStore
    cache: DashboardCache
    thread: threading.Thread


def start_warm_up(store: GraphStore, settings: Settings, cache: DashboardCache,
                  today: date) -> WarmUp:
    """Start :func:`warm` on a daemon thread of its own (joined before the store
    closes). ``ecomap serve`` starts it before it loads the web framework (about two
    seconds of imports), so the first dashboard is that much further on when the server
    first answers; the app starts it in its lifespan otherwise."""
    thread = threading.Thread(target=warm, args=(store, settings, cache, today),
                              name="ecomap-dashboard-warm-up", daemon=True)
    thread.start()
    return WarmUp(store, cache, thread)


def warm(store: GraphStore, settings: Settings, cache: DashboardCache, today: date) -> bool:
    """Compute into ``cache`` the dashboard asked for first: the authority-wide leader's
    on ``today`` with the default trend (``GET /api/dashboard`` and the page without
    filters). The app runs this once at start-up, on a thread of its own, so the first
    request finds it made, or waits for it rather than making it again; a team's or a
    status's dashboard then reuses the same per-date values. Whether it was made: a
    failure (an empty or unreachable store, say) is logged by its type only, never its
    message, and leaves the request path to try again."""
    try:
        dashboard(store, None, settings, Viewer("leader"), at=today, cache=cache)
    except Exception as exc:  # the warm-up is an optimisation: never fatal
        log.warning("dashboard warm-up skipped: %s", type(exc).__name__)
        return False
    return True
