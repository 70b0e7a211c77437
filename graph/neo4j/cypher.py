"""The Cypher the Neo4j store runs: schema, reads and writes, kept apart by type.

Portable on purpose: it runs unchanged on Neo4j 5 (Community, Enterprise, Aura) and
on ArcadeDB's Bolt plugin, the test server. No APOC, no GDS, no ``CALL {}``
subqueries; ids are strings; validity periods are Cypher ``date`` values.

The graph::

    (:Child {id, name, birth_date, status, team, version})
    (:Person {id, name, category, role, adult, paid})        -- shared by children
    (:Child)-[:KNOWS {ord}]->(:Person)                        -- the document's people
    (:Tie {id, child, ord, a, b, member, started, ended, end_reason,
           observations, observation_count})
    (:Tie)-[:END {side}]->(:Child|:Person)                    -- the tie's two ends
    (:Episode {child, ord, kind, start_date, end_date, reason})
    (:Meta {id: "store", revision})                           -- one node, made by the first write

A tie is a node (a reified relationship) so its id can carry a unique constraint
on every server; ``member`` is the person at the other end of a child tie (null
for a tie between two people). A tie's observations travel with it as one JSON
list (``observations``: each with its document position ``ord``), because they
are only ever read with their tie and a node per observation made reading a
child five times slower on the test server. ``child`` on ties and episodes is
indexed, so one child's rows are found without a scan.

Reads are :class:`ReadQuery` and writes :class:`WriteQuery`: the store's read
transactions accept only the former, because the test server does not refuse
writes inside a read transaction (Neo4j does), so the types must.
"""

from __future__ import annotations

import re
from typing import NewType

ReadQuery = NewType("ReadQuery", str)
WriteQuery = NewType("WriteQuery", str)
SchemaQuery = NewType("SchemaQuery", str)

#: Clauses that change the graph; no read query may contain one.
WRITE_CLAUSES = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DETACH|FOREACH|LOAD)\b", re.I)

# Unique constraints first, each in its own auto-commit call, then indexes.
SCHEMA: tuple[SchemaQuery, ...] = (
    SchemaQuery(
        "CREATE CONSTRAINT ecomap_child_id IF NOT EXISTS FOR (c:Child) REQUIRE c.id IS UNIQUE"
    ),
    SchemaQuery(
        "CREATE CONSTRAINT ecomap_person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE"
    ),
    SchemaQuery("CREATE CONSTRAINT ecomap_tie_id IF NOT EXISTS FOR (t:Tie) REQUIRE t.id IS UNIQUE"),
    SchemaQuery(
        "CREATE CONSTRAINT ecomap_meta_id IF NOT EXISTS FOR (m:Meta) REQUIRE m.id IS UNIQUE"
    ),
    SchemaQuery("CREATE INDEX ecomap_tie_child IF NOT EXISTS FOR (t:Tie) ON (t.child)"),
    SchemaQuery("CREATE INDEX ecomap_episode_child IF NOT EXISTS FOR (e:Episode) ON (e.child)"),
    SchemaQuery("CREATE INDEX ecomap_child_team IF NOT EXISTS FOR (c:Child) ON (c.team)"),
)

# ---------------------------------------------------------------- reads
CHILD_VERSIONS = ReadQuery(
    "UNWIND $ids AS cid MATCH (c:Child {id: cid}) RETURN c.id AS id, c.version AS version"
)
CHILDREN = ReadQuery("UNWIND $ids AS cid MATCH (c:Child {id: cid}) RETURN properties(c) AS child")
PEOPLE = ReadQuery(
    "UNWIND $ids AS cid MATCH (:Child {id: cid})-[k:KNOWS]->(p:Person) "
    "RETURN cid AS child, k.ord AS ord, properties(p) AS person"
)
PEOPLE_IDS = ReadQuery(
    "UNWIND $ids AS cid MATCH (:Child {id: cid})-[:KNOWS]->(p:Person) RETURN DISTINCT p.id AS id"
)
TIES = ReadQuery("UNWIND $ids AS cid MATCH (t:Tie {child: cid}) RETURN properties(t) AS tie")
EPISODES = ReadQuery(
    "UNWIND $ids AS cid MATCH (e:Episode {child: cid}) RETURN properties(e) AS episode"
)
TIE_OWNERS = ReadQuery(
    "UNWIND $ties AS tid MATCH (t:Tie {id: tid}) RETURN t.id AS id, t.child AS child"
)
ACTIVE_TIES = ReadQuery(
    "MATCH (t:Tie {child: $id}) WHERE t.member IS NOT NULL "
    "AND (t.started IS NULL OR t.started <= $at) AND (t.ended IS NULL OR t.ended > $at) "
    "MATCH (p:Person {id: t.member}) "
    "RETURN properties(t) AS tie, properties(p) AS person"
)
CHILDREN_OF_PERSON = ReadQuery(
    "MATCH (c:Child)-[:KNOWS]->(:Person {id: $id}) RETURN DISTINCT c.id AS id ORDER BY id"
)
COUNT_CHILDREN = ReadQuery("MATCH (c:Child) RETURN count(c) AS n")
COUNT_PEOPLE = ReadQuery("MATCH (p:Person) RETURN count(p) AS n")
COUNT_TIES = ReadQuery("MATCH (t:Tie) RETURN count(t) AS n")
COUNT_OBSERVATIONS = ReadQuery("MATCH (t:Tie) RETURN coalesce(sum(t.observation_count), 0) AS n")
COUNT_EPISODES = ReadQuery("MATCH (e:Episode) RETURN count(e) AS n")
REVISION = ReadQuery("MATCH (m:Meta {id: 'store'}) RETURN m.revision AS revision")
ALL_CHILD_IDS = ReadQuery("MATCH (c:Child) RETURN c.id AS id ORDER BY id")

