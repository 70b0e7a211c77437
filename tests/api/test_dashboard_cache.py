"""The dashboard's cache: repeat requests reuse the computed answer; any write to the
store (even to a child outside the scope) makes the next request compute afresh."""

from __future__ import annotations

from datetime import date

from api.dashboard import DashboardCache, Viewer, dashboard
from api.settings import Settings
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
