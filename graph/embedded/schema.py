"""The embedded store's SQLite schema, its ordered migrations and connection settings."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from graph.base import StoreError

# Each entry moves the schema up one version (index 0 makes version 1). Append only:
# a released migration is never edited, so every database walks the same path.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE schema_version (
        version    INTEGER PRIMARY KEY,
        applied_at TEXT NOT NULL
    );
    CREATE TABLE children (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        birth_date TEXT,
        status     TEXT,
        team       TEXT,
        version    INTEGER NOT NULL CHECK (version >= 1)
    ) WITHOUT ROWID;
    CREATE INDEX children_team ON children (team, id);
    CREATE INDEX children_status ON children (status, id);
    -- People are shared across children: one record per id, updated by the latest import.
    CREATE TABLE people (
        id       TEXT PRIMARY KEY,
        name     TEXT NOT NULL,
        category TEXT NOT NULL,
        role     TEXT,
        adult    INTEGER NOT NULL,
        paid     INTEGER NOT NULL
    ) WITHOUT ROWID;
    -- Which people a child's document lists, in the document's order.
    CREATE TABLE memberships (
        child_id  TEXT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
        person_id TEXT NOT NULL REFERENCES people (id),
        ord       INTEGER NOT NULL,
        PRIMARY KEY (child_id, person_id)
    ) WITHOUT ROWID;
    CREATE INDEX memberships_person ON memberships (person_id, child_id);
    -- Tie ids are unique across the store; member is the person at the other end of a
    -- child tie (NULL for a tie between two people). References inside one document
    -- (tie ends, member, an observation's tie) are checked by ecomap.format before any
    -- write, not by foreign keys: those would need an index per column on every insert.
    CREATE TABLE ties (
        id         TEXT PRIMARY KEY,
        child_id   TEXT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
        ord        INTEGER NOT NULL,
        a          TEXT NOT NULL,
        b          TEXT NOT NULL,
        member     TEXT,
        started    TEXT,
        ended      TEXT,
        end_reason TEXT
    ) WITHOUT ROWID;
    CREATE INDEX ties_child ON ties (child_id, ord);
    CREATE TABLE observations (
        child_id      TEXT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
        ord           INTEGER NOT NULL,
        tie_id        TEXT NOT NULL,
        "on"          TEXT NOT NULL,
        by            TEXT NOT NULL,
        closeness     INTEGER,
        contact       INTEGER,
        has_support   INTEGER NOT NULL,
        emotional     INTEGER,
        practical     INTEGER,
        informational INTEGER,
        critical      INTEGER,
        direction     TEXT,
        trusted       INTEGER,
        note          TEXT,
        PRIMARY KEY (child_id, ord)
    ) WITHOUT ROWID;
    CREATE TABLE episodes (
        child_id TEXT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
        ord      INTEGER NOT NULL,
        kind     TEXT NOT NULL,
        start    TEXT NOT NULL,
        "end"    TEXT,
        reason   TEXT,
        PRIMARY KEY (child_id, ord)
    ) WITHOUT ROWID;
    """,
    """
    -- The store's revision: one row, bumped by every write transaction, so a reader can
    -- tell that anything at all changed (e.g. a person shared with a child outside a scope).
    CREATE TABLE meta (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        revision INTEGER NOT NULL
    );
    INSERT INTO meta (id, revision) VALUES (1, 0);
    """,
    """
    -- status and team episodes (FORMAT.md): the stage or team each one carries.
    ALTER TABLE episodes ADD COLUMN status TEXT;
    ALTER TABLE episodes ADD COLUMN team TEXT;
    """,
    # Revisions (docs/record.md): every row is system-versioned. rev_from is the revision
    # that wrote it, rev_to the one that replaced or removed it, or OPEN (2**62) while it
    # is current. rev_to sits right after each table's partition key in the primary key,
    # so a child's current rows are stored together, in document order, and a current
    # read is the same range scan as before; an as-recorded read at R scans rev_to > R.
    # Only erase deletes rows. The current state becomes revision 1 (actor "migration").
    """
    CREATE TABLE revisions (
        number   INTEGER PRIMARY KEY,
        at_us    INTEGER NOT NULL,  -- microseconds since 1970-01-01 UTC, never decreasing
        actor    TEXT NOT NULL,
        reason   TEXT,
        kind     TEXT NOT NULL,
        restored INTEGER,
        erased   TEXT               -- an erase's counts, as JSON
    );
    CREATE INDEX revisions_at ON revisions (at_us, number);
    -- Which children each revision changed, and the child's version after it.
    CREATE TABLE revision_children (
        child_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        version  INTEGER NOT NULL,
        PRIMARY KEY (child_id, revision)
    ) WITHOUT ROWID;
    CREATE INDEX revision_children_revision ON revision_children (revision, child_id);
    CREATE TABLE children_r (
        id         TEXT NOT NULL,
        rev_to     INTEGER NOT NULL,
        rev_from   INTEGER NOT NULL,
        name       TEXT NOT NULL,
        birth_date TEXT,
        status     TEXT,
        team       TEXT,
        closed     INTEGER NOT NULL,
        PRIMARY KEY (id, rev_to)
    ) WITHOUT ROWID;
    CREATE TABLE people_r (
        id       TEXT NOT NULL,
        rev_to   INTEGER NOT NULL,
        rev_from INTEGER NOT NULL,
        name     TEXT NOT NULL,
        category TEXT NOT NULL,
        role     TEXT,
        adult    INTEGER NOT NULL,
        paid     INTEGER NOT NULL,
        PRIMARY KEY (id, rev_to)
    ) WITHOUT ROWID;
    CREATE TABLE memberships_r (
        child_id  TEXT NOT NULL,
        rev_to    INTEGER NOT NULL,
        ord       INTEGER NOT NULL,
        rev_from  INTEGER NOT NULL,
        person_id TEXT NOT NULL,
        PRIMARY KEY (child_id, rev_to, ord)
    ) WITHOUT ROWID;
    CREATE TABLE ties_r (
        child_id   TEXT NOT NULL,
        rev_to     INTEGER NOT NULL,
        ord        INTEGER NOT NULL,
        rev_from   INTEGER NOT NULL,
        id         TEXT NOT NULL,
        a          TEXT NOT NULL,
        b          TEXT NOT NULL,
        member     TEXT,
        started    TEXT,
        ended      TEXT,
        end_reason TEXT,
        PRIMARY KEY (child_id, rev_to, ord)
    ) WITHOUT ROWID;
    CREATE TABLE observations_r (
        child_id      TEXT NOT NULL,
        rev_to        INTEGER NOT NULL,
        ord           INTEGER NOT NULL,
        rev_from      INTEGER NOT NULL,
        tie_id        TEXT NOT NULL,
        "on"          TEXT NOT NULL,
        by            TEXT NOT NULL,
        closeness     INTEGER,
        contact       INTEGER,
        has_support   INTEGER NOT NULL,
        emotional     INTEGER,
        practical     INTEGER,
        informational INTEGER,
        critical      INTEGER,
        direction     TEXT,
        trusted       INTEGER,
        note          TEXT,
        PRIMARY KEY (child_id, rev_to, ord)
    ) WITHOUT ROWID;
    -- status and team: what a status or team episode carries (FORMAT.md).
    CREATE TABLE episodes_r (
        child_id TEXT NOT NULL,
        rev_to   INTEGER NOT NULL,
        ord      INTEGER NOT NULL,
        rev_from INTEGER NOT NULL,
        kind     TEXT NOT NULL,
        start    TEXT NOT NULL,
        "end"    TEXT,
        reason   TEXT,
        status   TEXT,
        team     TEXT,
        PRIMARY KEY (child_id, rev_to, ord)
    ) WITHOUT ROWID;
    INSERT INTO revisions (number, at_us, actor, kind)
        SELECT 1, CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER),
               'migration', 'migration'
        WHERE EXISTS (SELECT 1 FROM children);
    INSERT INTO revision_children (child_id, revision, version)
        SELECT id, 1, version FROM children;
    INSERT INTO children_r SELECT id, 4611686018427387904, 1, name, birth_date, status, team, 0
        FROM children;
    INSERT INTO people_r SELECT id, 4611686018427387904, 1, name, category, role, adult, paid
        FROM people;
    INSERT INTO memberships_r SELECT child_id, 4611686018427387904, ord, 1, person_id
        FROM memberships;
    INSERT INTO ties_r SELECT child_id, 4611686018427387904, ord, 1, id, a, b, member, started,
        ended, end_reason FROM ties;
    INSERT INTO observations_r SELECT child_id, 4611686018427387904, ord, 1, tie_id, "on", by,
        closeness, contact, has_support, emotional, practical, informational, critical,
        direction, trusted, note FROM observations;
    INSERT INTO episodes_r SELECT child_id, 4611686018427387904, ord, 1, kind, start, "end",
        reason, status, team FROM episodes;
    DROP TABLE observations;
    DROP TABLE episodes;
    DROP TABLE ties;
    DROP TABLE memberships;
    DROP TABLE children;
    DROP TABLE people;
    DROP TABLE meta;
    ALTER TABLE children_r RENAME TO children;
    ALTER TABLE people_r RENAME TO people;
    ALTER TABLE memberships_r RENAME TO memberships;
    ALTER TABLE ties_r RENAME TO ties;
    ALTER TABLE observations_r RENAME TO observations;
    ALTER TABLE episodes_r RENAME TO episodes;
    -- Current rows only: listings by team or status, a person's children, tie ids unique
    -- across the store's current networks.
    CREATE INDEX children_team ON children (team, id) WHERE rev_to = 4611686018427387904;
    CREATE INDEX children_status ON children (status, id) WHERE rev_to = 4611686018427387904;
    CREATE INDEX memberships_person ON memberships (person_id, child_id)
        WHERE rev_to = 4611686018427387904;
    CREATE UNIQUE INDEX ties_id ON ties (id) WHERE rev_to = 4611686018427387904;
    """,
    # Meetings, their plans' commitments and each commitment's progress (docs/meetings.md),
    # system-versioned like every row a child owns. A commitment names its meeting and a
    # progress entry its commitment; ord is the position in the document, flattened.
    # invited, attended and who are JSON arrays of person ids.
    """
    CREATE TABLE meetings (
        child_id      TEXT NOT NULL,
        rev_to        INTEGER NOT NULL,
        ord           INTEGER NOT NULL,
        rev_from      INTEGER NOT NULL,
        id            TEXT NOT NULL,
        kind          TEXT NOT NULL,
        "on"          TEXT NOT NULL,
        invited       TEXT NOT NULL,
        attended      TEXT NOT NULL,
        participation TEXT,
        note          TEXT,
        PRIMARY KEY (child_id, rev_to, ord)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX meetings_id ON meetings (id) WHERE rev_to = 4611686018427387904;
    CREATE TABLE commitments (
        child_id   TEXT NOT NULL,
        rev_to     INTEGER NOT NULL,
        ord        INTEGER NOT NULL,
        rev_from   INTEGER NOT NULL,
        meeting_id TEXT NOT NULL,
        id         TEXT NOT NULL,
        what       TEXT NOT NULL,
        who        TEXT NOT NULL,
        by         TEXT,
        PRIMARY KEY (child_id, rev_to, ord)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX commitments_id ON commitments (id) WHERE rev_to = 4611686018427387904;
    CREATE TABLE progress (
        child_id      TEXT NOT NULL,
        rev_to        INTEGER NOT NULL,
        ord           INTEGER NOT NULL,
        rev_from      INTEGER NOT NULL,
        commitment_id TEXT NOT NULL,
        "on"          TEXT NOT NULL,
        state         TEXT NOT NULL,
        by            TEXT,
        PRIMARY KEY (child_id, rev_to, ord)
    ) WITHOUT ROWID;
    """,
    # Each current child's cohort columns, packed by ecomap.measures.packed.pack and
    # written in the same transaction as the child (docs/scale.md); the current state's
    # cohort_tables only concatenates them. Children stored before this migration are
    # packed when the store is next opened (EmbeddedStore.__init__).
    """
    CREATE TABLE cohort_packed (
        child_id     TEXT PRIMARY KEY,
        ties         BLOB NOT NULL,
        observations BLOB NOT NULL,
        members      TEXT NOT NULL,
        episodes     BLOB NOT NULL,
        episode_values TEXT NOT NULL
    );
    """,
    # Each current child's plan columns (meetings, commitments, progress), packed by
    # ecomap.measures.packed_plans.pack_plans and written in the same transaction as the
    # child (docs/meetings.md, "The stores"); the current state's plan_tables only
    # concatenates them. Children stored before this migration are packed when the store
    # is next opened (EmbeddedStore.__init__).
    """
    CREATE TABLE plans_packed (
        child_id    TEXT PRIMARY KEY,
        meetings    BLOB NOT NULL,
        commitments BLOB NOT NULL,
        progress    BLOB NOT NULL
    );
    """,
    # The packed layout changed (ecomap.measures.packed.PACKED_FORMAT 2: observations in
    # the tables' order, pairs and per-side counts with each tie): the children are packed
    # again when the store is next opened (EmbeddedStore.__init__).
    """
    DELETE FROM cohort_packed;
    """,
    # The schema version at which every current child was last found packed (cohort and
    # plans columns). Every write packs in its own transaction, so it stays true until a
    # migration empties a packed table: opening the store checks the children only while
    # this differs from the schema version (docs/scale.md), not at every open (0.19 s at
    # 100,000 children).
    """
    CREATE TABLE packed_check (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL
    );
    INSERT INTO packed_check (id, version) VALUES (1, 0);
    """,
)

