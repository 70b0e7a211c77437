"""Shared response shapes: lists as ``{data, count}``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

T = TypeVar("T")


def _iso_moment(value: Any) -> Any:
    """Accept a ``datetime`` or an ISO 8601 string only (not a number of seconds)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("must be a date and time written YYYY-MM-DDTHH:MM:SS")


IsoMoment = Annotated[datetime, BeforeValidator(_iso_moment)]


class Listing(BaseModel, Generic[T]):
    """A page of results and how many matched in all."""

    data: list[T]
    count: int = Field(ge=0, description="How many matched in all (not just this page).")


class Body(BaseModel):
    """Base of request bodies: unknown fields are errors (they are usually typos)."""

    model_config = ConfigDict(extra="forbid")


class Message(BaseModel):
    """A plain acknowledgement."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"message": "signed out"}]})

    message: str
