"""Change a stored value underneath a store, as a record written before a rule existed
would hold it (for tests of :mod:`ecomap.stored`)."""

from __future__ import annotations

from typing import Any

from graph.base import GraphStore
from graph.embedded import EmbeddedStore
from graph.embedded.schema import OPEN


def tamper(store: GraphStore, sql: str, cypher: str, **params: Any) -> None:
    """Run ``sql`` on an embedded store's current rows (``:name`` parameters; ``OPEN``
    is the current rows' ``rev_to``), or ``cypher`` on the Neo4j store's (``$name``),
    bypassing every check a write makes."""
    if isinstance(store, EmbeddedStore):
        with store._writing() as conn:
            conn.execute(sql.replace("OPEN", str(OPEN)), params)
        return
    with store._session() as session:  # type: ignore[attr-defined]
        session.run(cypher, params).consume()
