"""Graph stores: one :class:`~graph.base.GraphStore` interface, an embedded SQLite
store (default) and a Neo4j store over the official driver."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from graph.base import GraphStore

StoreKind = Literal["embedded", "neo4j"]


def open_store(
    kind: StoreKind = "embedded",
    *,
    path: str | Path | None = None,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> GraphStore:
    """Open the store that settings name; ``path=":memory:"`` gives an in-memory store."""
    if kind == "embedded":
        from graph.embedded import EmbeddedStore

        if path is None or str(path) == ":memory:":
            return EmbeddedStore.memory()
        return EmbeddedStore(Path(path))
    if kind == "neo4j":
        from graph.neo4j import Neo4jStore

        if not uri:
            raise ValueError("NEO4J_URI is required when ECOMAP_STORE=neo4j")
        return Neo4jStore(uri, user=user, password=password, database=database)
    raise ValueError(f"unknown store kind {kind!r}: expected 'embedded' or 'neo4j'")


__all__ = ["GraphStore", "StoreKind", "open_store"]
