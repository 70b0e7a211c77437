"""A whole cohort's columns as one file's bytes, and back (docs/scale.md, "The snapshot").

A store reads the current cohort by concatenating every child's packed columns
(:mod:`ecomap.measures.packed`): at 100,000 children that is 100,000 rows through the
database and about a second. A *snapshot* keeps the result: every column of
:class:`~ecomap.measures.tables.CohortTables` (or of
:class:`~ecomap.measures.plans_cohort.PlanTables`) laid end to end in one buffer, with a
header naming each column, its type and where it starts. Reading it back makes no
copy: each column is a view of the buffer (a store maps the file), so a cold read costs
what the header costs.

The layout, all little-endian::

    MAGIC (8 bytes) | header length (8 bytes) | header (JSON, UTF-8) | columns

each column starting at a multiple of :data:`ALIGN` from the buffer's start. The header
holds :data:`SNAPSHOT_FORMAT`, the kind (``cohort`` or ``plans``), the caller's ``key``
(a store puts the revision it was read at there, so a snapshot of an older state is
never taken for the current one) and per column ``[name, dtype, length, offset]``.
Texts (ids, teams, statuses, member ids) are columns too: UTF-8 JSON, or small codes
into a list of names kept in the header.

:func:`decode` checks everything it reads (magic, format, kind, bounds, types, every
column present) and raises :class:`SnapshotUnreadable` on anything else: a damaged or
foreign file is never read as columns; the store reads its rows instead.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ecomap.measures.plans_cohort import PlanTables
from ecomap.measures.tables import CohortTables, Members, first_seen_codes, merged_codes

__all__ = [
    "ALIGN",
    "COHORT_ARRAYS",
    "MAGIC",
    "PLAN_ARRAYS",
    "SNAPSHOT_FORMAT",
    "Column",
    "Encoded",
    "SnapshotUnreadable",
    "cohort_columns",
    "cohort_from_columns",
    "cohort_from_snapshot",
    "cohort_snapshot",
    "decode",
    "encode",
    "from_json_column",
    "json_column",
    "plans_from_columns",
    "plans_from_snapshot",
    "plans_snapshot",
]

#: What the bytes mean; a change to the layout or to the tables' fields raises it, and a
#: snapshot of another format is not read.
SNAPSHOT_FORMAT = 1
MAGIC = b"ECOSNAP\n"
#: Every column starts at a multiple of this (a cache line; numpy's views need only the
#: item size).
ALIGN = 64
_PREFIX = struct.Struct("<8sQ")
_NUMERIC = frozenset("biu")  # bool, signed and unsigned integers: all the tables hold


class SnapshotUnreadable(ValueError):
    """The bytes are not a snapshot this code can read (damaged, foreign, older)."""


#: A column to write: one array, or its parts in order (all of one type: a column
#: spliced from runs of other snapshots' columns is written without joining them).
Column = NDArray[Any] | tuple[NDArray[Any], ...]


def _parts(column: Column) -> tuple[NDArray[Any], ...]:
    return column if isinstance(column, tuple) else (column,)


@dataclass(frozen=True)
class Encoded:
    """A snapshot ready to write: the bytes before the first column, then each column at
    its offset (write ``head``, then each column's parts after zero padding up to its
    offset; :attr:`size` is the whole length)."""

    head: bytes
    columns: tuple[tuple[int, Column], ...]
    size: int

    def chunks(self) -> Iterable[bytes | memoryview]:
        """The snapshot's bytes in order, padding included (nothing copied but the
        padding)."""
        yield self.head
        at = len(self.head)
        for offset, column in self.columns:
            yield bytes(offset - at)
            at = offset
            for part in _parts(column):
                if len(part):
                    data = np.ascontiguousarray(part).data.cast("B")
                    yield data
                    at += len(data)


def encode(kind: str, key: Mapping[str, Any], columns: Mapping[str, Column],
            meta: Mapping[str, Any]) -> Encoded:
    """Lay ``columns`` out after a header holding ``kind``, ``key`` and ``meta``."""
    entries: list[tuple[str, str, int, int]] = []
    offset = 0
    sizes: list[int] = []
    for name, column in columns.items():
        parts = _parts(column)
        dtype = parts[0].dtype if parts else None
        if dtype is None or dtype.kind not in _NUMERIC or any(
                part.ndim != 1 or part.dtype != dtype for part in parts):
            raise TypeError(f"{name}: a snapshot holds 1-d integer or bool columns")
        length = sum(len(part) for part in parts)
        entries.append((name, dtype.str, length, offset))
        sizes.append(length * dtype.itemsize)
        offset += -(-sizes[-1] // ALIGN) * ALIGN
    header = {"format": SNAPSHOT_FORMAT, "kind": kind, "key": dict(key), "meta": dict(meta),
              "columns": entries}
    text = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    start = -(-(_PREFIX.size + len(text)) // ALIGN) * ALIGN
    head = _PREFIX.pack(MAGIC, len(text)) + text
    placed = tuple((start + entry[3], columns[entry[0]]) for entry in entries)
    size = placed[-1][0] + sizes[-1] if placed else len(head)
    return Encoded(head=head, columns=placed, size=size)


def decode(buffer: Any, kind: str) -> tuple[dict[str, Any], dict[str, Any],
                                             dict[str, NDArray[Any]]]:
    """The key, meta and columns (views of ``buffer``) of a ``kind`` snapshot.

    >>> encoded = encode("cohort", {"revision": 3}, {"a": np.arange(3)}, {})
    >>> key, meta, columns = decode(b"".join(encoded.chunks()), "cohort")
    >>> key, columns["a"].tolist()
    ({'revision': 3}, [0, 1, 2])
    >>> decode(b"not a snapshot at all", "cohort")
    Traceback (most recent call last):
    ...
    ecomap.measures.columns_file.SnapshotUnreadable: not a snapshot
    """
    view = memoryview(buffer).cast("B")
    if len(view) < _PREFIX.size:
        raise SnapshotUnreadable("not a snapshot")
    magic, length = _PREFIX.unpack_from(view)
    if magic != MAGIC or _PREFIX.size + length > len(view):
        raise SnapshotUnreadable("not a snapshot")
    try:
        header = json.loads(bytes(view[_PREFIX.size:_PREFIX.size + length]))
    except ValueError:
        raise SnapshotUnreadable("its header is not JSON") from None
    if not isinstance(header, dict) or header.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotUnreadable("another snapshot format")
    if header.get("kind") != kind:
        raise SnapshotUnreadable(f"not a {kind} snapshot")
    start = -(-(_PREFIX.size + length) // ALIGN) * ALIGN
    columns: dict[str, NDArray[Any]] = {}
    try:
        for name, dtype_text, count, offset in header["columns"]:
            dtype = np.dtype(dtype_text)
            if dtype.kind not in _NUMERIC or count < 0 or offset < 0:
                raise SnapshotUnreadable(f"column {name}: not a column")
            at = start + offset
            if at % dtype.itemsize or at + count * dtype.itemsize > len(view):
                raise SnapshotUnreadable(f"column {name}: outside the snapshot")
            columns[name] = np.frombuffer(view, dtype=dtype, count=count, offset=at)
        return dict(header["key"]), dict(header["meta"]), columns
    except SnapshotUnreadable:
        raise
    except (KeyError, TypeError, ValueError):
        raise SnapshotUnreadable("its header is damaged") from None


# ------------------------------------------------------------------ texts as columns


def json_column(value: Any) -> NDArray[np.uint8]:
    """``value`` as a column: its compact JSON text's UTF-8 bytes."""
    return np.frombuffer(json.dumps(value, separators=(",", ":")).encode(), dtype=np.uint8)


