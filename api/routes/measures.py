"""A child's measures on a date (MEASURES.md shape) and their monthly history."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.child_access import Access, AsRecordedQ, ChildAccess
from api.deps import AtQ, PerspectiveQ, SettingsDep, TodayDep
from api.errors import ERROR_RESPONSES
from api.models.views import MeasuresHistory, MeasuresPublic
from ecomap.measures import child_measures
from ecomap.measures.cohort import month_ends

router = APIRouter(prefix="/api/children", tags=["measures"], responses=ERROR_RESPONSES)

WindowQ = Annotated[int | None, Query(ge=1, le=3650, description="Continuity window, days.")]


@router.get("/{child_id}/measures", response_model=MeasuresPublic, summary="Measures on a date")
def read_measures(
    access: Annotated[ChildAccess, Access("measures.read")],
    settings: SettingsDep,
    today: TodayDep,
    at: AtQ = None,
    perspective: PerspectiveQ = "combined",
    window_days: WindowQ = None,
    as_recorded: AsRecordedQ = None,
) -> dict[str, Any]:
    """Network, continuity and concordance measures and the per-tie strengths, exactly
    as MEASURES.md names them (the same numbers as `ecomap measures`); with
    `as_recorded`, from the record as the store held it then."""
    _, doc = access.read(as_recorded)
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
    access: Annotated[ChildAccess, Access("measures.history")],
    settings: SettingsDep,
    today: TodayDep,
    at: AtQ = None,
    months: Annotated[int, Query(ge=1, le=120, description="How many month ends.")] = 12,
    perspective: PerspectiveQ = "combined",
    window_days: WindowQ = None,
    as_recorded: AsRecordedQ = None,
) -> dict[str, Any]:
    """The child's measures at each of the last `months` month ends up to `at`, oldest
    first (the last point is `at` itself when it is not a month end)."""
    _, doc = access.read(as_recorded)
    points: list[date] = month_ends(at or today, months)
    ms = settings.measure_settings()
    data = [
        child_measures(
            doc, point, perspective, window_days=window_days or settings.window_days, settings=ms
        )
        for point in points
    ]
    return {"child": access.child_id, "perspective": perspective, "data": data, "count": len(data)}
