"""Signing in and out: a session cookie for the pages, the same token as a bearer for clients."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from api.accounts import Accounts, User
from api.audit import refused_name
from api.auth.passwords import verify_password
from api.auth.principal import Principal
from api.auth.sessions import SESSION_COOKIE, bearer_token, start_session
from api.deps import AccountsDep, AuditorDep, CurrentUser, NowDep, SettingsDep, ThrottleDep
from api.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from api.models.accounts import LoginBody, MePublic, SessionPublic, user_public
from api.models.common import Message

router = APIRouter(prefix="/api/auth", tags=["auth"], responses=ERROR_RESPONSES)


#: How long a sign-in waits for a free password-hashing slot before it gets 429.
HASH_WAIT_SECONDS = 5.0


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _throttled(retry_after: int, reason: str) -> ApiError:
    return ApiError(
        429,
        f"{reason}: try again in {retry_after} s",
        headers={"Retry-After": str(retry_after)},
    )


def _check_password(accounts: Accounts, username: str, password: str) -> User | None:
    """The active user whose password this is, else None (same cost either way)."""
    ok = verify_password(accounts.password_hash(username), password)
    user = accounts.user(username) if ok else None
    return user if user is not None and user.active else None


@router.post(
    "/login",
    response_model=SessionPublic,
    summary="Sign in",
    responses={429: {"model": ErrorResponse, "description": "Too many sign-ins: see "
                     "`Retry-After` (seconds)."}},
)
async def login(
    body: LoginBody,
    request: Request,
    accounts: AccountsDep,
    auditor: AuditorDep,
    settings: SettingsDep,
    throttle: ThrottleDep,
    now: NowDep,
    response: Response,
) -> SessionPublic:
    """Check the password; set the `ecomap_session` cookie (HttpOnly, SameSite=Strict) and
    return the same token for `Authorization: Bearer <token>`.

    Throttled (429 with `Retry-After`) after repeated failures for one username or many
    attempts from one address, even with the right password; password checks run a few
    at a time, so a flood of sign-ins queues instead of slowing everyone's reads."""
    address = _client_address(request)
    refusal = throttle.check(body.username, address)
    if refusal is not None:
        await run_in_threadpool(
            auditor.record,
            Principal(actor=_audit_name(request, accounts, body.username), role="worker"),
            "auth.login",
            outcome="throttled",
        )
        raise _throttled(refusal.retry_after, refusal.reason)
    throttle.attempted(address)
    slot = throttle.hash_slot()
    try:
        await asyncio.wait_for(slot.acquire(), timeout=HASH_WAIT_SECONDS)
    except TimeoutError:
        raise _throttled(1, "too many sign-ins at once") from None
    try:
        # again, now that this sign-in has a slot: guesses that queued together must not
        # all slip past the account's limit (with one slot, the count is exact)
        refusal = throttle.check(body.username, address, count_address=False)
        if refusal is not None:
            raise _throttled(refusal.retry_after, refusal.reason)
        user = await run_in_threadpool(_check_password, accounts, body.username, body.password)
        if user is None:
            throttle.failed(body.username, address)
    finally:
        slot.release()
    if user is None:
        await run_in_threadpool(
            auditor.record,
            Principal(actor=_audit_name(request, accounts, body.username), role="worker"),
            "auth.login",
            outcome="refused",
        )
        raise ApiError(401, "wrong username or password")
    token, expires = await run_in_threadpool(
        start_session, accounts, user, now, settings.session_hours
    )
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        samesite="strict",
        secure=settings.cookie_secure,
        path="/",
    )
    await run_in_threadpool(
        auditor.record, Principal(actor=user.username, role=user.role, team=user.team), "auth.login"
    )
    return SessionPublic(token=token, expires=expires, user=user_public(user))


def _audit_name(request: Request, accounts: Accounts, username: str) -> str:
    """An existing account's name as is; any other typed name as a keyed hash."""
    if accounts.user(username) is not None:
        return username
    return refused_name(request.app.state.audit_key, username)


@router.post("/logout", response_model=Message, summary="Sign out")
def logout(
    request: Request,
    user: CurrentUser,
    accounts: AccountsDep,
    auditor: AuditorDep,
    response: Response,
) -> Message:
    """End this session (the cookie or bearer token stops working at once)."""
    token = bearer_token(request.headers.get("authorization"), "bearer") or request.cookies.get(
        SESSION_COOKIE
    )
    if token:
        accounts.end_session(token)
    response.delete_cookie(SESSION_COOKIE, path="/")
    auditor.record(user, "auth.logout")
    return Message(message="signed out")


@router.get("/me", response_model=MePublic, summary="Who am I")
def me(user: CurrentUser, accounts: AccountsDep) -> MePublic:
    """The signed-in user, their role and team, and the ids of their caseload."""
    if user.role == "young_person":  # pragma: no cover - CurrentUser never yields links
        raise ApiError(403, "not for links")
    return MePublic(
        username=user.actor, role=user.role, team=user.team, caseload=accounts.caseload(user.actor)
    )
