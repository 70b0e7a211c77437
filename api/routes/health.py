"""Liveness: is the service up and its store answering."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from api.deps import SettingsDep, StoreDep
from api.errors import ERROR_RESPONSES, ApiError, ErrorResponse

router = APIRouter(prefix="/api", tags=["health"], responses=ERROR_RESPONSES)
log = logging.getLogger("ecomap.api")


class Health(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "ok", "store": "embedded"}]}
    )

    status: Literal["ok"]
    store: Literal["embedded", "neo4j"]


@router.get(
    "/health",
    response_model=Health,
    summary="Health check",
    responses={503: {"model": ErrorResponse, "description": "The store is not answering."}},
)
def health(settings: SettingsDep, store: StoreDep) -> Health:
    """No sign-in needed; says nothing about children. 503 if the store does not answer."""
    try:
        store.children(limit=1)
    except Exception as exc:  # any failure of the store means "not healthy"
        log.error("health: store failed with %s", type(exc).__name__)
        raise ApiError(503, "the store is not answering") from exc
    return Health(status="ok", store=settings.store)
