"""The leaders' dashboard page and its charts, built by :mod:`web.figures` from the same
cohort numbers ``GET /api/dashboard`` reports (and the per-child values behind them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.deps import AccountsDep, CurrentUser, SettingsDep, StoreDep, TodayDep
from api.routes.dashboard import AtQ, MonthsQ, StatusQ, TeamQ, WorkerQ, _scope_ids, scope_for
from ecomap.measures.cohort import CohortValues, cohort_measures, cohort_trend, cohort_values
from web.figures import dashboard_figures
from web.pages.shell import page

router = APIRouter()


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard() -> HTMLResponse:
    """The dashboard shell; its script fetches the cohort numbers and the figures."""
    return page("dashboard")


def per_child(values: CohortValues, rows: Any) -> dict[str, list[Any]]:
    """The per-child values of the children at ``rows`` as plain lists (NaN -> None)."""

    def floats(name: str) -> list[float | None]:
        return [None if v != v else round(float(v), 3) for v in getattr(values, name)[rows]]

    return {
        "network_strength": floats("network_strength"),
        "continuity": floats("continuity"),
        "paid_share": floats("paid_share"),
        "social_workers": [int(v) for v in values.social_workers[rows]],
    }


@router.get("/dashboard/figures")
def figures(
    user: CurrentUser, store: StoreDep, accounts: AccountsDep, settings: SettingsDep,
    today: TodayDep, at: AtQ = None, team: TeamQ = None, status: StatusQ = None,
    worker: WorkerQ = None, months: MonthsQ = 12,
) -> dict[str, Any]:
    """Plotly figure JSON for each dashboard chart, for the same scope rules as the API."""
    team, worker = scope_for(user, team, worker)
    when: date = at or today
    ids = _scope_ids(store, accounts, team, status, worker)
    tables = store.cohort_tables(ids)
    ms = settings.measure_settings()
    window = settings.window_days
    cohort = cohort_measures(tables, when, window_days=window, settings=ms)
    trend = cohort_trend(tables, when, months, window_days=window, settings=ms)
    values = per_child(cohort_values(tables, when, window_days=window, settings=ms),
                       tables.indices())
    return dashboard_figures(cohort, trend, values)


@router.get("/dashboard/teams")
def teams(user: CurrentUser, store: StoreDep) -> dict[str, list[str]]:
    """The teams this user may filter the dashboard by."""
    if user.team is not None and user.role == "leader":
        return {"teams": [user.team]}
    return {"teams": sorted({c.team for c in store.children().data if c.team})}
