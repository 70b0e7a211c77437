"""Password hashing with argon2 (argon2-cffi's recommended parameters)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so a wrong name takes as long as a
    wrong password and timing does not reveal which accounts exist. Made on first use,
    not at import: hashing costs ~0.5 s, which every CLI start would otherwise pay."""
    return _hasher.hash("no such user: a dummy to spend the same time")

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``.

    >>> verify_password(hash_password("correct horse"), "correct horse")
    True
    """
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; a missing user costs the same time.

    >>> verify_password(None, "anything")
    False
    """
    try:
        return _hasher.verify(stored if stored is not None else _dummy_hash(), password) and (
            stored is not None
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None if it is acceptable.

    >>> password_problem("short")
    'must be at least 10 characters'
    """
    if len(password) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters"
    if password.strip() != password:
        return "must not start or end with spaces"
    return None
