"""The embedded graph store: one SQLite file (WAL), created on first use, or in memory.

Threads: a file store gives each thread its own connection (readers never wait,
thanks to WAL) and serialises this process's writers with a lock; other processes
wait on SQLite's busy timeout. An in-memory store has a single connection, so every
call takes one re-entrant lock. Nothing here logs names or notes.

Every write is one revision (docs/record.md): :mod:`graph.embedded.write` retires
changed rows and inserts new ones; reads take ``as_recorded``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ecomap.format import validate_document
from ecomap.model import Category, EcomapDocument, Person, Status
from graph.base import (
    AsRecorded,
    ChildNotFound,
    ChildSummary,
    DocumentInvalid,
    ErasedCounts,
    ImportResult,
    Page,
    PersonConflict,
    PersonNotFound,
    RecordedChild,
    Revision,
    RevisionNotFound,
    StoreCounts,
    StoreError,
)
from graph.embedded import rows, snapshots, write
from graph.embedded.plans import MISSING_PLANS
from graph.embedded.schema import OPEN, connect, migrate, schema_version
from graph.embedded.write import RevisionRow
from graph.timestamps import from_us, to_us

if TYPE_CHECKING:
    from ecomap.measures.columns_file import Encoded
    from ecomap.measures.plans_cohort import PlanTables
    from ecomap.measures.tables import CohortTables
    from graph.embedded.bulk import Prepared, Rejected

T = TypeVar("T")

_BATCH_DOCUMENTS = 500  # documents per transaction (and revision) in replace_many
_READ_BATCH = 200  # documents fetched per query round in iter_documents


class EmbeddedStore:
    """A :class:`~graph.base.GraphStore` on SQLite (stdlib ``sqlite3``).

    ``EmbeddedStore(path)`` opens (creating if needed) a database file and brings its
    schema up to date; ``EmbeddedStore.memory()`` keeps everything in memory.

    >>> from ecomap.format import parse_document
    >>> store = EmbeddedStore.memory()
    >>> first = {"format": "ecomap/1", "child": {"id": "c", "name": "C"}}
    >>> store.replace(parse_document(first), actor="u1")
    1
    >>> store.replace(parse_document({**first, "child": {"id": "c", "name": "Cee"}}),
    ...               actor="u2", reason="name corrected")
    2
    >>> store.get("c", as_recorded=1).child.name, store.get("c").child.name
    ('C', 'Cee')
    >>> [(r.number, r.actor, r.reason) for r in store.history("c")]
    [(2, 'u2', 'name corrected'), (1, 'u1', None)]
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
        _pack_missing(conn)
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

    def replace(
        self,
        doc: EcomapDocument,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
        update_people: bool = False,
    ) -> int:
        _check(doc)
        with self._writing() as conn:
            rev = write.begin_revision(conn, RevisionRow(actor, reason))
            return write.write_child(conn, rev, doc, expected_version=expected_version,
                                     update_people=update_people)

    def replace_many(
        self, docs: Iterable[EcomapDocument], *, actor: str, update_people: bool = True
    ) -> ImportResult:
        from graph.embedded.bulk import Rejected, prepare_document

        def prepared() -> Iterator[Prepared | Rejected]:
            for doc in docs:
                breaches = validate_document(doc)
                yield (Rejected(doc.child.id, doc.child.id, breaches) if breaches
                       else prepare_document(doc))

        result = ImportResult()
        batch: list[Prepared | Rejected] = []
        for item in prepared():
            batch.append(item)
            if len(batch) >= _BATCH_DOCUMENTS:
                self._write_batch(batch, result, actor, update_people)
                batch = []
        if batch:
            self._write_batch(batch, result, actor, update_people)
        return result

    def import_prepared(self, batch: Sequence[Prepared], *, actor: str,
                        update_people: bool = True) -> ImportResult:
        """:meth:`replace_many` of documents already checked and turned into rows
        (:mod:`graph.embedded.bulk`, the import's fast path): one transaction and
        revision for the batch, each document atomic."""
        result = ImportResult()
        if batch:
            self._write_batch(batch, result, actor, update_people)
        return result

    def _write_batch(self, batch: Sequence[Prepared | Rejected], result: ImportResult,
                     actor: str, update_people: bool) -> None:
        """One transaction and revision for the batch, each document atomic
        (:func:`graph.embedded.write_batch.write_batch`). A batch that stored nothing
        leaves no revision."""
        from graph.embedded.write_batch import write_batch

        with self._writing() as conn:
            rev = write.begin_revision(conn, RevisionRow(actor))
            if write_batch(conn, rev, batch, result, update_people):
                result.revisions.append(rev)
            else:
                conn.execute("DELETE FROM revisions WHERE number = ?", (rev,))

    def _set_closed(self, child_id: str, closed: bool, actor: str, reason: str | None,
                    expected_version: int | None) -> int:
        with self._writing() as conn:
            write.check_version(conn, child_id, expected_version)
            current = write.current_child(conn, child_id)
            if current is None:
                raise ChildNotFound(child_id)
            kind = "close" if closed else "reopen"
            rev = write.begin_revision(conn, RevisionRow(actor, reason, kind))
            write.set_child_row(conn, rev, child_id, tuple(current[:-1]), closed, current)
            return write.list_child(conn, rev, child_id)

    def close_record(self, child_id: str, *, actor: str, reason: str | None = None,
                     expected_version: int | None = None) -> int:
        return self._set_closed(child_id, True, actor, reason, expected_version)

    def reopen_record(self, child_id: str, *, actor: str, reason: str | None = None,
                      expected_version: int | None = None) -> int:
        return self._set_closed(child_id, False, actor, reason, expected_version)

    def restore(self, child_id: str, revision: int, *, actor: str, reason: str | None = None,
                expected_version: int | None = None) -> int:
        with self._writing() as conn:
            r = _resolve(conn, revision)
            found = _load(conn, [child_id], r, include_closed=True)
            if not found:
                raise ChildNotFound(child_id)
            doc = rows.document(found[0][1])
            current = write.current_people(conn, (p.id for p in doc.people))
            people = [rows.person(current[p.id]) if p.id in current else p for p in doc.people]
            doc = doc.model_copy(update={"people": people})
            rev = write.begin_revision(
                conn, RevisionRow(actor, reason, "restore", restored=revision))
            return write.write_child(conn, rev, doc, expected_version=expected_version,
                                     update_people=False)

    def erase(self, child_id: str, *, actor: str, reason: str) -> ErasedCounts:
        with self._writing() as conn:
            if write.current_child(conn, child_id) is None:
                raise ChildNotFound(child_id)
            counts = write.erase_rows(conn, child_id)
            rev = write.begin_revision(conn, RevisionRow(actor, reason, "erase"))
            conn.execute("UPDATE revisions SET erased = ? WHERE number = ?",
                         (json.dumps(_erased_json(counts)), rev))
            write.list_child(conn, rev, child_id, version=0)
        if not self._memory:  # committed: the columns files may hold the child
            snapshots.discard(self._target)
        return counts

    def update_person(self, person: Person, *, actor: str, reason: str | None = None,
                      expected_version: int | None = None) -> Revision:
        with self._writing() as conn:
            version = write.person_versions(conn, [person.id]).get(person.id)
            if version is None:
                raise PersonNotFound(person.id)
            if expected_version is not None and version != expected_version:
                raise PersonConflict(person.id, expected_version, version)
            rev = write.begin_revision(conn, RevisionRow(actor, reason, "person"))
            write.update_person(conn, rev, person)
            return _revisions(conn, "WHERE number = ?", (rev,))[0]

    def replay(self, revision: Revision, changes: Sequence[RecordedChild]) -> None:
        with self._writing() as conn:
            rev = write.begin_revision(conn, RevisionRow(
                revision.actor, revision.reason, revision.kind, revision.restored,
                number=revision.number, at=revision.at))
            if revision.erased is not None:
                conn.execute("UPDATE revisions SET erased = ? WHERE number = ?",
                             (json.dumps(_erased_json(revision.erased)), rev))
            for change in changes:  # versions first: writes below may list them again
                version = change.version if change.document is not None else 0
                write.list_child(conn, rev, change.child_id, version)
            for change in changes:
                if change.document is None:
                    if write.current_child(conn, change.child_id) is not None:
                        write.erase_rows(conn, change.child_id)
                        write.list_child(conn, rev, change.child_id, 0)
                    continue
                _check(change.document)
                write.write_child(conn, rev, change.document, expected_version=None,
                                  update_people=True, closed=change.closed)

    # ------------------------------------------------------------------ reading

    def person_versions(self, ids: Sequence[str]) -> dict[str, int]:
        with self._reading() as conn:
            return write.person_versions(conn, ids)

    def get(self, child_id: str, *, as_recorded: AsRecorded = None) -> EcomapDocument:
        with self._reading() as conn:
            found = _load(conn, [child_id], _resolve(conn, as_recorded), include_closed=True)
        if not found:
            raise ChildNotFound(child_id)
        return rows.document(found[0][1])

    def version(self, child_id: str, *, as_recorded: AsRecorded = None) -> int:
        with self._reading() as conn:
            r = _resolve(conn, as_recorded)
            if _child_row(conn, child_id, r) is None:
                raise ChildNotFound(child_id)
            found = conn.execute(
                "SELECT version FROM revision_children WHERE child_id = :id AND "
                "revision <= :r ORDER BY revision DESC LIMIT 1",
                {"id": child_id, "r": OPEN if r is None else r}).fetchone()
        return int(found[0])

    def is_closed(self, child_id: str, *, as_recorded: AsRecorded = None) -> bool:
        with self._reading() as conn:
            row = _child_row(conn, child_id, _resolve(conn, as_recorded))
        if row is None:
            raise ChildNotFound(child_id)
        return bool(row[-1])

    def revision(self) -> int:
        with self._reading() as conn:
            return _latest(conn)

    def revision_at(self, as_recorded: AsRecorded) -> int:
        with self._reading() as conn:
            r = _resolve(conn, as_recorded)
            return _latest(conn) if r is None else r

    def history(self, child_id: str) -> list[Revision]:
        with self._reading() as conn:
            found = _revisions(conn, "WHERE number IN (SELECT revision FROM revision_children "
                               "WHERE child_id = ?) ORDER BY number DESC", (child_id,))
        if not found:
            raise ChildNotFound(child_id)
        return found

    def revisions(self, *, after: int = 0, limit: int | None = None) -> list[Revision]:
        with self._reading() as conn:
            return _revisions(conn, "WHERE number > ? ORDER BY number LIMIT ?",
                              (after, -1 if limit is None else max(limit, 0)))

    def children(
        self,
        *,
        team: str | None = None,
        status: Status | None = None,
        search: str | None = None,
        ids: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
        as_recorded: AsRecorded = None,
        include_closed: bool = False,
    ) -> Page:
        with self._reading() as conn:
            r = _resolve(conn, as_recorded)
            where: list[str] = [rows.live("c", r)]
            params: dict[str, Any] = {"r": OPEN if r is None else r}
            if not include_closed:
                where.append("c.closed = 0")
            if team is not None:
                where.append("c.team = :team")
                params["team"] = team
            if status is not None:
                where.append("c.status = :status")
                params["status"] = status
            if search:
                where.append("(instr(py_lower(c.id), :q) > 0 OR instr(py_lower(c.name), :q) > 0)")
                params["q"] = search.lower()
            if ids is not None:
                where.append("c.id IN (SELECT value FROM json_each(:ids))")
                params["ids"] = json.dumps(list(ids))
            clause = " AND ".join(where)
            total = int(conn.execute(f"SELECT count(*) FROM children c WHERE {clause}",
                                     params).fetchone()[0])
            params["limit"] = -1 if limit is None else max(limit, 0)
            params["offset"] = max(offset, 0)
            found = conn.execute(
                "SELECT c.id, c.name, c.team, c.status, (SELECT version FROM revision_children "
                "WHERE child_id = c.id AND revision <= :r ORDER BY revision DESC LIMIT 1), "
                f"c.closed FROM children c WHERE {clause} ORDER BY c.id "
                "LIMIT :limit OFFSET :offset", params).fetchall()
        return Page([ChildSummary(i, n, t, s, v, bool(c)) for i, n, t, s, v, c in found], total)

    def iter_documents(
        self,
        ids: Sequence[str] | None = None,
        *,
        as_recorded: AsRecorded = None,
        include_closed: bool = False,
    ) -> Iterator[EcomapDocument]:
        with self._reading() as conn:  # now: pin the latest revision, so batches agree
            r = _resolve(conn, as_recorded)
            pinned = _latest(conn)
        if ids is not None:  # named children that are not stored are left out
            wanted = sorted(set(ids))
            for start in range(0, len(wanted), _READ_BATCH):
                with self._reading() as conn:
                    texts = _load(conn, wanted[start:start + _READ_BATCH],
                                  _pin(conn, r, pinned), include_closed)
                for _cid, text in texts:
                    yield rows.document(text)
            return
        after = ""
        while True:  # keyset pagination: no cursor is held open between documents
            with self._reading() as conn:
                at = _pin(conn, r, pinned)
                batch = [row[0] for row in conn.execute(
                    f"SELECT c.id FROM children c WHERE c.id > :after AND {rows.live('c', at)} "
                    "ORDER BY c.id LIMIT :n",
                    {"after": after, "n": _READ_BATCH, "r": OPEN if at is None else at})]
                texts = _load(conn, batch, at, include_closed)
            if not batch:
                return
            for _cid, text in texts:
                yield rows.document(text)
            after = batch[-1]

    def cohort_tables(
        self,
        ids: Sequence[str] | None = None,
        *,
        as_recorded: AsRecorded = None,
        include_closed: bool = False,
    ) -> CohortTables:
        from ecomap.measures.columns_file import cohort_from_snapshot, cohort_snapshot
        from ecomap.measures.columns_patch import patch_cohort
        from graph.embedded.cohort import (  # numpy: loaded when first needed
            cohort_tables,
            packed_cohort_tables,
        )

        whole = ids is None and not include_closed and not self._memory
        with self._reading() as conn:
            r = _resolve(conn, as_recorded)
            if r is not None:
                return cohort_tables(conn, ids, r, include_closed)
            if not whole:
                return packed_cohort_tables(conn, ids, include_closed)
            key = snapshots.key(conn)  # the whole current cohort: its columns file first
            kept = snapshots.load(self._target, "cohort", key, cohort_from_snapshot)
            if kept is not None:
                return kept
            # a stale file: patched for the children changed since (docs/scale.md, "After
            # a write"), else every child's packed row read
            encoded = snapshots.patched(conn, self._target, "cohort", key,
                                        lambda changed: packed_cohort_tables(conn, changed),
                                        patch_cohort)
            tables = None if encoded is not None else packed_cohort_tables(conn, None)
        if tables is not None:
            encoded = cohort_snapshot(tables, key)
        assert encoded is not None
        return self._saved("cohort", encoded, key, cohort_from_snapshot, tables)

    def _saved(self, kind: str, encoded: Encoded, key: dict[str, Any],
               read: Callable[[Any, Mapping[str, Any]], T], tables: T | None) -> T:
        """Write ``encoded`` as the ``kind`` file of the state ``key`` (unless a write came
        in between) and return ``tables``, or when None (a patched file) the tables the
        file holds: mapped from the file written, else from ``encoded``'s bytes."""
        saved = snapshots.save(self._target, kind, encoded,
                               lambda: self.revision() == key["revision"])
        if tables is not None:
            return tables
        found = snapshots.load(self._target, kind, key, read) if saved else None
        return found if found is not None else read(b"".join(encoded.chunks()), key)

    def plan_tables(
        self,
        child_ids: Sequence[str] | None = None,
        *,
        as_recorded: AsRecorded = None,
        include_closed: bool = False,
    ) -> PlanTables:
        from ecomap.measures.columns_file import plans_from_snapshot, plans_snapshot
        from ecomap.measures.columns_patch import patch_plans
        from ecomap.measures.plans_cohort import PlanTables
        from graph.embedded.plans import packed_plan_tables

        whole = child_ids is None and not include_closed and not self._memory
        with self._reading() as conn:
            r = _resolve(conn, as_recorded)
            key = snapshots.key(conn) if whole and r is None else None
            kept = (None if key is None else
                    snapshots.load(self._target, "plans", key, plans_from_snapshot))
            if kept is not None:  # the whole current cohort's: its columns file
                return kept
            encoded = None if key is None else snapshots.patched(  # a stale file, patched
                conn, self._target, "plans", key,
                lambda changed: packed_plan_tables(conn, changed), patch_plans)
            found = (packed_plan_tables(conn, child_ids, include_closed)
                     if r is None and encoded is None
                     else None)  # an earlier revision: from its documents
        if encoded is not None and key is not None:
            return self._saved("plans", encoded, key, plans_from_snapshot, None)
        if found is not None:
            if key is not None:
                self._saved("plans", plans_snapshot(found, key), key, plans_from_snapshot,
                            found)
            return found
        return PlanTables.from_documents(list(self.iter_documents(
            child_ids, as_recorded=as_recorded, include_closed=include_closed)))

    def people(
        self,
        *,
        ids: Sequence[str] | None = None,
        search: str | None = None,
        of_children: Sequence[str] | None = None,
        category: Category | None = None,
        limit: int | None = 50,
    ) -> list[Person]:
        where = [f"rev_to = {OPEN}"]
        params: dict[str, Any] = {}
        if ids is not None:
            where.append("id IN (SELECT value FROM json_each(:ids))")
            params["ids"] = json.dumps(list(ids))
        if search:
            where.append("(instr(py_lower(id), :q) > 0 OR instr(py_lower(name), :q) > 0)")
            params["q"] = search.lower()
        if of_children is not None:
            where.append(f"id IN (SELECT person_id FROM memberships WHERE rev_to = {OPEN} "
                         "AND child_id IN (SELECT value FROM json_each(:kids)))")
            params["kids"] = json.dumps(list(of_children))
        if category is not None:
            where.append("category = :category")
            params["category"] = category
        params["limit"] = -1 if limit is None else max(limit, 0)
        with self._reading() as conn:
            found = conn.execute(
                f"SELECT {rows.PERSON_COLUMNS} FROM people WHERE {' AND '.join(where)} "
                "ORDER BY id LIMIT :limit", params).fetchall()
        return [rows.person(r) for r in found]

    def person_children(self, person_ids: Sequence[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        with self._reading() as conn:
            for pid, cid in conn.execute(
                    f"SELECT person_id, child_id FROM memberships WHERE rev_to = {OPEN} AND "
                    "person_id IN (SELECT value FROM json_each(?)) ORDER BY person_id, child_id",
                    (json.dumps(list(person_ids)),)):
                out.setdefault(pid, []).append(cid)
        return out

    def counts(self) -> StoreCounts:
        with self._reading() as conn:
            n = [int(conn.execute(f"SELECT count(*) FROM {table} WHERE rev_to = {OPEN}")
                     .fetchone()[0])
                 for table in ("children", "people", "ties", "observations", "episodes")]
        return StoreCounts(*n)


# ---------------------------------------------------------------------- helpers


def _check(doc: EcomapDocument) -> None:
    breaches = validate_document(doc)
    if breaches:
        raise DocumentInvalid(doc.child.id, breaches)


def _pack_missing(conn: sqlite3.Connection) -> None:
    """Pack the current children that have no packed cohort or plan columns yet (a store
    made before they existed, or whose layout a migration emptied), in one write
    transaction, and note that every child is packed at this schema version
    (table ``packed_check``): later opens skip the check."""
    missing = f"""SELECT id FROM children c WHERE rev_to = {OPEN} AND NOT EXISTS
        (SELECT 1 FROM cohort_packed k WHERE k.child_id = c.id) UNION {MISSING_PLANS}"""
    version = schema_version(conn)
    try:
        checked = conn.execute("SELECT version FROM packed_check").fetchone()[0]
    except sqlite3.OperationalError:  # a schema held back (tests of older migrations)
        return
    if checked == version:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        write.repack(conn, [row[0] for row in conn.execute(missing)])
        conn.execute("UPDATE packed_check SET version = ?", (version,))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _latest(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT max(number) FROM revisions").fetchone()
    return 0 if row[0] is None else int(row[0])


def _resolve(conn: sqlite3.Connection, as_recorded: AsRecorded) -> int | None:
    """The revision number to read at, or None for the current state (which the latest
    revision number also stands for: current rows are read through the primary key)."""
    if as_recorded is None:
        return None
    latest = _latest(conn)
    if isinstance(as_recorded, datetime):
        if as_recorded.tzinfo is None:
            raise RevisionNotFound(as_recorded, latest)
        row = conn.execute("SELECT max(number) FROM revisions WHERE at_us <= ?",
                           (to_us(as_recorded),)).fetchone()
        number = 0 if row[0] is None else int(row[0])
    else:
        number = int(as_recorded)
        if not 0 <= number <= latest:
            raise RevisionNotFound(number, latest)
    return None if number == latest else number


def _pin(conn: sqlite3.Connection, r: int | None, pinned: int) -> int | None:
    """Read at ``r``, or at ``pinned`` if that is no longer the latest revision."""
    if r is not None:
        return r
    return None if _latest(conn) == pinned else pinned


def _child_row(conn: sqlite3.Connection, child_id: str, r: int | None) -> Any:
    return conn.execute(
        f"SELECT {rows.CHILD_CONTENT}, closed FROM children c WHERE c.id = :id AND "
        f"{rows.live('c', r)}", {"id": child_id, "r": r}).fetchone()


def _load(conn: sqlite3.Connection, ids: Sequence[str], r: int | None,
          include_closed: bool) -> list[tuple[str, str]]:
    """``(child id, ecomap/1 JSON)`` for the stored ones of ``ids``, in id order."""
    if not ids:
        return []
    return conn.execute(rows.documents_json(r), {
        "ids": json.dumps(list(ids)), "r": r, "closed": int(include_closed)}).fetchall()


def _erased_json(counts: ErasedCounts) -> dict[str, Any]:
    return {"child_id": counts.child_id, "revisions": counts.revisions,
            "people": counts.people, "ties": counts.ties,
            "observations": counts.observations, "episodes": counts.episodes}


def _revisions(conn: sqlite3.Connection, clause: str, params: Sequence[Any]) -> list[Revision]:
    found = conn.execute(
        f"SELECT number, at_us, actor, reason, kind, restored, erased FROM revisions {clause}",
        params).fetchall()
    out = []
    for number, at_us, actor, reason, kind, restored, erased in found:
        children = tuple(r[0] for r in conn.execute(
            "SELECT child_id FROM revision_children WHERE revision = ? ORDER BY child_id",
            (number,)))
        counts = None if erased is None else ErasedCounts(**json.loads(erased))
        out.append(Revision(number, from_us(at_us), actor, reason, children, kind,
                            restored, counts))
    return out