def from_json_column(column: NDArray[Any]) -> Any:
    """The value a :func:`json_column` holds."""
    return json.loads(column.tobytes())


def _uncoded(names: list[str | None], codes: NDArray[Any]) -> NDArray[np.object_]:
    table = np.array([*names, None], dtype=object)  # a trailing None keeps it 1-d
    if len(codes) and (int(codes.min()) < 0 or int(codes.max()) >= len(names)):
        raise SnapshotUnreadable("a text code outside its names")
    result: NDArray[np.object_] = table[codes]
    return result


# ------------------------------------------------------------------ the cohort tables

_COHORT_TEXTS = ("child_ids", "team", "status", "members", "ep_value")
#: The cohort tables' array fields, each a column of the snapshot as it is.
COHORT_ARRAYS = tuple(f.name for f in fields(CohortTables) if f.name not in _COHORT_TEXTS)


def cohort_snapshot(tables: CohortTables, key: Mapping[str, Any]) -> Encoded:
    """``tables`` as a snapshot under ``key``. The members stay as the store gave them:
    their ids as JSON text when not yet decoded (:meth:`Members.from_json`), else codes.

    >>> from ecomap.model import EcomapDocument
    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C", "team": "North"},
    ...     "people": [{"id": "p", "name": "P", "category": "family"}],
    ...     "ties": [{"id": "t", "between": ["p", "c"], "started": "2024-01-01"}]})
    >>> tables = CohortTables.from_documents([doc])
    >>> back = cohort_from_snapshot(b"".join(cohort_snapshot(tables, {"r": 1}).chunks()))
    >>> back.child_ids, back.team.tolist(), back.tie_start.tolist() == tables.tie_start.tolist()
    (['c'], ['North'], True)
    """
    return encode("cohort", key, *cohort_columns(tables))


