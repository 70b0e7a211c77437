"""One child's plan columns packed as bytes, and many children's unpacked into
:class:`~ecomap.measures.plans_cohort.PlanTables` by concatenation (docs/meetings.md,
"The stores"; the same pattern as the cohort's, docs/scale.md).

A store keeps :func:`pack_plans` of each child's current document beside the child,
written in the same transaction as the child, and reads the plans of many children as
:func:`plan_tables_from_packed`: no documents and no per-row work at read time. Each
commitment carries the details of the people who hold it (unpaid, category), so a store
repacks every child sharing a person whose details a write changes (it already does so
for the cohort's columns).

Per child: the meetings in document order (:data:`MEETING_DTYPE`), the commitments in
document order (:data:`COMMITMENT_DTYPE`), the progress entries sorted by (commitment,
date, list order) with the commitment numbered within the child
(:data:`PROGRESS_DTYPE`). Exactly ``PlanTables.from_documents`` of the same documents
(tests/ecomap/measures/test_packed_plans.py, and on every store
tests/graph/test_plans_packed.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from ecomap.measures.plans_cohort import (
    GROUP_BIT,
    NO_CODE,
    NO_DATE,
    STATE_CODE,
    PlanTables,
    day_key,
)
from ecomap.model import PARTICIPATION_CODES, EcomapDocument

__all__ = [
    "COMMITMENT_DTYPE", "MEETING_DTYPE", "PROGRESS_DTYPE", "PackedPlans", "pack_plans",
    "pack_plans_checked", "plan_tables_from_columns", "plan_tables_from_packed",
]

MEETING_DTYPE = np.dtype([("on", "<i4"), ("ord", "<i4"), ("code", "i1")])
COMMITMENT_DTYPE = np.dtype([("held", "<i4"), ("by", "<i8"), ("has_who", "i1"),
                             ("who_unpaid", "i1"), ("groups", "<i2")])
PROGRESS_DTYPE = np.dtype([("commitment", "<i4"), ("day", "<i4"), ("state", "i1")])


@dataclass(frozen=True)
class PackedPlans:
    """One child's packed plan columns (what a store keeps per child)."""

    meetings: bytes = b""
    commitments: bytes = b""
    progress: bytes = b""


#: A meeting as the rule reads it: its date's ordinal, its participation code (None
#: without one) and its commitments, each (``by`` ordinal or None, who, progress as
#: (ordinal, state) in list order).
MeetingParts = tuple[int, str | None, list[tuple[int | None, list[str], list[tuple[int, str]]]]]


def _pack(meetings: Iterable[MeetingParts], paid: Mapping[str, bool],
          category: Mapping[str, str]) -> PackedPlans:
    """The one rule of what is packed, whichever form the document came in."""
    rows_m: list[tuple[int, int, int]] = []
    rows_k: list[tuple[int, int, int, int, int]] = []
    rows_p: list[tuple[int, int, int, int]] = []
    for order, (held, participation, plan) in enumerate(meetings):
        code = NO_CODE if participation is None else PARTICIPATION_CODES.index(participation)
        rows_m.append((held, order, code))
        for by, who, progress in plan:
            bits = 0 if who else GROUP_BIT["child"]
            for w in who:
                bits |= GROUP_BIT.get(category.get(w, ""), 0)
            index = len(rows_k)
            rows_k.append((held, NO_DATE if by is None else by, int(bool(who)),
                           int(any(not paid.get(w, True) for w in who)), bits))
            rows_p.extend((index, day, position, STATE_CODE[state])
                          for position, (day, state) in enumerate(progress))
    if not rows_m:
        return PackedPlans()
    rows_p.sort()
    return PackedPlans(
        meetings=np.array(rows_m, dtype=MEETING_DTYPE).tobytes(),
        commitments=np.array(rows_k, dtype=COMMITMENT_DTYPE).tobytes(),
        progress=np.array([(k, day, state) for k, day, _, state in rows_p],
                          dtype=PROGRESS_DTYPE).tobytes(),
    )


def pack_plans(doc: EcomapDocument) -> PackedPlans:
    """The child's plan columns, as :meth:`PlanTables.from_documents` reads them.

    >>> from ecomap.format import parse_document
    >>> doc = parse_document({"format": "ecomap/1", "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "g", "name": "G", "category": "family"}],
    ...     "meetings": [{"id": "m", "kind": "other", "on": "2024-01-01",
    ...         "participation": "PN1", "plan": [{"id": "k", "what": "x", "who": ["g"],
    ...         "progress": [{"on": "2024-02-01", "state": "in_progress"},
    ...                      {"on": "2024-02-01", "state": "done"}]}]}]})
    >>> packed = pack_plans(doc)
    >>> np.frombuffer(packed.progress, PROGRESS_DTYPE)["state"].tolist()  # list order kept
    [1, 2]
    >>> bool(np.frombuffer(packed.commitments, COMMITMENT_DTYPE)["who_unpaid"][0])
    True
    >>> pack_plans(parse_document({"format": "ecomap/1", "child": {"id": "c", "name": "C"}}))
    PackedPlans(meetings=b'', commitments=b'', progress=b'')
    """
    if not doc.meetings:
        return PackedPlans()
    return _pack(
        ((m.on.toordinal(), m.participation,
          [(None if k.by is None else k.by.toordinal(), list(k.who),
            [(p.on.toordinal(), p.state) for p in k.progress]) for k in m.plan])
         for m in doc.meetings),
        {p.id: p.paid for p in doc.people}, {p.id: p.category for p in doc.people})


