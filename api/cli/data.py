"""CLI commands ``import``, ``export`` and ``synth``: ecomap/1 documents into and out of a store.

``import`` reads JSON or JSON Lines (a file or ``-`` for stdin), stores each valid
document atomically in batches and reports every rejected one by its source, JSON
path and message (never a name or a note); it exits 1 if any was rejected.
``export`` writes the stored documents back out (one JSON document with ``--child``,
else JSON Lines); ``synth`` writes a synthetic local authority as JSON Lines.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer
from rich.console import Console
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

from ecomap.errors import Breach, DocumentInvalid
from ecomap.model import EcomapDocument
from graph.base import GraphStore, ImportResult, StoreError

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from api.cli.bulk_import import Tally
    from graph.embedded import EmbeddedStore

DEFAULT_BATCH = 200
"""Documents per call of the store's ``replace_many``.

Two batches are in memory at once (one parsed, one written). On synthetic
documents (~25 ties, ~133 observations) 200 imports as fast as 500 and peaks at
~225 MB instead of ~375 MB.
"""

GC_EVERY = 50_000
"""During an import, run the cycle collector once per this many documents (see ``_import_gc``)."""

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


# ---------------------------------------------------------------------- helpers


def _open_store(store: Path | None, *, must_exist: bool = False) -> tuple[GraphStore, str]:
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


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _nothing() -> None:
    """No progress to show."""


def _progress(unit: str) -> Progress:
    """A progress bar on stderr: bytes when the size is known, else a running count."""
    columns = (
        [TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
         DownloadColumn(), TimeElapsedColumn(), TimeRemainingColumn()]
        if unit == "bytes"
        else [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
              TimeElapsedColumn(), TimeRemainingColumn()]
    )
    return Progress(*columns, console=_stderr(), transient=False)


def _show_progress(flag: bool | None, size: int | None) -> bool:
    if flag is not None:
        return flag
    return sys.stderr.isatty() and (size is None or size >= PROGRESS_BYTES)


@contextlib.contextmanager
def _output(out: Path | None) -> Iterator[IO[str]]:
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


def _quiet_broken_pipe(write: Callable[[], None]) -> None:
    """Run ``write``; a reader that stops early (``| head``) ends the command quietly."""
    try:
        write()
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None


# ---------------------------------------------------------------------- import


@contextlib.contextmanager
def _import_gc() -> Iterator[None]:
    """Hold the automatic cycle collector while importing; restore it afterwards.

    Parsed documents are trees (no reference cycles), freed by reference counting
    as soon as their batch is written. The collector cannot free them, but with two
    batches in flight (1,000 synthetic documents are ~800k objects) each of its full
    passes scans them all: it made the import more than twice as slow. Anything
    cyclic left over is collected every ``GC_EVERY`` documents and at the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


class _Importer:
    """Feeds parsed documents to the store in batches and keeps the tally.

    One batch is written on a second thread while the next is parsed: SQLite does
    its work with the GIL released, so parsing and writing overlap.
    """

    def __init__(self, store: GraphStore, batch_size: int, actor: str) -> None:
        self.store = store
        self.actor = actor
        self.batch_size = batch_size
        self.batch: list[EcomapDocument] = []
        self.imported = 0
        self.rejected: list[tuple[str, str, list[Breach]]] = []  # (source, location, breaches)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ecomap-import")
        self._pending: Future[ImportResult] | None = None
        self._since_gc = 0

    def add(self, result: EcomapDocument | DocumentInvalid) -> None:
        if isinstance(result, DocumentInvalid):
            self.rejected.append((result.source, result.location, result.breaches))
            return
        self.batch.append(result)
        self._since_gc += 1
        if len(self.batch) >= self.batch_size:
            self.flush()
        if self._since_gc >= GC_EVERY:
            self._since_gc = 0
            gc.collect()

    def flush(self) -> None:
        """Hand the current batch to the writer (after the previous one is done)."""
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        self._collect()
        self._pending = self._writer.submit(
            functools.partial(self.store.replace_many, actor=self.actor), batch
        )

    def finish(self) -> None:
        """Write what is left and wait for the writer."""
        self.flush()
        self._collect()

    def close(self) -> None:
        """Wait for a batch being written (each document stays atomic) and stop the writer."""
        self._writer.shutdown(wait=True, cancel_futures=True)

    def settle(self) -> None:
        """After an interruption: count the batch that was being written, if it finished."""
        pending, self._pending = self._pending, None
        if pending is not None and pending.done() and not pending.cancelled():
            self._pending = pending
            with contextlib.suppress(Exception):
                self._collect()

    def _collect(self) -> None:
        if self._pending is None:
            return
        outcome, self._pending = self._pending.result(), None
        self.imported += len(outcome.imported)
        for child_id, breaches in outcome.rejected:
            self.rejected.append((child_id, child_id, breaches))


