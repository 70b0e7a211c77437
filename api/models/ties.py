"""Ties: create one, end one (with a date and a reason)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.models.common import Body
from api.models.people import PersonId
from ecomap.model import EndReason, IsoDate


class TieBase(Body):
    between: tuple[PersonId, PersonId] = Field(
        description="Two ids: the child and a person, or two people of this child's network."
    )
    started: IsoDate | None = None


class TieCreate(TieBase):
    id: PersonId | None = Field(None, description="Leave out to have one made.")
    ended: IsoDate | None = None
    end_reason: EndReason | None = None

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"between": ["c-ava", "p-gran"], "started": "2012-04-01"}]}
    )


class TieEnd(Body):
    ended: IsoDate
    end_reason: EndReason

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"ended": "2024-06-30", "end_reason": "worker_changed"}]}
    )


class TiePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "t2",
                    "between": ["c-ava", "sw-17"],
                    "started": "2023-09-01",
                    "ended": "2024-06-30",
                    "end_reason": "worker_changed",
                    "version": 5,
                }
            ]
        }
    )

    id: str
    between: tuple[str, str]
    started: IsoDate | None
    ended: IsoDate | None
    end_reason: EndReason | None
    version: int = Field(description="The child's document version after the write.")
