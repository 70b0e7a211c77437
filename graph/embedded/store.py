"""The embedded graph store: one SQLite file (WAL), created on first use, or in memory.

Threads: a file store gives each thread its own connection (readers never wait,
thanks to WAL) and serialises this process's writers with a lock; other processes
wait on SQLite's busy timeout. An in-memory store has a single connection, so every
call takes one re-entrant lock. Nothing here logs names or notes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecomap.errors import Breach, DocumentInvalid
from ecomap.format import validate_document
from ecomap.model import EcomapDocument, Observation, Status
from graph.base import (
    ActiveTie,
    ChildNotFound,
    ChildSummary,
    DocumentConflict,
    ImportResult,
    Page,
    StoreCounts,
    StoreError,
    VersionConflict,
    ViewPerspective,
)
from graph.embedded import rows
from graph.embedded.schema import connect, migrate

if TYPE_CHECKING:
    from ecomap.measures.tables import CohortTables

_BATCH_DOCUMENTS = 500  # documents per transaction in replace_many
_READ_BATCH = 200  # documents fetched per query round in iter_documents

_UPSERT_PERSON = (
    f"INSERT INTO people ({rows.PERSON_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, category = excluded.category, "
    "role = excluded.role, adult = excluded.adult, paid = excluded.paid"
)
_INSERT_TIE = f"INSERT INTO ties (child_id, {rows.TIE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
_INSERT_OBSERVATION = (
    f"INSERT INTO observations (child_id, {rows.OBSERVATION_COLUMNS}) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_EPISODE = (
    f"INSERT INTO episodes (child_id, {rows.EPISODE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


class EmbeddedStore:
    """A :class:`~graph.base.GraphStore` on SQLite (stdlib ``sqlite3``).

    ``EmbeddedStore(path)`` opens (creating if needed) a database file and brings its
    schema up to date; ``EmbeddedStore.memory()`` keeps everything in memory.

    >>> from ecomap.format import parse_document
    >>> store = EmbeddedStore.memory()
    >>> store.replace(parse_document({"format": "ecomap/1", "child": {"id": "c", "name": "C"}}))
    1
    >>> store.counts().children
    1
    >>> store.close()
    """

    def __init__(self, path: str | Path, *, _memory: bool = False) -> None:
        self._memory = _memory
        self._target = ":memory:" if _memory else str(Path(path))
        if not _memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()  # memory: every call; file: writers of this process
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        conn = self._new_connection()
        migrate(conn)
        if _memory:
            self._shared = conn
        else:
            self._local.conn = conn

    @classmethod
    def memory(cls) -> EmbeddedStore:
        """A store that lives in memory for as long as the object does (tests, demos)."""
        return cls(":memory:", _memory=True)

    @property
    def path(self) -> str:
        """The database file (``:memory:`` for an in-memory store)."""
        return self._target

    # ------------------------------------------------------------------ connections

    def _new_connection(self) -> sqlite3.Connection:
        conn = connect(self._target, wal=not self._memory)
        with self._lock:
            self._connections.append(conn)
        return conn

    def _conn(self) -> sqlite3.Connection:
        if self._closed:
            raise StoreError("the store is closed")
        if self._memory:
            return self._shared
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._new_connection()
        return conn

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for the duration of the block."""
        if self._memory:
            with self._lock:
                yield self._conn()
            return
        conn = self._conn()
        if conn.in_transaction:  # re-entered from inside another read: reuse its snapshot
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed at the end of the block, rolled back on error."""
        with self._lock:
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("UPDATE meta SET revision = revision + 1 WHERE id = 1")
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for conn in self._connections:
                conn.close()
            self._connections.clear()

    # ------------------------------------------------------------------ writing

    def replace(self, doc: EcomapDocument, *, expected_version: int | None = None) -> int:
        _check(doc)
        with self._writing() as conn:
            return _write(conn, doc, expected_version)

    def replace_many(self, docs: Iterable[EcomapDocument]) -> ImportResult:
        result = ImportResult()
        batch: list[EcomapDocument] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= _BATCH_DOCUMENTS:
                self._write_batch(batch, result)
                batch = []
        if batch:
            self._write_batch(batch, result)
        return result

    def _write_batch(self, batch: list[EcomapDocument], result: ImportResult) -> None:
        """One transaction for the batch; a savepoint per document keeps each atomic."""
        with self._writing() as conn:
            for doc in batch:
                breaches = validate_document(doc)
                if breaches:
                    result.rejected.append((doc.child.id, breaches))
                    continue
                conn.execute("SAVEPOINT doc")
                try:
                    _write(conn, doc, None)
                except (DocumentConflict, DocumentInvalid) as err:
                    conn.execute("ROLLBACK TO doc")
                    result.rejected.append((doc.child.id, err.breaches))
                else:
                    result.imported.append(doc.child.id)
                finally:
                    conn.execute("RELEASE doc")

    def delete(self, child_id: str, *, expected_version: int | None = None) -> None:
        with self._writing() as conn:
            current = _current_version(conn, child_id)
            if current is None:
                raise ChildNotFound(child_id)
            if expected_version is not None and expected_version != current:
                raise VersionConflict(child_id, expected_version, current)
            people = [r[0] for r in conn.execute(
                "SELECT person_id FROM memberships WHERE child_id = ?", (child_id,))]
            conn.execute("DELETE FROM children WHERE id = ?", (child_id,))  # cascades
            _drop_orphans(conn, people)

    # ------------------------------------------------------------------ reading

    def get(self, child_id: str) -> EcomapDocument:
        with self._reading() as conn:
            found = _load(conn, [child_id])
        if not found:
            raise ChildNotFound(child_id)
        return rows.document(found[0][1])

    def version(self, child_id: str) -> int:
        with self._reading() as conn:
            current = _current_version(conn, child_id)
        if current is None:
            raise ChildNotFound(child_id)
        return current

    def revision(self) -> int:
        with self._reading() as conn:
            return int(conn.execute("SELECT revision FROM meta WHERE id = 1").fetchone()[0])

    def children(
        self,
        *,
        team: str | None = None,
        status: Status | None = None,
        search: str | None = None,
        ids: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> Page:
        where: list[str] = ["1 = 1"]
        params: list[Any] = []
        if team is not None:
            where.append("team = ?")
            params.append(team)
        if status is not None:
            where.append("status = ?")
            params.append(status)
        if search:
            where.append("(instr(py_lower(id), ?) > 0 OR instr(py_lower(name), ?) > 0)")
            params += [search.lower(), search.lower()]
        if ids is not None:
            where.append("id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(ids)))
        clause = " AND ".join(where)
        with self._reading() as conn:
            count = conn.execute(f"SELECT count(*) FROM children WHERE {clause}", params)
            total = int(count.fetchone()[0])
            found = conn.execute(
                f"SELECT id, name, team, status, version FROM children WHERE {clause} "
                "ORDER BY id LIMIT ? OFFSET ?",
                [*params, -1 if limit is None else max(limit, 0), max(offset, 0)],
            ).fetchall()
        return Page([ChildSummary(*r) for r in found], total)

    def children_of_person(self, person_id: str) -> list[str]:
        with self._reading() as conn:
            found = conn.execute(
                "SELECT child_id FROM memberships WHERE person_id = ? ORDER BY child_id",
                (person_id,),
            )
            return [r[0] for r in found]

    def active_ties(
        self, child_id: str, at: date, perspective: ViewPerspective = "combined"
    ) -> list[ActiveTie]:
        day = at.isoformat()
        with self._reading() as conn:
            if _current_version(conn, child_id) is None:
                raise ChildNotFound(child_id)
            tie_rows = conn.execute(
                f"SELECT {rows.TIE_COLUMNS} FROM ties WHERE child_id = ? AND member IS NOT NULL"
                " AND (started IS NULL OR started <= ?) AND (ended IS NULL OR ended > ?)",
                (child_id, day, day),
            ).fetchall()
            members = {r[0]: rows.person(r) for r in conn.execute(
                f"SELECT {_prefixed('p', rows.PERSON_COLUMNS)} FROM people p "
                "JOIN ties t ON t.member = p.id WHERE t.child_id = ?", (child_id,))}
            observed = conn.execute(
                f'SELECT {rows.OBSERVATION_COLUMNS} FROM observations WHERE child_id = ? '
                'AND "on" <= ? ORDER BY "on", ord', (child_id, day),
            ).fetchall()
        child_view: dict[str, Observation] = {}
        adult_view: dict[str, Observation] = {}
        for r in observed:  # ordered by date then document order: the last one wins
            view = child_view if r[3] == "child" else adult_view
            view[r[1]] = rows.observation(r)
        out = []
        for r in tie_rows:
            tid = r[0]
            if perspective == "child":
                effective = child_view.get(tid)
            elif perspective == "worker":
                effective = adult_view.get(tid)
            else:
                effective = child_view.get(tid) or adult_view.get(tid)
            out.append(ActiveTie(rows.tie(r), members[r[4]], effective))
        out.sort(key=lambda a: (a.member.id, a.tie.id))
        return out

    def iter_documents(self, ids: Sequence[str] | None = None) -> Iterator[EcomapDocument]:
        if ids is not None:  # named children that are not stored are left out
            wanted = sorted(set(ids))
            for start in range(0, len(wanted), _READ_BATCH):
                with self._reading() as conn:
                    texts = _load(conn, wanted[start:start + _READ_BATCH])
                for _cid, text in texts:
                    yield rows.document(text)
            return
        after = ""
        while True:  # keyset pagination: no cursor is held open between documents
            with self._reading() as conn:
                batch = [r[0] for r in conn.execute(
                    "SELECT id FROM children WHERE id > ? ORDER BY id LIMIT ?",
                    (after, _READ_BATCH))]
                texts = _load(conn, batch)
            if not batch:
                return
            for _cid, text in texts:
                yield rows.document(text)
            after = batch[-1]

    def cohort_tables(self, ids: Sequence[str] | None = None) -> CohortTables:
        from graph.embedded.cohort import cohort_tables  # numpy: loaded when first needed

        with self._reading() as conn:
            return cohort_tables(conn, ids)

    def counts(self) -> StoreCounts:
        with self._reading() as conn:
            n = [int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) for table in
                 ("children", "people", "ties", "observations", "episodes")]
        return StoreCounts(*n)


# ---------------------------------------------------------------------- helpers


def _check(doc: EcomapDocument) -> None:
    breaches = validate_document(doc)
    if breaches:
        raise DocumentInvalid(doc.child.id, breaches)


def _prefixed(alias: str, columns: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))


def _current_version(conn: sqlite3.Connection, child_id: str) -> int | None:
    row = conn.execute("SELECT version FROM children WHERE id = ?", (child_id,)).fetchone()
    return None if row is None else int(row[0])


def _drop_orphans(conn: sqlite3.Connection, person_ids: Iterable[str]) -> None:
    """Remove people who are no longer in any child's network."""
    conn.executemany(
        "DELETE FROM people WHERE id = ? AND NOT EXISTS "
        "(SELECT 1 FROM memberships m WHERE m.person_id = people.id)",
        [(p,) for p in person_ids],
    )


