"""Sign-in throttling: failed guesses per account and attempts per client address, with
stepped back-off (the ``limits`` library's moving windows), and a cap on how many
password hashes run at once so a flood of sign-ins cannot starve everyone's reads.

The counts live in this process's memory: a restart forgets them, and several server
processes each keep their own (docs/security.md).
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


def parse_limits(text: str) -> list[RateLimitItem]:
    """Windows written as ``limits`` does: ``"5/minute;20/hour"`` (each must hold).

    >>> [str(item) for item in parse_limits("5/minute;20/hour")]
    ['5 per 1 minute', '20 per 1 hour']
    """
    return list(parse_many(text))


@dataclass(frozen=True)
class Refusal:
    """A sign-in refused before the password was checked: when to try again, and why."""

    retry_after: int
    reason: str


class SignInThrottle:
    """Counts sign-ins and decides whether the next one may be tried.

    ``account`` windows count *failed* sign-ins of one username (existing or not, so the
    answer reveals nothing about which accounts exist); ``address`` windows count every
    sign-in attempt from one client address. Each is a list of windows: a short one that
    slows a burst and longer ones that back off further while guessing goes on.

    >>> t = SignInThrottle("2/minute", "100/minute", hash_slots=1)
    >>> t.failed("sam", "10.0.0.1"); t.failed("sam", "10.0.0.1")
    >>> t.check("sam", "10.0.0.2").reason
    'too many failed sign-ins for this account'
    >>> t.check("alex", "10.0.0.2") is None
    True
    """

    def __init__(self, account: str, address: str, *, hash_slots: int) -> None:
        self._storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._account = parse_limits(account)
        self._address = parse_limits(address)
        self.hash_slots = hash_slots
        self._slots: dict[int, asyncio.Semaphore] = {}

    @staticmethod
    def _account_key(username: str) -> str:
        return "account:" + username.strip().lower()[:128]

    def _refused(self, items: list[RateLimitItem], key: str) -> int | None:
        waits = []
        for item in items:
            if not self._limiter.test(item, key):
                reset = self._limiter.get_window_stats(item, key).reset_time
                waits.append(max(1, math.ceil(reset - time.time())))
        return max(waits) if waits else None

    def check(
        self, username: str, address: str, *, count_address: bool = True
    ) -> Refusal | None:
        """Whether a sign-in as ``username`` from ``address`` may be tried now (the
        address's windows only if ``count_address``: a sign-in already counted there)."""
        wait = self._refused(self._address, "address:" + address) if count_address else None
        if wait is not None:
            return Refusal(wait, "too many sign-ins from this address")
        wait = self._refused(self._account, self._account_key(username))
        if wait is not None:
            return Refusal(wait, "too many failed sign-ins for this account")
        return None

    def attempted(self, address: str) -> None:
        """Count a sign-in attempt from ``address`` (made whatever its outcome)."""
        for item in self._address:
            self._limiter.hit(item, "address:" + address)

    def failed(self, username: str, address: str) -> None:
        """Count a failed sign-in as ``username``."""
        for item in self._account:
            self._limiter.hit(item, self._account_key(username))

    def reset_account(self, username: str) -> None:
        """Forget an account's failures (an admin reset its password)."""
        for item in self._account:
            self._limiter.clear(item, self._account_key(username))

    def hash_slot(self) -> asyncio.Semaphore:
        """The semaphore capping concurrent password hashes (one per event loop)."""
        loop = id(asyncio.get_running_loop())
        slot = self._slots.get(loop)
        if slot is None:
            slot = self._slots[loop] = asyncio.Semaphore(self.hash_slots)
        return slot
