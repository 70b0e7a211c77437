"""CLI command ``migrate``: copy every child from one graph store to another, then verify.

``ecomap migrate --from embedded:PATH --to neo4j`` moves a local authority from the
embedded store to Neo4j; ``--from neo4j --to embedded:PATH`` moves it back. A store
is named ``embedded`` (the ``ECOMAP_DB`` file), ``embedded:PATH``, ``neo4j`` (the
``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE`` settings) or
``neo4j:URI`` (that server, with the settings' credentials). The target must hold
no children. After copying in batches it checks that both stores hold equal counts,
equal documents and equal measures for every child; exit status 1 if not.
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
from ecomap.measures import child_measures
from ecomap.model import EcomapDocument
from graph import open_store
from graph.base import GraphStore, StoreCounts

DEFAULT_BATCH = 500


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


def copy_store(source: GraphStore, target: GraphStore, *, batch: int = DEFAULT_BATCH) -> int:
    """Copy every child of ``source`` into ``target`` in batches; return how many.

    Raises ``RuntimeError`` naming the children the target refused.
    """
    copied = 0
    for chunk in _chunks(source.iter_documents(), batch):
        result = target.replace_many(chunk)
        if result.rejected:
            refused = ", ".join(child for child, _ in result.rejected[:10])
            raise RuntimeError(f"the target refused {len(result.rejected)} children: {refused}")
        copied += len(result.imported)
    return copied


def verify_copy(
    source: GraphStore, target: GraphStore, at: date, *, batch: int = DEFAULT_BATCH
) -> Verification:
    """Compare counts, then each child's document and measures on ``at``, in both stores."""
    found = Verification(source=source.counts(), target=target.counts())
    if found.source != found.target:
        found.problems.append(
            f"counts differ: {found.source} in the source, {found.target} in the target"
        )
    for chunk in _chunks(source.iter_documents(), batch):
        copies = {doc.child.id: doc for doc in target.iter_documents([d.child.id for d in chunk])}
        for doc in chunk:
            child_id = doc.child.id
            copy = copies.get(child_id)
            found.children_checked += 1
            if copy is None:
                found.problems.append(f"child {child_id!r} is missing from the target")
            elif copy != doc:
                found.problems.append(f"child {child_id!r}: the documents differ")
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
            "--to", help="The store to copy into (must hold no children); same forms as --from."
        ),
    ],
    at: Annotated[
        str | None,
        typer.Option(help="Date the measures are compared on, YYYY-MM-DD (default: today)."),
    ] = None,
    batch: Annotated[
        int, typer.Option(min=1, help="Documents per write transaction.")
    ] = DEFAULT_BATCH,
) -> None:
    """Copy every child from one graph store to another, then verify counts, documents
    and every child's measures are equal in both (exit 1 if not)."""
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
        if target.counts().children:
            typer.echo(
                f"error: {target_label} already holds children; migrate into an empty store",
                err=True,
            )
            raise typer.Exit(1)
        started = time.perf_counter()
        try:
            copied = copy_store(source, target, batch=batch)
        except RuntimeError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from None
        elapsed = time.perf_counter() - started
        counts = target.counts()
        typer.echo(
            f"copied {copied} children ({counts.people} people, {counts.ties} ties, "
            f"{counts.observations} observations, {counts.episodes} episodes) "
            f"from {source_label} to {target_label} in {elapsed:.1f} s"
        )
        found = verify_copy(source, target, when, batch=batch)
        if not found.ok:
            typer.echo(f"verification FAILED ({len(found.problems)} problems):", err=True)
            for problem in found.problems[:20]:
                typer.echo(f"  {problem}", err=True)
            raise typer.Exit(1)
        typer.echo(
            f"verified: counts equal; {found.children_checked} children's documents and "
            f"measures on {when} equal in both stores"
        )
    finally:
        target.close()
        source.close()


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command(
        "migrate",
        help="Copy every child from one graph store to another, then verify counts, documents "
        "and every child's measures are equal in both (exit 1 if not).",
    )(migrate)