def cohort_columns(tables: CohortTables) -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
    """The columns and meta a :func:`cohort_snapshot` of ``tables`` holds."""
    columns: dict[str, NDArray[Any]] = {name: np.asarray(getattr(tables, name))
                                        for name in COHORT_ARRAYS}
    meta: dict[str, Any] = {}
    for name in ("team", "status", "ep_value"):
        meta[name], columns[name] = first_seen_codes(getattr(tables, name).tolist())
    columns["child_ids"] = json_column(tables.child_ids)
    members_json = tables.members.json
    if members_json is not None:
        columns["members_json"] = np.frombuffer(members_json.encode(), dtype=np.uint8)
    else:
        columns["members_codes"] = tables.members.codes
    return columns, meta


def cohort_from_snapshot(buffer: Any, key: Mapping[str, Any] | None = None) -> CohortTables:
    """The tables a :func:`cohort_snapshot` holds, their columns views of ``buffer``;
    :class:`SnapshotUnreadable` if ``key`` is given and differs from the snapshot's."""
    found, meta, columns = decode(buffer, "cohort")
    if key is not None and found != dict(key):
        raise SnapshotUnreadable("a snapshot of another state")
    return cohort_from_columns(columns, meta)


def cohort_from_columns(columns: Mapping[str, NDArray[Any]],
                        meta: Mapping[str, Any]) -> CohortTables:
    """The tables of a cohort snapshot's ``columns`` and ``meta`` (kept as they are)."""
    try:
        if "members_json" in columns:
            members = Members.from_json_bytes(columns["members_json"])
        else:
            members = Members.of(columns["members_codes"])
        child_ids = from_json_column(columns["child_ids"])
        texts: dict[str, Any] = {name: _uncoded(meta[name], columns[name])
                                 for name in ("team", "status", "ep_value")}
        arrays: dict[str, Any] = {name: columns[name] for name in COHORT_ARRAYS}
    except SnapshotUnreadable:
        raise
    except (KeyError, TypeError, ValueError):
        raise SnapshotUnreadable("a column is missing or damaged") from None
    tables = CohortTables(child_ids=child_ids, members=members, **texts, **arrays)
    _check_lengths(tables)
    tables.keep_value_codes(merged_codes(*((meta[name], columns[name])
                                           for name in ("team", "status", "ep_value"))))
    return tables


def _check_lengths(tables: CohortTables) -> None:
    """The columns' lengths agree (a damaged header could still name wrong lengths)."""
    n, ties = tables.n_children, len(tables.tie_child)
    groups = [
        (n, ("team", "status", "first_day", "has_status_episodes", "has_team_episodes")),
        (ties, ("tie_start", "tie_end", "tie_start_known", "tie_pair", "member_adult",
                "member_paid", "member_social_worker", "member_category")),
        (2 * ties + 1, ("seg_start",)),
        (len(tables.obs_day), ("obs_code",)),
        (len(tables.ep_child), ("ep_kind", "ep_start", "ep_end", "ep_value")),
    ]
    for length, names in groups:
        for name in names:
            if len(getattr(tables, name)) != length:
                raise SnapshotUnreadable(f"column {name}: the wrong length")


# ------------------------------------------------------------------ the plan tables

#: The plan tables' array fields, each a column of the snapshot as it is.
PLAN_ARRAYS = tuple(f.name for f in fields(PlanTables) if f.name != "child_ids")


def plans_snapshot(tables: PlanTables, key: Mapping[str, Any]) -> Encoded:
    """``tables`` as a snapshot under ``key``.

    >>> from ecomap.model import EcomapDocument
    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "meetings": [{"id": "m", "kind": "other", "on": "2024-01-01",
    ...                   "plan": [{"id": "k", "what": "x"}]}]})
    >>> back = plans_from_snapshot(
    ...     b"".join(plans_snapshot(PlanTables.from_documents([doc]), {}).chunks()))
    >>> back.child_ids, back.has_who.tolist()
    (('c',), [False])
    """
    columns: dict[str, NDArray[Any]] = {name: np.asarray(getattr(tables, name))
                                        for name in PLAN_ARRAYS}
    columns["child_ids"] = json_column(list(tables.child_ids))
    return encode("plans", key, columns, {})


def plans_from_snapshot(buffer: Any, key: Mapping[str, Any] | None = None) -> PlanTables:
    """The tables a :func:`plans_snapshot` holds (views of ``buffer``)."""
    found, _meta, columns = decode(buffer, "plans")
    if key is not None and found != dict(key):
        raise SnapshotUnreadable("a snapshot of another state")
    return plans_from_columns(columns)


def plans_from_columns(columns: Mapping[str, NDArray[Any]]) -> PlanTables:
    """The tables of a plans snapshot's ``columns`` (kept as they are)."""
    try:
        child_ids = tuple(from_json_column(columns["child_ids"]))
        arrays = {name: columns[name] for name in PLAN_ARRAYS}
    except (KeyError, ValueError):
        raise SnapshotUnreadable("a column is missing or damaged") from None
    return PlanTables(child_ids=child_ids, **arrays)
