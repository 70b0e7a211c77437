"""Admin: user accounts and allocations of children to workers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.accounts import Accounts, User, UserExists
from api.auth.passwords import hash_password, password_problem
from api.deps import AccountsDep, AuditorDep, CurrentUser, NowDep, ThrottleDep, require_role
from api.errors import ERROR_RESPONSES, ApiError, ErrorDetail, ErrorResponse
from api.models.accounts import (
    AllocationCreate,
    AllocationPublic,
    PasswordReset,
    SessionsEnded,
    UserCreate,
    Username,
    UserPublic,
    user_public,
)
from api.models.common import Listing

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
    _check_password(body.password, body.username, body.team)
    try:
        created = accounts.add_user(
            body.username, hash_password(body.password), body.role, body.team, now
        )
    except UserExists:
        raise ApiError(409, "that username is taken", code="exists") from None
    auditor.record(user, "user.create", target=created.username)
    return user_public(created)


def _check_password(password: str, *user_inputs: str | None) -> None:
    problem = password_problem(password, user_inputs=tuple(u for u in user_inputs if u))
    if problem:
        raise ApiError(
            422,
            "the password is too weak",
            details=[ErrorDetail(field="password", message=problem)],
        )


def _existing(accounts: Accounts, username: str) -> User:
    found = accounts.user(username)
    if found is None:
        raise ApiError(404, "no such user")
    return found


_NO_SUCH_USER: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "No such user."}
}


@router.post(
    "/users/{username}/disable",
    response_model=UserPublic,
    summary="Disable a user",
    responses={**_NO_SUCH_USER, 409: {"model": ErrorResponse,
                                      "description": "Admins cannot disable themselves."}},
)
def disable_user(
    username: Username, user: CurrentUser, accounts: AccountsDep, auditor: AuditorDep
) -> UserPublic:
    """The account stops working at once: its password is refused and every session
    (cookie or bearer token) ends. Its allocations and audit trail are kept."""
    require_role(user, "admin")
    _existing(accounts, username)
    if username == user.actor:
        raise ApiError(409, "you cannot disable your own account", code="conflict")
    accounts.set_active(username, False)
    auditor.record(user, "user.disable", target=username)
    return user_public(_existing(accounts, username))


@router.post(
    "/users/{username}/enable",
    response_model=UserPublic,
    summary="Re-enable a user",
    responses=_NO_SUCH_USER,
)
def enable_user(
    username: Username, user: CurrentUser, accounts: AccountsDep, auditor: AuditorDep
) -> UserPublic:
    """A disabled account may sign in again (with its password as it was)."""
    require_role(user, "admin")
    _existing(accounts, username)
    accounts.set_active(username, True)
    auditor.record(user, "user.enable", target=username)
    return user_public(_existing(accounts, username))


@router.put(
    "/users/{username}/password",
    response_model=SessionsEnded,
    summary="Reset a user's password",
    responses=_NO_SUCH_USER,
)
def reset_password(
    username: Username,
    body: PasswordReset,
    user: CurrentUser,
    accounts: AccountsDep,
    auditor: AuditorDep,
    throttle: ThrottleDep,
    now: NowDep,
) -> SessionsEnded:
    """Set a new password (the same policy as for new users): the old one stops working
    and every session of the user ends at once; failed sign-ins are forgotten."""
    require_role(user, "admin")
    found = _existing(accounts, username)
    _check_password(body.password, username, found.team)
    ended = accounts.session_count(username, now)
    accounts.set_password(username, hash_password(body.password))
    throttle.reset_account(username)
    auditor.record(user, "user.password_reset", target=username)
    return SessionsEnded(username=username, ended=ended)


@router.delete(
    "/users/{username}/sessions",
    response_model=SessionsEnded,
    summary="End a user's sessions",
    responses=_NO_SUCH_USER,
)
def end_sessions(
    username: Username, user: CurrentUser, accounts: AccountsDep, auditor: AuditorDep
) -> SessionsEnded:
    """Sign the user out everywhere at once (a lost tablet); they may sign in again."""
    require_role(user, "admin")
    _existing(accounts, username)
    ended = accounts.end_sessions(username)
    auditor.record(user, "user.sessions_end", target=username)
    return SessionsEnded(username=username, ended=ended)


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
