"""The GraphStore interface every store implements, and the errors stores raise.

A store keeps each child's ``ecomap/1`` document as a temporal property graph:
people are nodes shared across children, ties are edges with a start and an end,
observations hang off ties in document order.

Two times, independent of each other (docs/record.md):

- **valid time** is in the documents (a tie's ``started``/``ended``, an observation's
  ``on``); measures take it as ``at``;
- **record time** is the store's: every write is one :class:`Revision` (a store-wide,
  increasing number, the UTC time, the actor, an optional reason and every child whose
  record it changed). Rows are never updated in place nor deleted (only :meth:`erase`
  deletes): each row carries the range of revisions in which it was current, so every
  read can be taken ``as_recorded`` at a revision number or a UTC timestamp and returns
  exactly what the store held then.

Connections, threads and batching stay private to each adapter; modes are constructor
arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

# Re-exported: the domain owns these so ecomap/ stays free of graph/.
from ecomap.errors import Breach as Breach
from ecomap.errors import DocumentInvalid as DocumentInvalid
from ecomap.model import Category, EcomapDocument, Observation, Person, Status, Tie

if TYPE_CHECKING:  # numpy stays unloaded until a store builds tables
    from ecomap.measures.plans_cohort import PlanTables
    from ecomap.measures.tables import CohortTables

#: When a read is taken in record time: ``None`` for now, an ``int`` for the state right
#: after that revision (``0``: before the first write), or a timezone-aware ``datetime``
#: for the state after the latest revision made at or before it.
AsRecorded = int | datetime | None

#: What kind of write a revision was (history wording, migration replay).
RevisionKind = Literal["write", "person", "close", "reopen", "restore", "erase", "migration"]


class StoreError(Exception):
    """Base of every error a store raises on purpose."""


class ChildNotFound(StoreError):
    """No child with that id is stored (or was, at the revision asked for)."""

    def __init__(self, child_id: str) -> None:
        super().__init__(f"no child with id {child_id!r}")
        self.child_id = child_id


class PersonNotFound(StoreError):
    """No person with that id is in any child's current network."""

    def __init__(self, person_id: str) -> None:
        super().__init__(f"no person with id {person_id!r}")
        self.person_id = person_id


class RevisionNotFound(StoreError):
    """A revision number above the store's latest (or below 0), or a naive timestamp."""

    def __init__(self, as_recorded: int | datetime, latest: int) -> None:
        super().__init__(
            f"no revision {as_recorded!s} in this store (its latest is {latest})"
            if isinstance(as_recorded, int)
            else f"as_recorded {as_recorded.isoformat()} must name its timezone (UTC)"
        )
        self.as_recorded = as_recorded
        self.latest = latest


class VersionConflict(StoreError):
    """A write named a version that is no longer the child's current one."""

    def __init__(self, child_id: str, expected: int, current: int | None) -> None:
        super().__init__(
            f"child {child_id!r} is at version {current}, not {expected}: reload and retry"
        )
        self.child_id = child_id
        self.expected = expected
        self.current = current


class PersonConflict(StoreError):
    """A person edit named a version that is no longer the person's current one: someone
    changed their details since the editor read them."""

    def __init__(self, person_id: str, expected: int, current: int) -> None:
        super().__init__(
            f"person {person_id!r} is at version {current}, not {expected}: reload and retry"
        )
        self.person_id = person_id
        self.expected = expected
        self.current = current


class DocumentConflict(StoreError):
    """The document is valid alone but clashes with the store (a tie id owned by another
    child, or changed details of an existing person in a write that may not change
    people). Nothing of it was stored. Breaches name the document's fields only, never
    another child."""

    def __init__(self, child_id: str, breaches: Sequence[Breach]) -> None:
        super().__init__(f"document for child {child_id!r} clashes with the store")
        self.child_id = child_id
        self.breaches = list(breaches)


@dataclass(frozen=True)
class ErasedCounts:
    """What :meth:`GraphStore.erase` removed: the child's rows of every revision.

    ``people`` counts the people who were in no other child's network at any revision
    (their rows went with the child's); ``revisions`` counts the revisions that had
    listed the child (they stay, without it, when they listed others).
    """

    child_id: str
    revisions: int = 0
    people: int = 0
    ties: int = 0
    observations: int = 0
    episodes: int = 0


@dataclass(frozen=True)
class Revision:
    """One write: everything a single transaction changed, and who made it, when, why.

    ``children`` lists every child whose record it changed (sorted); each of them has a
    new version. ``restored`` is the revision whose state a ``restore`` wrote back;
    ``erased`` what an ``erase`` removed.
    """

    number: int
    at: datetime
    actor: str
    reason: str | None
    children: tuple[str, ...]
    kind: RevisionKind = "write"
    restored: int | None = None
    erased: ErasedCounts | None = None


