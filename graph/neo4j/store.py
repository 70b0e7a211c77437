"""The Neo4j store: a :class:`~graph.base.GraphStore` over the official ``neo4j`` driver.

Selected by settings: ``ECOMAP_STORE=neo4j`` with ``NEO4J_URI`` (e.g.
``bolt://localhost:7687`` or ``neo4j+s://xxxx.databases.neo4j.io``), ``NEO4J_USER``,
``NEO4J_PASSWORD`` and ``NEO4J_DATABASE`` (the server's default when unset). On
start-up it creates its unique constraints, then its indexes, each in its own
auto-commit call (``IF NOT EXISTS``, so every process may do it), then upgrades a
graph of the layout before revisions in place (:mod:`graph.neo4j.migrate`). Every
read and write is a managed transaction (``execute_read`` / ``execute_write``,
retried by the driver on transient errors); writes are batched ``UNWIND $rows``
statements of at most ``batch_size`` rows. The graph it keeps is described in
:mod:`graph.neo4j.cypher`; every write is one revision (docs/record.md).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import neo4j
from neo4j.exceptions import ConstraintError

from ecomap.format import validate_document
from ecomap.model import Category, EcomapDocument, Person, Status
from graph.base import (
    AsRecorded,
    Breach,
    ChildNotFound,
    ChildSummary,
    DocumentConflict,
    DocumentInvalid,
    ErasedCounts,
    ImportResult,
    Page,
    PersonNotFound,
    RecordedChild,
    Revision,
    RevisionKind,
    RevisionNotFound,
    StoreCounts,
    StoreError,
)
from graph.neo4j import cypher, write
from graph.neo4j.rows import Fetched, Row, content, native, person_from

if TYPE_CHECKING:
    from ecomap.measures.tables import CohortTables

T = TypeVar("T")

#: Documents written per transaction (and revision) by :meth:`Neo4jStore.replace_many`.
DOCS_PER_TRANSACTION = 250
#: Attempts of a write that meets a unique-constraint clash from a racing writer.
CONSTRAINT_RETRIES = 4
#: Documents read per transaction by :meth:`Neo4jStore.iter_documents`.
DOCS_PER_READ = 200

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_us(moment: datetime) -> int:
    """Microseconds since 1970-01-01 UTC of an aware datetime.

    >>> to_us(datetime(1970, 1, 1, 0, 0, 1, 5, tzinfo=UTC))
    1000005
    """
    return (moment - EPOCH) // timedelta(microseconds=1)


def from_us(us: int) -> datetime:
    """The UTC datetime of :func:`to_us`'s integer, exactly.

    >>> from_us(1000005).isoformat()
    '1970-01-01T00:00:01.000005+00:00'
    """
    return EPOCH + timedelta(microseconds=int(us))


class ReadTx:
    """A managed read transaction that runs read queries only.

    The Bolt test server does not refuse a write inside ``execute_read`` (Neo4j
    does), so the store must never try: read work receives this object, whose
    ``run`` takes a :data:`~graph.neo4j.cypher.ReadQuery` and refuses any write clause.
    """

    def __init__(self, tx: neo4j.ManagedTransaction) -> None:
        self._tx = tx

    def run(self, query: cypher.ReadQuery, **params: Any) -> list[Row]:
        if not cypher.is_read(query):
            raise ValueError("a write query may not run in a read transaction")
        rows: list[Row] = self._tx.run(query, params).data()
        return rows


class WriteTx:
    """A managed write transaction with a helper for batched ``UNWIND`` writes."""

    def __init__(self, tx: neo4j.ManagedTransaction, batch_size: int) -> None:
        self._tx = tx
        self._batch_size = batch_size

    def run(self, query: cypher.WriteQuery | cypher.ReadQuery, **params: Any) -> list[Row]:
        rows: list[Row] = self._tx.run(query, params).data()
        return rows

    def batched(self, query: cypher.WriteQuery, rows: Sequence[Row], **params: Any) -> None:
        """Run ``query`` (which unwinds ``$rows``) over ``rows`` in slices."""
        for start in range(0, len(rows), self._batch_size):
            chunk = list(rows[start : start + self._batch_size])
            self._tx.run(query, {**params, "rows": chunk}).consume()


Reader = ReadTx | WriteTx


def begin_revision(tx: WriteTx, head: Row, *, actor: str, reason: str | None,
                   kind: RevisionKind, restored: int | None = None,
                   number: int | None = None, at: datetime | None = None) -> int:
    """Create the revision after ``head`` (the locked Meta node's values) and return its
    number. Times never go backwards (a clock stepped back gives the previous time)."""
    last = int(head["revision"] or 0)
    number = last + 1 if number is None else number
    if number <= last:
        raise StoreError(f"revision {number} is not after this store's latest ({last})")
    at_us = max(to_us(at or datetime.now(UTC)), int(head["at_us"] or 0))
    props = {"number": number, "at_us": at_us, "actor": actor, "reason": reason,
             "kind": kind, "restored": restored}
    tx.run(cypher.CREATE_REVISION, number=number, at_us=at_us,
           props={k: v for k, v in props.items() if v is not None})
    return number


def resolve(tx: Reader, as_recorded: AsRecorded) -> int:
    """The revision number a read at ``as_recorded`` is pinned to (the latest for None)."""
    meta = tx.run(cypher.META)
    latest = int(meta[0]["revision"] or 0) if meta else 0
    if as_recorded is None:
        return latest
    if isinstance(as_recorded, datetime):
        if as_recorded.tzinfo is None:
            raise RevisionNotFound(as_recorded, latest)
        found = tx.run(cypher.REVISION_AT_TIME, t=to_us(as_recorded))
        return int(found[0]["number"] or 0) if found else 0
    number = int(as_recorded)
    if not 0 <= number <= latest:
        raise RevisionNotFound(number, latest)
    return number


def fetch(tx: Reader, ids: Sequence[str], r: int, *, episodes: bool = True) -> Fetched:
    """The rows of the named children as they stood right after revision ``r``."""
    fetched = Fetched()
    for row in tx.run(cypher.CHILD_ROWS, ids=list(ids), r=r):
        fetched.children[row["row"]["id"]] = row["row"]
    if not fetched.children:
        return fetched
    found = list(fetched.children)
    for row in tx.run(cypher.PEOPLE, ids=found, r=r):
        fetched.people[row["child"]].append((int(row["ord"]), row["person"]))
    for row in tx.run(cypher.TIES, ids=found, r=r):
        fetched.ties[row["row"]["child"]].append(row["row"])
    for row in tx.run(cypher.EPISODES, ids=found, r=r) if episodes else []:
        fetched.episodes[row["row"]["child"]].append(row["row"])
    return fetched


def versions_at(tx: Reader, ids: Sequence[str], r: int) -> dict[str, int]:
    """Each named child's version right after revision ``r`` (its latest listing)."""
    latest: dict[str, tuple[int, int]] = {}
    for row in tx.run(cypher.VERSIONS, ids=list(ids), r=r):
        number, version = int(row["number"]), int(row["version"])
        if row["id"] not in latest or latest[row["id"]][0] < number:
            latest[row["id"]] = (number, version)
    return {cid: version for cid, (_, version) in latest.items()}


def revisions_from(tx: Reader, rows: Iterable[Row]) -> list[Revision]:
    """Revisions from their nodes' properties, each with its children (sorted)."""
    props = [row["revision"] for row in rows]
    listed: dict[int, list[str]] = {}
    numbers = [int(p["number"]) for p in props]
    for row in tx.run(cypher.REVISION_CHILDREN, numbers=numbers) if numbers else []:
        listed.setdefault(int(row["number"]), []).append(str(row["child"]))
    out = []
    for p in props:
        erased = p.get("erased")
        out.append(Revision(
            number=int(p["number"]),
            at=from_us(p["at_us"]),
            actor=str(p["actor"]),
            reason=p.get("reason"),
            children=tuple(sorted(listed.get(int(p["number"]), []))),
            kind=p.get("kind", "write"),
            restored=p.get("restored"),
            erased=None if erased is None else ErasedCounts(**json.loads(erased)),
        ))
    return out


class Neo4jStore:
    """Children's networks in Neo4j 5 (or any server speaking its Cypher over Bolt).

    Parameters
    ----------
    uri:
        The Bolt URI (``bolt://``, ``neo4j://``, ``neo4j+s://``...).
    user, password:
        Basic-auth credentials; no authentication when ``user`` is None.
    database:
        The database to use; the server's default when None.
    batch_size:
        Rows per ``UNWIND`` statement.
    """

    def __init__(
        self,
        uri: str,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        batch_size: int = 1000,
    ) -> None:
        auth = None if user is None else neo4j.basic_auth(user, password or "")
        self._driver = neo4j.GraphDatabase.driver(uri, auth=auth)
        self._database = database
        self._batch_size = batch_size
        # Every write takes the Meta node's lock; in this process they queue here first.
        self._write_lock = threading.Lock()
        try:
            self._driver.verify_connectivity()
            self._create_schema()
            from graph.neo4j.migrate import upgrade

            self._write(upgrade)
        except BaseException:
            self._driver.close()
            raise

    # ------------------------------------------------------------ plumbing
    def _session(self) -> neo4j.Session:
        return self._driver.session(database=self._database)

    def _create_schema(self) -> None:
        with self._session() as session:
            for statement in cypher.SCHEMA:
                session.run(statement).consume()
        self._write(lambda tx: tx.run(cypher.ENSURE_META))

    def _read(self, work: Callable[[ReadTx], T]) -> T:
        with self._session() as session:
            return session.execute_read(lambda tx: work(ReadTx(tx)))

    def _write(self, work: Callable[[WriteTx], T]) -> T:
        """Run ``work`` in one write transaction, retried a few times if a racing writer
        in another process made a unique id clash (the test server raises that where
        Neo4j waits)."""
        with self._write_lock:
            for attempt in range(1, CONSTRAINT_RETRIES + 1):
                try:
                    with self._session() as session:
                        return session.execute_write(
                            lambda tx: work(WriteTx(tx, self._batch_size)))
                except ConstraintError:
                    if attempt == CONSTRAINT_RETRIES:
                        raise
                    time.sleep(random.uniform(0.01, 0.05) * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    # ------------------------------------------------------------ writes
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

        def work(tx: WriteTx) -> int:
            head = tx.run(cypher.LOCK_META)[0]
            current = _current_for(tx, [doc])
            write.check_version(current, doc.child.id, expected_version)
            plan = write.Plan()
            write.plan_document(plan, current, doc, update_people=update_people)
            rev = begin_revision(tx, head, actor=actor, reason=reason, kind="write")
            return write.execute(tx, plan, current, rev)[doc.child.id]

        return self._write(work)

    def replace_many(
        self, docs: Iterable[EcomapDocument], *, actor: str, update_people: bool = True
    ) -> ImportResult:
        result = ImportResult()
        refused: list[tuple[int, str, list[Breach]]] = []  # reported in input order
        position: dict[int, int] = {}  # id(doc) -> place in the input

        def valid() -> Iterator[EcomapDocument]:
            for place, doc in enumerate(docs):
                breaches = validate_document(doc)
                if breaches:
                    refused.append((place, doc.child.id, breaches))
                else:
                    position[id(doc)] = place
                    yield doc

        for batch in _batches(valid(), DOCS_PER_TRANSACTION):
            stored, rejected, rev = self._write(
                partial(self._store_batch, batch=batch, actor=actor, update_people=update_people)
            )
            result.imported.extend(doc.child.id for doc in stored)
            if rev is not None:
                result.revisions.append(rev)
            refused.extend((position[id(doc)], doc.child.id, b) for doc, b in rejected)
            for doc in batch:
                del position[id(doc)]
        result.rejected.extend((child, breaches) for _, child, breaches in sorted(refused))
        return result

    def _store_batch(
        self, tx: WriteTx, *, batch: list[EcomapDocument], actor: str, update_people: bool
    ) -> tuple[list[EcomapDocument], list[tuple[EcomapDocument, list[Breach]]], int | None]:
        head = tx.run(cypher.LOCK_META)[0]
        current = _current_for(tx, batch)
        plan = write.Plan()
        stored: list[EcomapDocument] = []
        rejected: list[tuple[EcomapDocument, list[Breach]]] = []
        for doc in batch:
            try:
                write.plan_document(plan, current, doc, update_people=update_people)
                stored.append(doc)
            except DocumentConflict as conflict:
                rejected.append((doc, conflict.breaches))
        if not stored:  # nothing to record: no revision
            return stored, rejected, None
        rev = begin_revision(tx, head, actor=actor, reason=None, kind="write")
        write.execute(tx, plan, current, rev)
        return stored, rejected, rev

    def _set_closed(self, child_id: str, closed: bool, actor: str, reason: str | None,
                    expected_version: int | None) -> int:
        def work(tx: WriteTx) -> int:
            head = tx.run(cypher.LOCK_META)[0]
            current = write.read_current(tx, [child_id])
            write.check_version(current, child_id, expected_version)
            if child_id not in current.children:
                raise ChildNotFound(child_id)
            plan = write.Plan()
            row = {**current.children[child_id], "closed": closed}
            write.plan_child_row(plan, current, child_id, row)
            plan.listed[child_id] = None
            kind: RevisionKind = "close" if closed else "reopen"
            rev = begin_revision(tx, head, actor=actor, reason=reason, kind=kind)
            return write.execute(tx, plan, current, rev)[child_id]

        return self._write(work)

    def close_record(self, child_id: str, *, actor: str, reason: str | None = None,
                     expected_version: int | None = None) -> int:
        return self._set_closed(child_id, True, actor, reason, expected_version)

    def reopen_record(self, child_id: str, *, actor: str, reason: str | None = None,
                      expected_version: int | None = None) -> int:
        return self._set_closed(child_id, False, actor, reason, expected_version)

    def restore(self, child_id: str, revision: int, *, actor: str, reason: str | None = None,
                expected_version: int | None = None) -> int:
        def work(tx: WriteTx) -> int:
            head = tx.run(cypher.LOCK_META)[0]
            r = resolve(tx, revision)
            fetched = fetch(tx, [child_id], r)
            if child_id not in fetched.children:
                raise ChildNotFound(child_id)
            doc = fetched.document(child_id)
            now = {str(row["row"]["id"]): person_from(row["row"]) for row in tx.run(
                cypher.CURRENT_PEOPLE, ids=[p.id for p in doc.people])}
            doc = doc.model_copy(update={"people": [now.get(p.id, p) for p in doc.people]})
            current = _current_for(tx, [doc])
            write.check_version(current, child_id, expected_version)
            plan = write.Plan()
            write.plan_document(plan, current, doc, update_people=False)
            rev = begin_revision(tx, head, actor=actor, reason=reason, kind="restore",
                                 restored=r)
            return write.execute(tx, plan, current, rev)[child_id]

        return self._write(work)

    def erase(self, child_id: str, *, actor: str, reason: str) -> ErasedCounts:
        def work(tx: WriteTx) -> ErasedCounts:
            head = tx.run(cypher.LOCK_META)[0]
            current = write.read_current(tx, [child_id])
            if child_id not in current.children:
                raise ChildNotFound(child_id)
            counts = _erase_rows(tx, child_id)
            rev = begin_revision(tx, head, actor=actor, reason=reason, kind="erase")
            tx.run(cypher.SET_ERASED, number=rev, erased=_erased_json(counts))
            plan = write.Plan(listed={child_id: 0})
            write.execute(tx, plan, current, rev)
            return counts

        return self._write(work)

    def update_person(self, person: Person, *, actor: str,
                      reason: str | None = None) -> Revision:
        def work(tx: WriteTx) -> int:
            head = tx.run(cypher.LOCK_META)[0]
            found = tx.run(cypher.CURRENT_PEOPLE, ids=[person.id])
            if not found:
                raise PersonNotFound(person.id)
            current = write.Current(people={person.id: content(found[0]["row"])})
            plan = write.Plan()
            write.plan_person(plan, current, person)
            for row in tx.run(cypher.PERSON_CHILDREN, ids=[person.id]):
                plan.listed[str(row["child"])] = None
            rev = begin_revision(tx, head, actor=actor, reason=reason, kind="person")
            write.execute(tx, plan, current, rev)
            return rev

        number = self._write(work)
        return self._read(lambda tx: revisions_from(tx, [{"revision": _revision_props(
            tx, number)}]))[0]

    def replay(self, revision: Revision, changes: Sequence[RecordedChild]) -> None:
        for change in changes:
            if change.document is not None:
                _check(change.document)

        def work(tx: WriteTx) -> None:
            head = tx.run(cypher.LOCK_META)[0]
            docs = [c.document for c in changes if c.document is not None]
            current = _current_for(tx, docs, [c.child_id for c in changes])
            rev = begin_revision(tx, head, actor=revision.actor, reason=revision.reason,
                                 kind=revision.kind, restored=revision.restored,
                                 number=revision.number, at=revision.at)
            if revision.erased is not None:
                tx.run(cypher.SET_ERASED, number=rev, erased=_erased_json(revision.erased))
            plan = write.Plan()
            for change in changes:
                if change.document is None:
                    if change.child_id in current.children:
                        _erase_rows(tx, change.child_id)
                    plan.listed[change.child_id] = 0
                else:
                    write.plan_document(plan, current, change.document, update_people=True,
                                        closed=change.closed, version=change.version)
            write.execute(tx, plan, current, rev)

        self._write(work)

    # ------------------------------------------------------------ reads
    def get(self, child_id: str, *, as_recorded: AsRecorded = None) -> EcomapDocument:
        fetched = self._read(lambda tx: fetch(tx, [child_id], resolve(tx, as_recorded)))
        if child_id not in fetched.children:
            raise ChildNotFound(child_id)
        return fetched.document(child_id)

    def version(self, child_id: str, *, as_recorded: AsRecorded = None) -> int:
        def work(tx: ReadTx) -> int | None:
            r = resolve(tx, as_recorded)
            if not tx.run(cypher.CHILD_ROWS, ids=[child_id], r=r):
                return None
            return versions_at(tx, [child_id], r).get(child_id)

        found = self._read(work)
        if found is None:
            raise ChildNotFound(child_id)
        return found

    def is_closed(self, child_id: str, *, as_recorded: AsRecorded = None) -> bool:
        rows = self._read(lambda tx: tx.run(
            cypher.CHILD_ROWS, ids=[child_id], r=resolve(tx, as_recorded)))
        if not rows:
            raise ChildNotFound(child_id)
        return bool(rows[0]["row"].get("closed"))

    def revision(self) -> int:
        return self._read(lambda tx: resolve(tx, None))

    def revision_at(self, as_recorded: AsRecorded) -> int:
        return self._read(lambda tx: resolve(tx, as_recorded))

    def history(self, child_id: str) -> list[Revision]:
        found = self._read(lambda tx: revisions_from(tx, tx.run(cypher.HISTORY, id=child_id)))
        if not found:
            raise ChildNotFound(child_id)
        return sorted(found, key=lambda rev: -rev.number)

    def revisions(self, *, after: int = 0, limit: int | None = None) -> list[Revision]:
        def work(tx: ReadTx) -> list[Revision]:
            if limit is None:
                return revisions_from(tx, tx.run(cypher.REVISIONS_AFTER, after=after))
            rows = tx.run(cypher.REVISIONS_AFTER_LIMITED, after=after, limit=max(limit, 0))
            return revisions_from(tx, rows)

        return self._read(work)

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
        offset = max(offset, 0)
        limit = None if limit is None else max(limit, 0)
        params: dict[str, Any] = {"offset": offset, "limit": limit}
        filters: list[str] = [] if include_closed else ["open"]
        for name, value in (("team", team), ("status", status), ("ids", ids)):
            if value is not None:
                filters.append(name)
                params[name] = list(value) if name == "ids" else value
        if search:
            filters.append("search")
            params["search"] = search.lower()
        count_query = cypher.list_query(filters, count=True)
        rows_query = cypher.list_query(filters, skip=offset > 0, limit=limit is not None)

        def work(tx: ReadTx) -> Page:
            params["r"] = resolve(tx, as_recorded)
            count = int(tx.run(count_query, **params)[0]["n"])
            rows = tx.run(rows_query, **params) if limit != 0 else []
            versions = versions_at(tx, [row["id"] for row in rows], params["r"])
            return Page(
                data=[ChildSummary(id=row["id"], name=row["name"], team=row["team"],
                                   status=row["status"], version=versions[row["id"]],
                                   closed=bool(row["closed"])) for row in rows],
                count=count,
            )

        return self._read(work)

    def _wanted(self, tx: ReadTx, ids: Sequence[str] | None, r: int,
                include_closed: bool) -> list[str]:
        """The ids to read in id order (code points, as Python sorts)."""
        if ids is not None:
            return sorted(set(ids))
        rows = tx.run(cypher.CHILD_IDS, r=r)
        return sorted(str(row["id"]) for row in rows if include_closed or not row["closed"])

    def iter_documents(
        self,
        ids: Sequence[str] | None = None,
        *,
        as_recorded: AsRecorded = None,
        include_closed: bool = False,
    ) -> Iterator[EcomapDocument]:
        def start(tx: ReadTx) -> tuple[int, list[str]]:
            r = resolve(tx, as_recorded)  # pinned: later batches read the same revision
            return r, self._wanted(tx, ids, r, include_closed)

        r, wanted = self._read(start)
        for begin in range(0, len(wanted), DOCS_PER_READ):
            chunk = wanted[begin : begin + DOCS_PER_READ]
            fetched = self._read(partial(fetch, ids=chunk, r=r))
            for child_id in chunk:
                row = fetched.children.get(child_id)
                if row is not None and (include_closed or not row.get("closed")):
                    yield fetched.document(child_id)

    def cohort_tables(
        self,
        ids: Sequence[str] | None = None,
        *,
        as_recorded: AsRecorded = None,
        include_closed: bool = False,
    ) -> CohortTables:
        from graph.neo4j.cohort import cohort_tables, read_all

        if ids is None:  # every child: whole labels streamed in one transaction
            return cohort_tables([self._read(
                lambda tx: read_all(tx, resolve(tx, as_recorded), include_closed))])
        wanted = sorted(set(ids))
        r = self._read(lambda tx: resolve(tx, as_recorded))

        def chunk(part: list[str]) -> tuple[list[str], Fetched]:
            fetched = self._read(partial(fetch, ids=part, r=r, episodes=False))
            if not include_closed:
                fetched.children = {c: row for c, row in fetched.children.items()
                                    if not row.get("closed")}
            return part, fetched

        return cohort_tables(chunk(wanted[begin : begin + DOCS_PER_READ])
                             for begin in range(0, len(wanted), DOCS_PER_READ))

    def people(
        self,
        *,
        ids: Sequence[str] | None = None,
        search: str | None = None,
        of_children: Sequence[str] | None = None,
        category: Category | None = None,
        limit: int | None = 50,
    ) -> list[Person]:
        filters: list[str] = []
        params: dict[str, Any] = {}
        if search:
            filters.append("search")
            params["search"] = search.lower()
        if category is not None:
            filters.append("category")
            params["category"] = category
        if limit is not None:
            params["limit"] = max(limit, 0)

        def work(tx: ReadTx) -> list[Person]:
            wanted = None if ids is None else set(ids)
            if of_children is not None:
                members = {str(row["id"]) for row in tx.run(
                    cypher.PEOPLE_OF_CHILDREN, ids=list(of_children))}
                wanted = members if wanted is None else wanted & members
            if wanted is not None:
                params["ids"] = sorted(wanted)
            query = cypher.people_query(
                [*filters, *(["ids"] if wanted is not None else [])], limit=limit is not None)
            return [person_from(row["person"]) for row in tx.run(query, **params)]

        return self._read(work)

    def person_children(self, person_ids: Sequence[str]) -> dict[str, list[str]]:
        rows = self._read(lambda tx: tx.run(cypher.PERSON_CHILDREN, ids=list(person_ids)))
        out: dict[str, set[str]] = {}
        for row in rows:
            out.setdefault(str(row["person"]), set()).add(str(row["child"]))
        return {pid: sorted(children) for pid, children in sorted(out.items())}

    def counts(self) -> StoreCounts:
        def work(tx: ReadTx) -> StoreCounts:
            def count(query: cypher.ReadQuery) -> int:
                return int(tx.run(query)[0]["n"])

            return StoreCounts(
                children=count(cypher.COUNT_CHILDREN),
                people=count(cypher.COUNT_PEOPLE),
                ties=count(cypher.COUNT_TIES),
                observations=count(cypher.COUNT_OBSERVATIONS),
                episodes=count(cypher.COUNT_EPISODES),
            )

        return self._read(work)

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check(doc: EcomapDocument) -> None:
    breaches = validate_document(doc)
    if breaches:
        raise DocumentInvalid(doc.child.id, breaches)


def _current_for(tx: WriteTx, docs: Sequence[EcomapDocument],
                 more: Sequence[str] = ()) -> write.Current:
    """Lock and read what writing ``docs`` (and touching ``more`` children) compares with."""
    return write.read_current(
        tx,
        [*(d.child.id for d in docs), *more],
        person_ids=(p.id for d in docs for p in d.people),
        tie_ids=(t.id for d in docs for t in d.ties),
    )


def _revision_props(tx: ReadTx, number: int) -> Row:
    rows = tx.run(cypher.REVISIONS_AFTER_LIMITED, after=number - 1, limit=1)
    props: Row = rows[0]["revision"]
    return props


def _erase_rows(tx: WriteTx, child_id: str) -> ErasedCounts:
    """Delete every row of the child, of every revision, and its listings; and the
    people who were in no other child's network at any revision."""
    persons = [str(row["id"]) for row in tx.run(cypher.ALL_PERSONS_OF_CHILD, id=child_id)]
    elsewhere = {str(row["id"]) for row in tx.run(
        cypher.PERSONS_ELSEWHERE, ids=persons, id=child_id)} if persons else set()
    people = sorted(set(persons) - elsewhere)
    ties = tx.run(cypher.COUNT_CHILD_TIES, id=child_id)[0]
    counts = ErasedCounts(
        child_id=child_id,
        revisions=int(tx.run(cypher.COUNT_LISTINGS, id=child_id)[0]["n"]),
        people=len(people),
        ties=int(ties["n"]),
        observations=int(ties["observations"]),
        episodes=int(tx.run(cypher.COUNT_CHILD_EPISODES, id=child_id)[0]["n"]),
    )
    for query in (cypher.ERASE_CHILD_ROWS, cypher.ERASE_MEMBERS, cypher.ERASE_TIES,
                  cypher.ERASE_EPISODES, cypher.ERASE_LISTINGS):
        tx.run(query, id=child_id)
    if people:
        tx.run(cypher.ERASE_PEOPLE, ids=people)
    return counts


def _erased_json(counts: ErasedCounts) -> str:
    return json.dumps({"child_id": counts.child_id, "revisions": counts.revisions,
                       "people": counts.people, "ties": counts.ties,
                       "observations": counts.observations, "episodes": counts.episodes})


def _batches(docs: Iterable[EcomapDocument], size: int) -> Iterator[list[EcomapDocument]]:
    """Slices of at most ``size`` documents in which no child and no tie id repeats,
    so writing a slice at once equals writing its documents one by one."""
    batch: list[EcomapDocument] = []
    seen: set[str] = set()
    for doc in docs:
        keys = {f"c:{doc.child.id}", *(f"t:{tie.id}" for tie in doc.ties)}
        if batch and (len(batch) >= size or not seen.isdisjoint(keys)):
            yield batch
            batch, seen = [], set()
        batch.append(doc)
        seen |= keys
    if batch:
        yield batch


__all__ = ["Neo4jStore", "ReadTx", "WriteTx", "from_us", "native", "to_us"]
