"""The app's start-up warm-up (``ECOMAP_DASHBOARD_WARM``): the first dashboard is made
before anyone asks, on a thread of its own; the first request is then a lookup, a team's
dashboard reuses its dates, and a warm-up that cannot run is logged by type only."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest

from api.app import create_app
from api.auth.sessions import start_session
from api.dashboard import DashboardCache, Viewer, dashboard, start_warm_up, warm
from api.settings import Settings
from ecomap.model import EcomapDocument
from graph.base import StoreError
from graph.embedded import EmbeddedStore
from tests.api.conftest import Api, Clock, make_settings


def _store(fixture_documents: dict[str, EcomapDocument]) -> EmbeddedStore:
    store = EmbeddedStore.memory()
    store.replace_many(list(fixture_documents.values()), actor="import:fixtures")
    return store


def test_the_first_dashboard_is_ready_and_shared(
    tmp_path: Path, fixture_documents: dict[str, EcomapDocument]
) -> None:
    store = _store(fixture_documents)
    settings = make_settings(tmp_path, dashboard_warm=True)
    app = create_app(settings, store=store)
    app.state.clock = clock = Clock()
    try:
        with Api(app) as api:
            app.state.dashboard_warm_up.join(10)
            cache: DashboardCache = app.state.dashboard_cache
            # made at start: one answer, its 12 month ends, the tables
            assert (len(cache.answers), len(cache.values), len(cache.tables)) == (1, 12, 1)
            accounts = app.state.accounts
            headers = {}
            for name, team in (("lou", None), ("lena", "North")):
                user = accounts.add_user(name, "unused", "leader", team, clock())
                token, _ = start_session(accounts, user, clock(), 1.0)
                headers[name] = {"Authorization": f"Bearer {token}"}

            first = api.get("/api/dashboard", headers=headers["lou"])
            assert first.status_code == 200
            assert len(cache.answers) == 1  # the warm-up's answer, looked up
            today = clock().date()
            fresh = dashboard(store, None, settings, Viewer("leader"), at=today)  # no cache
            assert first.json() == fresh.model_dump(mode="json")
            assert first.json()["measures"]["children"] > 0

            team = api.get("/api/dashboard", headers=headers["lena"])
            assert team.status_code == 200 and team.json()["scope"]["team"] == "North"
            assert len(cache.answers) == 2 and len(cache.values) == 12  # same dates reused
    finally:
        store.close()


def test_a_warm_up_started_before_the_app_is_the_one_served_and_its_store_closed(
    tmp_path: Path, fixture_documents: dict[str, EcomapDocument]
) -> None:
    """``ecomap serve`` starts the first dashboard before it loads the web framework: the
    app serves from that warm-up's cache and store, and closes the store at shutdown."""
    store = _store(fixture_documents)
    settings = make_settings(tmp_path, dashboard_warm=True)
    clock = Clock()
    early = start_warm_up(store, settings, DashboardCache(), clock().date())
    app = create_app(settings, warm_up=early)
    app.state.clock = clock
    with Api(app) as api:
        early.thread.join(10)
        assert app.state.store is store and app.state.dashboard_cache is early.cache
        assert app.state.dashboard_warm_up is early.thread
        assert len(early.cache.answers) == 1
        user = app.state.accounts.add_user("lou", "unused", "leader", None, clock())
        token, _ = start_session(app.state.accounts, user, clock(), 1.0)
        first = api.get("/api/dashboard", headers={"Authorization": f"Bearer {token}"})
        assert first.status_code == 200 and first.json()["measures"]["children"] > 0
        assert len(early.cache.answers) == 1  # the warm-up's answer, looked up
    with pytest.raises(StoreError):
        store.revision()  # the app owned it and closed it


def test_switched_off_nothing_is_made_at_start(
    tmp_path: Path, fixture_documents: dict[str, EcomapDocument]
) -> None:
    store = _store(fixture_documents)
    app = create_app(make_settings(tmp_path, dashboard_warm=False), store=store)
    try:
        with Api(app):
            assert not hasattr(app.state, "dashboard_warm_up")
            assert len(app.state.dashboard_cache.answers) == 0
    finally:
        store.close()


def test_an_empty_store_warms_to_an_empty_dashboard() -> None:
    store = EmbeddedStore.memory()
    cache = DashboardCache()
    settings = Settings.from_mapping({})
    assert warm(store, settings, cache, date(2025, 6, 30)) is True
    assert len(cache.answers) == 1
    answer = dashboard(store, None, settings, Viewer("leader"), at=date(2025, 6, 30),
                       cache=cache)
    assert len(cache.answers) == 1  # the warmed answer
    assert answer.empty and answer.measures.children == 0
    store.close()


def test_a_failed_warm_up_logs_its_type_only_and_keeps_nothing(
    fixture_documents: dict[str, EcomapDocument], caplog: pytest.LogCaptureFixture
) -> None:
    store = _store(fixture_documents)
    store.close()  # a store that cannot answer
    cache = DashboardCache()
    with caplog.at_level(logging.WARNING, logger="ecomap.api"):
        assert warm(store, Settings.from_mapping({}), cache, date(2025, 6, 30)) is False
    [record] = [r for r in caplog.records if r.name == "ecomap.api"]
    assert record.getMessage().startswith("dashboard warm-up skipped: ")
    kind = record.getMessage().removeprefix("dashboard warm-up skipped: ")
    assert kind.isidentifier()  # the exception's type name, not its message
    assert (len(cache.answers), len(cache.values), len(cache.tables)) == (0, 0, 0)
    # the request path still works against a store that answers, with the same cache
    again = _store(fixture_documents)
    later = dashboard(again, None, Settings.from_mapping({}), Viewer("leader"),
                      at=date(2025, 6, 30), cache=cache)
    assert later.measures.children == len(fixture_documents)
    again.close()