@dataclass(frozen=True)
class RecordedChild:
    """A child's record right after a revision: its document (``None`` once erased) and
    whether it was closed. What :meth:`GraphStore.replay` writes."""

    child_id: str
    document: EcomapDocument | None
    closed: bool = False
    version: int | None = None  # kept by replay (so ETags survive a migration)


@dataclass(frozen=True)
class ChildSummary:
    """A row of the children list: enough to find a child, not their network."""

    id: str
    name: str
    team: str | None
    status: Status | None
    version: int
    closed: bool = False


@dataclass(frozen=True)
class Page:
    """A slice of a listing and the total count that matched."""

    data: list[ChildSummary]
    count: int


ViewPerspective = Literal["combined", "child", "worker"]


@dataclass(frozen=True)
class ActiveTie:
    """Transitional: goes with the stores' ``active_ties`` (issue 10 drops it from the
    interface; ecomap/ derives active ties from the document)."""

    tie: Tie
    member: Person
    observation: Observation | None


@dataclass(frozen=True)
class StoreCounts:
    """Current rows: closed children's included, earlier revisions' not."""

    children: int = 0
    people: int = 0
    ties: int = 0
    observations: int = 0
    episodes: int = 0


@dataclass
class ImportResult:
    """Outcome of a bulk load: which children were stored and which were refused, and
    the revisions it made (one per transaction; each stored child is in one of them)."""

    imported: list[str] = field(default_factory=list)
    rejected: list[tuple[str, list[Breach]]] = field(default_factory=list)
    revisions: list[int] = field(default_factory=list)


