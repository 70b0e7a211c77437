"""The GraphStore interface every store implements, and the errors stores raise.

A store keeps each child's ``ecomap/1`` document as a temporal property graph:
people are nodes shared across children, ties are edges with a start and an end,
observations hang off ties in document order. Nothing is overwritten in meaning:
replacing a child's document is how a network changes, and every read can be
taken "as at" a date. Connections, threads and batching stay private to each
adapter; modes are constructor arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

# Re-exported: the domain owns these so ecomap/ stays free of graph/.
from ecomap.errors import Breach as Breach
from ecomap.errors import DocumentInvalid as DocumentInvalid
from ecomap.model import EcomapDocument, Observation, Person, Status, Tie

if TYPE_CHECKING:  # numpy stays unloaded until a store builds tables
    from ecomap.measures.tables import CohortTables

ViewPerspective = Literal["combined", "child", "worker"]


class StoreError(Exception):
    """Base of every error a store raises on purpose."""


class ChildNotFound(StoreError):
    """No child with that id is stored."""

    def __init__(self, child_id: str) -> None:
        super().__init__(f"no child with id {child_id!r}")
        self.child_id = child_id


class VersionConflict(StoreError):
    """A write named a version that is no longer the child's current one."""

    def __init__(self, child_id: str, expected: int, current: int | None) -> None:
        super().__init__(
            f"child {child_id!r} is at version {current}, not {expected}: reload and retry"
        )
        self.child_id = child_id
        self.expected = expected
        self.current = current


class DocumentConflict(StoreError):
    """The document is valid alone but clashes with the store (e.g. a tie id owned by
    another child). Nothing of it was stored."""

    def __init__(self, child_id: str, breaches: Sequence[Breach]) -> None:
        super().__init__(f"document for child {child_id!r} clashes with the store")
        self.child_id = child_id
        self.breaches = list(breaches)


@dataclass(frozen=True)
class ChildSummary:
    """A row of the children list: enough to find a child, not their network."""

    id: str
    name: str
    team: str | None
    status: Status | None
    version: int


@dataclass(frozen=True)
class Page:
    """A slice of a listing and the total count that matched."""

    data: list[ChildSummary]
    count: int


@dataclass(frozen=True)
class ActiveTie:
    """A child tie active on a date with the member at its other end and the
    effective observation for the requested perspective (None when unrated)."""

    tie: Tie
    member: Person
    observation: Observation | None


@dataclass(frozen=True)
class StoreCounts:
    children: int = 0
    people: int = 0
    ties: int = 0
    observations: int = 0
    episodes: int = 0


@dataclass
class ImportResult:
    """Outcome of a bulk load: which children were stored and which were refused."""

    imported: list[str] = field(default_factory=list)
    rejected: list[tuple[str, list[Breach]]] = field(default_factory=list)


@runtime_checkable
class GraphStore(Protocol):
    """What the API, the CLI and the measures need from a store."""

    def replace(self, doc: EcomapDocument, *, expected_version: int | None = None) -> int:
        """Store ``doc`` as the child's whole network, atomically; return the new version.

        Idempotent in content: re-storing an equal document changes nothing but the
        version. With ``expected_version`` raises :class:`VersionConflict` if the
        child is at another version (``0`` means "must not exist yet"). Raises
        :class:`DocumentConflict` if it clashes with another child's data and
        :class:`DocumentInvalid` if it breaks a rule of FORMAT.md. On any error the
        previous version stays intact.
        """
        ...

    def replace_many(self, docs: Iterable[EcomapDocument]) -> ImportResult:
        """Bulk load: each document atomic on its own; conflicts are reported, not raised."""
        ...

    def get(self, child_id: str) -> EcomapDocument:
        """The child's full history as an ``ecomap/1`` document (raises ChildNotFound)."""
        ...

    def version(self, child_id: str) -> int:
        """The child's current version (raises ChildNotFound)."""
        ...

    def delete(self, child_id: str, *, expected_version: int | None = None) -> None:
        """Remove the child, their ties, observations and episodes; people no longer in
        any child's network are removed too."""
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
    ) -> Page:
        """Children matching every given filter, ordered by id. ``search`` matches
        the id or name, case-insensitively."""
        ...

    def children_of_person(self, person_id: str) -> list[str]:
        """Ids of the children whose network includes this person (e.g. a caseload)."""
        ...

    def active_ties(
        self, child_id: str, at: date, perspective: ViewPerspective = "combined"
    ) -> list[ActiveTie]:
        """The child ties active on ``at`` with their effective observations (MEASURES.md),
        ordered by member id."""
        ...

    def iter_documents(self, ids: Sequence[str] | None = None) -> Iterator[EcomapDocument]:
        """Every (or the named) child's document, in id order, streamed."""
        ...

    def cohort_tables(self, ids: Sequence[str] | None = None) -> CohortTables:
        """Every (or the named) child's network as the cohort measures' arrays, in id order.

        Equal to ``CohortTables.from_documents(self.iter_documents(ids))`` (named
        children that are not stored are left out; ``[]`` gives empty tables) but read
        as columns, without building documents: the dashboard's path.
        """
        ...

    def revision(self) -> int:
        """The store's revision: a counter that every write (``replace``, ``replace_many``,
        ``delete``) increases in the same transaction as its changes, and no read changes.

        Keys caches of anything read from more than one child: people are shared across
        children, so a write to a child outside a scope can change what the scope reads
        while none of the scope's versions move. Only its increase means anything (a new
        store starts at 0).
        """
        ...

    def counts(self) -> StoreCounts:
        """How many children, people, ties, observations and episodes are stored."""
        ...

    def close(self) -> None:
        """Release connections; the store is unusable afterwards."""
        ...
