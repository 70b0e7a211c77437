"""Admin: user accounts and allocations of children to workers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.accounts import UserExists
from api.auth.passwords import hash_password, password_problem
from api.deps import AccountsDep, AuditorDep, CurrentUser, NowDep, require_role
from api.errors import ERROR_RESPONSES, ApiError, ErrorDetail, ErrorResponse
from api.models.accounts import AllocationCreate, AllocationPublic, UserCreate, Username, UserPublic
from api.models.common import Listing
from api.routes.auth import user_public

router = APIRouter(prefix="/api", tags=["admin"], responses=ERROR_RESPONSES)


@router.get("/users", response_model=Listing[UserPublic], summary="List users")
def list_users(user: CurrentUser, accounts: AccountsDep) -> Listing[UserPublic]:
    """Every account: name, role, team, whether active. Never password hashes."""
    require_role(user, "admin")
    rows = [user_public(u) for u in accounts.users()]
    return Listing(data=rows, count=len(rows))


@router.post(
    "/users",
    response_model=UserPublic,
    status_code=201,
    summary="Add a user",
    responses={409: {"model": ErrorResponse, "description": "That username is taken."}},
)
def add_user(
    body: UserCreate, user: CurrentUser, accounts: AccountsDep, auditor: AuditorDep, now: NowDep
) -> UserPublic:
    """Admins add workers, leaders and other admins; the password is stored as argon2id."""
    require_role(user, "admin")
    problem = password_problem(body.password)
    if problem:
        raise ApiError(
            422,
            "the password is too weak",
            details=[ErrorDetail(field="password", message=problem)],
        )
    try:
        created = accounts.add_user(
            body.username, hash_password(body.password), body.role, body.team, now
        )
    except UserExists:
        raise ApiError(409, "that username is taken", code="exists") from None
    auditor.record(user, "user.create", target=created.username)
    return user_public(created)


@router.get("/allocations", response_model=Listing[AllocationPublic], summary="List allocations")
def list_allocations(
    user: CurrentUser,
    accounts: AccountsDep,
    username: Annotated[str | None, Query(max_length=64)] = None,
) -> Listing[AllocationPublic]:
    """Who has which children on their caseload (optionally one user's)."""
    require_role(user, "admin")
    rows = [
        AllocationPublic(username=u, child_id=c, created=False)
        for u, c in accounts.allocations(username)
    ]
    return Listing(data=rows, count=len(rows))


@router.post(
    "/allocations", response_model=AllocationPublic, status_code=201, summary="Allocate a child"
)
def allocate(
    body: AllocationCreate,
    user: CurrentUser,
    accounts: AccountsDep,
    auditor: AuditorDep,
    now: NowDep,
) -> AllocationPublic:
    """Put a child on a user's caseload (they can then read and edit that child)."""
    require_role(user, "admin")
    if accounts.user(body.username) is None:
        raise ApiError(
            422, "no such user", details=[ErrorDetail(field="username", message="no such user")]
        )
    created = accounts.allocate(body.username, body.child_id, now)
    auditor.record(user, "allocation.create", child_id=body.child_id, target=body.username)
    return AllocationPublic(username=body.username, child_id=body.child_id, created=created)


@router.delete("/allocations/{username}/{child_id}", status_code=204, summary="Deallocate a child")
def deallocate(
    username: Username, child_id: str, user: CurrentUser, accounts: AccountsDep, auditor: AuditorDep
) -> Response:
    """Take a child off a user's caseload: they can no longer read or edit that child."""
    require_role(user, "admin")
    if not accounts.deallocate(username, child_id):
        raise ApiError(404, "no such allocation")
    auditor.record(user, "allocation.delete", child_id=child_id, target=username)
    return Response(status_code=204)
