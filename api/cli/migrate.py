"""CLI command ``migrate``: copy a graph store's whole record to another, then verify.

``ecomap migrate --from embedded:PATH --to neo4j`` moves a local authority from the
embedded store to Neo4j; ``--from neo4j --to embedded:PATH`` moves it back. A store
is named ``embedded`` (the ``ECOMAP_DB`` file), ``embedded:PATH``, ``neo4j`` (the
``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE`` settings) or
``neo4j:URI`` (that server, with the settings' credentials). The target must hold
no record (no revision). The whole history is copied: every revision is replayed in
order with its number, time, actor, reason and kind, and each child's record, closed
flag and version right after it (docs/record.md), so ``as_recorded`` reads give the
same answers in both stores. It then checks that both stores hold the same revisions
and equal counts, and that every child (closed ones too) has an equal document,
version, closed flag and measures; exit status 1 if not. Nothing must write to the
source while it runs.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

import typer

from api.settings import Settings
from ecomap.model import EcomapDocument
from graph import open_store
from graph.base import (
    ChildSummary,
    GraphStore,
    RecordedChild,
    Revision,
    StoreCounts,
    StoreError,
)

DEFAULT_BATCH = 500
_REVISIONS_PER_READ = 100


def _today() -> date:
    return date.today()


def open_named_store(spec: str, settings: Settings) -> tuple[GraphStore, str]:
    """Open the store ``spec`` names; return it and a printable label (no secrets).

    ``spec`` is ``embedded``, ``embedded:PATH``, ``neo4j`` or ``neo4j:URI``.
    """
    kind, _, rest = spec.partition(":")
    if kind == "embedded":
        path = rest or str(settings.db)
        if path == ":memory:":
            raise typer.BadParameter("an in-memory store cannot be migrated to or from")
        return open_store("embedded", path=path), f"embedded:{path}"
    if kind == "neo4j":
        uri = rest or settings.neo4j_uri
        if not uri:
            raise typer.BadParameter("no Neo4j URI: write neo4j:bolt://HOST:PORT or set NEO4J_URI")
        store = open_store(
            "neo4j",
            uri=uri,
            user=settings.neo4j_user or None,
            password=settings.neo4j_password.get_secret_value(),
            database=settings.neo4j_database,
        )
        return store, f"neo4j:{uri}"
    raise typer.BadParameter(
        f"{spec!r} names no store: use embedded, embedded:PATH, neo4j or neo4j:URI"
    )


def _chunks(docs: Iterator[EcomapDocument], size: int) -> Iterator[list[EcomapDocument]]:
    while chunk := list(itertools.islice(docs, size)):
        yield chunk


@dataclass
class Verification:
    """What the check after a copy found (empty ``problems`` means equal)."""

    source: StoreCounts
    target: StoreCounts
    children_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def recorded_children(source: GraphStore, revision: Revision,
                      *, batch: int = DEFAULT_BATCH) -> list[RecordedChild]:
    """Each child ``revision`` lists, as ``source`` recorded it right after the revision
    (document ``None`` for a child erased since, or by it)."""
    out: list[RecordedChild] = []
    n = revision.number
    for start in range(0, len(revision.children), batch):
        ids = list(revision.children[start:start + batch])
        docs = {d.child.id: d for d in source.iter_documents(
            ids, as_recorded=n, include_closed=True)}
        rows: dict[str, ChildSummary] = {c.id: c for c in source.children(
            ids=ids, as_recorded=n, include_closed=True).data}
        for child_id in ids:
            doc, row = docs.get(child_id), rows.get(child_id)
            if doc is None or row is None:
                out.append(RecordedChild(child_id, None))
            else:
                out.append(RecordedChild(child_id, doc, row.closed, row.version))
    return out


def copy_store(source: GraphStore, target: GraphStore, *, batch: int = DEFAULT_BATCH) -> int:
    """Replay every revision of ``source`` into ``target``, in order; return how many."""
    copied, after = 0, 0
    while page := source.revisions(after=after, limit=_REVISIONS_PER_READ):
        for revision in page:
            target.replay(revision, recorded_children(source, revision, batch=batch))
            copied += 1
        after = page[-1].number
    return copied


def verify_copy(
    source: GraphStore, target: GraphStore, at: date, *, batch: int = DEFAULT_BATCH
) -> Verification:
    """Compare revisions and counts, then each child's document, version, closed flag and
    measures on ``at``, in both stores."""
    from ecomap.measures import child_measures  # networkx: loaded when a copy is checked

    found = Verification(source=source.counts(), target=target.counts())
    if found.source != found.target:
        found.problems.append(
            f"counts differ: {found.source} in the source, {found.target} in the target"
        )
    if source.revisions() != target.revisions():
        found.problems.append("the revisions (number, time, actor, reason, children) differ")
    listed = source.children(include_closed=True).data
    for start in range(0, len(listed), batch):
        rows = listed[start:start + batch]
        ids = [r.id for r in rows]
        docs = {d.child.id: d for d in source.iter_documents(ids, include_closed=True)}
        copies = {d.child.id: d for d in target.iter_documents(ids, include_closed=True)}
        theirs = {c.id: c for c in target.children(ids=ids, include_closed=True).data}
        for row in rows:
            child_id = row.id
            doc, copy = docs.get(child_id), copies.get(child_id)
            found.children_checked += 1
            if copy is None or doc is None:
                found.problems.append(f"child {child_id!r} is missing from the target")
            elif copy != doc:
                found.problems.append(f"child {child_id!r}: the documents differ")
            elif theirs.get(child_id) != row:
                found.problems.append(f"child {child_id!r}: the version or closed flag differ")
            elif child_measures(copy, at) != child_measures(doc, at):
                found.problems.append(f"child {child_id!r}: the measures on {at} differ")
    return found


def migrate(
    source_spec: Annotated[
        str,
        typer.Option(
            "--from", help="The store to copy from: embedded, embedded:PATH, neo4j or neo4j:URI."
        ),
    ],
    target_spec: Annotated[
        str,
        typer.Option(
            "--to", help="The store to copy into (must hold no record); same forms as --from."
        ),
    ],
    at: Annotated[
        str | None,
        typer.Option(help="Date the measures are compared on, YYYY-MM-DD (default: today)."),
    ] = None,
    batch: Annotated[
        int, typer.Option(min=1, help="Children read per query while copying and verifying.")
    ] = DEFAULT_BATCH,
) -> None:
    """Copy a graph store's whole record (every revision) to another, then verify the
    revisions, counts and every child's document, version and measures are equal in both
    (exit 1 if not)."""
    try:
        when = date.fromisoformat(at) if at else _today()
    except ValueError:
        raise typer.BadParameter(
            f"{at!r} is not a date written YYYY-MM-DD", param_hint="'--at'"
        ) from None
    settings = Settings()
    source, source_label = open_named_store(source_spec, settings)
    try:
        target, target_label = open_named_store(target_spec, settings)
    except BaseException:
        source.close()
        raise
    try:
        if target.revision() or target.counts().children:
            typer.echo(
                f"error: {target_label} already holds children or revisions; migrate into an "
                "empty store",
                err=True,
            )
            raise typer.Exit(1)
        started = time.perf_counter()
        try:
            revisions = copy_store(source, target, batch=batch)
        except StoreError as error:
            typer.echo(f"error: the target refused a revision: {error}", err=True)
            raise typer.Exit(1) from None
        elapsed = time.perf_counter() - started
        counts = target.counts()
        typer.echo(
            f"copied {revisions} revisions: {counts.children} children ({counts.people} people, "
            f"{counts.ties} ties, {counts.observations} observations, {counts.episodes} "
            f"episodes) from {source_label} to {target_label} in {elapsed:.1f} s"
        )
        found = verify_copy(source, target, when, batch=batch)
        if not found.ok:
            typer.echo(f"verification FAILED ({len(found.problems)} problems):", err=True)
            for problem in found.problems[:20]:
                typer.echo(f"  {problem}", err=True)
            raise typer.Exit(1)
        typer.echo(
            f"verified: revisions and counts equal; {found.children_checked} children's "
            f"documents, versions and measures on {when} equal in both stores"
        )
    finally:
        target.close()
        source.close()


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command(
        "migrate",
        help="Copy a graph store's whole record (every revision) to another, then verify "
        "revisions, counts and every child's document, version and measures are equal in both "
        "(exit 1 if not).",
    )(migrate)
