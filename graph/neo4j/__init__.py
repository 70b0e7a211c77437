"""The Neo4j store over the official driver.

Modules: :mod:`~graph.neo4j.store` (the :class:`Neo4jStore`),
:mod:`~graph.neo4j.cypher` (the graph it keeps and every statement),
:mod:`~graph.neo4j.rows` (records to documents) and :mod:`~graph.neo4j.cohort`
(cohort tables read as columns). The Bolt test server it is tested against lives in
``tests/boltserver.py``.
"""

from __future__ import annotations

from graph.neo4j.store import Neo4jStore

__all__ = ["Neo4jStore"]
