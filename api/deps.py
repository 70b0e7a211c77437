"""Typed dependencies: the store, the accounts database, the clock, and who is asking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Literal

from fastapi import Depends, Query, Request

from api.accounts import Accounts
from api.audit import Auditor
from api.auth.links import LINK_COOKIE, LinkRefused, LinkSigner
from api.auth.principal import Principal
from api.auth.sessions import SESSION_COOKIE, bearer_token
from api.auth.throttle import SignInThrottle
from api.errors import ApiError
from api.settings import Settings
from ecomap.model import IsoDate
from graph.base import GraphStore

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock (tests may put another on ``app.state.clock``)."""
    return datetime.now(UTC)


def get_store(request: Request) -> GraphStore:
    """The graph store built in the app's lifespan."""
    store: GraphStore = request.app.state.store
    return store


def get_accounts(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_signer(request: Request) -> LinkSigner:
    signer: LinkSigner = request.app.state.signer
    return signer


def get_throttle(request: Request) -> SignInThrottle:
    throttle: SignInThrottle = request.app.state.throttle
    return throttle


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_now(request: Request) -> datetime:
    return get_clock(request)()


def get_today(request: Request) -> date:
    """Today's date on the service's clock (UTC): the default "as at" date."""
    return get_now(request).date()


StoreDep = Annotated[GraphStore, Depends(get_store)]
AccountsDep = Annotated[Accounts, Depends(get_accounts)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SignerDep = Annotated[LinkSigner, Depends(get_signer)]
ThrottleDep = Annotated[SignInThrottle, Depends(get_throttle)]
NowDep = Annotated[datetime, Depends(get_now)]
TodayDep = Annotated[date, Depends(get_today)]
#: The "as at" query parameter every dated read takes.
AtQ = Annotated[IsoDate | None, Query(description="As at this date (default: today).")]
#: Whose view a child's map or measures take.
PerspectiveQ = Annotated[
    Literal["combined", "child", "worker"],
    Query(
        description="Whose view: the child's, the adults', or combined (the child's where given)."
    ),
]


def _session_token(request: Request) -> str | None:
    return bearer_token(request.headers.get("authorization"), "bearer") or request.cookies.get(
        SESSION_COOKIE
    )


def current_user(request: Request) -> Principal:
    """The signed-in worker, leader or admin (bearer token or session cookie), else 401."""
    token = _session_token(request)
    if not token:
        raise ApiError(401, "sign in first", headers={"WWW-Authenticate": "Bearer"})
    user = get_accounts(request).session_user(token, get_now(request))
    if user is None:
        raise ApiError(
            401, "the session has expired: sign in again", headers={"WWW-Authenticate": "Bearer"}
        )
    return Principal(actor=user.username, role=user.role, team=user.team)


def current_link(request: Request) -> Principal:
    """The young person holding a valid link (``Authorization: Link <token>`` or the
    ``ecomap_link`` cookie), else 401."""
    token = bearer_token(request.headers.get("authorization"), "link") or request.cookies.get(
        LINK_COOKIE
    )
    if not token:
        raise ApiError(401, "open your link again", headers={"WWW-Authenticate": "Link"})
    try:
        link = get_signer(request).check(get_accounts(request), token, get_now(request))
    except LinkRefused as exc:
        raise ApiError(401, str(exc), headers={"WWW-Authenticate": "Link"}) from exc
    return Principal(
        actor=f"link:{link.id}", role="young_person", child_id=link.child_id, link_id=link.id
    )


CurrentUser = Annotated[Principal, Depends(current_user)]
CurrentLink = Annotated[Principal, Depends(current_link)]


def get_auditor(request: Request) -> Auditor:
    return Auditor(get_accounts(request), get_clock(request))


AuditorDep = Annotated[Auditor, Depends(get_auditor)]


def require_role(user: Principal, *roles: str) -> None:
    """403 unless the user holds one of ``roles``."""
    if user.role not in roles:
        raise ApiError(403, f"this needs the {' or '.join(roles)} role")


def require_child(
    user: Principal, child_id: str, accounts: Accounts, auditor: Auditor, action: str
) -> None:
    """403 unless ``child_id`` is allocated to the user (their caseload); refusals are audited."""
    if not accounts.is_allocated(user.actor, child_id):
        auditor.record(user, action, child_id=child_id, outcome="denied")
        raise ApiError(403, "this child is not allocated to you")
