"""Shared response shapes: lists as ``{data, count}``."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ecomap.model import EARLIEST_DATE, LATEST_DATE

T = TypeVar("T")


def _iso_moment(value: Any) -> Any:
    """Accept a ``datetime`` or an ISO 8601 string only (not a number of seconds), dated
    within FORMAT.md's bounds (a year-1 moment overflows when moved to UTC).

    >>> _iso_moment("0001-01-01T00:00:00+01:00")
    Traceback (most recent call last):
    ...
    ValueError: must be between 1900-01-01 and 2199-12-31
    """
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        if not EARLIEST_DATE <= value.date() <= LATEST_DATE:
            raise ValueError(f"must be between {EARLIEST_DATE} and {LATEST_DATE}")
        return value
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