def _write(conn: sqlite3.Connection, doc: EcomapDocument, expected_version: int | None) -> int:
    """Replace one child's network inside the caller's transaction; return the new version."""
    try:
        return _write_rows(conn, doc, expected_version)
    except UnicodeEncodeError:  # a lone surrogate (e.g. JSON "\\ud800") cannot be stored
        raise DocumentInvalid(doc.child.id, [
            Breach("$", "contains text that is not valid Unicode (a lone surrogate)")]) from None


def _write_rows(conn: sqlite3.Connection, doc: EcomapDocument,
                expected_version: int | None) -> int:
    cid = doc.child.id
    current = _current_version(conn, cid)
    if expected_version is not None and expected_version != (current or 0):
        raise VersionConflict(cid, expected_version, current)
    r = rows.to_rows(doc)
    old_people: list[str] = []
    if current is None:
        conn.execute(f"INSERT INTO children ({rows.CHILD_COLUMNS}, version) VALUES "
                     "(?, ?, ?, ?, ?, 1)", r.child)
    else:
        old_people = [p[0] for p in conn.execute(
            "SELECT person_id FROM memberships WHERE child_id = ?", (cid,))]
        for table in ("observations", "episodes", "ties", "memberships"):
            conn.execute(f"DELETE FROM {table} WHERE child_id = ?", (cid,))
        conn.execute("UPDATE children SET name = ?, birth_date = ?, status = ?, team = ?, "
                     "version = version + 1 WHERE id = ?", (*r.child[1:], cid))
    conn.executemany(_UPSERT_PERSON, r.people)
    conn.executemany("INSERT INTO memberships (child_id, person_id, ord) VALUES (?, ?, ?)",
                     r.memberships)
    try:
        conn.executemany(_INSERT_TIE, r.ties)
    except sqlite3.IntegrityError:
        raise _tie_conflict(conn, doc) from None
    conn.executemany(_INSERT_OBSERVATION, r.observations)
    conn.executemany(_INSERT_EPISODE, r.episodes)
    if old_people:
        kept = {p.id for p in doc.people}
        _drop_orphans(conn, [p for p in old_people if p not in kept])
    return 1 if current is None else current + 1


def _tie_conflict(conn: sqlite3.Connection, doc: EcomapDocument) -> StoreError:
    """Explain a failed tie insert: which tie ids another child's network already owns."""
    cid = doc.child.id
    owned = {r[0] for r in conn.execute(
        "SELECT id FROM ties WHERE child_id != ? AND id IN (SELECT value FROM json_each(?))",
        (cid, json.dumps([t.id for t in doc.ties])))}
    breaches = [
        Breach(f"ties[{i}].id", f"tie id {t.id!r} already belongs to another child's network")
        for i, t in enumerate(doc.ties) if t.id in owned
    ]
    if not breaches:
        return StoreError(f"could not store the ties of child {cid!r}")
    return DocumentConflict(cid, breaches)


def _load(conn: sqlite3.Connection, ids: Sequence[str]) -> list[tuple[str, str]]:
    """``(child id, ecomap/1 JSON)`` for the stored ones of ``ids``, in id order."""
    if not ids:
        return []
    return conn.execute(rows.DOCUMENTS_JSON, (json.dumps(list(ids)),)).fetchall()
