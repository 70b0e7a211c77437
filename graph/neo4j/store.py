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

import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    PersonConflict,
    PersonNotFound,
    RecordedChild,
    Revision,
    RevisionKind,
    StoreCounts,
)
from graph.neo4j import cypher, write
from graph.neo4j.rows import Fetched, Row, content, person_from
from graph.neo4j.tx import ReadTx, WriteTx, fetch, resolve, revisions_from, versions_at

if TYPE_CHECKING:
    from ecomap.measures.plans_cohort import PlanTables
    from ecomap.measures.tables import CohortTables

T = TypeVar("T")

#: Documents written per transaction (and revision) by :meth:`Neo4jStore.replace_many`.
DOCS_PER_TRANSACTION = 250
#: Attempts of a write that meets a unique-constraint clash from a racing writer in
#: another process (on the test server, whose optimistic locking lets two writers both
#: number their revision N until the unique constraint on ``Revision.number`` refuses
#: one; Neo4j makes the second wait on the Meta node's lock instead).
CONSTRAINT_RETRIES = 10
#: The longest pause (s) between two such attempts (exponential, with jitter).
CONSTRAINT_BACKOFF = 0.5
#: Documents read per transaction by :meth:`Neo4jStore.iter_documents`.
DOCS_PER_READ = 200


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
            self._pack_missing()
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

    def _pack_missing(self) -> None:
        """Pack the current children that have no packed cohort columns yet, or only of
        an older layout (a store written before them), a write transaction per read
        batch; a count comparison when every child has them."""
        from ecomap.measures.packed import PACKED_FORMAT
        from graph.neo4j.cohort import packed_row

        def count(tx: ReadTx, query: cypher.ReadQuery) -> int:
            return int(tx.run(query, format=PACKED_FORMAT)[0]["n"])

        if self._read(lambda tx: count(tx, cypher.COUNT_CHILDREN) == count(
                tx, cypher.COUNT_PACKED) == count(tx, cypher.COUNT_PLANS_PACKED)):
            return

        def unpacked(tx: ReadTx) -> set[str]:
            current = {str(r["id"]) for r in tx.run(cypher.CURRENT_CHILD_IDS)}
            cohort = {str(r["id"]) for r in tx.run(cypher.PACKED_IDS, format=PACKED_FORMAT)}
            plans = {str(r["id"]) for r in tx.run(cypher.PLANS_PACKED_IDS)}
            return (current - cohort) | (current - plans)

        missing = sorted(self._read(unpacked))
        from graph.neo4j.plans import plans_row

        def work(tx: WriteTx, part: list[str]) -> None:
            tx.run(cypher.LOCK_META)  # serialised with every other writer
            fetched = fetch(tx, part, resolve(tx, None))
            docs = [fetched.document(cid) for cid in part if cid in fetched.children]
            tx.batched(cypher.SET_PACKED, [packed_row(doc) for doc in docs])
            tx.batched(cypher.SET_PLANS_PACKED, [plans_row(doc) for doc in docs])

        for begin in range(0, len(missing), DOCS_PER_READ):
            self._write(partial(work, part=missing[begin : begin + DOCS_PER_READ]))

    def _read(self, work: Callable[[ReadTx], T]) -> T:
        with self._session() as session:
            return session.execute_read(lambda tx: work(ReadTx(tx)))

    def _write(self, work: Callable[[WriteTx], T]) -> T:
        """Run ``work`` in one write transaction, retried if a racing writer in another
        process made a unique key clash (see :data:`CONSTRAINT_RETRIES`)."""
        with self._write_lock:
            for attempt in range(1, CONSTRAINT_RETRIES + 1):
                try:
                    with self._session() as session:
                        return session.execute_write(
                            lambda tx: work(WriteTx(tx, self._batch_size)))
                except ConstraintError:
                    if attempt == CONSTRAINT_RETRIES:
                        raise
                    time.sleep(random.uniform(0, min(CONSTRAINT_BACKOFF, 0.01 * 2**attempt)))
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
            rev = write.begin_revision(tx, head, actor=actor, reason=reason, kind="write")
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

        for batch in write.batches(valid(), DOCS_PER_TRANSACTION):
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
        rev = write.begin_revision(tx, head, actor=actor, reason=None, kind="write")
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
            rev = write.begin_revision(tx, head, actor=actor, reason=reason, kind=kind)
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
            rev = write.begin_revision(tx, head, actor=actor, reason=reason, kind="restore",
                                 restored=r)
            return write.execute(tx, plan, current, rev)[child_id]

        return self._write(work)

    def erase(self, child_id: str, *, actor: str, reason: str) -> ErasedCounts:
        def work(tx: WriteTx) -> ErasedCounts:
            head = tx.run(cypher.LOCK_META)[0]
            current = write.read_current(tx, [child_id])
            if child_id not in current.children:
                raise ChildNotFound(child_id)
            counts = write.erase_rows(tx, child_id)
            rev = write.begin_revision(tx, head, actor=actor, reason=reason, kind="erase")
            tx.run(cypher.SET_ERASED, number=rev, erased=write.erased_json(counts))
            plan = write.Plan(listed={child_id: 0})
            write.execute(tx, plan, current, rev)
            return counts

        return self._write(work)

    def update_person(self, person: Person, *, actor: str, reason: str | None = None,
                      expected_version: int | None = None) -> Revision:
        def work(tx: WriteTx) -> int:
            head = tx.run(cypher.LOCK_META)[0]
            found = tx.run(cypher.CURRENT_PEOPLE, ids=[person.id])
            if not found:
                raise PersonNotFound(person.id)
            version = int(found[0]["row"]["rev_from"])
            if expected_version is not None and version != expected_version:
                raise PersonConflict(person.id, expected_version, version)
            current = write.Current(people={person.id: content(found[0]["row"])})
            plan = write.Plan()
            write.plan_person(plan, current, person)
            for row in tx.run(cypher.PERSON_CHILDREN, ids=[person.id]):
                plan.listed[str(row["child"])] = None
            rev = write.begin_revision(tx, head, actor=actor, reason=reason, kind="person")
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
            rev = write.begin_revision(tx, head, actor=revision.actor, reason=revision.reason,
                                 kind=revision.kind, restored=revision.restored,
                                 number=revision.number, at=revision.at)
            if revision.erased is not None:
                tx.run(cypher.SET_ERASED, number=rev, erased=write.erased_json(revision.erased))
            plan = write.Plan()
            for change in changes:
                if change.document is None:
                    if change.child_id in current.children:
                        write.erase_rows(tx, change.child_id)
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
        from graph.neo4j.cohort import cohort_tables, read_all, read_packed

        found = self._read(_packed_at_latest(  # the packed columns, one read
            as_recorded, lambda tx, latest: read_packed(tx, latest, include_closed, ids)))
        if found is not None:
            return found
        if ids is None:  # every child: whole labels streamed in one transaction
            return cohort_tables([self._read(
                lambda tx: read_all(tx, resolve(tx, as_recorded), include_closed))])
        wanted = sorted(set(ids))
        r = self._read(lambda tx: resolve(tx, as_recorded))

        def chunk(part: list[str]) -> tuple[list[str], Fetched]:
            fetched = self._read(partial(fetch, ids=part, r=r))
            if not include_closed:
                fetched.children = {c: row for c, row in fetched.children.items()
                                    if not row.get("closed")}
            return part, fetched

        return cohort_tables(chunk(wanted[begin : begin + DOCS_PER_READ])
                             for begin in range(0, len(wanted), DOCS_PER_READ))

    def plan_tables(
        self,
        child_ids: Sequence[str] | None = None,
        *,
        as_recorded: AsRecorded = None,
        include_closed: bool = False,
    ) -> PlanTables:
        from ecomap.measures.plans_cohort import PlanTables
        from graph.neo4j.plans import read_packed_plans

        found = self._read(_packed_at_latest(  # the packed columns, one read
            as_recorded,
            lambda tx, latest: read_packed_plans(tx, latest, include_closed, child_ids)))
        if found is not None:
            return found
        return PlanTables.from_documents(list(self.iter_documents(
            child_ids, as_recorded=as_recorded, include_closed=include_closed)))

    def person_versions(self, ids: Sequence[str]) -> dict[str, int]:
        return self._read(lambda tx: {
            str(row["id"]): int(row["version"])
            for row in tx.run(cypher.PERSON_VERSIONS, ids=list(ids))})

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
        meeting_ids=(i for d in docs for m in d.meetings for i in (m.id, *(k.id for k in m.plan))),
    )


def _revision_props(tx: ReadTx, number: int) -> Row:
    rows = tx.run(cypher.REVISIONS_AFTER_LIMITED, after=number - 1, limit=1)
    props: Row = rows[0]["revision"]
    return props


__all__ = ["Neo4jStore"]


def _packed_at_latest(
    as_recorded: AsRecorded, read: Callable[[ReadTx, int], T | None]
) -> Callable[[ReadTx], T | None]:
    """A read of the packed columns, which hold the current state: also what was
    recorded at the latest revision; None (the row path) for an earlier one."""

    def packed(tx: ReadTx) -> T | None:
        latest = resolve(tx, None)
        if as_recorded is not None and resolve(tx, as_recorded) != latest:
            return None
        return read(tx, latest)

    return packed
