"""The audit log: who did what to which child, and when — ids only, never names or notes."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime

from api.accounts import Accounts
from api.auth.principal import Principal


class Auditor:
    """Records writes and reads of named children's records in the accounts database."""

    def __init__(self, accounts: Accounts, clock: Callable[[], datetime]) -> None:
        self._accounts = accounts
        self._clock = clock

    def record(
        self,
        who: Principal,
        action: str,
        *,
        child_id: str | None = None,
        target: str | None = None,
        outcome: str = "ok",
    ) -> None:
        """Append one entry. ``target`` is an id (person, tie, link, user), never free text."""
        self._accounts.record(
            at=self._clock(),
            actor=who.actor,
            role=who.role,
            action=action,
            child_id=child_id,
            target=target,
            outcome=outcome,
        )


def refused_name(key: str, username: str) -> str:
    """How the audit log names a refused sign-in's username: a keyed hash, never the text
    (a mistyped username is often a password). The same name gives the same value, so
    repeated guessing at one name shows; only the service's key can link it to a name.

    >>> refused_name("k", "sam") == refused_name("k", "sam") != refused_name("k", "sma")
    True
    >>> refused_name("k", "sam").startswith("unknown:")
    True
    """
    digest = hmac.new(key.encode(), username.strip().lower().encode(), hashlib.sha256)
    return "unknown:" + digest.hexdigest()[:16]
