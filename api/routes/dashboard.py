"""Cohort dashboard: measures and monthly trends for a scope, as JSON or CSV. No names."""

from __future__ import annotations

import csv
import io
import threading
from collections import OrderedDict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.accounts import Accounts
from api.auth.principal import Principal
from api.deps import AccountsDep, AuditorDep, CurrentUser, SettingsDep, StoreDep, TodayDep
from api.errors import ERROR_RESPONSES, ApiError
from api.models.views import DashboardPublic
from api.settings import Settings
from ecomap.measures.cohort import cohort_measures, cohort_trend
from ecomap.measures.tables import CohortTables
from ecomap.model import IsoDate, Status
from graph.base import GraphStore

router = APIRouter(prefix="/api", tags=["dashboard"], responses=ERROR_RESPONSES)

TeamQ = Annotated[str | None, Query(max_length=100, description="Only this team.")]
StatusQ = Annotated[Status | None, Query(description="Only this status.")]
WorkerQ = Annotated[str | None, Query(max_length=64, description="Only this worker's caseload.")]
MonthsQ = Annotated[int, Query(ge=1, le=60, description="How many month ends in the trend.")]
AtQ = Annotated[IsoDate | None, Query(description="As at this date (default: today).")]


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
    """Cohort tables of recent scopes, keyed by the scope's (child id, version) pairs:
    any write changes a version and any deletion the set, so a hit is never stale."""

    def __init__(self, size: int = 4) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[int, CohortTables] = OrderedDict()

    def tables(
        self,
        store: GraphStore,
        accounts: Accounts,
        team: str | None,
        status: Status | None,
        worker: str | None,
    ) -> CohortTables:
        """The scope's tables, read from the store as columns unless cached."""
        caseload = accounts.caseload(worker) if worker is not None else None
        rows = [] if caseload == [] else store.children(team=team, status=status, ids=caseload).data
        key = hash(tuple((c.id, c.version) for c in rows))
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                return hit
        ids = [c.id for c in rows]
        built = store.cohort_tables(ids)
        with self._lock:
            self._entries[key] = built
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return built


def tables_cache(request: Request) -> TablesCache:
    """The app's cache of cohort tables (made on first use)."""
    cache: TablesCache | None = getattr(request.app.state, "tables_cache", None)
    if cache is None:
        cache = request.app.state.tables_cache = TablesCache()
    return cache


CacheDep = Annotated[TablesCache, Depends(tables_cache)]


def dashboard(
    store: GraphStore,
    accounts: Accounts,
    settings: Settings,
    at: date,
    team: str | None,
    status: Status | None,
    worker: str | None,
    months: int,
    cache: TablesCache | None = None,
) -> dict[str, Any]:
    """The cohort measures on ``at`` and their trend, computed by :mod:`ecomap.measures`."""
    tables = (cache or TablesCache()).tables(store, accounts, team, status, worker)
    ms = settings.measure_settings()
    window = settings.window_days
    return {
        "at": at.isoformat(),
        "scope": {"team": team, "status": status, "worker": worker},
        "measures": cohort_measures(tables, at, window_days=window, settings=ms),
        "trend": cohort_trend(tables, at, months, window_days=window, settings=ms),
    }


@router.get("/dashboard", response_model=DashboardPublic, summary="Cohort measures and trends")
def read_dashboard(
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    settings: SettingsDep,
    cache: CacheDep,
    today: TodayDep,
    at: AtQ = None,
    team: TeamQ = None,
    status: StatusQ = None,
    worker: WorkerQ = None,
    months: MonthsQ = 12,
) -> dict[str, Any]:
    """Aggregates only (MEASURES.md cohort names), never names or per-child rows. Leaders:
    their team (or the whole authority if they have no team); workers: their caseload."""
    team, worker = scope_for(user, team, worker)
    result = dashboard(store, accounts, settings, at or today, team, status, worker, months, cache)
    auditor.record(user, "dashboard.read", target=team)
    return result


@router.get(
    "/dashboard.csv",
    response_class=Response,
    summary="Cohort trend as CSV",
    responses={200: {"content": {"text/csv": {}}, "description": "One row per month end."}},
)
def read_dashboard_csv(
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    settings: SettingsDep,
    cache: CacheDep,
    today: TodayDep,
    at: AtQ = None,
    team: TeamQ = None,
    status: StatusQ = None,
    worker: WorkerQ = None,
    months: MonthsQ = 12,
) -> Response:
    """The trend table: one row per month end, a column per cohort measure."""
    team, worker = scope_for(user, team, worker)
    result = dashboard(store, accounts, settings, at or today, team, status, worker, months, cache)
    auditor.record(user, "dashboard.export", target=team)
    out = io.StringIO()
    rows = result["trend"]
    columns = ["at", *[k for k in rows[0] if k != "at"]] if rows else ["at"]
    writer = csv.DictWriter(
        out,
        fieldnames=["team", "status", "worker", *columns],
        lineterminator="\n",
        extrasaction="ignore",
    )
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                "team": team or "",
                "status": status or "",
                "worker": worker or "",
                **{k: "" if v is None else v for k, v in row.items()},
            }
        )
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="dashboard.csv"'},
    )
