"""Signing in and out: a session cookie for the pages, the same token as a bearer for clients."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.accounts import User
from api.auth.passwords import verify_password
from api.auth.principal import Principal
from api.auth.sessions import SESSION_COOKIE, bearer_token, start_session
from api.deps import AccountsDep, AuditorDep, CurrentUser, NowDep, SettingsDep
from api.errors import ERROR_RESPONSES, ApiError
from api.models.accounts import LoginBody, MePublic, SessionPublic, UserPublic
from api.models.common import Message

router = APIRouter(prefix="/api/auth", tags=["auth"], responses=ERROR_RESPONSES)


def user_public(user: User) -> UserPublic:
    return UserPublic(
        username=user.username,
        role=user.role,
        team=user.team,
        active=user.active,
        created_at=user.created_at,
    )


@router.post("/login", response_model=SessionPublic, summary="Sign in")
def login(
    body: LoginBody,
    accounts: AccountsDep,
    auditor: AuditorDep,
    settings: SettingsDep,
    now: NowDep,
    response: Response,
) -> SessionPublic:
    """Check the password; set the `ecomap_session` cookie (HttpOnly, SameSite=Lax) and
    return the same token for `Authorization: Bearer <token>`."""
    ok = verify_password(accounts.password_hash(body.username), body.password)
    user = accounts.user(body.username) if ok else None
    if user is None or not user.active:
        auditor.record(
            Principal(actor=body.username[:64], role="worker"), "auth.login", outcome="refused"
        )
        raise ApiError(401, "wrong username or password")
    token, expires = start_session(accounts, user, now, settings.session_hours)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )
    auditor.record(Principal(actor=user.username, role=user.role, team=user.team), "auth.login")
    return SessionPublic(token=token, expires=expires, user=user_public(user))


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
