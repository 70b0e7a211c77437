"""The leaders' dashboard page and its charts, built by :mod:`web.figures` from the same
cohort numbers ``GET /api/dashboard`` reports (and the per-child values behind them)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.deps import AccountsDep, CurrentUser, SettingsDep, StoreDep
from api.routes.dashboard import CacheDep, ScopeDep, suppress, suppressed_reason
from ecomap.measures.cohort import CohortValues, cohort_values
from web.figures import dashboard_figures
from web.pages.shell import page

router = APIRouter()


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard() -> HTMLResponse:
    """The dashboard shell; its script fetches the cohort numbers and the figures."""
    return page("dashboard")


def per_child(values: CohortValues, rows: Any) -> dict[str, list[Any]]:
    """The per-child values of the children at ``rows`` as plain lists (NaN -> None),
    each sorted (children without a value last): a chart needs only how many children
    have each value, and an order would tie each value to a child (rows are in id order).
    """

    def floats(name: str) -> list[float | None]:
        found = [None if v != v else round(float(v), 3) for v in getattr(values, name)[rows]]
        return sorted(found, key=lambda v: (v is None, v or 0.0))

    return {
        "network_strength": floats("network_strength"),
        "continuity": floats("continuity"),
        "paid_share": floats("paid_share"),
        "social_workers": sorted(int(v) for v in values.social_workers[rows]),
    }


@router.get("/dashboard/figures")
def figures(
    scope: ScopeDep, store: StoreDep, accounts: AccountsDep, settings: SettingsDep,
    cache: CacheDep,
) -> dict[str, Any]:
    """Plotly figure JSON for each dashboard chart, for the same scope rules as the API:
    ``{"children", "suppressed", "reason", "figures": {name: figure}}``. No child id or
    name is in any figure; for a leader's scope of fewer than ``ECOMAP_MIN_COHORT``
    children there are no figures at all, only the count and the reason."""
    team, status, worker = scope.team, scope.status, scope.worker
    cohort, full_trend = cache.measured(
        store, accounts, (team, status, worker), scope.at, scope.months, settings
    )
    children = int(cohort["children"])
    reason = suppressed_reason(children, scope.min_cohort)
    if reason is not None:
        return {"children": children, "suppressed": True, "reason": reason, "figures": {}}
    trend = [suppress(row, scope.min_cohort) for row in full_trend]
    tables = cache.tables(store, accounts, team, status, worker)
    ms = settings.measure_settings()
    window = settings.window_days
    values = per_child(cohort_values(tables, scope.at, window_days=window, settings=ms),
                       tables.indices())
    return {"children": children, "suppressed": False, "reason": None,
            "figures": dashboard_figures(cohort, trend, values)}


@router.get("/dashboard/teams")
def teams(user: CurrentUser, store: StoreDep) -> dict[str, list[str]]:
    """The teams this user may filter the dashboard by."""
    if user.team is not None and user.role == "leader":
        return {"teams": [user.team]}
    return {"teams": sorted({c.team for c in store.children().data if c.team})}
