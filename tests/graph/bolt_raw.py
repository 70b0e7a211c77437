"""Raw Cypher against a Bolt test database, for tests that look under the store."""

from __future__ import annotations

from typing import Any

import neo4j

#: Connection settings: ``uri``, ``user``, ``password``, ``database``.
Target = dict[str, Any]


def raw(target: Target, query: str, **params: Any) -> list[dict[str, Any]]:
    """Run ``query`` in its own session and return its records as dicts."""
    auth = neo4j.basic_auth(target["user"], target["password"])
    with (
        neo4j.GraphDatabase.driver(target["uri"], auth=auth) as driver,
        driver.session(database=target["database"]) as session,
    ):
        rows: list[dict[str, Any]] = session.run(query, params).data()
        return rows


def count(target: Target, query: str, **params: Any) -> int:
    """The ``n`` of a query's first record."""
    return int(raw(target, query, **params)[0]["n"])