#: ``rev_to`` of a current row (no revision has replaced it yet).
OPEN = 4611686018427387904  # 2**62, written out in the SQL above

SCHEMA_VERSION = len(MIGRATIONS)


def _null(value: None) -> None:
    return value


# Binding None or a bool makes Python's sqlite3 look for an adapter (a registry miss, then
# two attribute lookups) before it binds NULL or 1/0: ~0.4-0.7 us each, 20% of a bulk
# import's insert time (an observation row has ~1.7 NULLs and ~0.75 booleans). Registered
# adapters are found at the first lookup; they bind exactly what was bound before.
sqlite3.register_adapter(type(None), _null)
sqlite3.register_adapter(bool, int)


def connect(target: str, *, wal: bool) -> sqlite3.Connection:
    """A connection with the store's settings; transactions are managed explicitly.

    ``check_same_thread`` is off because :class:`~graph.embedded.EmbeddedStore`
    guarantees one thread at a time per connection itself (and closes them all).
    """
    conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False, timeout=30.0)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA cache_size = -32768")  # up to 32 MiB of pages per connection
    # Python's lower() folds every script, SQLite's only ASCII (searching "Zoë" by "zoË").
    conn.create_function("py_lower", 1, lambda s: s.lower() if isinstance(s, str) else s,
                         deterministic=True)
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    """The version the database's schema is at (0 for a new, empty database)."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations this database has not had yet, each in its own transaction.

    Returns the schema version reached. Raises :class:`StoreError` if the database was
    written by a newer ecomap (its version is higher than any migration known here).
    """
    while True:
        conn.execute("BEGIN IMMEDIATE")  # re-read under the write lock: two openers agree
        try:
            current = schema_version(conn)
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"database schema version {current} is newer than this ecomap "
                    f"(knows up to {SCHEMA_VERSION}): upgrade ecomap"
                )
            if current == SCHEMA_VERSION:
                conn.execute("COMMIT")
                return current
            for statement in _statements(MIGRATIONS[current]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {current + 1}")
            conn.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                (current + 1, datetime.now(UTC).isoformat(timespec="seconds")),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit behind our back).

    >>> _statements("CREATE TABLE a (x TEXT DEFAULT ';'); CREATE INDEX i ON a (x);")
    ["CREATE TABLE a (x TEXT DEFAULT ';');", 'CREATE INDEX i ON a (x);']
    """
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    out, buf = [], ""
    for piece in "\n".join(lines).split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            statement = buf.strip()
            if statement != ";":
                out.append(statement)
            buf = ""
    return out
