"""The whole current cohort's columns kept in files beside an embedded store
(docs/scale.md, "The snapshot"): ``<store>-cohort.columns`` and ``<store>-plans.columns``.

A read of every current child (the dashboard's) first tries the file: when its key (the
store's latest revision, number and time; the packed layout; the schema version) is the
one the read transaction sees, the tables are its columns, mapped, not copied. A file of
an earlier revision of this store is patched for the children written since
(:func:`patched`, docs/scale.md "After a write: the stale file patched"); otherwise the
store reads its packed rows as before. Either way :func:`save` writes the file again for
the next reader. The file is a cache of what the rows give: losing it, or a damaged or foreign
one, costs one ordinary read (:func:`load` answers None), never a wrong answer, and
nothing in it is written that the rows do not hold. It holds ids, teams and statuses,
no names or notes; it is created readable by its owner only, like a temporary file.

What goes in and how it reads back is :mod:`ecomap.measures.columns_file`'s, how a stale
one is patched :mod:`ecomap.measures.columns_patch`'s; this module finds, maps and
replaces files, and finds the children written since a file's revision.
"""

from __future__ import annotations

import logging
import mmap
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from graph.embedded.schema import schema_version

if TYPE_CHECKING:
    from ecomap.measures.columns_file import Encoded

T = TypeVar("T")
log = logging.getLogger(__name__)

__all__ = ["KINDS", "changed_since", "discard", "key", "load", "patched", "path_for", "save"]

#: At most this many listings since a stale file's revision are looked at; past it the
#: store reads every child (``columns_patch.worth_patching`` then decides by the share).
_PATCH_LIMIT = 50_000

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
    repeat both), the packed layouts the columns come from and the schema version (a
    migration may have the children packed again when the store is opened, in no
    revision)."""
    from ecomap.measures.packed import PACKED_FORMAT

    row = conn.execute("SELECT number, at_us FROM revisions ORDER BY number DESC LIMIT 1"
                       ).fetchone()
    number, at_us = (0, 0) if row is None else (int(row[0]), int(row[1]))
    return {"revision": number, "at_us": at_us, "packed": PACKED_FORMAT,
            "schema": schema_version(conn)}


def changed_since(conn: sqlite3.Connection, found: Mapping[str, Any],
                  wanted: Mapping[str, Any], limit: int) -> list[str] | None:
    """The children (sorted) whose current rows may differ between the state ``found``
    (a stale file's key) and ``wanted`` (the read's, :func:`key`), or None when that
    cannot be said for sure or they are more than ``limit``.

    Sound because every write lists, in its revision, every child whose child row or
    packed columns it changes (``revision_children``; a person edit lists every child
    sharing the person, an erase the erased child): so the children listed after the
    file's revision are the only ones that can differ from it. ``found`` must be a
    revision of this store (its time too: not another store's file at this path),
    before ``wanted``'s, with the same layouts and schema; or revision 0 at time 0, the
    empty state every store starts from.
    """
    same = ("packed", "schema")
    revision, at_us = found.get("revision"), found.get("at_us")
    if (any(found.get(name) != wanted[name] for name in same)
            or not isinstance(revision, int) or not isinstance(at_us, int)
            or not 0 <= revision < wanted["revision"]):
        return None
    row = conn.execute("SELECT at_us FROM revisions WHERE number = ?", (revision,)).fetchone()
    if (int(row[0]) if row is not None else 0 if revision == 0 else None) != at_us:
        return None
    listed = conn.execute(  # through the (revision, child_id) index; one row per listing
        "SELECT child_id FROM revision_children WHERE revision > ? LIMIT ?",
        (revision, limit + 1)).fetchall()
    if len(listed) > limit:
        return None
    return sorted({row[0] for row in listed})


def patched(conn: sqlite3.Connection, store: str, kind: str, wanted: Mapping[str, Any],
            fresh: Callable[[list[str]], Any],
            patch: Callable[[Any, Any, list[str], Mapping[str, Any]], Encoded]
            ) -> Encoded | None:
    """The store's stale ``kind`` file brought up to the state ``wanted`` by
    ``patch(its key, meta and columns, fresh(changed), changed, wanted)``, where
    ``changed`` are the children listed since its revision and ``fresh`` reads their
    tables in the read transaction on ``conn`` (None: it cannot); or None when there is
    no such file, or anything is unsure (the caller then reads every child). The
    columns it returns may be views of the stale file, mapped."""
    from ecomap.measures.columns_file import SnapshotUnreadable, decode

    stale = load(store, kind, wanted, lambda mapped, _: decode(mapped, kind))
    if stale is None:
        return None
    changed = changed_since(conn, stale[0], wanted, _PATCH_LIMIT)
    if changed is None:
        return None
    tables = fresh(changed)
    if tables is None:
        return None
    try:
        return patch(stale, tables, changed, wanted)
    except SnapshotUnreadable:
        return None


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


def save(store: str, kind: str, encoded: Encoded, current: Callable[[], bool]) -> bool:
    """Replace the store's ``kind`` file with ``encoded`` (a reader sees the old file or
    the new one, whole, or for a moment none: :func:`_put`), unless ``current()`` says
    that the state it holds is no longer the latest once written (a write came in
    between: the next read writes it again; and an erased child's columns do not come
    back). A failure to write is logged (its type only) and otherwise ignored: the next
    read reads the rows again. Returns whether the file was replaced."""
    target = path_for(store, kind)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as error:
        log.warning("%s columns file not written: %s", kind, type(error).__name__)
        return False
    try:
        with os.fdopen(fd, "wb") as file:
            for chunk in encoded.chunks():
                file.write(chunk)
        if current():
            _put(temporary, target)
            return True
    except OSError as error:
        log.warning("%s columns file not written: %s", kind, type(error).__name__)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return False


def _put(new: str, target: Path) -> None:
    """Rename ``new`` to ``target``: the old file is renamed aside first and removed after,
    so no rename replaces a file. On ext4 a rename over a file makes the kernel allocate
    and start writing the new file's blocks at once (``auto_da_alloc``, for programs
    that do not sync before replacing a file): 0.15-0.5 s for 250 MB on the benchmark
    machine, which a cache need not pay. For that moment there is no file: a reader then
    reads as without one (docs/scale.md, "After a write")."""
    aside = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.old")
    try:
        os.rename(target, aside)
    except FileNotFoundError:
        os.rename(new, target)
        return
    try:
        os.rename(new, target)
    finally:
        aside.unlink(missing_ok=True)


def discard(store: str) -> None:
    """Remove the store's columns files (after an erase: they may hold the child)."""
    for kind in KINDS:
        path_for(store, kind).unlink(missing_ok=True)