def pack_plans_checked(doc: Mapping[str, Any]) -> PackedPlans:
    """:func:`pack_plans` of a document in its raw JSON form, as the import's fast path
    holds it once ``ecomap.format_fast.checked`` has passed and completed it (every
    person has ``paid``; dates are ``YYYY-MM-DD`` text): no model objects.

    >>> raw = {"format": "ecomap/1", "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "g", "name": "G", "category": "family", "paid": False}],
    ...     "meetings": [{"id": "m", "kind": "other", "on": "2024-01-01", "plan": [
    ...         {"id": "k", "what": "x", "who": ["g"], "by": "2024-03-01",
    ...          "progress": [{"on": "2024-02-01", "state": "done"}]}]}]}
    >>> from ecomap.format import parse_document
    >>> pack_plans_checked(raw) == pack_plans(parse_document(raw))
    True
    """
    meetings = doc.get("meetings") or []
    if not meetings:
        return PackedPlans()
    people = doc.get("people") or []
    return _pack(
        ((_day(m["on"]), m.get("participation"),
          [(None if k.get("by") is None else _day(k["by"]), list(k.get("who") or []),
            [(_day(p["on"]), p["state"]) for p in k.get("progress") or []])
           for k in m.get("plan") or []])
         for m in meetings),
        {p["id"]: bool(p["paid"]) for p in people}, {p["id"]: p["category"] for p in people})


def _day(text: str) -> int:
    return date.fromisoformat(text).toordinal()


def plan_tables_from_packed(rows: Sequence[tuple[str, PackedPlans]]) -> PlanTables:
    """The plan tables of ``(child id, packed)`` rows, in their order: the packed columns
    concatenated, each child's commitments numbered after the previous children's.

    >>> from ecomap.format import parse_document
    >>> docs = [parse_document({"format": "ecomap/1", "child": {"id": c, "name": "C"},
    ...     "meetings": [{"id": f"m{c}", "kind": "other", "on": "2024-01-01", "plan": [
    ...         {"id": f"k{c}", "what": "x",
    ...          "progress": [{"on": "2024-02-01", "state": "done"}]}]}]})
    ...     for c in ("a", "b")]
    >>> t = plan_tables_from_packed([(d.child.id, pack_plans(d)) for d in docs])
    >>> t.child_ids, t.commitment_child.tolist(), (t.progress_key >> 20).tolist()
    (('a', 'b'), [0, 1], [0, 1])
    """
    ids, packs = zip(*rows, strict=True) if rows else ((), ())
    return plan_tables_from_columns(ids, [p.meetings for p in packs],
                                    [p.commitments for p in packs],
                                    [p.progress for p in packs])


def plan_tables_from_columns(child_ids: Sequence[str], meeting_parts: Sequence[bytes],
                             commitment_parts: Sequence[bytes],
                             progress_parts: Sequence[bytes]) -> PlanTables:
    """:func:`plan_tables_from_packed` of children given column by column (a store's
    query result transposed with ``zip``: no Python work per child).

    >>> plan_tables_from_columns(["a"], [b""], [b""], [b""]).child_ids
    ('a',)
    """
    def counts(parts: Sequence[bytes], dtype: np.dtype[np.void]) -> np.ndarray[
            tuple[int], np.dtype[np.int64]]:
        sizes = np.fromiter(map(len, parts), np.int64, len(parts))
        result: np.ndarray[tuple[int], np.dtype[np.int64]] = sizes // dtype.itemsize
        return result

    children = np.arange(len(child_ids), dtype=np.int64)
    n_meetings = counts(meeting_parts, MEETING_DTYPE)
    n_commitments = counts(commitment_parts, COMMITMENT_DTYPE)
    n_progress = counts(progress_parts, PROGRESS_DTYPE)
    meetings = np.frombuffer(b"".join(meeting_parts), dtype=MEETING_DTYPE)
    commitments = np.frombuffer(b"".join(commitment_parts), dtype=COMMITMENT_DTYPE)
    progress = np.frombuffer(b"".join(progress_parts), dtype=PROGRESS_DTYPE)
    first = np.cumsum(n_commitments) - n_commitments  # each child's first commitment row
    commitment = progress["commitment"].astype(np.int64) + np.repeat(first, n_progress)
    return PlanTables(
        child_ids=tuple(child_ids),
        meeting_child=np.repeat(children, n_meetings),
        meeting_on=meetings["on"].astype(np.int64),
        meeting_ord=meetings["ord"].astype(np.int64),
        meeting_code=meetings["code"].astype(np.int64),
        commitment_child=np.repeat(children, n_commitments),
        commitment_held=commitments["held"].astype(np.int64),
        commitment_by=commitments["by"].astype(np.int64),
        has_who=commitments["has_who"] > 0,
        who_unpaid=commitments["who_unpaid"] > 0,
        holder_groups=commitments["groups"].astype(np.int64),
        progress_key=day_key(commitment, progress["day"].astype(np.int64)),
        progress_state=progress["state"].astype(np.int64),
    )
