"""CLI command ``import``: ecomap/1 documents into a store, each child's network atomically.

It reads JSON or JSON Lines (a file or ``-`` for stdin), stores each valid document
atomically in batches and reports every rejected one by its source, JSON path and
message (never a name or a note); it exits 1 if any was rejected. Into the embedded
store a worker process parses and checks while this one writes (docs/scale.md, "Import").
"""

from __future__ import annotations

import contextlib
import functools
import gc
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from api.cli.options import (
    ProgressOption,
    StoreOption,
    no_progress,
    open_store,
    progress_bar,
    show_progress,
    stderr_console,
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
        db, target = open_store(store)
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
            seen = 0
            tick = _progress(stack, stream, progress, size, name, lambda: seen)
            try:
                with _import_gc():
                    for result in read_documents(stream):
                        importer.add(result)
                        seen += 1
                        tick()
                    importer.finish()
            finally:
                importer.close()
    except StoreError as exc:
        stderr_console().print(f"error: the store refused the import: {exc}")
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


def _progress(stack: contextlib.ExitStack, stream: IO[bytes], progress: bool | None,
              size: int | None, name: str, done: Callable[[], int]) -> Callable[[], None]:
    """An import's progress tick: a bar (closed with ``stack``) of the bytes read when
    the size is known, else of ``done()`` documents; nothing when no bar is shown."""
    if not show_progress(progress, size):
        return no_progress
    bar = stack.enter_context(progress_bar("bytes" if size else "documents"))
    task = bar.add_task(f"importing {name}", total=size)

    def tick() -> None:
        bar.update(task, completed=stream.tell() if size else done())
    return tick


def _import_embedded(db: EmbeddedStore, stream: IO[bytes], size: int | None, name: str,
                     target: str, batch_size: int, progress: bool | None,
                     pool: ProcessPoolExecutor | None, workers: int) -> None:
    """The embedded store's import: worker processes parse and check, this one writes
    (:mod:`api.cli.bulk_import`)."""
    from api.cli.bulk_import import Tally, import_stream

    tally = Tally()
    try:
        with stream, contextlib.ExitStack() as stack:
            tick = _progress(stack, stream, progress, size, name, lambda: tally.imported)
            with _import_gc():
                import_stream(stream, db, tally, actor=f"import:{name}", batch=batch_size,
                              pool=pool, workers=workers, tick=tick)
    except StoreError as exc:
        stderr_console().print(f"error: the store refused the import: {exc}")
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


def register(app: typer.Typer) -> None:
    """Add ``import`` to ``app``."""
    app.command("import")(import_documents)
