"""The child resource: summary rows, the full record, create and update bodies."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.models.common import Body
from ecomap.model import EcomapDocument, IsoDate, Status, plain_text

ChildId = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")
]
# FORMAT.md's text rule (no control characters), refused here with the body's field name
Name = Annotated[str, plain_text(min_length=1, max_length=200)]
Team = Annotated[str, plain_text(min_length=1, max_length=100)]


class ChildBase(Body):
    name: Name = Field(description="The child's name (pseudonymous in tests and demos).")
    birth_date: IsoDate | None = None
    status: Status | None = None
    team: Team | None = None


class ChildCreate(ChildBase):
    id: ChildId | None = Field(None, description="Leave out to have one made (`c-` + random hex).")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "c-ava",
                    "name": "Ava",
                    "birth_date": "2012-04-01",
                    "status": "looked_after",
                    "team": "North",
                }
            ]
        }
    )


class ChildUpdate(Body):
    """Only the fields sent change; send `null` to clear an optional field."""

    name: Name | None = None
    birth_date: IsoDate | None = None
    status: Status | None = None
    team: Team | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "care_leaver"}]})


class ChildSummaryPublic(BaseModel):
    """A row of the children list. ``name`` is withheld (null) from admins, who manage
    allocations but do not read children's records."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "c-ava",
                    "name": "Ava",
                    "team": "North",
                    "status": "looked_after",
                    "version": 3,
                }
            ]
        }
    )

    id: str
    name: str | None
    team: str | None
    status: Status | None
    version: int
    closed: bool = Field(False, description="Closed records are listed to admins only.")


class Counts(BaseModel):
    people: int
    ties: int
    observations: int
    episodes: int


class ChildPublic(BaseModel):
    """One child's record (the child fields, the version and the size of their history)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "c-ava",
                    "name": "Ava",
                    "birth_date": "2012-04-01",
                    "status": "looked_after",
                    "team": "North",
                    "version": 3,
                    "counts": {"people": 9, "ties": 11, "observations": 20, "episodes": 2},
                }
            ]
        }
    )

    id: str
    name: str
    birth_date: IsoDate | None
    status: Status | None
    team: str | None
    version: int = Field(description="Current version; also the `ETag` header.")
    counts: Counts


def child_public(doc: EcomapDocument, version: int) -> ChildPublic:
    """The child resource of a stored document."""
    c = doc.child
    return ChildPublic(
        id=c.id,
        name=c.name,
        birth_date=c.birth_date,
        status=c.status,
        team=c.team,
        version=version,
        counts=Counts(
            people=len(doc.people),
            ties=len(doc.ties),
            observations=len(doc.observations),
            episodes=len(doc.episodes),
        ),
    )