@runtime_checkable
class GraphStore(Protocol):
    """What the API, the CLI and the measures need from a store.

    Writes: each is one revision, atomic (all of it or nothing, history included), made
    with the ``actor`` that asked for it (a user id, ``link:<id>``, ``import:<source>``,
    ``migration``, ...) and an optional ``reason``. A child's version is its own counter
    (the API's ETag): it moves on every revision that lists the child. Writes that take
    ``expected_version`` raise :class:`VersionConflict` when the child is at another one
    (``0`` means "must not exist yet"); without it they do not check.

    Reads take ``as_recorded`` (:data:`AsRecorded`): the state right after that revision.
    """

    # ------------------------------------------------------------------ writes

    def replace(
        self,
        doc: EcomapDocument,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
        update_people: bool = False,
    ) -> int:
        """Store ``doc`` as the child's whole network in one revision; return the child's
        new version.

        Only rows that differ are closed and re-inserted, so an edit costs its size, not
        the network's. The document may add new people and name existing ones; with
        ``update_people=False`` it may not change an existing person's details: if it
        does, :class:`DocumentConflict` names the field (``people[3]``) and says to use
        the person edit. With ``update_people=True`` (an admin's bulk import) the person
        is updated, and the revision lists (and moves the version of) every child whose
        current network has them. Re-storing an equal document changes nothing but the
        version. A closed child stays closed. Raises :class:`DocumentConflict` if it
        clashes with another child's data and :class:`DocumentInvalid` if it breaks a
        rule of FORMAT.md.
        """
        ...

    def replace_many(
        self, docs: Iterable[EcomapDocument], *, actor: str, update_people: bool = True
    ) -> ImportResult:
        """Bulk load: each document atomic on its own; conflicts and invalid documents
        are reported, not raised. One revision per transaction (the store batches)."""
        ...

    def close_record(
        self,
        child_id: str,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Close the child's record: it leaves listings and cohort tables (unless asked
        for) and stays whole, readable and restorable. Returns the new version. Closing a
        closed record is a revision too (no error)."""
        ...

    def reopen_record(
        self,
        child_id: str,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Reopen a closed record (back in listings); returns the new version."""
        ...

    def restore(
        self,
        child_id: str,
        revision: int,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Write a new revision whose record of the child equals its record as at
        ``revision``; history only grows. People who still exist keep their current
        details (a person edit is undone by another person edit, not by a child's
        restore); people since gone from every network come back as they were. The
        closed flag is not restored. Raises :class:`ChildNotFound` if the child had no
        record at ``revision`` and :class:`RevisionNotFound` for an unknown revision."""
        ...

    def erase(self, child_id: str, *, actor: str, reason: str) -> ErasedCounts:
        """Remove the child's rows of every revision and the child from every revision's
        list (for a record made in error; an admin's action). People in no other
        child's network at any revision go too. The erasing revision stays, listing the
        child, with the counts removed (:attr:`Revision.erased`)."""
        ...

    def update_person(
        self, person: Person, *, actor: str, reason: str | None = None,
        expected_version: int | None = None,
    ) -> Revision:
        """Change a shared person's details in one revision that lists, and moves the
        version of, every child whose current network includes them (closed ones too), so
        that a stale editor of any of them gets :class:`VersionConflict`. With
        ``expected_version`` (the person's version the change was made on, from
        :meth:`person_versions`), raises :class:`PersonConflict` if it is no longer the
        person's, checked in the same transaction as the write. Raises
        :class:`PersonNotFound` if no current network has the person."""
        ...

    def person_versions(self, ids: Sequence[str]) -> dict[str, int]:
        """Each named person's version: the revision that wrote their current details. A
        person edit that changes them moves it; people in no current network are left
        out."""
        ...

    def replay(self, revision: Revision, changes: Sequence[RecordedChild]) -> None:
        """Write one revision as another store recorded it (``ecomap migrate``): the same
        number, time, actor, reason and kind, and each listed child's record after it
        (people's details as the documents give them). Only onto a store whose latest
        revision is below ``revision.number``; no version checks."""
        ...

    # ------------------------------------------------------------------ reads

    def get(self, child_id: str, *, as_recorded: AsRecorded = None) -> EcomapDocument:
        """The child's record as an ``ecomap/1`` document (closed ones too); raises
        :class:`ChildNotFound` if there was none at ``as_recorded``."""
        ...

    def version(self, child_id: str, *, as_recorded: AsRecorded = None) -> int:
        """The child's version (raises :class:`ChildNotFound`)."""
        ...

    def is_closed(self, child_id: str, *, as_recorded: AsRecorded = None) -> bool:
        """Whether the child's record was closed (raises :class:`ChildNotFound`)."""
        ...

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
        """Children matching every given filter, ordered by id. ``search`` matches the id
        or name, case-insensitively. Closed records only with ``include_closed``."""
        ...

    def iter_documents(
        self,
        ids: Sequence[str] | None = None,
        *,
        as_recorded: AsRecorded = None,
        include_closed: bool = False,
    ) -> Iterator[EcomapDocument]:
        """Every (or the named) child's document, in id order, streamed; named children
        that are not stored (or closed, unless ``include_closed``) are left out."""
        ...

    def cohort_tables(
        self,
        ids: Sequence[str] | None = None,
        *,
        as_recorded: AsRecorded = None,
        include_closed: bool = False,
    ) -> CohortTables:
        """Every (or the named) child's network as the cohort measures' arrays, in id order.

        Equal to ``CohortTables.from_documents(self.iter_documents(ids, ...))`` with the
        same arguments (``[]`` gives empty tables) but read as columns, without building
        documents: the dashboard's path.
        """
        ...

    def plan_tables(
        self,
        child_ids: Sequence[str] | None = None,
        *,
        as_recorded: AsRecorded = None,
        include_closed: bool = False,
    ) -> PlanTables:
        """Every (or the named) child's meetings, commitments and progress as the plans
        measures' columns, in id order (docs/meetings.md, "The stores").

        Equal to ``PlanTables.from_documents(list(self.iter_documents(child_ids, ...)))``
        with the same arguments, but the current state is read from columns packed per
        child when the child is written, without building documents: the dashboard's
        path. A read as recorded at an earlier revision may build them from documents.
        """
        ...

    def history(self, child_id: str) -> list[Revision]:
        """Every revision that listed the child, newest first (after erasing, only the
        erasing one); raises :class:`ChildNotFound` if none did."""
        ...

    def revisions(self, *, after: int = 0, limit: int | None = None) -> list[Revision]:
        """The store's revisions numbered above ``after``, oldest first (migration)."""
        ...

    def revision(self) -> int:
        """The latest revision's number (``0`` for an empty store). Every write increases
        it in the same transaction as its changes; no read changes it. Keys caches of
        anything read from more than one child."""
        ...

    def revision_at(self, as_recorded: AsRecorded) -> int:
        """The revision number ``as_recorded`` stands for: itself for a number (raises
        :class:`RevisionNotFound` above the latest or below 0), the latest revision at or
        before a timestamp (``0`` if none; naive timestamps are refused), the latest
        for ``None``."""
        ...

    def people(
        self,
        *,
        ids: Sequence[str] | None = None,
        search: str | None = None,
        of_children: Sequence[str] | None = None,
        category: Category | None = None,
        limit: int | None = 50,
    ) -> list[Person]:
        """Current people matching every given filter, ordered by id: ``search`` matches
        id or name case-insensitively, ``of_children`` keeps the people in those
        children's current networks, ``category`` one category (e.g. professionals)."""
        ...

    def person_children(self, person_ids: Sequence[str]) -> dict[str, list[str]]:
        """For each named person in a current network, the ids of the children whose
        current network includes them (closed ones too), sorted; unknown ids are left
        out. For authorisation: never shown to a caller as it is."""
        ...

    def counts(self) -> StoreCounts:
        """How many children, people, ties, observations and episodes are current."""
        ...

    def close(self) -> None:
        """Release connections; the store is unusable afterwards."""
        ...
