"""Cohort dashboard routes: the figures and trend for a scope as JSON or CSV. No names.

The work - scope, the cohort on the date, disclosure control, caching - is
:mod:`api.dashboard`; these routes parse, audit and render.
"""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel

from api.dashboard import asking, dashboard
from api.dashboard_request import DashboardCacheDep, DashboardRequestDep
from api.deps import AccountsDep, AuditorDep, CurrentUser, SettingsDep, StoreDep, TodayDep
from api.errors import ERROR_RESPONSES, ApiError
from ecomap.dashboard import AskAgain, Dashboard
from ecomap.dashboard_csv import CSV_COLUMNS, csv_rows

router = APIRouter(prefix="/api", tags=["dashboard"], responses=ERROR_RESPONSES)



@router.get("/dashboard", response_model=Dashboard, summary="Cohort figures and trends")
def read_dashboard(
    query: DashboardRequestDep,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    settings: SettingsDep,
    cache: DashboardCacheDep,
) -> Dashboard:
    """Aggregates only (MEASURES.md cohort figures, each with its ``n``), never names or
    per-child values. Leaders filter by team and status (a leader with a team sees that
    team); workers see their caseload. The cohort on ``at`` is the children open then,
    with their team and status then; ``at`` after today is refused (422). For leaders,
    figures are withheld (``suppressed``) by the small-numbers rules of docs/measures.md."""
    result = dashboard(store, accounts, settings, query.viewer, at=query.at, team=query.team,
                       status=query.status, months=query.months, cache=cache,
                       as_recorded=query.as_recorded)
    auditor.record(query.user, "dashboard.read", target=query.team)
    return result


@router.get(
    "/dashboard.csv",
    response_class=Response,
    summary="Cohort trend as CSV",
    responses={200: {"content": {"text/csv": {}},
                     "description": "One row per month end and figure."}},
)
def read_dashboard_csv(
    query: DashboardRequestDep,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    settings: SettingsDep,
    cache: DashboardCacheDep,
) -> Response:
    """The trend as a table: one row per month end and figure (the cohort's, then the
    plans figures and the holders chart), with the figure's ``value``, its ``n`` (the
    children it was computed over) and ``suppressed`` (``true`` where it is withheld:
    value and n empty), exactly as the JSON (``ecomap.dashboard_csv``)."""
    result = dashboard(store, accounts, settings, query.viewer, at=query.at, team=query.team,
                       status=query.status, months=query.months, cache=cache,
                       as_recorded=query.as_recorded)
    auditor.record(query.user, "dashboard.export", target=query.team)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(result))
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="dashboard.csv"'},
    )


class AskAgainList(BaseModel):
    """The caller's caseload, each child with their latest trust answer."""

    data: list[AskAgain]
    count: int


@router.get("/asking", response_model=AskAgainList, summary="Time to ask again")
def read_asking(
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    settings: SettingsDep,
    today: TodayDep,
    cache: DashboardCacheDep,
) -> AskAgainList:
    """For a worker's caseload (an admin: every child): when each child last answered
    "Is this someone you trust?" about a current relationship, and ``ask_again`` when that
    is never or longer ago than the window (``ECOMAP_WINDOW_DAYS``)."""
    if user.role == "leader":
        raise ApiError(403, "leaders see aggregates only")
    ids = (accounts.caseload(user.actor) if user.role == "worker"
           else [c.id for c in store.children().data])
    found = asking(store, ids, settings, today, cache)
    return AskAgainList(data=found, count=len(found))