def import_documents(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="A JSON document, a JSON list of documents, or JSON Lines; `-` reads stdin.",
            show_default=False,
        ),
    ],
    store: StoreOption = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", help="Documents stored per transaction batch.")
    ] = DEFAULT_BATCH,
    progress: ProgressOption = None,
    workers: Annotated[
        int | None, typer.Option(
            "--workers", help="Processes that parse and check while this one writes "
            "(embedded store; 0: parse here too; default: 1 on a machine with 2+ cores).",
            show_default=False)
    ] = None,
) -> None:
    """Import ecomap/1 documents into the store, each child's network atomically.

    Re-importing a child replaces their network. Every rejected document is listed
    with its source (child id or line), the JSON path and what is wrong; names and
    notes are never printed. Exits 1 if any document was rejected.
    """
    from ecomap.format import read_documents

    if batch_size < 1:
        raise typer.BadParameter(f"must be ≥ 1 (got {batch_size})", param_hint="'--batch-size'")
    size: int | None = None
    if file == "-":
        stream: IO[bytes] = sys.stdin.buffer
        name = "stdin"
    else:
        path = Path(file)
        if not path.is_file():
            raise typer.BadParameter(f"no such file: {file}", param_hint="'FILE'")
        stream = path.open("rb")
        size = path.stat().st_size
        name = path.name
    if workers is not None and workers < 0:
        raise typer.BadParameter(f"must be ≥ 0 (got {workers})", param_hint="'--workers'")
    from api.cli.bulk_import import default_workers, start_workers
    from graph.embedded import EmbeddedStore

    processes = default_workers() if workers is None else workers
    pool = start_workers(processes)
    try:
        db, target = _open_store(store)
    except BaseException:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        raise
    if isinstance(db, EmbeddedStore):
        _import_embedded(db, stream, size, name, target, batch_size, progress, pool, processes)
        return
    if pool is not None:
        pool.shutdown()
    importer = _Importer(db, batch_size, actor=f"import:{name}")
    try:
        with stream, contextlib.ExitStack() as stack:
            tick: Callable[[], None] = _nothing
            if _show_progress(progress, size):
                bar = stack.enter_context(_progress("bytes" if size else "documents"))
                task = bar.add_task(f"importing {name}", total=size)
                if size:
                    def tick() -> None:
                        bar.update(task, completed=stream.tell())
                else:
                    def tick() -> None:
                        bar.advance(task)
            try:
                with _import_gc():
                    for result in read_documents(stream):
                        importer.add(result)
                        tick()
                    importer.finish()
            finally:
                importer.close()
    except StoreError as exc:
        _stderr().print(f"error: the store refused the import: {exc}")
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        # Every document is atomic: what was stored stays, the batch in flight is undone.
        importer.settle()
        typer.echo("interrupted", err=True)
        _report(importer, name, target)
        raise typer.Exit(130) from None
    finally:
        db.close()
    _report(importer, name, target)
    if importer.rejected:
        raise typer.Exit(1)


def _import_embedded(db: EmbeddedStore, stream: IO[bytes], size: int | None, name: str,
                     target: str, batch_size: int, progress: bool | None,
                     pool: ProcessPoolExecutor | None, workers: int) -> None:
    """The embedded store's import: worker processes parse and check, this one writes
    (:mod:`api.cli.bulk_import`)."""
    from api.cli.bulk_import import Tally, import_stream

    tally = Tally()
    try:
        with stream, contextlib.ExitStack() as stack:
            tick: Callable[[], None] = _nothing
            if _show_progress(progress, size):
                bar = stack.enter_context(_progress("bytes" if size else "documents"))
                task = bar.add_task(f"importing {name}", total=size)

                def tick() -> None:
                    bar.update(task, completed=stream.tell() if size else tally.imported)
            with _import_gc():
                import_stream(stream, db, tally, actor=f"import:{name}", batch=batch_size,
                              pool=pool, workers=workers, tick=tick)
    except StoreError as exc:
        _stderr().print(f"error: the store refused the import: {exc}")
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        # Every document is atomic: what was committed stays, the batch in flight is undone.
        typer.echo("interrupted", err=True)
        _report(tally, name, target)
        raise typer.Exit(130) from None
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        db.close()
    _report(tally, name, target)
    if tally.rejected:
        raise typer.Exit(1)


def _report(importer: _Importer | Tally, name: str, target: str) -> None:
    """Summary on stdout: counts, then each rejection (source, location, path, message)."""
    echo = typer.echo
    echo(f"imported {importer.imported}, rejected {len(importer.rejected)} "
         f"(from {name} into {target})")
    for source, location, breaches in importer.rejected:
        where = f"{source} ({location})" if location and location != source else source
        for breach in breaches:
            echo(f"  rejected {where}: {breach.path}: {breach.message}")


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
    store: StoreOption = None,
) -> None:
    """Export stored children as ecomap/1 (JSON Lines, or one document with --child).

    Every child is written in id order, one document per line; --child writes that
    child's document alone. With --out the file is replaced only once it is complete.
    """
    from ecomap.format import dump_document, write_jsonl
    from graph.base import ChildNotFound

    db, _ = _open_store(store, must_exist=True)
    try:
        if child is not None:
            try:
                doc = db.get(child)
            except ChildNotFound:
                raise typer.BadParameter(
                    f"no child with id {child!r} in the store", param_hint="'--child'"
                ) from None

            def write_one() -> None:
                with _output(out) as fp:
                    fp.write(dump_document(doc) + "\n")

            _quiet_broken_pipe(write_one)
            count = 1
        else:
            written: list[int] = []

            def write_all() -> None:
                with _output(out) as fp:
                    written.append(write_jsonl(db.iter_documents(), fp))

            _quiet_broken_pipe(write_all)
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
    show = _show_progress(progress, None) if out is not None else bool(progress)

    def write() -> None:
        records = synthesize_records(children, seed, as_at=day, authority=authority,
                                     meetings=meetings)
        with _output(out) as fp, contextlib.ExitStack() as stack:
            if show:
                bar = stack.enter_context(_progress("documents"))
                task = bar.add_task("synthesising", total=children)
                for n, record in enumerate(records, start=1):
                    fp.write(record_line(record))
                    if n % 100 == 0 or n == children:
                        bar.update(task, completed=n)
            else:
                for record in records:
                    fp.write(record_line(record))

    _quiet_broken_pipe(write)
    if out is not None:
        typer.echo(f"wrote {children} synthetic children (seed {seed}) to {out}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``import``, ``export`` and ``synth`` to ``app``."""
    app.command("import")(import_documents)
    app.command("export")(export_documents)
    app.command("synth")(synth)
