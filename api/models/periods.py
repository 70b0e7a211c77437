"""Status and team periods (FORMAT.md ``status``/``team`` episodes) as the API shows them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.models.common import Body
from ecomap.model import IsoDate, Slug, Status

PeriodKind = Literal["status", "team"]
TeamName = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class PeriodCreate(Body):
    """A new period: a status (the child's stage) or a team (who holds the case)."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"kind": "status", "status": "looked_after", "start": "2025-03-01",
         "reason": "entered_care"},
        {"kind": "team", "team": "Children in Care", "start": "2025-03-01"}]})

    kind: PeriodKind
    status: Status | None = None
    team: TeamName | None = None
    start: IsoDate
    end: IsoDate | None = None
    reason: Slug | None = None


class PeriodEnd(Body):
    """When a period ended (the case closed, or the stage or team changed)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"end": "2025-08-31"}]})

    end: IsoDate


class PeriodUpdate(Body):
    """A correction: the fields given replace the period's (``end: null`` reopens it)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"start": "2025-02-27"}]})

    status: Status | None = None
    team: TeamName | None = None
    start: IsoDate | None = None
    end: IsoDate | None = None
    reason: Slug | None = None


class PeriodPublic(BaseModel):
    """One period; ``index`` is its place in the child's episodes (use it to end or
    correct it)."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"index": 3, "kind": "status", "status": "looked_after", "team": None,
         "start": "2025-03-01", "end": None, "reason": "entered_care"}]})

    index: int
    kind: PeriodKind
    status: Status | None
    team: str | None
    start: IsoDate
    end: IsoDate | None
    reason: str | None


class PeriodList(BaseModel):
    """A child's status and team periods, oldest first, and the document's version."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"data": [{"index": 0, "kind": "status", "status": "child_in_need", "team": None,
                   "start": "2024-05-03", "end": "2025-03-01", "reason": None}],
         "count": 1, "version": 7}]})

    data: list[PeriodPublic]
    count: int
    version: int = Field(description="The child's version (send it back in If-Match).")
