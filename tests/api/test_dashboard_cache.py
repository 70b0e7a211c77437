"""The dashboard's cache: repeat requests reuse the computed answer; any write to the
store (even to a child outside the scope) makes the next request compute afresh; callers
asking at once for what is being made wait for it instead of making it again."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from api.dashboard import DashboardCache, Viewer, dashboard
from api.dashboard_cache import Lru
from api.settings import Settings
from ecomap.measures.cohort import month_ends
from ecomap.model import EcomapDocument
from graph.embedded import EmbeddedStore

AT = date(2024, 12, 31)


def test_repeat_requests_reuse_and_writes_refresh(
    fixture_documents: dict[str, EcomapDocument],
) -> None:
    store = EmbeddedStore.memory()
    settings = Settings.from_mapping({})
    docs = list(fixture_documents.values())
    store.replace_many(docs, actor="import:fixtures")
    imported = store.revision()
    cache = DashboardCache()
    leader = Viewer("leader")

    first = dashboard(store, None, settings, leader, at=AT, months=3, cache=cache)
    assert dashboard(store, None, settings, leader, at=AT, months=3, cache=cache) is first
    assert dashboard(store, None, settings, leader, at=AT, months=4, cache=cache) is not first
    fresh = dashboard(store, None, settings, leader, at=AT, months=3)
    assert fresh == first and fresh is not first

    removed = docs[0].child.id
    store.close_record(removed, actor="test")  # a closed record leaves the dashboard
    after = dashboard(store, None, settings, leader, at=AT, months=3, cache=cache)
    assert after is not first
    assert after.measures.children == first.measures.children - 1
    # and the dashboard as recorded before the close is the first one again
    then = dashboard(store, None, settings, leader, at=AT, months=3, cache=cache,
                     as_recorded=imported)
    assert then == first
    store.close()


# ------------------------------------------------------------ one computation per key
# (api.dashboard_cache.Lru, with real threads)


def _blocked(threads: list[threading.Thread]) -> None:
    """Wait until each of ``threads`` is blocked in a wait (for a lock, event or answer)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        frames = sys._current_frames()
        if all(_waiting(frames.get(t.ident or -1)) for t in threads):
            return
        time.sleep(0.005)
    raise AssertionError("the threads did not reach a wait")


def _waiting(frame: Any) -> bool:
    while frame is not None:
        if frame.f_code.co_name == "wait":
            return True
        frame = frame.f_back
    return False


def _run(target: Callable[[], None], n: int) -> list[threading.Thread]:
    threads = [threading.Thread(target=target) for _ in range(n)]
    for thread in threads:
        thread.start()
    return threads


def test_concurrent_gets_of_one_key_make_it_once() -> None:
    lru: Lru[str, object] = Lru(4)
    calls: list[int] = []
    started, release = threading.Event(), threading.Event()

    def make() -> object:
        calls.append(threading.get_ident())
        started.set()
        release.wait(5)
        return object()

    got: list[object] = []
    first = _run(lambda: got.append(lru.get("k", make)), 1)
    assert started.wait(5)
    others = _run(lambda: got.append(lru.get("k", make)), 4)
    _blocked(others)  # all four asked while the first was still making it
    release.set()
    for thread in first + others:
        thread.join(5)
    assert len(calls) == 1
    assert len(got) == 5 and all(value is got[0] for value in got)
    assert lru.get("k", make) is got[0] and len(calls) == 1


def test_an_exception_reaches_every_waiter_and_is_not_kept() -> None:
    lru: Lru[str, int] = Lru(4)
    calls: list[int] = []
    started, release = threading.Event(), threading.Event()

    def fail() -> int:
        calls.append(1)
        started.set()
        release.wait(5)
        raise RuntimeError("the store did not answer")

    errors: list[BaseException] = []

    def ask() -> None:
        try:
            lru.get("k", fail)
        except RuntimeError as exc:
            errors.append(exc)

    first = _run(ask, 1)
    assert started.wait(5)
    others = _run(ask, 3)
    _blocked(others)
    release.set()
    for thread in first + others:
        thread.join(5)
    assert len(calls) == 1 and len(errors) == 4
    assert all(str(e) == "the store did not answer" for e in errors)
    assert not lru.has("k") and len(lru) == 0
    assert lru.get("k", lambda: 7) == 7  # the next caller tries again


def test_get_many_makes_only_what_no_one_else_is_making() -> None:
    lru: Lru[int, str] = Lru(8)
    asked: list[list[int]] = []
    started, release = threading.Event(), threading.Event()

    def slow(missing: list[int]) -> list[str]:
        asked.append(missing)
        started.set()
        release.wait(5)
        return [f"v{k}" for k in missing]

    def quick(missing: list[int]) -> list[str]:
        asked.append(missing)
        return [f"v{k}" for k in missing]

    got: dict[str, list[str]] = {}
    first = _run(lambda: got.__setitem__("first", lru.get_many([1, 2, 3], slow)), 1)
    assert started.wait(5)
    second = _run(lambda: got.__setitem__("second", lru.get_many([2, 3, 4], quick)), 1)
    _blocked(second)  # made 4 itself, now waits for 2 and 3
    release.set()
    for thread in first + second:
        thread.join(5)
    assert sorted(asked) == [[1, 2, 3], [4]]
    assert got == {"first": ["v1", "v2", "v3"], "second": ["v2", "v3", "v4"]}


def test_a_team_dashboard_reuses_the_authority_wide_dates(
    fixture_documents: dict[str, EcomapDocument],
) -> None:
    store = EmbeddedStore.memory()
    store.replace_many(list(fixture_documents.values()), actor="import:fixtures")
    settings = Settings.from_mapping({"min_cohort": 1})
    cache = DashboardCache()
    everyone = dashboard(store, None, settings, Viewer("leader"), at=AT, months=6, cache=cache)
    assert len(cache.values) == 6

    def made_again() -> Any:
        raise AssertionError("computed again")

    kept = [cache.values.get(key, made_again) for key in _value_keys(store, settings, 6)]
    north = dashboard(store, None, settings, Viewer("leader", team="North"), at=AT, months=6,
                      cache=cache)
    assert north.scope.team == "North" and north.measures.children < everyone.measures.children
    assert len(cache.values) == 6 and len(cache.answers) == 2
    assert [cache.values.get(key, made_again)
            for key in _value_keys(store, settings, 6)] == kept
    store.close()


def _value_keys(store: EmbeddedStore, settings: Settings, months: int) -> list[Any]:
    ms = settings.measure_settings().model_dump_json()
    return [(store.revision(), day, ms) for day in month_ends(AT, months)]
