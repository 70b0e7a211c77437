"""Observations and episodes: what a worker or a young person adds to the history."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.models.common import Body
from api.models.people import PersonId
from ecomap.model import Direction, EpisodeKind, IsoDate, Perspective, Slug, plain_text

Rating3 = Annotated[int, Field(ge=1, le=3, strict=True)]
Contact = Annotated[int, Field(ge=0, le=4, strict=True)]
Note = Annotated[str, plain_text(max_length=4000, note=True)]


class SupportRatings(Body):
    emotional: Rating3 | None = None
    practical: Rating3 | None = None
    informational: Rating3 | None = None


class ObservationBase(Body):
    tie: PersonId
    closeness: Rating3 | None = None
    contact: Contact | None = None
    support: SupportRatings | None = None
    trusted: StrictBool | None = None


class ObservationCreate(ObservationBase):
    """An observation by a worker or another adult (or recorded for the child)."""

    on: IsoDate
    by: Perspective
    critical: Rating3 | None = None
    direction: Direction | None = None
    note: Note | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "tie": "t1",
                    "on": "2024-01-10",
                    "by": "worker",
                    "closeness": 3,
                    "contact": 3,
                    "support": {"emotional": 3, "practical": 2},
                    "critical": 1,
                    "direction": "both",
                    "trusted": True,
                }
            ]
        }
    )


class YoungObservation(ObservationBase):
    """What a young person may say about a tie of theirs: closeness, contact, support, trust.
    It is recorded as ``by: child`` on today's date."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"tie": "t1", "closeness": 3, "trusted": True}]}
    )


class ObservationPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"tie": "t1", "on": "2024-01-10", "by": "child", "index": 12, "version": 6}
            ]
        }
    )

    tie: str
    on: IsoDate
    by: Perspective
    index: int = Field(description="Position in the child's observation list (order is kept).")
    version: int


class EpisodeCreate(Body):
    kind: EpisodeKind
    start: IsoDate
    end: IsoDate | None = None
    reason: Slug | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"kind": "placement", "start": "2024-09-01", "reason": "moved_placement"}]
        }
    )


class EpisodePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "placement",
                    "start": "2024-09-01",
                    "end": None,
                    "reason": "moved_placement",
                    "version": 7,
                }
            ]
        }
    )

    kind: EpisodeKind
    start: IsoDate
    end: IsoDate | None
    reason: str | None
    version: int
