"""The leaders' dashboard page and its charts, built by :mod:`web.figures` from the same
answer ``GET /api/dashboard`` gives (:func:`api.dashboard.dashboard`): bins and figures,
never per-child values."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.dashboard import dashboard
from api.dashboard import teams as team_names
from api.dashboard_request import DashboardCacheDep, DashboardRequestDep
from api.deps import AccountsDep, CurrentUser, SettingsDep, StoreDep
from web.figures import dashboard_figures, plans_figures
from web.pages.shell import page

router = APIRouter()


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page() -> HTMLResponse:
    """The dashboard shell; its script fetches the cohort numbers and the figures."""
    return page("dashboard")


@router.get("/dashboard/figures")
def figures(
    query: DashboardRequestDep, store: StoreDep, accounts: AccountsDep, settings: SettingsDep,
    cache: DashboardCacheDep,
) -> dict[str, Any]:
    """Plotly figure JSON for each dashboard chart, for the same scope rules as the API:
    ``{"children", "empty", "suppressed", "reason", "figures": {name: figure}}``. No child
    id, name or per-child value is in any figure; for an empty date, or a leader's scope
    of fewer than ``ECOMAP_MIN_COHORT`` children, there are no figures, only the count."""
    answer = dashboard(store, accounts, settings, query.viewer, at=query.at, team=query.team,
                       status=query.status, months=query.months, cache=cache,
                       as_recorded=query.as_recorded)
    children = answer.measures.children
    head = {"children": children, "empty": answer.empty, "suppressed": answer.suppressed,
            "reason": answer.reason}
    if answer.empty or answer.suppressed:
        return {**head, "figures": {}}
    data = answer.model_dump(mode="json")
    return {**head, "figures": {**dashboard_figures(data), **plans_figures(data)}}


@router.get("/dashboard/teams")
def teams(user: CurrentUser, store: StoreDep, cache: DashboardCacheDep) -> dict[str, list[str]]:
    """The teams this user may filter the dashboard by: a leader's own team, else every
    team an open record names (from the dashboard's cached tables: the page asks for
    these before its figures, so listing 100,000 children here held them up)."""
    if user.team is not None and user.role == "leader":
        return {"teams": [user.team]}
    return {"teams": team_names(store, cache)}
