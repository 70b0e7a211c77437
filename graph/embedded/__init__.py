"""The embedded store: one SQLite file (or memory), the default store.

Modules: :mod:`~graph.embedded.store` (the :class:`EmbeddedStore`),
:mod:`~graph.embedded.schema` (tables and migrations), :mod:`~graph.embedded.rows`
(documents to rows and back) and :mod:`~graph.embedded.cohort` (cohort tables read as
columns).
"""

from __future__ import annotations

from graph.embedded.store import EmbeddedStore

__all__ = ["EmbeddedStore"]
