"""Young people's links: signed, expiring, revocable tokens scoped to one child.

The token is an itsdangerous signature over ``{link id, child id, expiry}``; the
accounts database holds the link row, so a worker can revoke it and expiry is
checked against the server's clock (not just the token's own claim).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.responses import Response

from api.accounts import Accounts, Link

LINK_COOKIE = "ecomap_link"
_SALT = "ecomap.young-person-link"


def set_link_cookie(response: Response, token: str, *, max_age: int, secure: bool) -> None:
    """Remember a young person's link in the ``ecomap_link`` cookie (for pages that prefer a
    cookie to the ``Authorization: Link <token>`` header): HttpOnly, SameSite=Strict,
    sent only to ``/api/me``."""
    response.set_cookie(LINK_COOKIE, token, max_age=max_age, httponly=True, samesite="strict",
                        secure=secure, path="/api/me")


class LinkRefused(Exception):
    """The token is forged, expired, revoked, or names a deleted link."""


class LinkSigner:
    """Makes and checks link tokens with the service's secret key."""

    def __init__(self, secret: str) -> None:
        self._s = URLSafeSerializer(secret, salt=_SALT)

    def create(
        self, accounts: Accounts, child_id: str, created_by: str, now: datetime, lifetime: timedelta
    ) -> tuple[Link, str]:
        """Record a new link for ``child_id`` and return it with its token."""
        link_id = "l-" + secrets.token_hex(8)
        expires = now + lifetime
        link = accounts.add_link(link_id, child_id, created_by, now, expires)
        token = self._s.dumps({"l": link_id, "c": child_id, "e": int(expires.timestamp())})
        return link, token

    def check(self, accounts: Accounts, token: str, now: datetime) -> Link:
        """The link a token names, if it is genuine, unexpired and not revoked."""
        try:
            claim = self._s.loads(token)
        except BadSignature as exc:
            raise LinkRefused("the link is not genuine") from exc
        if not isinstance(claim, dict) or not {"l", "c", "e"} <= claim.keys():
            raise LinkRefused("the link is not genuine")
        link = accounts.link(str(claim["l"]))
        if link is None or link.child_id != claim["c"]:
            raise LinkRefused("the link no longer exists")
        if link.revoked_at is not None:
            raise LinkRefused("the link was revoked")
        expiry = min(link.expires_at, datetime.fromtimestamp(int(claim["e"]), UTC))
        if expiry <= now:
            raise LinkRefused("the link has expired")
        return link
