"""A child's record over record time: revisions, restoring one, closing and erasing."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.models.common import Body

Reason = Annotated[str, StringConstraints(min_length=1, max_length=500, strip_whitespace=True)]


class RevisionPublic(BaseModel):
    """One write to the child's record: who, when, why, and what changed in plain words."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "revision": 57,
                    "at": "2026-11-30T14:02:11Z",
                    "actor": "sam",
                    "reason": None,
                    "kind": "write",
                    "changes": ["closeness of Jo 2 → 3 (2026-11-30, the child's view)"],
                }
            ]
        }
    )

    revision: int = Field(description="The store-wide revision number (for `as_recorded`).")
    at: datetime = Field(description="When it was recorded (UTC).")
    actor: str = Field(description="A user, `link:<id>` (the young person), `import:<source>`.")
    reason: str | None
    kind: str = Field(
        description="`write`, `person` (a shared person's edit), `close`, `reopen`, "
        "`restore`, `migration`."
    )
    changes: list[str] = Field(description="What changed, one plain sentence each.")


class RestoreBody(Body):
    revision: int = Field(ge=0, description="The revision whose record to bring back.")
    reason: Reason = Field(description="Why (kept with the new revision).")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"revision": 41, "reason": "undo a mistaken edit"}]}
    )


class ReasonBody(Body):
    reason: Reason = Field(description="Why (kept with the revision and audited).")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"reason": "record made for the wrong child"}]}
    )


class ErasedPublic(BaseModel):
    """What erasing a record removed."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "child": "c-ava",
                    "revision": 58,
                    "removed": {
                        "revisions": 4,
                        "people": 3,
                        "ties": 5,
                        "observations": 12,
                        "episodes": 1,
                    },
                    "message": "erased c-ava: 4 revisions, 3 people, 5 ties, "
                    "12 observations, 1 episode",
                }
            ]
        }
    )

    child: str
    revision: int = Field(description="The revision that records the erasing.")
    removed: dict[str, int] = Field(description="Rows removed, by kind, over every revision.")
    message: str
