"""CLI commands ``history``, ``restore`` and ``check``: a child's record over record time,
and the records that still hold values from before a rule (docs/record.md)."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from api.cli.options import StoreOption, open_store
from graph.base import ChildNotFound, RevisionNotFound, StoreError, VersionConflict


def _actor() -> str:
    """Who runs the command, as revisions name them (``cli:<login>``)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def history(
    child: Annotated[str, typer.Argument(metavar="CHILD", help="The child's id.")],
    store: StoreOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Newest revisions shown.")] = 50,
) -> None:
    """Print a child's revisions, newest first: number, time (UTC), who, why, and what
    changed in plain words. Read one with the API's `as_recorded`, or bring it back with
    `ecomap restore`."""
    from api.record_history import revision_entries

    db, _ = open_store(store, must_exist=True)
    try:
        entries, count = revision_entries(db, child, limit=limit)
    except ChildNotFound:
        typer.echo(f"error: no child with id {child!r} in the store", err=True)
        raise typer.Exit(1) from None
    finally:
        db.close()
    for entry in entries:
        why = f" — {entry.reason}" if entry.reason else ""
        when = entry.at.strftime("%Y-%m-%d %H:%M:%S UTC")
        typer.echo(f"revision {entry.revision}  {when}  {entry.actor}  ({entry.kind}){why}")
        for line in entry.changes or ["(no change to the record's content)"]:
            typer.echo(f"  - {line}")
    if count > len(entries):
        typer.echo(f"… and {count - len(entries)} older revisions (--limit {count})")


def restore(
    child: Annotated[str, typer.Argument(metavar="CHILD", help="The child's id.")],
    revision: Annotated[
        int, typer.Option("--revision", min=0, help="The revision to bring back.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the new revision).")],
    store: StoreOption = None,
) -> None:
    """Write a new revision whose record of CHILD equals the record as at REVISION (the
    revisions in between stay in the history)."""
    if not reason.strip():
        raise typer.BadParameter("give a reason", param_hint="'--reason'")
    db, _ = open_store(store, must_exist=True)
    try:
        version = db.restore(child, revision, actor=_actor(), reason=reason.strip())
        latest = db.revision()
    except ChildNotFound:
        typer.echo(f"error: {child!r} had no record at revision {revision}", err=True)
        raise typer.Exit(1) from None
    except (RevisionNotFound, VersionConflict) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except StoreError as exc:
        typer.echo(f"error: the store refused: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        db.close()
    typer.echo(
        f"restored {child} as at revision {revision}: revision {latest}, version {version}"
    )


def check(store: StoreOption = None) -> None:
    """List the records (closed ones too) holding values from before a FORMAT.md rule
    existed: a child id and each field's path and rule, no names. They read as stored and
    stay as they are until someone edits that field (docs/record.md, "Rules added
    later"). Exit status 1 if there are any."""
    from ecomap.stored import later_breaches

    db, _ = open_store(store, must_exist=True)
    found = 0
    try:
        for doc in db.iter_documents(include_closed=True):
            breaches = later_breaches(doc)
            found += bool(breaches)
            for breach in breaches:
                typer.echo(f"{doc.child.id}  {breach.path}: {breach.message}")
    finally:
        db.close()
    typer.echo(f"{found} {'record holds' if found == 1 else 'records hold'} values from "
               "before a rule; each is put right when that field is next edited", err=True)
    if found:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``history``, ``restore`` and ``check`` to ``app``."""
    app.command("history")(history)
    app.command("restore")(restore)
    app.command("check")(check)
