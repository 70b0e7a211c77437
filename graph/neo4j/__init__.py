"""The Neo4j store over the official driver.

Modules: :mod:`~graph.neo4j.store` (the :class:`Neo4jStore`),
:mod:`~graph.neo4j.cypher` (the graph it keeps, with its revisions, and every
statement), :mod:`~graph.neo4j.tx` (transactions and reads pinned at a revision),
:mod:`~graph.neo4j.write` (a revision's rows: closed, created, never rewritten),
:mod:`~graph.neo4j.rows` (documents to rows and back), :mod:`~graph.neo4j.cohort`
(cohort tables read as columns) and :mod:`~graph.neo4j.migrate` (upgrading the layout
before revisions in place). docs/record.md states what it promises. The Bolt test
server it is tested against lives in ``tests/boltserver.py``.
"""

from __future__ import annotations

from graph.neo4j.store import Neo4jStore

__all__ = ["Neo4jStore"]
