"""A child's measures on a date (MEASURES.md shape) and their monthly history."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.deps import (
    AccountsDep,
    AtQ,
    AuditorDep,
    CurrentUser,
    SettingsDep,
    StoreDep,
    TodayDep,
    require_child,
)
from api.editing import etag, load
from api.errors import ERROR_RESPONSES
from api.models.views import MeasuresHistory, MeasuresPublic
from api.routes.maps import PerspectiveQ
from ecomap.measures import child_measures
from ecomap.measures.cohort import month_ends

router = APIRouter(prefix="/api/children", tags=["measures"], responses=ERROR_RESPONSES)

WindowQ = Annotated[int | None, Query(ge=1, le=3650, description="Continuity window, days.")]


@router.get("/{child_id}/measures", response_model=MeasuresPublic, summary="Measures on a date")
def read_measures(
    child_id: str,
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    settings: SettingsDep,
    today: TodayDep,
    response: Response,
    at: AtQ = None,
    perspective: PerspectiveQ = "combined",
    window_days: WindowQ = None,
) -> dict[str, Any]:
    """Network, continuity and concordance measures and the per-tie strengths, exactly
    as MEASURES.md names them (the same numbers as `ecomap measures`)."""
    require_child(user, child_id, accounts, auditor, "measures.read")
    version, doc = load(store, child_id, None)
    auditor.record(user, "measures.read", child_id=child_id)
    etag(response, version)
    return child_measures(
        doc,
        at or today,
        perspective,
        window_days=window_days or settings.window_days,
        settings=settings.measure_settings(),
    )


@router.get(
    "/{child_id}/measures/history", response_model=MeasuresHistory, summary="Measures at month ends"
)
def read_history(
    child_id: str,
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    settings: SettingsDep,
    today: TodayDep,
    at: AtQ = None,
    months: Annotated[int, Query(ge=1, le=120, description="How many month ends.")] = 12,
    perspective: PerspectiveQ = "combined",
    window_days: WindowQ = None,
) -> dict[str, Any]:
    """The child's measures at each of the last `months` month ends up to `at`, oldest
    first (the last point is `at` itself when it is not a month end)."""
    require_child(user, child_id, accounts, auditor, "measures.history")
    _, doc = load(store, child_id, None)
    auditor.record(user, "measures.history", child_id=child_id)
    points: list[date] = month_ends(at or today, months)
    ms = settings.measure_settings()
    data = [
        child_measures(
            doc, point, perspective, window_days=window_days or settings.window_days, settings=ms
        )
        for point in points
    ]
    return {"child": child_id, "perspective": perspective, "data": data, "count": len(data)}
