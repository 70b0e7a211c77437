"""Shared response shapes: lists as ``{data, count}``."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Listing(BaseModel, Generic[T]):
    """A page of results and how many matched in all."""

    data: list[T]
    count: int = Field(ge=0, description="How many matched in all (not just this page).")


class Body(BaseModel):
    """Base of request bodies: unknown fields are errors (they are usually typos)."""

    model_config = ConfigDict(extra="forbid")


class Message(BaseModel):
    """A plain acknowledgement."""

    message: str
