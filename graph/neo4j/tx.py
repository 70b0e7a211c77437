"""Transactions of the Neo4j store and the reads every call pins to one revision.

:class:`ReadTx` and :class:`WriteTx` wrap the driver's managed transactions; the
functions below read rows *as recorded* right after a revision ``r`` (the latest
unless the caller names another), so a read made of several queries or transactions
never mixes two writes (docs/record.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import neo4j

from graph.base import AsRecorded, ErasedCounts, Revision, RevisionNotFound
from graph.neo4j import cypher
from graph.neo4j.rows import Fetched, Row
from graph.timestamps import from_us, to_us


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
    for label in cypher.MEETING_LABELS if episodes else ():
        for row in tx.run(cypher.owned_at(label), ids=found, r=r):
            fetched.meetings[label][row["row"]["child"]].append(row["row"])
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


__all__ = ["ReadTx", "Reader", "WriteTx", "fetch", "from_us", "resolve", "revisions_from",
           "to_us", "versions_at"]
