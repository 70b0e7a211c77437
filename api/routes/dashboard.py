"""Cohort dashboard: measures and monthly trends for a scope, as JSON or CSV. No names."""

from __future__ import annotations

import csv
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.accounts import Accounts
from api.auth.principal import Principal
from api.deps import (
    AccountsDep,
    AtQ,
    AuditorDep,
    CurrentUser,
    SettingsDep,
    StoreDep,
    TodayDep,
)
from api.errors import ERROR_RESPONSES, ApiError
from api.models.views import DashboardPublic
from api.settings import Settings
from ecomap.cells import csv_cell
from ecomap.measures.cohort import cohort_measures, cohort_trend
from ecomap.measures.tables import CohortTables
from ecomap.model import Status
from graph.base import GraphStore

router = APIRouter(prefix="/api", tags=["dashboard"], responses=ERROR_RESPONSES)

TeamQ = Annotated[str | None, Query(max_length=100, description="Only this team.")]
StatusQ = Annotated[Status | None, Query(description="Only this status.")]
WorkerQ = Annotated[str | None, Query(max_length=64, description="Only this worker's caseload.")]
MonthsQ = Annotated[int, Query(ge=1, le=60, description="How many month ends in the trend.")]


def scope_for(
    user: Principal, team: str | None, worker: str | None
) -> tuple[str | None, str | None]:
    """The team and caseload a user may look at: a leader with a team sees that team only;
    a leader without one, the whole authority; a worker, their own caseload; admins none."""
    if user.role == "admin":
        raise ApiError(403, "dashboards are for leaders and workers")
    if user.role == "worker":
        if worker is not None and worker != user.actor:
            raise ApiError(403, "workers see their own caseload only")
        return team, user.actor
    if user.team is not None:
        if team is not None and team != user.team:
            raise ApiError(403, "leaders see their own team only")
        return user.team, worker
    return team, worker


#: What a suppressed cohort dict keeps: the date, the window and the count.
KEPT_WHEN_SUPPRESSED = frozenset({"at", "window_days", "children"})


def min_cohort_for(user: Principal, settings: Settings) -> int:
    """The fewest children a user may see measures of at once: ``ECOMAP_MIN_COHORT`` for
    leaders, who see aggregates only; none for a worker, whose scope is always their own
    caseload, each child of which they may open anyway. (Admins see no dashboard.)

    >>> from api.settings import Settings
    >>> settings = Settings.from_mapping({"min_cohort": 5})
    >>> leader, worker = Principal("lena", "leader", "North"), Principal("walt", "worker")
    >>> min_cohort_for(leader, settings), min_cohort_for(worker, settings)
    (5, 0)
    """
    return settings.min_cohort if user.role == "leader" else 0


def suppressed_reason(children: int, min_cohort: int) -> str | None:
    """Why a cohort of ``children`` is shown as a count only, or None if it is not.

    >>> suppressed_reason(3, 5)
    'fewer than 5 children in this scope: only the count is shown, to keep each child private'
    >>> suppressed_reason(5, 5) is None
    True
    """
    if children >= min_cohort:
        return None
    return (f"fewer than {min_cohort} children in this scope: only the count is shown, "
            "to keep each child private")


def suppress(row: dict[str, Any], min_cohort: int) -> dict[str, Any]:
    """The cohort dict (or trend row) itself, or with every measure None if it counts
    fewer than ``min_cohort`` children.

    >>> suppress({"at": "2024-12-31", "children": 2, "median_continuity": 50.0}, 5)
    {'at': '2024-12-31', 'children': 2, 'median_continuity': None}
    """
    if int(row.get("children") or 0) >= min_cohort:
        return row
    return {k: v if k in KEPT_WHEN_SUPPRESSED else None for k, v in row.items()}


def _scope_ids(
    store: GraphStore,
    accounts: Accounts,
    team: str | None,
    status: Status | None,
    worker: str | None,
) -> list[str]:
    caseload = accounts.caseload(worker) if worker is not None else None
    if caseload is not None and not caseload:
        return []
    page = store.children(team=team, status=status, ids=caseload)
    return [c.id for c in page.data]


