"""The Cypher the Neo4j store runs: schema, reads and writes, kept apart by type.

Portable on purpose: it runs unchanged on Neo4j 5 (Community, Enterprise, Aura) and
on ArcadeDB's Bolt plugin, the test server. No APOC, no GDS, no ``CALL {}``
subqueries; ids are strings; validity periods are Cypher ``date`` values; revision
times are integers (microseconds since 1970-01-01 UTC: the test server reads
timezone-aware datetimes back naive).

The graph (docs/record.md: system-versioned rows)::

    (:Meta {id: "store", revision, at_us, schema, writes})   -- one node: the latest revision
    (:Revision {number, at_us, actor, reason, kind, restored, erased})
    (:Revision)-[:LISTS {version}]->(:Child)                   -- every child a revision changed
    (:Child {id, version})                                     -- a child's anchor: its version
    (:ChildRow {id, name, birth_date, status, team, closed, rev_from, rev_to})
    (:PersonRow {id, name, category, role, adult, paid, rev_from, rev_to})   -- shared people
    (:MemberRow {child, ord, person, rev_from, rev_to})        -- the document's people
    (:TieRow {child, ord, id, a, b, member, started, ended, end_reason,
              observations, observation_count, rev_from, rev_to})
    (:EpisodeRow {child, ord, kind, start_date, end_date, reason, ..., rev_from, rev_to})
    (:MeetingRow {child, ord, id, kind, on, invited, attended, participation, note, ...})
    (:CommitmentRow {child, ord, meeting, id, what, who, by, rev_from, rev_to})
    (:ProgressRow {child, ord, commitment, on, state, by, rev_from, rev_to})
      -- meetings, their plans and progress (docs/meetings.md); invited, attended and who
      -- are JSON lists of person ids; ord is the position in the document, flattened

A row is current from revision ``rev_from`` until ``rev_to`` (absent while current).
Content is never changed in place: a write sets ``rev_to`` on the rows it changes or
removes and creates their successors; unchanged rows stay. Only ``erase`` deletes.
A read at revision ``r`` keeps the rows with ``rev_from <= r`` and no ``rev_to`` or
``rev_to > r`` (:func:`live`), found through the index on ``child`` (or ``id``), so
reading one child costs its own rows whatever the store holds. A tie's observations
travel with it as one JSON list (``observations``, each with its document position
``ord``): a changed observation makes a new version of its tie row.

Every write transaction first changes the ``Meta`` node, which takes its write lock on
Neo4j: writers queue, revisions are numbered in commit order, and a read pinned at the
latest revision sees exactly it. The test server locks optimistically instead: two
racing writers both number their revision N, the unique constraint on
``Revision.number`` refuses the second, and the store retries it.

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

#: The graph's layout version, kept on the Meta node (absent: the layout before revisions).
SCHEMA_VERSION = 2

#: Clauses that change the graph; no read query may contain one.
WRITE_CLAUSES = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DETACH|FOREACH|LOAD)\b", re.I)

#: The labels of rows a child owns, keyed by ``(child, ord)``.
OWNED = ("MemberRow", "TieRow", "EpisodeRow", "MeetingRow", "CommitmentRow", "ProgressRow")
#: The owned labels that hold a meeting's record (docs/meetings.md).
MEETING_LABELS = ("MeetingRow", "CommitmentRow", "ProgressRow")

# Unique constraints first, each in its own auto-commit call, then indexes.
SCHEMA: tuple[SchemaQuery, ...] = (
    SchemaQuery(
        "CREATE CONSTRAINT ecomap_child_id IF NOT EXISTS FOR (c:Child) REQUIRE c.id IS UNIQUE"
    ),
    SchemaQuery(
        "CREATE CONSTRAINT ecomap_meta_id IF NOT EXISTS FOR (m:Meta) REQUIRE m.id IS UNIQUE"
    ),
    SchemaQuery(
        "CREATE CONSTRAINT ecomap_revision_number IF NOT EXISTS "
        "FOR (r:Revision) REQUIRE r.number IS UNIQUE"
    ),
    SchemaQuery("CREATE INDEX ecomap_childrow_id IF NOT EXISTS FOR (c:ChildRow) ON (c.id)"),
    SchemaQuery("CREATE INDEX ecomap_personrow_id IF NOT EXISTS FOR (p:PersonRow) ON (p.id)"),
    SchemaQuery("CREATE INDEX ecomap_memberrow_child IF NOT EXISTS FOR (m:MemberRow) ON (m.child)"),
    SchemaQuery(
        "CREATE INDEX ecomap_memberrow_person IF NOT EXISTS FOR (m:MemberRow) ON (m.person)"
    ),
    SchemaQuery("CREATE INDEX ecomap_tierow_child IF NOT EXISTS FOR (t:TieRow) ON (t.child)"),
    SchemaQuery("CREATE INDEX ecomap_tierow_id IF NOT EXISTS FOR (t:TieRow) ON (t.id)"),
    SchemaQuery(
        "CREATE INDEX ecomap_episoderow_child IF NOT EXISTS FOR (e:EpisodeRow) ON (e.child)"
    ),
    SchemaQuery("CREATE INDEX ecomap_revision_at IF NOT EXISTS FOR (r:Revision) ON (r.at_us)"),
    SchemaQuery(
        "CREATE INDEX ecomap_meetingrow_child IF NOT EXISTS FOR (m:MeetingRow) ON (m.child)"
    ),
    SchemaQuery("CREATE INDEX ecomap_meetingrow_id IF NOT EXISTS FOR (m:MeetingRow) ON (m.id)"),
    SchemaQuery(
        "CREATE INDEX ecomap_commitmentrow_child IF NOT EXISTS "
        "FOR (k:CommitmentRow) ON (k.child)"
    ),
    SchemaQuery(
        "CREATE INDEX ecomap_commitmentrow_id IF NOT EXISTS FOR (k:CommitmentRow) ON (k.id)"
    ),
    SchemaQuery(
        "CREATE INDEX ecomap_progressrow_child IF NOT EXISTS FOR (p:ProgressRow) ON (p.child)"
    ),
    SchemaQuery(
        "CREATE INDEX ecomap_cohortpacked_child IF NOT EXISTS FOR (k:CohortPacked) ON (k.child)"
    ),
    SchemaQuery(
        "CREATE INDEX ecomap_planspacked_child IF NOT EXISTS FOR (k:PlansPacked) ON (k.child)"
    ),
)


def live(alias: str) -> str:
    """The condition that a row was current right after revision ``$r``.

    >>> live("t")
    't.rev_from <= $r AND (t.rev_to IS NULL OR t.rev_to > $r)'
    """
    return f"{alias}.rev_from <= $r AND ({alias}.rev_to IS NULL OR {alias}.rev_to > $r)"


# ---------------------------------------------------------------- reads (pinned at $r)
META = ReadQuery(
    "MATCH (m:Meta {id: 'store'}) "
    "RETURN m.revision AS revision, m.at_us AS at_us, m.schema AS schema"
)
REVISION_AT_TIME = ReadQuery(
    "MATCH (r:Revision) WHERE r.at_us <= $t RETURN max(r.number) AS number"
)
CHILD_ROWS = ReadQuery(
    f"UNWIND $ids AS cid MATCH (c:ChildRow {{id: cid}}) WHERE {live('c')} "
    "RETURN properties(c) AS row"
)
PEOPLE = ReadQuery(
    f"UNWIND $ids AS cid MATCH (m:MemberRow {{child: cid}}) WHERE {live('m')} "
    f"MATCH (p:PersonRow {{id: m.person}}) WHERE {live('p')} "
    "RETURN cid AS child, m.ord AS ord, properties(p) AS person"
)
TIES = ReadQuery(
    f"UNWIND $ids AS cid MATCH (t:TieRow {{child: cid}}) WHERE {live('t')} "
    "RETURN properties(t) AS row"
)
EPISODES = ReadQuery(
    f"UNWIND $ids AS cid MATCH (e:EpisodeRow {{child: cid}}) WHERE {live('e')} "
    "RETURN properties(e) AS row"
)
def owned_at(label: str) -> ReadQuery:
    """The rows of ``label`` of the children ``$ids`` as they stood right after ``$r``."""
    assert label in OWNED
    return ReadQuery(
        f"UNWIND $ids AS cid MATCH (x:{label} {{child: cid}}) WHERE {live('x')} "
        "RETURN properties(x) AS row"
    )


# Every listing of the named children up to $r: the latest one holds the version.
VERSIONS = ReadQuery(
    "UNWIND $ids AS cid MATCH (:Child {id: cid})<-[l:LISTS]-(r:Revision) "
    "WHERE r.number <= $r RETURN cid AS id, r.number AS number, l.version AS version"
)
CHILD_IDS = ReadQuery(f"MATCH (c:ChildRow) WHERE {live('c')} RETURN c.id AS id, c.closed AS closed")
# The cohort tables of every child: whole labels streamed, no per-child lookups.
ALL_CHILDREN = ReadQuery(f"MATCH (c:ChildRow) WHERE {live('c')} RETURN properties(c) AS row")
ALL_MEMBERS = ReadQuery(
    f"MATCH (m:MemberRow) WHERE {live('m')} RETURN m.child AS child, m.ord AS ord, "
    "m.person AS person"
)
ALL_PEOPLE = ReadQuery(f"MATCH (p:PersonRow) WHERE {live('p')} RETURN properties(p) AS person")
ALL_CHILD_TIES = ReadQuery(
    f"MATCH (t:TieRow) WHERE {live('t')} AND t.member IS NOT NULL RETURN t.child AS child, "
    "t.ord AS ord, t.member AS member, t.started AS started, t.ended AS ended, "
    "t.observations AS observations"
)
ALL_EPISODES = ReadQuery(f"MATCH (e:EpisodeRow) WHERE {live('e')} RETURN properties(e) AS row")
# Each current child's packed cohort columns (docs/scale.md): one node per child, not
# versioned (the current state's only), replaced in the transaction that writes the child.
ALL_PACKED = ReadQuery(
    "MATCH (k:CohortPacked) WHERE k.format = $format RETURN k.child AS child, k.ties AS ties, "
    "k.observations AS observations, k.members AS members, k.episodes AS episodes, "
    "k.episode_values AS episode_values"
)
COHORT_CHILDREN = ReadQuery(
    f"MATCH (c:ChildRow) WHERE {live('c')} RETURN c.id AS id, c.team AS team, "
    "c.status AS status, c.closed AS closed"
)
COUNT_PACKED = ReadQuery(
    "MATCH (k:CohortPacked) WHERE k.format = $format RETURN count(k) AS n")
# Each current child's packed plan columns (docs/meetings.md, "The stores"), likewise.
ALL_PLANS_PACKED = ReadQuery(
    "MATCH (k:PlansPacked) RETURN k.child AS child, k.meetings AS meetings, "
    "k.commitments AS commitments, k.progress AS progress"
)
COUNT_PLANS_PACKED = ReadQuery("MATCH (k:PlansPacked) RETURN count(k) AS n")
PLANS_PACKED_IDS = ReadQuery("MATCH (k:PlansPacked) RETURN k.child AS id")
CURRENT_CHILD_IDS = ReadQuery("MATCH (c:ChildRow) WHERE c.rev_to IS NULL RETURN c.id AS id")
PACKED_IDS = ReadQuery(
    "MATCH (k:CohortPacked) WHERE k.format = $format RETURN k.child AS id")
HISTORY = ReadQuery(
    "MATCH (:Child {id: $id})<-[:LISTS]-(r:Revision) RETURN properties(r) AS revision"
)
REVISIONS_AFTER = ReadQuery(
    "MATCH (r:Revision) WHERE r.number > $after RETURN properties(r) AS revision "
    "ORDER BY r.number"
)
REVISIONS_AFTER_LIMITED = ReadQuery(f"{REVISIONS_AFTER} LIMIT $limit")
REVISION_CHILDREN = ReadQuery(
    "UNWIND $numbers AS n MATCH (:Revision {number: n})-[:LISTS]->(c:Child) "
    "RETURN n AS number, c.id AS child"
)
PERSON_CHILDREN = ReadQuery(
    "UNWIND $ids AS pid MATCH (m:MemberRow {person: pid}) WHERE m.rev_to IS NULL "
    "RETURN pid AS person, m.child AS child"
)
PEOPLE_OF_CHILDREN = ReadQuery(
    "UNWIND $ids AS cid MATCH (m:MemberRow {child: cid}) WHERE m.rev_to IS NULL "
    "RETURN DISTINCT m.person AS id"
)
COUNT_CHILDREN = ReadQuery("MATCH (c:ChildRow) WHERE c.rev_to IS NULL RETURN count(c) AS n")
COUNT_PEOPLE = ReadQuery("MATCH (p:PersonRow) WHERE p.rev_to IS NULL RETURN count(p) AS n")
COUNT_TIES = ReadQuery("MATCH (t:TieRow) WHERE t.rev_to IS NULL RETURN count(t) AS n")
COUNT_OBSERVATIONS = ReadQuery(
    "MATCH (t:TieRow) WHERE t.rev_to IS NULL "
    "RETURN coalesce(sum(t.observation_count), 0) AS n"
)
COUNT_EPISODES = ReadQuery("MATCH (e:EpisodeRow) WHERE e.rev_to IS NULL RETURN count(e) AS n")

# The children listing is assembled from these parts, each filter a fixed clause.
LIST_MATCH = f"MATCH (c:ChildRow) WHERE {live('c')}"
LIST_FILTERS: dict[str, str] = {
    "open": "c.closed = false",
    "team": "c.team = $team",
    "status": "c.status = $status",
    "search": "(toLower(c.id) CONTAINS $search OR toLower(c.name) CONTAINS $search)",
    "ids": "c.id IN $ids",
}
LIST_COUNT = "RETURN count(c) AS n"
LIST_ROWS = (
    "RETURN c.id AS id, c.name AS name, c.team AS team, c.status AS status, "
    "c.closed AS closed ORDER BY id"
)


def list_query(
    filters: list[str], *, count: bool = False, skip: bool = False, limit: bool = False
) -> ReadQuery:
    """The listing query for the named filters (keys of :data:`LIST_FILTERS`).

    >>> list_query(["team"], count=True).endswith("AND c.team = $team RETURN count(c) AS n")
    True
    """
    parts = [LIST_MATCH, *(f"AND {LIST_FILTERS[name]}" for name in filters)]
    parts.append(LIST_COUNT if count else LIST_ROWS)
    if skip:
        parts.append("SKIP $offset")
    if limit:
        parts.append("LIMIT $limit")
    return ReadQuery(" ".join(parts))


PEOPLE_MATCH = "MATCH (p:PersonRow) WHERE p.rev_to IS NULL"
PEOPLE_FILTERS: dict[str, str] = {
    "ids": "p.id IN $ids",
    "search": "(toLower(p.id) CONTAINS $search OR toLower(p.name) CONTAINS $search)",
    "category": "p.category = $category",
}


def people_query(filters: list[str], *, limit: bool) -> ReadQuery:
    """The people search for the named filters (keys of :data:`PEOPLE_FILTERS`).

    >>> people_query(["category"], limit=True)[42:]
    ' AND p.category = $category RETURN properties(p) AS person ORDER BY p.id LIMIT $limit'
    """
    parts = [PEOPLE_MATCH, *(f"AND {PEOPLE_FILTERS[name]}" for name in filters)]
    parts.append("RETURN properties(p) AS person ORDER BY p.id")
    if limit:
        parts.append("LIMIT $limit")
    return ReadQuery(" ".join(parts))


# ---------------------------------------------------------------- reads inside writes
# Run under the Meta lock, so "current" (no rev_to) is the latest revision's state.
CURRENT_CHILDREN = ReadQuery(
    "UNWIND $ids AS cid MATCH (c:ChildRow {id: cid}) WHERE c.rev_to IS NULL "
    "RETURN properties(c) AS row"
)
CURRENT_PEOPLE = ReadQuery(
    "UNWIND $ids AS pid MATCH (p:PersonRow {id: pid}) WHERE p.rev_to IS NULL "
    "RETURN properties(p) AS row"
)
PERSON_VERSIONS = ReadQuery(
    "UNWIND $ids AS pid MATCH (p:PersonRow {id: pid}) WHERE p.rev_to IS NULL "
    "RETURN p.id AS id, p.rev_from AS version"
)
#: Which child's current record holds each of the meeting or commitment ids ``$ids``.
MEETING_OWNERS = ReadQuery(
    "UNWIND $ids AS mid MATCH (m:MeetingRow {id: mid}) WHERE m.rev_to IS NULL "
    "RETURN m.id AS id, m.child AS child"
)
COMMITMENT_OWNERS = ReadQuery(
    "UNWIND $ids AS kid MATCH (k:CommitmentRow {id: kid}) WHERE k.rev_to IS NULL "
    "RETURN k.id AS id, k.child AS child"
)
TIE_OWNERS = ReadQuery(
    "UNWIND $ties AS tid MATCH (t:TieRow {id: tid}) WHERE t.rev_to IS NULL "
    "RETURN t.id AS id, t.child AS child"
)


def current_owned(label: str) -> ReadQuery:
    """The current rows of ``label`` (one of :data:`OWNED`) of the children ``$ids``."""
    assert label in OWNED
    return ReadQuery(
        f"UNWIND $ids AS cid MATCH (x:{label} {{child: cid}}) WHERE x.rev_to IS NULL "
        "RETURN properties(x) AS row"
    )


# Everything of a child at any revision (erase).
ALL_PERSONS_OF_CHILD = ReadQuery(
    "MATCH (m:MemberRow {child: $id}) RETURN DISTINCT m.person AS id"
)
PERSONS_ELSEWHERE = ReadQuery(
    "UNWIND $ids AS pid MATCH (m:MemberRow {person: pid}) WHERE m.child <> $id "
    "RETURN DISTINCT pid AS id"
)
COUNT_LISTINGS = ReadQuery("MATCH (:Child {id: $id})<-[l:LISTS]-(:Revision) RETURN count(l) AS n")
COUNT_CHILD_TIES = ReadQuery(
    "MATCH (t:TieRow {child: $id}) "
    "RETURN count(t) AS n, coalesce(sum(t.observation_count), 0) AS observations"
)
COUNT_CHILD_EPISODES = ReadQuery("MATCH (e:EpisodeRow {child: $id}) RETURN count(e) AS n")

# ---------------------------------------------------------------- writes
ENSURE_META = WriteQuery(
    "MERGE (m:Meta {id: 'store'}) ON CREATE SET m.revision = 0, m.at_us = 0 "
    "RETURN m.revision AS revision"
)
# A real change, so that concurrent writers conflict on the test server too.
LOCK_META = WriteQuery(
    "MATCH (m:Meta {id: 'store'}) SET m.writes = coalesce(m.writes, 0) + 1 "
    "RETURN m.revision AS revision, m.at_us AS at_us, m.schema AS schema"
)
SET_SCHEMA = WriteQuery("MATCH (m:Meta {id: 'store'}) SET m.schema = $schema")
CREATE_REVISION = WriteQuery(
    "MATCH (m:Meta {id: 'store'}) SET m.revision = $number, m.at_us = $at_us "
    "CREATE (r:Revision) SET r = $props"
)
SET_ERASED = WriteQuery("MATCH (r:Revision {number: $number}) SET r.erased = $erased")
# Lock (and on first write create) the children's anchors.
LOCK_CHILDREN = WriteQuery(
    "UNWIND $ids AS cid MERGE (c:Child {id: cid}) ON CREATE SET c.version = 0 "
    "SET c.version = c.version RETURN c.id AS id, c.version AS version"
)
LIST_CHILDREN = WriteQuery(
    "MATCH (rev:Revision {number: $number}) UNWIND $rows AS r MATCH (c:Child {id: r.id}) "
    "SET c.version = r.version CREATE (rev)-[:LISTS {version: r.version}]->(c)"
)
RETIRE_CHILDREN = WriteQuery(
    "UNWIND $rows AS r MATCH (c:ChildRow {id: r.id}) WHERE c.rev_to IS NULL "
    "SET c.rev_to = $rev"
)
RETIRE_PEOPLE = WriteQuery(
    "UNWIND $rows AS r MATCH (p:PersonRow {id: r.id}) WHERE p.rev_to IS NULL "
    "SET p.rev_to = $rev"
)


def retire_owned(label: str) -> WriteQuery:
    """Close the current rows of ``label`` at ``{child, ord}`` of ``$rows`` at ``$rev``."""
    assert label in OWNED
    return WriteQuery(
        f"UNWIND $rows AS r MATCH (x:{label} {{child: r.child}}) "
        "WHERE x.ord = r.ord AND x.rev_to IS NULL SET x.rev_to = $rev"
    )


def create_rows(label: str) -> WriteQuery:
    """Create one ``label`` node per map of ``$rows`` (its properties, ``rev_from`` included)."""
    assert label in ("ChildRow", "PersonRow", *OWNED)
    return WriteQuery(f"UNWIND $rows AS r CREATE (x:{label}) SET x = r")


ERASE_CHILD_ROWS = WriteQuery("MATCH (c:ChildRow {id: $id}) DETACH DELETE c")
ERASE_MEMBERS = WriteQuery("MATCH (m:MemberRow {child: $id}) DETACH DELETE m")
ERASE_TIES = WriteQuery("MATCH (t:TieRow {child: $id}) DETACH DELETE t")
ERASE_EPISODES = WriteQuery("MATCH (e:EpisodeRow {child: $id}) DETACH DELETE e")
ERASE_MEETINGS = WriteQuery("MATCH (m:MeetingRow {child: $id}) DETACH DELETE m")
ERASE_COMMITMENTS = WriteQuery("MATCH (k:CommitmentRow {child: $id}) DETACH DELETE k")
ERASE_PROGRESS = WriteQuery("MATCH (p:ProgressRow {child: $id}) DETACH DELETE p")
ERASE_LISTINGS = WriteQuery("MATCH (:Child {id: $id})<-[l:LISTS]-(:Revision) DELETE l")
ERASE_PACKED = WriteQuery("MATCH (k:CohortPacked {child: $id}) DELETE k")
ERASE_PLANS_PACKED = WriteQuery("MATCH (k:PlansPacked {child: $id}) DELETE k")
SET_PLANS_PACKED = WriteQuery(
    "UNWIND $rows AS r MERGE (k:PlansPacked {child: r.child}) SET k.meetings = r.meetings, "
    "k.commitments = r.commitments, k.progress = r.progress"
)
SET_PACKED = WriteQuery(
    "UNWIND $rows AS r MERGE (k:CohortPacked {child: r.child}) SET k.ties = r.ties, "
    "k.observations = r.observations, k.members = r.members, k.episodes = r.episodes, "
    "k.episode_values = r.episode_values, k.format = r.format"
)
ERASE_PEOPLE = WriteQuery("UNWIND $ids AS pid MATCH (p:PersonRow {id: pid}) DETACH DELETE p")


def is_read(query: str) -> bool:
    """Whether ``query`` changes nothing (no write clause), so it may run in a read
    transaction.

    >>> is_read("MATCH (c:ChildRow) RETURN c.id AS id")
    True
    >>> is_read("MATCH (c:ChildRow {id: $id}) DETACH DELETE c")
    False
    """
    return WRITE_CLAUSES.search(query) is None
