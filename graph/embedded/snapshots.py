"""The whole current cohort's columns kept in files beside an embedded store
(docs/scale.md, "The snapshot"): ``<store>-cohort.columns`` and ``<store>-plans.columns``.

A read of every current child (the dashboard's) first tries the file: when its key, the
store's latest revision (number and time) and the packed layout, is the one the read
transaction sees, the tables are its columns, mapped, not copied. Otherwise the store
reads its packed rows as before and :func:`save` writes the file again for the next
reader. The file is a cache of what the rows give: losing it, or a damaged or foreign
one, costs one ordinary read (:func:`load` answers None), never a wrong answer, and
nothing in it is written that the rows do not hold. It holds ids, teams and statuses,
no names or notes; it is created readable by its owner only, like a temporary file.

What goes in and how it reads back is :mod:`ecomap.measures.columns_file`'s; this module
only finds, maps and replaces files.
"""

from __future__ import annotations

import logging
import mmap
import os
import sqlite3
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from ecomap.measures.columns_file import Encoded

T = TypeVar("T")
log = logging.getLogger(__name__)

__all__ = ["KINDS", "discard", "key", "load", "path_for", "save"]

#: The columns files a store keeps.
KINDS = ("cohort", "plans")


def path_for(store: str, kind: str) -> Path:
    """The file beside the store that keeps ``kind``'s columns.

    >>> path_for("/srv/ecomap.db", "cohort").name
    'ecomap.db-cohort.columns'
    """
    return Path(f"{store}-{kind}.columns")


def key(conn: sqlite3.Connection) -> dict[str, Any]:
    """What the current state is, as the read transaction on ``conn`` sees it: the
    latest revision's number and time (a store rebuilt under the same path does not
    repeat both) and the packed layouts the columns come from."""
    from ecomap.measures.packed import PACKED_FORMAT

    row = conn.execute("SELECT number, at_us FROM revisions ORDER BY number DESC LIMIT 1"
                       ).fetchone()
    number, at_us = (0, 0) if row is None else (int(row[0]), int(row[1]))
    return {"revision": number, "at_us": at_us, "packed": PACKED_FORMAT}


def load(store: str, kind: str, wanted: Mapping[str, Any],
         read: Callable[[Any, Mapping[str, Any]], T]) -> T | None:
    """``read(mapped file, wanted)`` of the store's ``kind`` file, or None when there is
    none or it is not of ``wanted`` (``read`` raises
    :class:`~ecomap.measures.columns_file.SnapshotUnreadable`)."""
    from ecomap.measures.columns_file import SnapshotUnreadable

    try:
        with path_for(store, kind).open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size == 0:
                return None
            mapped = mmap.mmap(file.fileno(), size, access=mmap.ACCESS_READ)
    except FileNotFoundError:
        return None
    except OSError as error:
        log.warning("%s columns file not read: %s", kind, type(error).__name__)
        return None
    try:
        return read(mapped, wanted)
    except SnapshotUnreadable:
        return None


def save(store: str, kind: str, encoded: Encoded, current: Callable[[], bool]) -> None:
    """Replace the store's ``kind`` file with ``encoded``, atomically (a reader sees the
    old file or the new one, whole), unless ``current()`` says that the state it holds
    is no longer the latest once written (a write came in between: the next read writes
    it again; and an erased child's columns do not come back). A failure to write is
    logged (its type only) and otherwise ignored: the next read reads the rows again."""
    target = path_for(store, kind)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as error:
        log.warning("%s columns file not written: %s", kind, type(error).__name__)
        return
    try:
        with os.fdopen(fd, "wb") as file:
            for chunk in encoded.chunks():
                file.write(chunk)
        if current():
            os.replace(temporary, target)
    except OSError as error:
        log.warning("%s columns file not written: %s", kind, type(error).__name__)
    finally:
        Path(temporary).unlink(missing_ok=True)


def discard(store: str) -> None:
    """Remove the store's columns files (after an erase: they may hold the child)."""
    for kind in KINDS:
        path_for(store, kind).unlink(missing_ok=True)
