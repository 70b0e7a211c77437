"""Guessing passwords: throttled per account and per address with growing waits (429 and
``Retry-After``), weak passwords refused with the reason, and the audit log keeping no
mistyped name (often a password) as typed."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from tests.security.conftest import PASSWORD, Live, LiveFactory


def _guess(live: Live, username: str, password: str) -> tuple[int, str | None]:
    answer = live.sign_in(username, password)
    return answer.status_code, answer.headers.get("retry-after")


def test_guessing_one_account_is_throttled_and_then_even_the_right_password_waits(
    live_world: LiveFactory,
) -> None:
    live = live_world()  # the defaults: 5 failures a minute per account
    answers = [_guess(live, "wendy", f"wrong guess {n}") for n in range(8)]
    statuses = [status for status, _ in answers]
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429] * 3, statuses
    assert all(wait is not None and 0 < int(wait) <= 60 for _, wait in answers[5:])
    status, wait = _guess(live, "wendy", PASSWORD)
    assert status == 429 and wait is not None
    # another account from another address is not held up by it
    assert live.sign_in("wes").status_code == 200


def test_guesses_sent_all_at_once_do_not_slip_past_the_limit(
    live_world: LiveFactory,
) -> None:
    """16 connections guessing together: no more are checked than the limit allows."""
    live = live_world(login_account_limit="3/minute")
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda n: _guess(live, "wendy", f"guess {n}")[0], range(16)))
    assert sorted(statuses) == [401] * 3 + [429] * 13


def test_the_wait_grows_while_guessing_goes_on(live_world: LiveFactory) -> None:
    live = live_world(login_account_limit="2 per 8 seconds;3 per hour")
    assert [_guess(live, "walt", "no")[0] for _ in range(2)] == [401, 401]
    status, short = _guess(live, "walt", "no")
    assert status == 429 and short is not None and int(short) <= 8
    time.sleep(int(short) + 0.5)
    assert _guess(live, "walt", "no")[0] == 401  # the short window has passed ...
    status, long = _guess(live, "walt", "no")
    assert status == 429 and long is not None and int(long) > 60  # ... the hour's has not


def test_many_sign_ins_from_one_address_are_throttled(live_world: LiveFactory) -> None:
    live = live_world(login_address_limit="4/minute")
    statuses = [_guess(live, f"nobody{n}", "whatever")[0] for n in range(6)]
    assert statuses == [401] * 4 + [429] * 2


def test_unknown_names_are_throttled_like_real_ones(live_world: LiveFactory) -> None:
    """The throttle says nothing about which accounts exist."""
    live = live_world(login_account_limit="2/minute")
    real = [_guess(live, "wendy", "no")[0] for _ in range(3)]
    made_up = [_guess(live, "no-such-user", "no")[0] for _ in range(3)]
    assert real == made_up == [401, 401, 429]


def test_weak_passwords_are_refused_saying_why(live: Live) -> None:
    with live.client(headers=live.bearer("ada")) as client:
        for weak in ("password1234", "qwertyuiop", "newworker2026"):
            answer = client.post("/api/users", json={
                "username": "newworker", "role": "worker", "password": weak})
            assert answer.status_code == 422, weak
            [detail] = answer.json()["error"]["details"]
            assert detail["field"] == "password"
            assert detail["message"].startswith("is too easy to guess")
        strong = client.post("/api/users", json={
            "username": "newworker", "role": "worker", "password": "violet tundra kettle 42"})
        assert strong.status_code == 201


def test_the_audit_keeps_no_mistyped_name_as_typed(live: Live) -> None:
    typed = "Summer2024!wendy"  # a password typed into the username box
    assert live.sign_in(typed, "anything at all").status_code == 401
    entries, _ = live.world.accounts.audit(action="auth.login", limit=5)
    refused = [e for e in entries if e.outcome == "refused"]
    assert refused, "the refused sign-in is audited"
    assert all(typed.lower() not in e.actor.lower() for e in entries)
    assert refused[0].actor.startswith("unknown:")
