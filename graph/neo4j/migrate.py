"""Upgrading a Neo4j store in place to the layout with revisions (docs/record.md).

The layout before revisions kept one node per child (``:Child`` with its details and
version), per shared person (``:Person``), per tie (``:Tie``) and per episode
(``:Episode``), with ``:KNOWS`` edges for a document's people. On start-up every
process runs :func:`upgrade` in one write transaction under the Meta node's lock: the
first turns the old graph's current state into revision 1 with actor ``migration``
(keeping each child's version, so ETags held by clients stay valid) and marks the
graph as upgraded; every later call, from any process, finds the mark and does
nothing. The whole upgrade is one transaction: nothing is half-migrated if it fails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.neo4j import cypher, write
from graph.neo4j.rows import Fetched

if TYPE_CHECKING:
    from graph.neo4j.tx import WriteTx

#: The actor of the revision a migration writes.
MIGRATION_ACTOR = "migration"

OLD_CHILDREN = cypher.ReadQuery(
    "MATCH (c:Child) WHERE c.name IS NOT NULL RETURN properties(c) AS child"
)
OLD_PEOPLE = cypher.ReadQuery(
    "MATCH (c:Child)-[k:KNOWS]->(p:Person) "
    "RETURN c.id AS child, k.ord AS ord, properties(p) AS person"
)
OLD_TIES = cypher.ReadQuery("MATCH (t:Tie) RETURN properties(t) AS tie")
OLD_EPISODES = cypher.ReadQuery("MATCH (e:Episode) RETURN properties(e) AS episode")
DROP_OLD: tuple[cypher.WriteQuery, ...] = (
    cypher.WriteQuery("MATCH (t:Tie) DETACH DELETE t"),
    cypher.WriteQuery("MATCH (e:Episode) DETACH DELETE e"),
    cypher.WriteQuery("MATCH (p:Person) DETACH DELETE p"),
    cypher.WriteQuery(
        "MATCH (c:Child) WHERE c.name IS NOT NULL "
        "REMOVE c.name, c.birth_date, c.status, c.team"
    ),
)
SET_LATEST = cypher.WriteQuery("MATCH (m:Meta {id: 'store'}) SET m.revision = $number")


def read_old(tx: WriteTx) -> tuple[Fetched, dict[str, int]]:
    """The old layout's rows and each child's version."""
    fetched = Fetched()
    versions: dict[str, int] = {}
    for row in tx.run(OLD_CHILDREN):
        fetched.children[str(row["child"]["id"])] = row["child"]
        versions[str(row["child"]["id"])] = int(row["child"].get("version") or 1)
    for row in tx.run(OLD_PEOPLE):
        fetched.people[row["child"]].append((int(row["ord"]), row["person"]))
    for row in tx.run(OLD_TIES):
        fetched.ties[row["tie"]["child"]].append(row["tie"])
    for row in tx.run(OLD_EPISODES):
        fetched.episodes[row["episode"]["child"]].append(row["episode"])
    return fetched, versions


def upgrade(tx: WriteTx) -> int:
    """Upgrade the graph if it has the old layout; return how many children moved."""
    head = tx.run(cypher.LOCK_META)[0]
    if head["schema"] is not None and int(head["schema"]) >= cypher.SCHEMA_VERSION:
        return 0
    fetched, versions = read_old(tx)
    docs = [fetched.document(cid) for cid in sorted(fetched.children)]
    for query in DROP_OLD:
        tx.run(query)
    if docs:
        tx.run(SET_LATEST, number=0)  # the old layout's write counter is not a revision
        current = write.read_current(tx, [d.child.id for d in docs])
        plan = write.Plan()
        for doc in docs:
            write.plan_document(plan, current, doc, update_people=True,
                                version=versions[doc.child.id])
        rev = write.begin_revision(tx, {"revision": 0, "at_us": head["at_us"]},
                             actor=MIGRATION_ACTOR, reason="upgrade to revisions",
                             kind="migration")
        write.execute(tx, plan, current, rev)
    else:
        tx.run(SET_LATEST, number=0)
    tx.run(cypher.SET_SCHEMA, schema=cypher.SCHEMA_VERSION)
    return len(docs)


__all__ = ["MIGRATION_ACTOR", "read_old", "upgrade"]
