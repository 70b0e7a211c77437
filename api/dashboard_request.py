"""The dashboard request, parsed once: the query the JSON route, its CSV and the page's
figures share, resolved against the user's role and today's date, and the app's
:class:`~api.dashboard.DashboardCache`. FastAPI lives here, beside the routes, so the
service (:mod:`api.dashboard`) runs without it (``ecomap dashboard``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request

from api.auth.principal import Principal
from api.child_access import AsRecordedQ, resolve_as_recorded
from api.dashboard import DashboardCache, Viewer, check_at, viewer_for
from api.deps import AtQ, CurrentUser, StoreDep, TodayDep
from ecomap.model import Status

TeamQ = Annotated[str | None, Query(max_length=100, description="Only this team (on the date).")]
StatusQ = Annotated[Status | None, Query(description="Only this status (on the date).")]
WorkerQ = Annotated[str | None, Query(max_length=64, description="A worker's own caseload.")]
MonthsQ = Annotated[int, Query(ge=1, le=60, description="How many month ends in the trend.")]


@dataclass(frozen=True)
class DashboardRequest:
    """One dashboard request resolved against the user's role and today's date."""

    user: Principal
    viewer: Viewer
    at: date
    team: str | None
    status: Status | None
    months: int
    as_recorded: int | None = None


def dashboard_request(
    user: CurrentUser,
    today: TodayDep,
    store: StoreDep,
    at: AtQ = None,
    team: TeamQ = None,
    status: StatusQ = None,
    worker: WorkerQ = None,
    months: MonthsQ = 12,
    as_recorded: AsRecordedQ = None,
) -> DashboardRequest:
    """The query every dashboard route takes: role rules, then ``at`` (default today; a
    date after today is a 422 naming ``at``)."""
    viewer = viewer_for(user, team=team, worker=worker)
    when = check_at(at or today, today)
    wanted = resolve_as_recorded(store, as_recorded)  # a revision or a time: the store then
    revision = store.revision_at(wanted) if wanted is not None else None
    return DashboardRequest(user, viewer, when, viewer.team or team, status, months, revision)


def dashboard_cache(request: Request) -> DashboardCache:
    """The app's dashboard cache (made on first use; the app's start-up makes it, and
    warms it, unless ``ECOMAP_DASHBOARD_WARM`` is off)."""
    cache: DashboardCache | None = getattr(request.app.state, "dashboard_cache", None)
    if cache is None:
        cache = request.app.state.dashboard_cache = DashboardCache()
    return cache


DashboardRequestDep = Annotated[DashboardRequest, Depends(dashboard_request)]
DashboardCacheDep = Annotated[DashboardCache, Depends(dashboard_cache)]

__all__ = [
    "DashboardCacheDep",
    "DashboardRequest",
    "DashboardRequestDep",
    "MonthsQ",
    "StatusQ",
    "TeamQ",
    "WorkerQ",
    "dashboard_cache",
    "dashboard_request",
]
