"""Users, sign-in, allocations, young people's links and audit entries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.accounts import User
from api.models.children import ChildId, Team
from api.models.common import Body

Username = Annotated[
    str, StringConstraints(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
]
RoleName = Literal["worker", "leader", "admin"]


class LoginBody(Body):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"username": "sam", "password": "a long passphrase"}]}
    )


class UserBase(Body):
    username: Username
    role: RoleName
    team: Team | None = Field(None, description="A leader with a team sees that team only.")


class UserCreate(UserBase):
    password: Annotated[str, StringConstraints(min_length=10, max_length=1024)]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "username": "sam",
                    "role": "worker",
                    "team": "North",
                    "password": "a long passphrase",
                }
            ]
        }
    )


class UserPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "username": "sam",
                    "role": "worker",
                    "team": "North",
                    "active": True,
                    "created_at": "2026-01-05T09:00:00Z",
                }
            ]
        }
    )

    username: str
    role: RoleName
    team: str | None
    active: bool
    created_at: datetime


class PasswordReset(Body):
    """A new password an admin sets for a user (tell them to change it)."""

    password: Annotated[str, StringConstraints(min_length=10, max_length=1024)]

    model_config = ConfigDict(json_schema_extra={"examples": [{"password": "a new passphrase"}]})


class SessionsEnded(BaseModel):
    """How many sign-ins were ended."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"username": "sam", "ended": 2}]})

    username: str
    ended: int = Field(ge=0)


def user_public(user: User) -> UserPublic:
    """The public face of an account (never its password hash)."""
    return UserPublic(
        username=user.username,
        role=user.role,
        team=user.team,
        active=user.active,
        created_at=user.created_at,
    )


class SessionPublic(BaseModel):
    """A sign-in: send ``Authorization: Bearer <token>`` or rely on the cookie."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "token": "Zt1…",
                    "expires": "2026-01-05T21:00:00Z",
                    "user": {
                        "username": "sam",
                        "role": "worker",
                        "team": "North",
                        "active": True,
                        "created_at": "2026-01-05T09:00:00Z",
                    },
                }
            ]
        }
    )

    token: str
    expires: datetime
    user: UserPublic


class MePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "username": "sam",
                    "role": "worker",
                    "team": "North",
                    "caseload": ["c-ava", "c-leo"],
                }
            ]
        }
    )

    username: str
    role: RoleName
    team: str | None
    caseload: list[str] = Field(description="Ids of the children allocated to you.")


class AllocationCreate(Body):
    username: Username
    child_id: ChildId

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"username": "sam", "child_id": "c-ava"}]}
    )


class AllocationPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"username": "sam", "child_id": "c-ava", "created": True}]}
    )

    username: str
    child_id: str
    created: bool = Field(description="False if it was already allocated.")


class LinkCreate(Body):
    days: float | None = Field(
        None,
        strict=True,
        gt=0,
        le=90,
        description="Lifetime in days (at most the `link_days` setting).",
    )

    model_config = ConfigDict(json_schema_extra={"examples": [{"days": 7}]})


class LinkPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "l-5e2d0c9a1b3f4e6d",
                    "child_id": "c-ava",
                    "url": "/trust/eyJsIjoi…",
                    "expires": "2026-01-19T09:00:00Z",
                }
            ]
        }
    )

    id: str
    child_id: str
    url: str = Field(description="Give this to the young person: `/trust/<token>`.")
    expires: datetime


class LinkRow(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "l-5e2d0c9a1b3f4e6d",
                    "child_id": "c-ava",
                    "created_by": "sam",
                    "created_at": "2026-01-05T09:00:00Z",
                    "expires_at": "2026-01-19T09:00:00Z",
                    "revoked_at": None,
                }
            ]
        }
    )

    id: str
    child_id: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class AuditEntryPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 42,
                    "at": "2026-01-05T09:03:10Z",
                    "actor": "sam",
                    "role": "worker",
                    "action": "tie.end",
                    "child_id": "c-ava",
                    "target": "t2",
                    "outcome": "ok",
                }
            ]
        }
    )

    id: int
    at: datetime
    actor: str = Field(description="Username, or `link:<id>` for a young person's link.")
    role: str
    action: str
    child_id: str | None
    target: str | None
    outcome: str
