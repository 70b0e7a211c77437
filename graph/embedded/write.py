"""The embedded store's writes inside one revision: rows closed and inserted, never
updated in content nor deleted (docs/record.md).

Every function here runs inside the caller's transaction and its revision ``rev``.
A row that changes is *retired* (``rev_to = rev``) and a new one inserted with
``rev_from = rev``; a row written and retired within the same revision was never seen
by anyone and is simply dropped. Rows that did not change are left alone, so an edit
costs its own size, not the network's.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ecomap.errors import Breach, DocumentInvalid
from ecomap.model import EcomapDocument, Person
from graph.base import DocumentConflict, ErasedCounts, StoreError, VersionConflict
from graph.embedded import rows
from graph.embedded.plans import store_plans
from graph.embedded.rows import Row
from graph.embedded.schema import OPEN
from graph.timestamps import to_us

if TYPE_CHECKING:
    from ecomap.measures.packed import PackedChild
    from ecomap.measures.packed_plans import PackedPlans

@dataclass(frozen=True)
class RevisionRow:
    """What a revision records besides its children."""

    actor: str
    reason: str | None = None
    kind: str = "write"
    restored: int | None = None
    number: int | None = None  # replay: the number another store gave it
    at: datetime | None = None  # replay: the time another store gave it


def begin_revision(conn: sqlite3.Connection, meta: RevisionRow) -> int:
    """Insert the revision row and return its number. Times never go backwards (a clock
    stepped back gives the previous revision's time), so a timestamp finds one revision."""
    last = conn.execute(
        "SELECT number, at_us FROM revisions ORDER BY number DESC LIMIT 1").fetchone()
    last_number, last_at = (0, 0) if last is None else (int(last[0]), int(last[1]))
    number = last_number + 1 if meta.number is None else meta.number
    if number <= last_number:
        raise StoreError(f"revision {number} is not after this store's latest ({last_number})")
    at = to_us(meta.at if meta.at is not None else datetime.now(UTC))
    conn.execute(
        "INSERT INTO revisions (number, at_us, actor, reason, kind, restored) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (number, max(at, last_at), meta.actor, meta.reason, meta.kind, meta.restored),
    )
    return number


def latest_version(conn: sqlite3.Connection, child_id: str) -> tuple[int, int] | None:
    """``(revision, version)`` of the child's latest listing, if any."""
    row = conn.execute(
        "SELECT revision, version FROM revision_children WHERE child_id = ? "
        "ORDER BY revision DESC LIMIT 1", (child_id,)).fetchone()
    return None if row is None else (int(row[0]), int(row[1]))


def list_child(conn: sqlite3.Connection, rev: int, child_id: str,
               version: int | None = None) -> int:
    """List the child in revision ``rev`` (once) and return its version after it: the
    previous one plus one, or ``version`` when given (replay)."""
    latest = latest_version(conn, child_id)
    if latest is not None and latest[0] == rev:
        return latest[1]
    new = version if version is not None else (0 if latest is None else latest[1]) + 1
    conn.execute("INSERT INTO revision_children (child_id, revision, version) VALUES (?, ?, ?)",
                 (child_id, rev, new))
    return new


def current_child(conn: sqlite3.Connection, child_id: str) -> Row | None:
    """The child's current row as ``CHILD_CONTENT`` plus ``closed``, or None."""
    row: Row | None = conn.execute(
        f"SELECT {rows.CHILD_CONTENT}, closed FROM children WHERE id = ? AND rev_to = {OPEN}",
        (child_id,)).fetchone()
    return row


def current_version(conn: sqlite3.Connection, child_id: str) -> int | None:
    """The version of a child that has a current record (None if it has none)."""
    if current_child(conn, child_id) is None:
        return None
    latest = latest_version(conn, child_id)
    return None if latest is None else latest[1]


def check_version(conn: sqlite3.Connection, child_id: str, expected: int | None) -> int | None:
    """The child's current version, after checking it against ``expected`` (0: absent)."""
    current = current_version(conn, child_id)
    if expected is not None and expected != (current or 0):
        raise VersionConflict(child_id, expected, current)
    return current


def _retire(conn: sqlite3.Connection, table: str, key: str, keys: Sequence[Row],
            rev: int) -> None:
    """Retire the current rows of ``table`` matching ``key`` (SQL with ``?``s)."""
    if not keys:
        return
    conn.executemany(
        f"DELETE FROM {table} WHERE {key} AND rev_to = {OPEN} AND rev_from = {rev}", keys)
    conn.executemany(f"UPDATE {table} SET rev_to = {rev} WHERE {key} AND rev_to = {OPEN}", keys)


def set_child_row(conn: sqlite3.Connection, rev: int, child_id: str, content: Row,
                  closed: bool, current: Row | None) -> None:
    """Make ``content`` and ``closed`` the child's current row (a new row if either moved),
    ``current`` being its current row as :func:`current_child` gives it (None: none)."""
    new = (*content, int(closed))
    if current is not None and tuple(current) == new:
        return
    if current is None:  # a new record: nothing to retire
        conn.execute(f"INSERT INTO children (id, rev_to, rev_from, {rows.CHILD_CONTENT}, "
                     f"closed) VALUES (?, {OPEN}, ?, ?, ?, ?, ?, ?)", (child_id, rev, *new))
        return
    _retire(conn, "children", "id = ?", [(child_id,)], rev)
    conn.execute(f"INSERT INTO children (id, rev_to, rev_from, {rows.CHILD_CONTENT}, closed) "
                 f"VALUES (?, {OPEN}, ?, ?, ?, ?, ?, ?)", (child_id, rev, *new))


def current_people(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, Row]:
    """Current rows (``PERSON_COLUMNS``) of the named people that exist."""
    found = conn.execute(
        f"SELECT {rows.PERSON_COLUMNS} FROM people WHERE rev_to = {OPEN} "
        "AND id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),))
    return {r[0]: tuple(r) for r in found}


def person_versions(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, int]:
    """The revision that wrote each named person's current row (their version)."""
    found = conn.execute(
        f"SELECT id, rev_from FROM people WHERE rev_to = {OPEN} "
        "AND id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),))
    return {r[0]: int(r[1]) for r in found}


def children_of(conn: sqlite3.Connection, person_id: str) -> list[str]:
    """Children whose current network includes the person (closed ones too), sorted."""
    return [r[0] for r in conn.execute(
        f"SELECT child_id FROM memberships WHERE person_id = ? AND rev_to = {OPEN} "
        "ORDER BY child_id", (person_id,))]


INSERT_PERSON = (f"INSERT INTO people (id, rev_to, rev_from, name, category, role, adult, "
                  f"paid) VALUES (?, {OPEN}, ?, ?, ?, ?, ?, ?)")


def set_person_row(conn: sqlite3.Connection, rev: int, row: Row) -> None:
    """Make ``row`` the person's current row."""
    _retire(conn, "people", "id = ?", [(row[0],)], rev)
    conn.execute(INSERT_PERSON, (row[0], rev, *row[1:]))


def _differing(old: Row, new: Row) -> list[str]:
    names = [c.strip() for c in rows.PERSON_COLUMNS.split(",")]
    return [n for n, a, b in zip(names, old, new, strict=True) if a != b]


def write_people(conn: sqlite3.Connection, rev: int, child_id: str, people: list[Row],
                 update_people: bool) -> set[str]:
    """Insert the document's new people; refuse (or, with ``update_people``, apply) changed
    details of existing ones. Returns the other children whose records that changed."""
    current = current_people(conn, (p[0] for p in people))
    breaches: list[Breach] = []
    changed: list[Row] = []
    fresh = [(new[0], rev, *new[1:]) for new in people if new[0] not in current]
    if fresh:  # no current row to retire: one batched insert
        conn.executemany(INSERT_PERSON, fresh)
    for i, new in enumerate(people):
        old = current.get(new[0])
        if old is None:
            continue
        if old != new:
            if not update_people:
                breaches.append(Breach(
                    f"people[{i}]",
                    f"person {new[0]!r} is already recorded with other details "
                    f"({', '.join(_differing(old, new))}); a child's record may link them "
                    "but not change them: change a shared person's details with the "
                    "person edit"))
            changed.append(new)
    if breaches:
        raise DocumentConflict(child_id, breaches)
    affected: set[str] = set()
    for new in changed:
        affected.update(children_of(conn, new[0]))
        set_person_row(conn, rev, new)
    affected.discard(child_id)
    return affected


def _sync(conn: sqlite3.Connection, table: str, columns: str, child_id: str, rev: int,
          new: list[Row], fresh_child: bool) -> list[Row]:
    """Make ``new`` the child's current rows of ``table``; return the retired contents."""
    if fresh_child:  # nothing to compare with (the import's common case)
        old: dict[int, Row] = {}
        added = [(child_id, i, rev, *row) for i, row in enumerate(new)]
    else:
        old = {r[0]: tuple(r[1:]) for r in conn.execute(
            f"SELECT ord, {columns} FROM {table} WHERE child_id = ? AND rev_to = {OPEN}",
            (child_id,))}
        new = [tuple(row) for row in new]  # rows may come as lists (graph.embedded.bulk)
        added = [(child_id, i, rev, *row) for i, row in enumerate(new) if old.get(i) != row]
    gone = [o for o, row in old.items() if o >= len(new) or new[o] != row]
    _retire(conn, table, "child_id = ? AND ord = ?", [(child_id, o) for o in gone], rev)
    marks = ", ".join("?" * (len(new[0]) if new else 1))
    if added:
        conn.executemany(
            f"INSERT INTO {table} (child_id, rev_to, ord, rev_from, {columns}) "
            f"VALUES (?, {OPEN}, ?, ?, {marks})", added)
    return [old[o] for o in gone]


def _retire_orphans(conn: sqlite3.Connection, rev: int, person_ids: Iterable[str]) -> None:
    """Retire people who are no longer in any child's current network."""
    orphans = [(p,) for p in set(person_ids) if not conn.execute(
        f"SELECT 1 FROM memberships WHERE person_id = ? AND rev_to = {OPEN} LIMIT 1",
        (p,)).fetchone()]
    _retire(conn, "people", "id = ?", orphans, rev)


def write_child(conn: sqlite3.Connection, rev: int, doc: EcomapDocument, *,
                expected_version: int | None, update_people: bool,
                closed: bool | None = None) -> int:
    """Make ``doc`` the child's current record in revision ``rev``; return its version.

    ``closed`` None keeps the record's closed flag (a new record is open).
    """
    from ecomap.measures.packed import pack  # numpy: loaded when first needed
    from ecomap.measures.packed_plans import pack_plans

    return write_rows(conn, rev, rows.to_rows(doc), pack(doc), pack_plans(doc),
                      expected_version=expected_version, update_people=update_people,
                      closed=closed)


def write_rows(conn: sqlite3.Connection, rev: int, r: rows.DocumentRows,
               packed: PackedChild, plans: PackedPlans, *, expected_version: int | None,
               update_people: bool, closed: bool | None = None) -> int:
    """:func:`write_child` of the document whose rows are ``r``, packed cohort columns
    ``packed`` and packed plan columns ``plans`` (all made from a valid document: the
    import's fast path makes them without a model, :mod:`graph.embedded.bulk`)."""
    try:
        return _write_rows(conn, rev, r, packed, plans, expected_version, update_people,
                           closed)
    except UnicodeEncodeError:  # a lone surrogate (e.g. JSON "\\ud800") cannot be stored
        raise DocumentInvalid(r.child_id, [
            Breach("$", "contains text that is not valid Unicode (a lone surrogate)")]) from None


def _write_rows(conn: sqlite3.Connection, rev: int, r: rows.DocumentRows, packed: PackedChild,
                plans: PackedPlans, expected_version: int | None, update_people: bool,
                closed: bool | None) -> int:
    cid = r.child_id
    if expected_version is not None:
        check_version(conn, cid, expected_version)
    current = current_child(conn, cid)
    affected = write_people(conn, rev, cid, r.people, update_people)
    was_closed = bool(current[-1]) if current is not None else False
    set_child_row(conn, rev, cid, r.child, was_closed if closed is None else closed, current)
    left: list[str] = []
    for table, columns in rows.CHILD_TABLES:
        try:
            gone = _sync(conn, table, columns, cid, rev, r.owned[table], current is None)
        except sqlite3.IntegrityError:
            if table in ("meetings", "commitments"):
                raise _meeting_conflict(conn, r, table) from None
            if table != "ties":
                raise
            raise _tie_conflict(conn, r) from None
        if table == "memberships":
            left = [g[0] for g in gone]
    if left:
        _retire_orphans(conn, rev, left)
    store_packed(conn, cid, packed, plans)
    repack(conn, affected)  # other children with a person whose details changed
    for other in sorted(affected):
        list_child(conn, rev, other)
    return list_child(conn, rev, cid)


def pack_child(conn: sqlite3.Connection, doc: EcomapDocument) -> None:
    """Keep the child's packed cohort columns (docs/scale.md) equal to ``doc``: called in
    the transaction that writes the child (erase deletes the row)."""
    from ecomap.measures.packed import pack  # numpy: loaded when first needed
    from ecomap.measures.packed_plans import pack_plans

    store_packed(conn, doc.child.id, pack(doc), pack_plans(doc))


def store_packed(conn: sqlite3.Connection, child_id: str, packed: PackedChild,
                 plans: PackedPlans) -> None:
    """Make ``packed`` the child's packed cohort columns, and ``plans`` its packed plan
    columns."""
    conn.execute("INSERT OR REPLACE INTO cohort_packed (child_id, ties, observations, members,"
                 " episodes, episode_values) VALUES (?, ?, ?, ?, ?, ?)",
                 (child_id, packed.ties, packed.observations, packed.members,
                  packed.episodes, packed.episode_values))
    store_plans(conn, child_id, plans)  # the plans' columns (docs/meetings.md), likewise


def repack(conn: sqlite3.Connection, child_ids: Iterable[str]) -> None:
    """Pack the named children's current documents again (a shared person's details
    changed: they are packed with each tie), in the caller's transaction."""
    ids = sorted(set(child_ids))
    for start in range(0, len(ids), 200):
        for _, text in conn.execute(rows.documents_json(None), {
                "ids": json.dumps(ids[start:start + 200]), "r": None, "closed": 1}):
            pack_child(conn, rows.document(text))


def _tie_conflict(conn: sqlite3.Connection, r: rows.DocumentRows) -> StoreError:
    """Explain a failed tie insert: which tie ids another child's network already owns."""
    cid = r.child_id
    tie_ids = [t[0] for t in r.owned["ties"]]
    owned = {row[0] for row in conn.execute(
        f"SELECT id FROM ties WHERE rev_to = {OPEN} AND child_id != ? "
        "AND id IN (SELECT value FROM json_each(?))", (cid, json.dumps(tie_ids)))}
    breaches = [
        Breach(f"ties[{i}].id", f"tie id {tie_id!r} already belongs to another child's network")
        for i, tie_id in enumerate(tie_ids) if tie_id in owned
    ]
    if not breaches:
        return StoreError(f"could not store the ties of child {cid!r}")
    return DocumentConflict(cid, breaches)


def _meeting_conflict(conn: sqlite3.Connection, r: rows.DocumentRows, table: str) -> StoreError:
    """Explain a failed meeting or commitment insert: ids another child's record owns."""
    cid = r.child_id
    meeting_at = {m[0]: i for i, m in enumerate(r.owned["meetings"])}
    if table == "meetings":
        items = [(f"meetings[{i}].id", mid) for mid, i in meeting_at.items()]
    else:
        items, within = [], [0] * len(meeting_at)
        for k in r.owned["commitments"]:  # (meeting id, id, ...), meeting by meeting
            i = meeting_at[k[0]]
            items.append((f"meetings[{i}].plan[{within[i]}].id", k[1]))
            within[i] += 1
    owned = {row[0] for row in conn.execute(
        f"SELECT id FROM {table} WHERE rev_to = {OPEN} AND child_id != ? "
        "AND id IN (SELECT value FROM json_each(?))", (cid, json.dumps([i for _, i in items])))}
    what = "meeting" if table == "meetings" else "commitment"
    breaches = [Breach(path, f"{what} id {i!r} already belongs to another child's record")
                for path, i in items if i in owned]
    if not breaches:
        return StoreError(f"could not store the {table} of child {cid!r}")
    return DocumentConflict(cid, breaches)


def update_person(conn: sqlite3.Connection, rev: int, person: Person) -> list[str]:
    """Change a current person's details; list and return every child whose current
    network has them. The caller checks that the person exists."""
    affected = children_of(conn, person.id)
    new = rows.person_row(person)
    if current_people(conn, [person.id]).get(person.id) != new:
        set_person_row(conn, rev, new)
        repack(conn, affected)
    for cid in affected:
        list_child(conn, rev, cid)
    return affected


def erase_rows(conn: sqlite3.Connection, child_id: str) -> ErasedCounts:
    """Delete every row of the child, of every revision, and its listings; and the
    people who were in no other child's network at any revision."""
    def count(table: str) -> int:
        return int(conn.execute(f"SELECT count(*) FROM {table} WHERE child_id = ?",
                                (child_id,)).fetchone()[0])

    people = [r[0] for r in conn.execute(
        "SELECT DISTINCT person_id FROM memberships m WHERE child_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM memberships o WHERE o.person_id = m.person_id AND o.child_id != ?)",
        (child_id, child_id))]
    counts = ErasedCounts(
        child_id=child_id,
        revisions=count("revision_children"),
        people=len(people),
        ties=count("ties"),
        observations=count("observations"),
        episodes=count("episodes"),
    )
    for table in ("memberships", "ties", "observations", "episodes", "meetings",
                  "commitments", "progress", "revision_children", "cohort_packed",
                  "plans_packed"):
        conn.execute(f"DELETE FROM {table} WHERE child_id = ?", (child_id,))
    conn.execute("DELETE FROM children WHERE id = ?", (child_id,))
    conn.executemany("DELETE FROM people WHERE id = ?", [(p,) for p in people])
    return counts
