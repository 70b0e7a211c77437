"""Sign-in sessions: a random token kept hashed server-side, sent as a cookie or bearer."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from api.accounts import Accounts, User

SESSION_COOKIE = "ecomap_session"


def start_session(
    accounts: Accounts, user: User, now: datetime, hours: float
) -> tuple[str, datetime]:
    """Open a session for ``user``; return its token and when it expires."""
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=hours)
    accounts.add_session(token, user.username, now, expires)
    return token, expires


def bearer_token(authorization: str | None, scheme: str) -> str | None:
    """The credential of an ``Authorization: <scheme> <token>`` header, if that scheme.

    >>> bearer_token("Bearer abc", "bearer")
    'abc'
    >>> bearer_token("Link abc", "bearer") is None
    True
    """
    if not authorization:
        return None
    given, _, token = authorization.partition(" ")
    if given.lower() != scheme.lower() or not token.strip():
        return None
    return token.strip()
