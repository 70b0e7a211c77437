"""What the data commands share: the ``--store`` and ``--progress`` options, opening the
store they name, progress bars on stderr, and output files written whole or not at all."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from graph.base import GraphStore, StoreError

if TYPE_CHECKING:  # rich draws progress bars only: loaded when one is shown
    from rich.console import Console
    from rich.progress import Progress

PROGRESS_BYTES = 1 << 20
"""Files at least this large get a progress bar (when stderr is a terminal)."""

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Embedded store file (default: the ECOMAP_DB setting, else ./ecomap.db).",
        show_default=False,
        dir_okay=False,
    ),
]
ProgressOption = Annotated[
    bool | None,
    typer.Option(
        "--progress/--no-progress",
        help="Show a progress bar on stderr (default: for large files, on a terminal).",
        show_default=False,
    ),
]

def open_store(store: Path | None, *, must_exist: bool = False) -> tuple[GraphStore, str]:
    """The embedded store file ``--store`` names, else the store the settings name
    (``ECOMAP_STORE``: the ``ECOMAP_DB`` file, or Neo4j); with a printable label."""
    from api.settings import Settings

    settings = Settings()
    path = store if store is not None or settings.store == "neo4j" else settings.db
    if must_exist and path is not None and not path.is_file():
        raise typer.BadParameter(f"no store at {path}", param_hint="'--store'")
    try:
        return settings.open_store(store), str(path) if path is not None else "neo4j"
    except (StoreError, OSError, ValueError) as exc:
        raise typer.BadParameter(f"cannot open the store: {exc}", param_hint="'--store'") from None


def stderr_console() -> Console:
    """A console on stderr (messages and progress; stdout carries the data)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def no_progress() -> None:
    """No progress to show."""


def progress_bar(unit: str) -> Progress:
    """A progress bar on stderr: bytes when the size is known, else a running count."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        [TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
         DownloadColumn(), TimeElapsedColumn(), TimeRemainingColumn()]
        if unit == "bytes"
        else [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
              TimeElapsedColumn(), TimeRemainingColumn()]
    )
    return Progress(*columns, console=stderr_console(), transient=False)


def show_progress(flag: bool | None, size: int | None) -> bool:
    """``--progress/--no-progress`` if given, else a bar for a large file on a terminal."""
    if flag is not None:
        return flag
    return sys.stderr.isatty() and (size is None or size >= PROGRESS_BYTES)


@contextlib.contextmanager
def output_file(out: Path | None) -> Iterator[IO[str]]:
    """stdout, or a file written beside ``out`` and renamed into place only when complete."""
    if out is None or str(out) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    directory = out.resolve().parent
    if not directory.is_dir():
        raise typer.BadParameter(f"folder {directory} does not exist", param_hint="'--out'")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fp:
            yield fp
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def quiet_broken_pipe(write: Callable[[], None]) -> None:
    """Run ``write``; a reader that stops early (``| head``) ends the command quietly."""
    try:
        write()
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None
