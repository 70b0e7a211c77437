"""Liveness: is the service up and its store reachable."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from api.deps import SettingsDep
from api.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api", tags=["health"], responses=ERROR_RESPONSES)


class Health(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "ok", "store": "embedded"}]}
    )

    status: Literal["ok"]
    store: Literal["embedded", "neo4j"]


@router.get("/health", response_model=Health, summary="Health check")
def health(settings: SettingsDep) -> Health:
    """No sign-in needed; says nothing about children."""
    return Health(status="ok", store=settings.store)
