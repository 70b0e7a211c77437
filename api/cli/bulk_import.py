"""``ecomap import`` into the embedded store: parse and check in worker processes, write
in this one (docs/scale.md, "Import").

The file is cut into chunks of lines. A worker process (the machine's second core)
parses each line with orjson, checks it on its raw structure and turns it into the
store's rows and packed cohort columns (:func:`graph.embedded.bulk.prepare_lines`); it
sends back plain rows, which cost far less to send than model objects. This process
writes them, ``batch`` documents per transaction (one revision), each document atomic
(:meth:`graph.embedded.EmbeddedStore.import_prepared`), while the workers prepare the
next chunks. A document the fast checker is not certain of is read through the model,
so every rejection is reported exactly as ``ecomap.format.read_documents`` reports it.
"""

from __future__ import annotations

import gc
import io
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import IO

from ecomap.errors import Breach
from graph.embedded import EmbeddedStore
from graph.embedded.bulk import Chunk, Prepared, Rejected

CHUNK_LINES = 100
"""Lines per chunk sent to a worker (~2.5 MB of synthetic documents)."""
STEAL_LINES = 10
"""Lines the writing process prepares itself at a time while the next chunk is not back
(~15 ms: it looks again soon, so it never keeps the writing waiting for long)."""


@dataclass
class Tally:
    """What an import has done so far: documents stored, and every rejection as
    ``(source, location, breaches)``, in the order they were found."""

    imported: int = 0
    rejected: list[tuple[str, str, list[Breach]]] = field(default_factory=list)


def default_workers() -> int:
    """One worker process when there is a second core, else none (parse in this one)."""
    return 1 if (multiprocessing.cpu_count() or 1) > 1 else 0


def _worker_setup() -> None:
    """In a worker: Ctrl-C is for the writing process, which stops the import; and the
    cycle collector is held (:func:`prepare_chunk_collected`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()


_COLLECT_EVERY = 100
"""A worker runs the cycle collector once per this many chunks."""
_chunks_prepared = 0


def prepare_chunk_collected(lines: list[tuple[int, bytes]]) -> Chunk:
    """:func:`graph.embedded.bulk.prepare_chunk` in a worker whose cycle collector is
    held: a chunk's documents are trees, freed by reference counting once sent, and the
    collector's passes over them cost ~10% of the worker's time; anything cyclic left
    (a rejection's traceback) is collected every ``_COLLECT_EVERY`` chunks."""
    from graph.embedded.bulk import prepare_chunk

    global _chunks_prepared
    _chunks_prepared += 1
    if _chunks_prepared % _COLLECT_EVERY == 0:
        gc.collect()
    return prepare_chunk(lines)


def start_workers(workers: int) -> ProcessPoolExecutor | None:
    """The worker processes (forked where the platform can: nothing to import again),
    started now, before the store is opened; None for ``workers`` 0."""
    if workers < 1:
        return None
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_setup)
    pool.submit(int).result()  # start them before this process opens anything
    for _ in range(workers):
        pool.submit(_warm)  # each loads what it needs while the store is being opened
    return pool


def _warm() -> None:
    """Load the modules :func:`graph.embedded.bulk.prepare_lines` needs."""
    import ecomap.measures.packed_raw  # noqa: F401


def _chunks(lines: Iterable[tuple[int, bytes]]) -> Iterator[list[tuple[int, bytes]]]:
    it = iter(lines)
    while chunk := list(islice(it, CHUNK_LINES)):
        yield chunk


def _prepared(stream: IO[bytes], pool: ProcessPoolExecutor | None, workers: int,
              tick: Callable[[], None]) -> Iterator[list[Prepared | Rejected]]:
    """The stream's documents prepared for the store, chunk by chunk, in file order."""
    from ecomap.format import read_documents
    from ecomap.format_fast import json_lines
    from graph.embedded.bulk import prepare_document, prepare_lines, rejected

    lines = json_lines(stream)
    if isinstance(lines, io.BytesIO):  # one document or a list: the model's reader
        yield [prepare_document(r) if not isinstance(r, Exception) else rejected(r)
               for r in read_documents(lines)]
        tick()
        return
    if pool is None:
        for chunk in _chunks(lines):
            yield prepare_lines(chunk)
            tick()
        return
    yield from _shared(iter(lines), pool, workers, tick)


def _shared(lines: Iterator[tuple[int, bytes]], pool: ProcessPoolExecutor,
            workers: int, tick: Callable[[], None]) -> Iterator[list[Prepared | Rejected]]:
    """The lines prepared in chunks by the workers, and a few at a time by this process
    whenever the next chunk in file order is not back yet (it would only wait): each
    process does what it has time for (docs/scale.md, "Import"). In file order; the
    chunks read ahead stay bounded."""
    from graph.embedded.bulk import decode_chunk, prepare_lines

    queue: deque[Future[Chunk] | list[Prepared | Rejected]] = deque()
    in_pool = 0
    depth = 3 * workers  # each worker has the next chunks waiting
    ahead = depth + 10  # chunks held at most: sent, or (smaller) prepared here
    more = True
    while True:
        while more and in_pool < depth and len(queue) < ahead:
            chunk = list(islice(lines, CHUNK_LINES))
            if not chunk:
                more = False
                break
            queue.append(pool.submit(prepare_chunk_collected, chunk))
            in_pool += 1
        if not queue:
            return
        head = queue[0]
        if isinstance(head, Future) and not head.done() and more and len(queue) < ahead:
            chunk = list(islice(lines, STEAL_LINES))  # the workers are busy: a few here
            if not chunk:
                more = False
            else:
                queue.append(prepare_lines(chunk))
            continue
        queue.popleft()
        if isinstance(head, Future):
            in_pool -= 1
            yield decode_chunk(head.result())
        else:
            yield head
        tick()


def import_stream(stream: IO[bytes], store: EmbeddedStore, tally: Tally, *, actor: str,
                  batch: int, pool: ProcessPoolExecutor | None, workers: int,
                  tick: Callable[[], None]) -> None:
    """Import every document of ``stream`` into ``store``, counting in ``tally`` (which
    stays right if this is interrupted: a batch counts once it is committed)."""
    pending: list[Prepared] = []

    def write() -> None:
        outcome = store.import_prepared(pending, actor=actor)
        pending.clear()
        tally.imported += len(outcome.imported)
        tally.rejected.extend((cid, cid, breaches) for cid, breaches in outcome.rejected)

    for results in _prepared(stream, pool, workers, tick):
        for item in results:
            if isinstance(item, Rejected):
                tally.rejected.append((item.source, item.location, item.breaches))
                continue
            pending.append(item)
            if len(pending) >= batch:
                write()
    if pending:
        write()
