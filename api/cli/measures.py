"""CLI commands: ``measures`` (one child or a file of documents) and ``dashboard`` (a cohort)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from ecomap.errors import DocumentInvalid
from ecomap.measures.effective import VIEWS
from ecomap.model import STATUSES, EcomapDocument

_WINDOW_HELP = (
    "Continuity window in days: measures run over (at - N days, at] "
    "(default: the ECOMAP_WINDOW_DAYS setting, 365)."
)


def _parse_at(value: str) -> date:
    try:
        return date.fromisoformat(value) if len(value) == 10 else date.fromisoformat("x")
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date written YYYY-MM-DD", param_hint="'--at'"
        ) from None


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _error(code: str, message: str, details: list[dict[str, str]]) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def _settings() -> Any:
    from api.settings import Settings

    return Settings()


def _documents(file: str) -> Iterator[EcomapDocument | DocumentInvalid]:
    from ecomap.format import read_documents

    if file == "-":
        yield from read_documents(sys.stdin.buffer)
    else:
        yield from read_documents(file)


def measures(
    file: Annotated[
        str | None,
        typer.Argument(help="A JSON document or JSON Lines file of documents (`-` = stdin)."),
    ] = None,
    at: Annotated[str, typer.Option("--at", help="The date measured, YYYY-MM-DD.")] = "",
    perspective: Annotated[
        str,
        typer.Option(
            "--perspective",
            help="Whose view of each tie: combined (the child's where given), child, worker.",
        ),
    ] = "combined",
    window_days: Annotated[
        int | None, typer.Option("--window-days", min=0, help=_WINDOW_HELP)
    ] = None,
    child: Annotated[
        str | None, typer.Option("--child", help="Measure this stored child instead of a FILE.")
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Embedded store file (default: ECOMAP_DB setting)."),
    ] = None,
) -> None:
    """Print each child's measures (MEASURES.md) as one JSON object per line, in input order.

    A document that breaks the format prints an error object in its place and
    the command exits 1 at the end.
    """
    if not at:
        raise typer.BadParameter("is required (YYYY-MM-DD)", param_hint="'--at'")
    when = _parse_at(at)
    if perspective not in VIEWS:
        raise typer.BadParameter(
            f"{perspective!r} is not one of {', '.join(VIEWS)}", param_hint="'--perspective'"
        )
    view: Any = perspective
    from ecomap.measures import child_measures  # networkx: not for the dashboard command

    config = _settings()
    ms = config.measure_settings()
    window = config.window_days if window_days is None else window_days
    if (file is None) == (child is None):
        raise typer.BadParameter("give either FILE or --child ID (not both)", param_hint="FILE")
    if child is not None:
        from graph.base import ChildNotFound

        graph_store = config.open_store(store)
        try:
            doc = graph_store.get(child)
        except ChildNotFound:
            typer.echo(f"error: no child with id {child!r} in the store", err=True)
            raise typer.Exit(1) from None
        finally:
            graph_store.close()
        _emit(child_measures(doc, when, view, window, settings=ms))
        return
    assert file is not None
    if file != "-" and not Path(file).is_file():
        raise typer.BadParameter(f"no such file: {file}", param_hint="FILE")
    failed = 0
    for item in _documents(file):
        if isinstance(item, DocumentInvalid):
            failed += 1
            _emit(
                _error(
                    "document_invalid",
                    f"document {item.source} is invalid",
                    [{"field": b.path, "message": b.message} for b in item.breaches],
                )
            )
        else:
            _emit(child_measures(item, when, view, window, settings=ms))
    if failed:
        typer.echo(f"error: {failed} document(s) invalid; their lines hold the breaches", err=True)
        raise typer.Exit(1)


def dashboard(
    at: Annotated[str, typer.Option("--at", help="The date measured, YYYY-MM-DD.")] = "",
    team: Annotated[
        str | None, typer.Option("--team", help="Only this team's children (on each date).")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help=f"Only this status (on each date): {', '.join(STATUSES)}."),
    ] = None,
    months: Annotated[
        int, typer.Option("--months", min=1, max=60, help="Month ends in the trend (oldest first).")
    ] = 12,
    window_days: Annotated[
        int | None, typer.Option("--window-days", min=1, help=_WINDOW_HELP)
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Embedded store file (default: ECOMAP_DB setting)."),
    ] = None,
) -> None:
    """Print the dashboard of the stored children in scope, as an authority-wide leader
    sees it: one JSON object, the same as ``GET /api/dashboard`` (figures with their
    ``n``, small numbers withheld, trend, binned distributions).
    """
    if not at:
        raise typer.BadParameter("is required (YYYY-MM-DD)", param_hint="'--at'")
    when = _parse_at(at)
    if when > date.today():
        raise typer.BadParameter(
            f"{at} is after today: the dashboard does not forecast", param_hint="'--at'"
        )
    if status is not None and status not in STATUSES:
        raise typer.BadParameter(
            f"{status!r} is not one of {', '.join(STATUSES)}", param_hint="'--status'"
        )
    from api.dashboard import Viewer
    from api.dashboard import dashboard as build

    config = _settings()
    if window_days is not None:
        config = config.model_copy(update={"window_days": window_days})
    graph_store = config.open_store(store)
    try:
        answer = build(graph_store, None, config, Viewer("leader"), at=when, team=team,
                       status=status, months=months)
    finally:
        graph_store.close()
    sys.stdout.write(answer.model_dump_json() + "\n")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("measures")(measures)
    app.command("dashboard")(dashboard)
