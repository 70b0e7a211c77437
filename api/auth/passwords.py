"""Password hashing with argon2 (argon2-cffi's recommended parameters), and the policy
for new passwords: long enough, and not guessable by zxcvbn's estimate (Dropbox's
maintained estimator with its lists of common passwords, words, names and patterns)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so a wrong name takes as long as a
    wrong password and timing does not reveal which accounts exist. Made on first use,
    not at import: hashing costs ~0.5 s, which every CLI start would otherwise pay."""
    return _hasher.hash("no such user: a dummy to spend the same time")

MIN_LENGTH = 10
#: zxcvbn's scores: 0 too guessable ... 4 very unguessable; 3 is "safely unguessable"
#: (~10^10 guesses), enough against offline guessing of an argon2 hash.
MIN_SCORE = 3
#: zxcvbn refuses longer input; what comes after adds strength anyway.
_ZXCVBN_MAX = 72


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


def password_problem(password: str, *, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why a new password is refused, or None if it is acceptable. ``user_inputs`` (the
    username, the team) are words the password must not lean on.

    >>> password_problem("short")
    'must be at least 10 characters'
    >>> password_problem("password123")  # doctest: +ELLIPSIS
    'is too easy to guess: This is a very common password. Add another word or two...'
    >>> password_problem("correct horse battery") is None
    True
    """
    if len(password) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters"
    if password.strip() != password:
        return "must not start or end with spaces"
    verdict = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=[u for u in user_inputs if u])
    if verdict["score"] < MIN_SCORE:
        feedback = verdict["feedback"]
        why = " ".join([feedback.get("warning") or "", *feedback.get("suggestions", [])]).strip()
        return "is too easy to guess" + (f": {why}" if why else "")
    return None
