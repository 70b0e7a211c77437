"""The dashboard's cache: repeat requests reuse the computed measures; any write to the
store (even to a child outside the scope) makes the next request compute afresh."""

from __future__ import annotations

from datetime import date

from api.accounts import Accounts
from api.routes.dashboard import TablesCache
from api.settings import Settings
from ecomap.model import EcomapDocument
from graph.embedded import EmbeddedStore

AT = date(2024, 12, 31)


def test_repeat_requests_reuse_and_writes_refresh(
    fixture_documents: dict[str, EcomapDocument],
) -> None:
    store = EmbeddedStore.memory()
    accounts = Accounts(":memory:")
    settings = Settings.from_mapping({})
    docs = list(fixture_documents.values())
    store.replace_many(docs)
    cache = TablesCache()
    scope = (None, None, None)

    first = cache.measured(store, accounts, scope, AT, 3, settings)
    assert cache.measured(store, accounts, scope, AT, 3, settings) is first
    assert cache.measured(store, accounts, scope, AT, 4, settings) is not first

    removed = docs[0].child.id
    store.delete(removed)
    after = cache.measured(store, accounts, scope, AT, 3, settings)
    assert after is not first
    assert after[0]["children"] == first[0]["children"] - 1
    store.close()
    accounts.close()