class TablesCache:
    """Cohort tables of recent scopes, and the measures computed from them, keyed by the
    scope's child ids and the store's revision: every write anywhere bumps the revision
    (people are shared, so a write to a child outside the scope can change the scope's
    tables), so a hit is never stale."""

    def __init__(self, size: int = 4, results: int = 32) -> None:
        self._size = size
        self._results_size = results
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[int, tuple[str, ...]], CohortTables] = OrderedDict()
        self._results: OrderedDict[tuple[Any, ...], tuple[dict[str, Any], list[dict[str, Any]]]]
        self._results = OrderedDict()

    def _key(
        self, store: GraphStore, accounts: Accounts, team: str | None,
        status: Status | None, worker: str | None,
    ) -> tuple[int, tuple[str, ...]]:
        # The revision first: a write racing the reads below can only make the tables
        # newer than their key (a later request misses and reads again), never older.
        revision = store.revision()
        return revision, tuple(_scope_ids(store, accounts, team, status, worker))

    def _tables(self, store: GraphStore, key: tuple[int, tuple[str, ...]]) -> CohortTables:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                return hit
        built = store.cohort_tables(list(key[1]))
        with self._lock:
            self._entries[key] = built
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return built

    def tables(
        self,
        store: GraphStore,
        accounts: Accounts,
        team: str | None,
        status: Status | None,
        worker: str | None,
    ) -> CohortTables:
        """The scope's tables, read from the store as columns unless cached."""
        return self._tables(store, self._key(store, accounts, team, status, worker))

    def measured(
        self,
        store: GraphStore,
        accounts: Accounts,
        scope: tuple[str | None, Status | None, str | None],
        at: date,
        months: int,
        settings: Settings,
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The scope's cohort measures on ``at`` and their ``months`` trend, computed
        once per (scope, revision, date, months, measure settings) — repeat requests
        (every leader opening the same dashboard) cost a lookup, not a recomputation."""
        key = self._key(store, accounts, *scope)
        ms = settings.measure_settings()
        window = settings.window_days
        result_key = (key, at, months, window, ms.model_dump_json())
        with self._lock:
            hit = self._results.get(result_key)
            if hit is not None:
                self._results.move_to_end(result_key)
                return hit
        tables = self._tables(store, key)
        measured = (
            cohort_measures(tables, at, window_days=window, settings=ms),
            cohort_trend(tables, at, months, window_days=window, settings=ms),
        )
        with self._lock:
            self._results[result_key] = measured
            while len(self._results) > self._results_size:
                self._results.popitem(last=False)
        return measured


def tables_cache(request: Request) -> TablesCache:
    """The app's cache of cohort tables (made on first use)."""
    cache: TablesCache | None = getattr(request.app.state, "tables_cache", None)
    if cache is None:
        cache = request.app.state.tables_cache = TablesCache()
    return cache


CacheDep = Annotated[TablesCache, Depends(tables_cache)]


@dataclass(frozen=True)
class DashboardScope:
    """One dashboard request resolved: who asks, the scope they may see, the date, the
    trend's length, and the fewest children they may see measures of at once."""

    user: Principal
    team: str | None
    status: Status | None
    worker: str | None
    at: date
    months: int
    min_cohort: int


def dashboard_scope(
    user: CurrentUser,
    settings: SettingsDep,
    today: TodayDep,
    at: AtQ = None,
    team: TeamQ = None,
    status: StatusQ = None,
    worker: WorkerQ = None,
    months: MonthsQ = 12,
) -> DashboardScope:
    """The query every dashboard route takes, checked against the user's role."""
    team, worker = scope_for(user, team, worker)
    return DashboardScope(
        user, team, status, worker, at or today, months, min_cohort_for(user, settings)
    )


ScopeDep = Annotated[DashboardScope, Depends(dashboard_scope)]


def dashboard(
    store: GraphStore,
    accounts: Accounts,
    settings: Settings,
    scope: DashboardScope,
    cache: TablesCache | None = None,
) -> dict[str, Any]:
    """The cohort measures on the scope's date and their trend, computed by
    :mod:`ecomap.measures`; those of too few children suppressed (the count kept)."""
    measures, trend = (cache or TablesCache()).measured(
        store, accounts, (scope.team, scope.status, scope.worker), scope.at, scope.months,
        settings,
    )
    minimum = scope.min_cohort
    reason = suppressed_reason(int(measures["children"]), minimum)
    return {
        "at": scope.at.isoformat(),
        "scope": {"team": scope.team, "status": scope.status, "worker": scope.worker},
        "suppressed": reason is not None,
        "reason": reason,
        "measures": suppress(measures, minimum),
        "trend": [suppress(row, minimum) for row in trend],
    }


@router.get("/dashboard", response_model=DashboardPublic, summary="Cohort measures and trends")
def read_dashboard(
    scope: ScopeDep,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    settings: SettingsDep,
    cache: CacheDep,
) -> dict[str, Any]:
    """Aggregates only (MEASURES.md cohort names), never names or per-child rows. Leaders:
    their team (or the whole authority if they have no team); workers: their caseload.
    For a leader, a scope (or a month) of fewer than ``ECOMAP_MIN_COHORT`` children gives
    the count only: every measure null, ``suppressed`` true and the ``reason``."""
    result = dashboard(store, accounts, settings, scope, cache)
    auditor.record(scope.user, "dashboard.read", target=scope.team)
    return result


@router.get(
    "/dashboard.csv",
    response_class=Response,
    summary="Cohort trend as CSV",
    responses={200: {"content": {"text/csv": {}}, "description": "One row per month end."}},
)
def read_dashboard_csv(
    scope: ScopeDep,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    settings: SettingsDep,
    cache: CacheDep,
) -> Response:
    """The trend table: one row per month end, a column per cohort measure, and
    ``suppressed`` (``true`` where a leader sees the count only: the measures are empty)."""
    result = dashboard(store, accounts, settings, scope, cache)
    team, status, worker, minimum = scope.team, scope.status, scope.worker, scope.min_cohort
    auditor.record(scope.user, "dashboard.export", target=team)
    out = io.StringIO()
    rows = result["trend"]
    columns = ["at", *[k for k in rows[0] if k != "at"]] if rows else ["at"]
    writer = csv.DictWriter(
        out,
        fieldnames=["team", "status", "worker", *columns, "suppressed"],
        lineterminator="\n",
        extrasaction="ignore",
    )
    writer.writeheader()
    for row in rows:
        cells = {
            "team": team or "",
            "status": status or "",
            "worker": worker or "",
            **{k: "" if v is None else v for k, v in row.items()},
            "suppressed": "true" if int(row.get("children") or 0) < minimum else "false",
        }
        writer.writerow({k: csv_cell(v) for k, v in cells.items()})
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="dashboard.csv"'},
    )
