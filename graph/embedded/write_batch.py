"""The embedded store's import batch: many documents in one revision, each atomic
(docs/scale.md, "Import", "The writer").

Most documents of an import are children the store does not hold yet, whose people are
either new or stored with the same details. For a run of such documents nothing needs
comparing: no current row to retire, no shared person to change, no other child to
list again. :func:`write_batch` writes each such run with a few statements for all of
its documents (one lookup of the batch's children, versions and people up front, then
multi-row inserts), under one savepoint. Every other document (a child already stored,
a person whose details it changes, a child met twice in the batch) goes through
:func:`graph.embedded.write.write_rows` under its own savepoint, as before; so does
every document of a run that failed as a whole (a tie, meeting or commitment id
another child owns, text SQLite cannot store), so each is stored or rejected on its own
and reported exactly as before. The rows are the same either way (``tests/graph``
compares the stores row for row, revision ranges included).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from itertools import chain
from typing import TYPE_CHECKING

from graph.base import DocumentConflict, DocumentInvalid, ImportResult
from graph.embedded import rows, write
from graph.embedded.rows import Row
from graph.embedded.schema import OPEN

if TYPE_CHECKING:
    from graph.embedded.bulk import Prepared, Rejected

__all__ = ["write_batch"]

_GROUP = 32
"""Rows per multi-row ``INSERT`` at most (then 16, 8, ... for the rest): binding fewer
statements is ~25% of an observation row's insert; far longer statements cost more to
prepare than they save."""

_STATEMENTS: dict[tuple[str, int], str] = {}


def _insert(table: str, columns: str, width: int, n: int) -> str:
    """``INSERT`` of ``n`` rows of ``table`` for one child: ``?1`` the child id, ``?2``
    the first row's ``ord``, ``?3`` the revision, then each row's ``width`` contents."""
    key = (table, n)
    found = _STATEMENTS.get(key)
    if found is None:
        marks = ", ".join("?" * width)
        values = ", ".join(f"(?1, {OPEN}, ?2 + {i}, ?3, {marks})" for i in range(n))
        found = _STATEMENTS[key] = (
            f"INSERT INTO {table} (child_id, rev_to, ord, rev_from, {columns}) "
            f"VALUES {values}")
    return found


def insert_rows(conn: sqlite3.Connection, table: str, columns: str, child_id: str, rev: int,
                new: Sequence[Row | list[object]]) -> None:
    """Insert ``new`` as the child's rows of ``table`` from ``ord`` 0, in revision ``rev``
    (a child with no current rows there), ``_GROUP`` rows or fewer a statement.

    >>> conn = sqlite3.connect(":memory:")
    >>> _ = conn.execute("CREATE TABLE t (child_id, rev_to, ord, rev_from, x, y)")
    >>> insert_rows(conn, "t", "x, y", "c", 7, [(i, str(i)) for i in range(35)])
    >>> conn.execute("SELECT count(*), max(ord), min(rev_from), max(y) FROM t").fetchone()
    (35, 34, 7, '9')
    """
    n = len(new)
    if not n:
        return
    width = len(new[0])
    execute = conn.execute
    start = 0
    while start < n:
        left = n - start
        size = _GROUP if left >= _GROUP else 1 << (left.bit_length() - 1)
        execute(_insert(table, columns, width, size),
                (child_id, start, rev, *chain.from_iterable(new[start:start + size])))
        start += size


def _lookup(conn: sqlite3.Connection, batch: Sequence[Prepared | Rejected]
            ) -> tuple[set[str], dict[str, int], dict[str, Row]]:
    """The batch's children that have a current record, every named child's latest
    version, and the current rows of every person the batch names."""
    from graph.embedded.bulk import Prepared

    ids = json.dumps([item.rows.child_id for item in batch if isinstance(item, Prepared)])
    current = {r[0] for r in conn.execute(
        f"SELECT id FROM children WHERE rev_to = {OPEN} "
        "AND id IN (SELECT value FROM json_each(?))", (ids,))}
    versions = {r[0]: int(r[2]) for r in conn.execute(
        "SELECT child_id, max(revision), version FROM revision_children "
        "WHERE child_id IN (SELECT value FROM json_each(?)) GROUP BY child_id", (ids,))}
    people = write.current_people(conn, {p[0] for item in batch if isinstance(item, Prepared)
                                         for p in item.rows.people})
    return current, versions, people


def _write_new(conn: sqlite3.Connection, rev: int, run: Sequence[Prepared],
               fresh: Sequence[Row], versions: dict[str, int]) -> None:
    """Write a run of new children (their people new or stored alike; ``fresh``: the
    people the store does not hold) in revision ``rev``, as :func:`write.write_rows`
    would one by one."""
    if fresh:
        conn.executemany(write.INSERT_PERSON, [(p[0], rev, *p[1:]) for p in fresh])
    conn.executemany(
        f"INSERT INTO children (id, rev_to, rev_from, {rows.CHILD_CONTENT}, closed) "
        f"VALUES (?, {OPEN}, ?, ?, ?, ?, ?, 0)",
        [(item.rows.child_id, rev, *item.rows.child) for item in run])
    for item in run:
        r = item.rows
        cid = r.child_id
        for table, columns in rows.CHILD_TABLES:
            insert_rows(conn, table, columns, cid, rev, r.owned[table])
        write.store_packed(conn, cid, item.packed, item.plans)
    conn.executemany(
        "INSERT INTO revision_children (child_id, revision, version) VALUES (?, ?, ?)",
        [(item.rows.child_id, rev, versions.get(item.rows.child_id, 0) + 1) for item in run])


def _write_one(conn: sqlite3.Connection, rev: int, item: Prepared, result: ImportResult,
               update_people: bool) -> bool:
    """One document under its own savepoint (:func:`write.write_rows`); True if stored."""
    cid = item.rows.child_id
    conn.execute("SAVEPOINT doc")
    try:
        write.write_rows(conn, rev, item.rows, item.packed, item.plans,
                         expected_version=None, update_people=update_people)
    except (DocumentConflict, DocumentInvalid) as err:
        conn.execute("ROLLBACK TO doc")
        result.rejected.append((cid, err.breaches))
        return False
    else:
        result.imported.append(cid)
        return True
    finally:
        conn.execute("RELEASE doc")


def write_batch(conn: sqlite3.Connection, rev: int, batch: Sequence[Prepared | Rejected],
                result: ImportResult, update_people: bool) -> int:
    """Write the batch's documents in revision ``rev`` (the caller's transaction), each
    atomic, recording in ``result`` what was stored and what refused, in batch order;
    return how many were stored."""
    from graph.embedded.bulk import Rejected

    current, versions, known = _lookup(conn, batch)
    seen: set[str] = set()
    run: list[Prepared] = []
    fresh: list[Row] = []
    stored = 0

    def flush() -> None:
        nonlocal stored
        if not run:
            return
        conn.execute("SAVEPOINT run")
        try:
            _write_new(conn, rev, run, fresh, versions)
        except (sqlite3.IntegrityError, UnicodeEncodeError):
            conn.execute("ROLLBACK TO run")
            conn.execute("RELEASE run")
            for item in run:  # one by one: each stored or refused with its reason
                stored += _write_one(conn, rev, item, result, update_people)
            for p in fresh:  # as the documents that were stored left them
                del known[p[0]]
            known.update(write.current_people(conn, (p[0] for p in fresh)))
        else:
            conn.execute("RELEASE run")
            result.imported.extend(item.rows.child_id for item in run)
            stored += len(run)
        run.clear()
        fresh.clear()

    for item in batch:
        if isinstance(item, Rejected):
            flush()
            result.rejected.append((item.source, item.breaches))
            continue
        cid = item.rows.child_id
        people = [tuple(p) for p in item.rows.people]
        if cid in current or cid in seen or any(
                known.get(p[0], p) != p for p in people):
            flush()  # the document compares with what the store holds: on its own
            seen.add(cid)
            if _write_one(conn, rev, item, result, update_people):
                stored += 1
                known.update(write.current_people(conn, (p[0] for p in people)))
            continue
        seen.add(cid)
        for p in people:
            if p[0] not in known:
                known[p[0]] = p
                fresh.append(p)
        run.append(item)
    flush()
    return stored