# The children listing is assembled from these parts, each filter a fixed clause.
LIST_MATCH = "MATCH (c:Child)"
LIST_FILTERS: dict[str, str] = {
    "team": "c.team = $team",
    "status": "c.status = $status",
    "search": "(toLower(c.id) CONTAINS $search OR toLower(c.name) CONTAINS $search)",
    "ids": "c.id IN $ids",
}
LIST_COUNT = "RETURN count(c) AS n"
LIST_ROWS = (
    "RETURN c.id AS id, c.name AS name, c.team AS team, c.status AS status, "
    "c.version AS version ORDER BY id"
)


def list_query(
    filters: list[str], *, count: bool = False, skip: bool = False, limit: bool = False
) -> ReadQuery:
    """The listing query for the named filters (keys of :data:`LIST_FILTERS`).

    >>> list_query(["team"], count=True)
    'MATCH (c:Child) WHERE c.team = $team RETURN count(c) AS n'
    """
    where = " AND ".join(LIST_FILTERS[name] for name in filters)
    parts = [LIST_MATCH]
    if where:
        parts.append(f"WHERE {where}")
    parts.append(LIST_COUNT if count else LIST_ROWS)
    if skip:
        parts.append("SKIP $offset")
    if limit:
        parts.append("LIMIT $limit")
    return ReadQuery(" ".join(parts))


# ---------------------------------------------------------------- writes
# Lock (and on first write create) the children first: a write lock taken before the
# version is read makes the version check hold under concurrent writers.
LOCK_CHILDREN = WriteQuery(
    "UNWIND $ids AS cid MERGE (c:Child {id: cid}) ON CREATE SET c.version = 0 "
    "SET c.version = c.version RETURN c.id AS id, c.version AS version"
)
LOCK_EXISTING = WriteQuery(
    "UNWIND $ids AS cid MATCH (c:Child {id: cid}) SET c.version = c.version "
    "RETURN c.id AS id, c.version AS version"
)
# The store's revision, bumped at the end of every write transaction (the first write
# makes the node; a racing first write meets the unique constraint and is retried).
BUMP_REVISION = WriteQuery(
    "MERGE (m:Meta {id: 'store'}) ON CREATE SET m.revision = 0 "
    "SET m.revision = m.revision + 1 RETURN m.revision AS revision"
)
DELETE_TIES = WriteQuery("UNWIND $ids AS cid MATCH (t:Tie {child: cid}) DETACH DELETE t")
DELETE_EPISODES = WriteQuery("UNWIND $ids AS cid MATCH (e:Episode {child: cid}) DETACH DELETE e")
DELETE_KNOWS = WriteQuery(
    "UNWIND $ids AS cid MATCH (:Child {id: cid})-[k:KNOWS]->(:Person) DELETE k"
)
DELETE_CHILDREN = WriteQuery("UNWIND $ids AS cid MATCH (c:Child {id: cid}) DETACH DELETE c")
DELETE_ORPHANS = WriteQuery(
    "UNWIND $ids AS pid MATCH (p:Person {id: pid}) "
    "WHERE NOT EXISTS { MATCH (p)<-[:KNOWS]-(:Child) } DETACH DELETE p"
)
MERGE_CHILDREN = WriteQuery("UNWIND $rows AS r MERGE (c:Child {id: r.id}) SET c = r")
MERGE_PEOPLE = WriteQuery("UNWIND $rows AS r MERGE (p:Person {id: r.id}) SET p = r")
CREATE_KNOWS = WriteQuery(
    "UNWIND $rows AS r MATCH (c:Child {id: r.child}) MATCH (p:Person {id: r.person}) "
    "CREATE (c)-[:KNOWS {ord: r.ord}]->(p)"
)
# A tie and the END edges to its two ends in one statement: no lookup of the new tie.
CREATE_CHILD_TIES = WriteQuery(
    "UNWIND $rows AS r MATCH (c:Child {id: r.child}) MATCH (p:Person {id: r.member}) "
    "CREATE (t:Tie) SET t = r.props "
    "CREATE (t)-[:END {side: r.side}]->(c) CREATE (t)-[:END {side: 1 - r.side}]->(p)"
)
CREATE_PERSON_TIES = WriteQuery(
    "UNWIND $rows AS r MATCH (a:Person {id: r.a}) MATCH (b:Person {id: r.b}) "
    "CREATE (t:Tie) SET t = r.props "
    "CREATE (t)-[:END {side: 0}]->(a) CREATE (t)-[:END {side: 1}]->(b)"
)
CREATE_EPISODES = WriteQuery("UNWIND $rows AS r CREATE (e:Episode) SET e = r")


def is_read(query: str) -> bool:
    """Whether ``query`` changes nothing (no write clause), so it may run in a read
    transaction.

    >>> is_read("MATCH (c:Child) RETURN c.id AS id")
    True
    >>> is_read("MATCH (c:Child {id: $id}) DETACH DELETE c")
    False
    """
    return WRITE_CLAUSES.search(query) is None
