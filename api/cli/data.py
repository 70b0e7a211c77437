"""CLI commands ``export`` and ``synth``: ecomap/1 documents out of a store, and made up.

``export`` writes the stored documents back out (one JSON document with ``--child``,
else JSON Lines); ``synth`` writes a synthetic local authority as JSON Lines.
"""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from api.cli.options import (
    ProgressOption,
    StoreOption,
    open_store,
    output_file,
    progress_bar,
    quiet_broken_pipe,
    show_progress,
)

# ---------------------------------------------------------------------- export


def export_documents(
    child: Annotated[
        str | None,
        typer.Option("--child", help="Export only this child, as one JSON document.",
                     show_default=False),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write to this file instead of stdout.", show_default=False,
                     dir_okay=False),
    ] = None,
    include_closed: Annotated[
        bool, typer.Option("--include-closed",
                           help="Closed records too (a document does not say it is closed).")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Export stored children as ecomap/1 (JSON Lines, or one document with --child).

    Every open child is written in id order, one document per line (closed ones too with
    --include-closed); --child writes that child's document alone, closed or not. With
    --out the file is replaced only once it is complete. A document holds the current
    record only: to move or back up a whole store, history and closed flags included,
    use `ecomap migrate`.
    """
    from ecomap.format import dump_document, write_jsonl
    from graph.base import ChildNotFound

    db, _ = open_store(store, must_exist=True)
    try:
        if child is not None:
            try:
                doc = db.get(child)
            except ChildNotFound:
                raise typer.BadParameter(
                    f"no child with id {child!r} in the store", param_hint="'--child'"
                ) from None

            def write_one() -> None:
                with output_file(out) as fp:
                    fp.write(dump_document(doc) + "\n")

            quiet_broken_pipe(write_one)
            count = 1
        else:
            written: list[int] = []

            def write_all() -> None:
                with output_file(out) as fp:
                    written.append(write_jsonl(
                        db.iter_documents(include_closed=include_closed), fp))

            quiet_broken_pipe(write_all)
            count = written[0]
    finally:
        db.close()
    if out is not None:
        typer.echo(f"exported {count} {'child' if count == 1 else 'children'} to {out}",
                   err=True)


# ---------------------------------------------------------------------- synth
def _as_at(value: str) -> date:
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise typer.BadParameter(f"{value!r} is not a date written YYYY-MM-DD",
                             param_hint="'--as-at'")


def synth(
    children: Annotated[
        int, typer.Option("--children", help="How many children to make (≥ 1).",
                          show_default=False)
    ],
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed gives the same documents.")
    ] = 0,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write to this file instead of stdout.", show_default=False,
                     dir_okay=False),
    ] = None,
    as_at: Annotated[
        str, typer.Option("--as-at", help="Last day of the three years of history, YYYY-MM-DD.")
    ] = "2025-12-31",
    authority: Annotated[
        str, typer.Option("--authority",
                          help="Name of the synthetic local authority (ids start with its code).")
    ] = "Westmere",
    progress: ProgressOption = None,
    meetings: Annotated[
        bool, typer.Option("--meetings/--no-meetings",
                           help="Add family group conferences, reviews and their plans.")
    ] = False,
) -> None:
    """Write a synthetic local authority as ecomap/1 JSON Lines (made-up people only).

    Realistic networks with professionals shared across caseloads, three years of
    history (placement moves, social-worker changes) and quarterly observations from
    the worker and most children. The same seed gives the same documents. Streams,
    so any number of children fits in memory.
    """
    from ecomap.synth import record_line, synthesize_records

    if children < 1:
        raise typer.BadParameter(f"must be ≥ 1 (got {children})", param_hint="'--children'")
    day = _as_at(as_at)
    if not authority.strip():
        raise typer.BadParameter("must not be empty", param_hint="'--authority'")
    show = show_progress(progress, None) if out is not None else bool(progress)

    def write() -> None:
        records = synthesize_records(children, seed, as_at=day, authority=authority,
                                     meetings=meetings)
        with output_file(out) as fp, contextlib.ExitStack() as stack:
            if show:
                bar = stack.enter_context(progress_bar("documents"))
                task = bar.add_task("synthesising", total=children)
                for n, record in enumerate(records, start=1):
                    fp.write(record_line(record))
                    if n % 100 == 0 or n == children:
                        bar.update(task, completed=n)
            else:
                for record in records:
                    fp.write(record_line(record))

    quiet_broken_pipe(write)
    if out is not None:
        typer.echo(f"wrote {children} synthetic children (seed {seed}) to {out}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``export`` and ``synth`` to ``app``."""
    app.command("export")(export_documents)
    app.command("synth")(synth)
