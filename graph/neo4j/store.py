"""The Neo4j store: a :class:`~graph.base.GraphStore` over the official ``neo4j`` driver.

Selected by settings: ``ECOMAP_STORE=neo4j`` with ``NEO4J_URI`` (e.g.
``bolt://localhost:7687`` or ``neo4j+s://xxxx.databases.neo4j.io``), ``NEO4J_USER``,
``NEO4J_PASSWORD`` and ``NEO4J_DATABASE`` (the server's default when unset). On
start-up it creates its unique constraints, then its indexes, each in its own
auto-commit call (``IF NOT EXISTS``, so every process may do it). Every read and
write is a managed transaction (``execute_read`` / ``execute_write``, retried by
the driver on transient errors); writes are batched ``UNWIND $rows`` statements of
at most ``batch_size`` rows. The graph it keeps is described in :mod:`graph.neo4j.cypher`.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import neo4j
from neo4j.exceptions import ConstraintError

from ecomap.format import validate_document
from ecomap.model import EcomapDocument, Observation, Status
from graph.base import (
    ActiveTie,
    Breach,
    ChildNotFound,
    ChildSummary,
    DocumentConflict,
    DocumentInvalid,
    ImportResult,
    Page,
    StoreCounts,
    VersionConflict,
    ViewPerspective,
)
from graph.neo4j import cypher
from graph.neo4j.rows import (
    Fetched,
    Row,
    Rows,
    native,
    observations_from,
    person_from,
    tie_from,
)

if TYPE_CHECKING:
    from ecomap.measures.tables import CohortTables

T = TypeVar("T")

#: Documents written per transaction by :meth:`Neo4jStore.replace_many`.
DOCS_PER_TRANSACTION = 100
#: Attempts of a write that meets a unique-constraint clash from a racing writer.
CONSTRAINT_RETRIES = 4
#: Locks serialising writes to one child within a process.
LOCK_STRIPES = 64
#: Documents read per transaction by :meth:`Neo4jStore.iter_documents`.
DOCS_PER_READ = 200


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

    def batched(self, query: cypher.WriteQuery, rows: Sequence[Row]) -> None:
        """Run ``query`` (which unwinds ``$rows``) over ``rows`` in slices."""
        for start in range(0, len(rows), self._batch_size):
            self._tx.run(query, {"rows": list(rows[start : start + self._batch_size])}).consume()


def effective_observation(
    observations: Sequence[Observation], perspective: ViewPerspective
) -> Observation | None:
    """The observation that counts for a perspective (MEASURES.md), from a tie's
    observations already dated on or before the day, in document order."""

    def latest(chosen: Iterable[Observation]) -> Observation | None:
        best: Observation | None = None
        for obs in chosen:  # document order: a later one wins a tie on the date
            if best is None or obs.on >= best.on:
                best = obs
        return best

    child = latest(o for o in observations if o.by == "child")
    if perspective == "child":
        return child
    adult = latest(o for o in observations if o.by != "child")
    if perspective == "worker":
        return adult
    return child if child is not None else adult


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
        self._locks = [threading.Lock() for _ in range(LOCK_STRIPES)]
        try:
            self._driver.verify_connectivity()
            self._create_schema()
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

    def _read(self, work: Callable[[ReadTx], T]) -> T:
        with self._session() as session:
            return session.execute_read(lambda tx: work(ReadTx(tx)))

    def _write(self, work: Callable[[WriteTx], T]) -> T:
        """Run ``work`` in one write transaction that also bumps the store's revision."""

        def bumped(tx: neo4j.ManagedTransaction) -> T:
            wtx = WriteTx(tx, self._batch_size)
            result = work(wtx)
            wtx.run(cypher.BUMP_REVISION)
            return result

        with self._session() as session:
            return session.execute_write(bumped)

    def _write_retrying(self, work: Callable[[WriteTx], T], child_ids: Iterable[str]) -> T:
        """Write with these children's writes serialised in this process, retrying a
        few times if a concurrent writer elsewhere made a unique id clash (the test
        server raises that from two MERGEs of one new id; Neo4j waits instead)."""
        stripes = sorted({hash(child_id) % len(self._locks) for child_id in child_ids})
        with ExitStack() as held:
            for stripe in stripes:
                held.enter_context(self._locks[stripe])
            for attempt in range(1, CONSTRAINT_RETRIES + 1):
                try:
                    return self._write(work)
                except ConstraintError:
                    if attempt == CONSTRAINT_RETRIES:
                        raise
                    time.sleep(random.uniform(0.01, 0.05) * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    # ------------------------------------------------------------ writes
    def replace(self, doc: EcomapDocument, *, expected_version: int | None = None) -> int:
        breaches = validate_document(doc)
        if breaches:
            raise DocumentInvalid(doc.child.id, breaches)

        def work(tx: WriteTx) -> int:
            versions = _versions(tx.run(cypher.LOCK_CHILDREN, ids=[doc.child.id]))
            current = versions.get(doc.child.id, 0)
            if expected_version is not None and expected_version != current:
                raise VersionConflict(doc.child.id, expected_version, current or None)
            breaches = _conflicts(tx, [doc]).get(doc.child.id)
            if breaches:
                raise DocumentConflict(doc.child.id, breaches)
            return self._store(tx, [doc], versions)[doc.child.id]

        return self._write_retrying(work, [doc.child.id])

    def replace_many(self, docs: Iterable[EcomapDocument]) -> ImportResult:
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
            try:
                stored, rejected = self._write_retrying(
                    partial(self._store_batch, batch=batch), [d.child.id for d in batch]
                )
            except ConstraintError:  # a racing writer: fall back to one document at a time
                stored, rejected = [], []
                for doc in batch:
                    try:
                        self.replace(doc)
                        stored.append(doc)
                    except DocumentConflict as conflict:
                        rejected.append((doc, conflict.breaches))
            result.imported.extend(doc.child.id for doc in stored)
            refused.extend((position[id(doc)], doc.child.id, b) for doc, b in rejected)
            for doc in batch:
                del position[id(doc)]
        result.rejected.extend((child, breaches) for _, child, breaches in sorted(refused))
        return result

    def _store_batch(
        self, tx: WriteTx, *, batch: list[EcomapDocument]
    ) -> tuple[list[EcomapDocument], list[tuple[EcomapDocument, list[Breach]]]]:
        conflicts = _conflicts(tx, batch)
        good = [doc for doc in batch if doc.child.id not in conflicts]
        versions = _versions(tx.run(cypher.LOCK_CHILDREN, ids=[d.child.id for d in good]))
        self._store(tx, good, versions)
        rejected = [(d, conflicts[d.child.id]) for d in batch if d.child.id in conflicts]
        return good, rejected

    def _store(
        self, tx: WriteTx, docs: list[EcomapDocument], versions: dict[str, int]
    ) -> dict[str, int]:
        """Replace these children's networks (locked, checked) inside ``tx``."""
        ids = [doc.child.id for doc in docs]
        if not ids:
            return {}
        old_people = [row["id"] for row in tx.run(cypher.PEOPLE_IDS, ids=ids)]
        for query in (
            cypher.DELETE_TIES,
            cypher.DELETE_EPISODES,
            cypher.DELETE_KNOWS,
        ):
            tx.run(query, ids=ids)
        rows = Rows()
        new_versions = {doc.child.id: versions.get(doc.child.id, 0) + 1 for doc in docs}
        for doc in docs:
            rows.add(doc, new_versions[doc.child.id])
        tx.batched(cypher.MERGE_CHILDREN, rows.children)
        tx.batched(cypher.MERGE_PEOPLE, list(rows.people.values()))
        tx.batched(cypher.CREATE_KNOWS, rows.knows)
        tx.batched(cypher.CREATE_CHILD_TIES, rows.child_ties)
        tx.batched(cypher.CREATE_PERSON_TIES, rows.person_ties)
        tx.batched(cypher.CREATE_EPISODES, rows.episodes)
        if old_people:
            tx.run(cypher.DELETE_ORPHANS, ids=old_people)
        return new_versions

    def delete(self, child_id: str, *, expected_version: int | None = None) -> None:
        def work(tx: WriteTx) -> None:
            versions = _versions(tx.run(cypher.LOCK_EXISTING, ids=[child_id]))
            if child_id not in versions:
                raise ChildNotFound(child_id)
            if expected_version is not None and expected_version != versions[child_id]:
                raise VersionConflict(child_id, expected_version, versions[child_id])
            old_people = [row["id"] for row in tx.run(cypher.PEOPLE_IDS, ids=[child_id])]
            for query in (
                cypher.DELETE_TIES,
                cypher.DELETE_EPISODES,
                cypher.DELETE_CHILDREN,
            ):
                tx.run(query, ids=[child_id])
            if old_people:
                tx.run(cypher.DELETE_ORPHANS, ids=old_people)

        self._write_retrying(work, [child_id])

    # ------------------------------------------------------------ reads
    def get(self, child_id: str) -> EcomapDocument:
        fetched = self._read(lambda tx: _fetch(tx, ids=[child_id]))
        if child_id not in fetched.children:
            raise ChildNotFound(child_id)
        return fetched.document(child_id)

    def version(self, child_id: str) -> int:
        versions = self._read(lambda tx: _versions(tx.run(cypher.CHILD_VERSIONS, ids=[child_id])))
        if child_id not in versions:
            raise ChildNotFound(child_id)
        return versions[child_id]

    def revision(self) -> int:
        rows = self._read(lambda tx: tx.run(cypher.REVISION))
        return int(rows[0]["revision"]) if rows else 0

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
        offset = max(offset, 0)
        limit = None if limit is None else max(limit, 0)
        params: dict[str, Any] = {"offset": offset, "limit": limit}
        filters: list[str] = []
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
            count = int(tx.run(count_query, **params)[0]["n"])
            rows = tx.run(rows_query, **params) if limit != 0 else []
            return Page(data=[ChildSummary(**row) for row in rows], count=count)

        return self._read(work)

    def children_of_person(self, person_id: str) -> list[str]:
        rows = self._read(lambda tx: tx.run(cypher.CHILDREN_OF_PERSON, id=person_id))
        return [str(row["id"]) for row in rows]

    def active_ties(
        self, child_id: str, at: date, perspective: ViewPerspective = "combined"
    ) -> list[ActiveTie]:
        def work(tx: ReadTx) -> tuple[dict[str, int], list[Row]]:
            versions = _versions(tx.run(cypher.CHILD_VERSIONS, ids=[child_id]))
            if not versions:
                return versions, []
            return versions, tx.run(cypher.ACTIVE_TIES, id=child_id, at=at)

        versions, tie_rows = self._read(work)
        if not versions:
            raise ChildNotFound(child_id)
        active = []
        for row in tie_rows:
            # A tie's observations are in document order; those after ``at`` do not count.
            seen = [obs for _, obs in observations_from(row["tie"]) if obs.on <= at]
            active.append(
                ActiveTie(
                    tie=tie_from(row["tie"]),
                    member=person_from(row["person"]),
                    observation=effective_observation(seen, perspective),
                )
            )
        return sorted(active, key=lambda a: (a.member.id, a.tie.id))

    def iter_documents(self, ids: Sequence[str] | None = None) -> Iterator[EcomapDocument]:
        if ids is None:
            rows = self._read(lambda tx: tx.run(cypher.ALL_CHILD_IDS))
            wanted = sorted(str(row["id"]) for row in rows)  # code-point order, as Python
        else:
            wanted = sorted(set(ids))
        for start in range(0, len(wanted), DOCS_PER_READ):
            chunk = wanted[start : start + DOCS_PER_READ]
            fetched = self._read(partial(_fetch, ids=chunk))
            for child_id in chunk:
                if child_id in fetched.children:
                    yield fetched.document(child_id)

    def cohort_tables(self, ids: Sequence[str] | None = None) -> CohortTables:
        from graph.neo4j.cohort import cohort_tables  # numpy: loaded when first needed

        if ids is None:
            rows = self._read(lambda tx: tx.run(cypher.ALL_CHILD_IDS))
            wanted = sorted(str(row["id"]) for row in rows)
        else:
            wanted = sorted(set(ids))
        chunks = (wanted[start : start + DOCS_PER_READ]
                  for start in range(0, len(wanted), DOCS_PER_READ))
        return cohort_tables(
            (chunk, self._read(partial(_fetch, ids=chunk))) for chunk in chunks
        )

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


def _versions(rows: list[Row]) -> dict[str, int]:
    return {str(row["id"]): int(row["version"]) for row in rows}


def _conflicts(tx: WriteTx, docs: Sequence[EcomapDocument]) -> dict[str, list[Breach]]:
    """Breaches of documents whose tie ids another child already owns."""
    tie_ids = [tie.id for doc in docs for tie in doc.ties]
    if not tie_ids:
        return {}
    owners = {str(row["id"]): str(row["child"]) for row in tx.run(cypher.TIE_OWNERS, ties=tie_ids)}
    conflicts: dict[str, list[Breach]] = {}
    for doc in docs:
        for index, tie in enumerate(doc.ties):
            owner = owners.get(tie.id)
            if owner is not None and owner != doc.child.id:
                conflicts.setdefault(doc.child.id, []).append(
                    Breach(
                        f"ties[{index}].id",
                        f"tie id {tie.id!r} already belongs to another child's network",
                    )
                )
    return conflicts


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


def _fetch(tx: ReadTx, *, ids: list[str], episodes: bool = True) -> Fetched:
    fetched = Fetched()
    for row in tx.run(cypher.CHILDREN, ids=ids):
        fetched.children[row["child"]["id"]] = row["child"]
    if not fetched.children:
        return fetched
    found = list(fetched.children)
    for row in tx.run(cypher.PEOPLE, ids=found):
        fetched.people[row["child"]].append((int(row["ord"]), row["person"]))
    for row in tx.run(cypher.TIES, ids=found):
        fetched.ties[row["tie"]["child"]].append(row["tie"])
    for row in tx.run(cypher.EPISODES, ids=found) if episodes else []:
        fetched.episodes[row["episode"]["child"]].append(row["episode"])
    return fetched


__all__ = ["Neo4jStore", "ReadTx", "WriteTx", "effective_observation", "native"]
