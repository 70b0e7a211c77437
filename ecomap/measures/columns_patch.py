"""A whole cohort's snapshot brought up to date by replacing only the children a write
changed (docs/scale.md, "After a write: the stale file patched").

A store's columns file (:mod:`ecomap.measures.columns_file`) holds the current cohort as
of one revision. After a write it is stale, but most of it still holds: only the
children listed in the revisions since then can differ. :func:`patch_cohort` and
:func:`patch_plans` make the snapshot of the new state from the stale one's columns and
the changed children's own tables (read from their packed rows): every column is the
stale file's runs of unchanged children, cut out as they are (views of the mapped file,
not copied), with the changed children's rows put in, in child-id order. What
depends on the children before a row (a tie's child and pair, a segment's first
observation, a commitment's row in a progress key) is offset; teams, statuses and
episode values are numbered again as a whole read numbers them. So the result is, column
for column, what a snapshot of a whole read gives (tests/ecomap/measures/test_columns_patch.py);
anything it cannot be sure of raises
:class:`~ecomap.measures.columns_file.SnapshotUnreadable` and the store reads every
child instead.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ecomap.measures.columns_file import (
    COHORT_ARRAYS,
    PLAN_ARRAYS,
    Column,
    Encoded,
    SnapshotUnreadable,
    cohort_columns,
    encode,
    from_json_column,
    json_column,
)
from ecomap.measures.plans_cohort import PlanTables
from ecomap.measures.tables import CohortTables

__all__ = ["MIN_CHANGED", "patch_cohort", "patch_plans", "runs", "worth_patching"]

#: Up to this many changed children a patch is always tried; beyond it, only while they
#: are at most a sixteenth of the stale file's (docs/scale.md, "After a write": each run
#: of unchanged children costs a slice per column, each changed child its packed row;
#: past that share reading every row costs about as much).
MIN_CHANGED = 200
_SHARE = 16
_JOIN_PARTS = 64  # a column of more parts than this is joined before it is written

Columns = Mapping[str, NDArray[Any]]
Snapshot = tuple[Mapping[str, Any], Mapping[str, Any], Columns]  # key, meta, columns


def worth_patching(changed: int, children: int) -> bool:
    """Whether patching a snapshot of ``children`` children for ``changed`` changed ones
    costs less than reading every child again.

    >>> worth_patching(10, 100_000), worth_patching(6250, 100_000), worth_patching(6251, 100_000)
    (True, True, False)
    >>> worth_patching(150, 1000)
    True
    """
    return changed <= max(MIN_CHANGED, children // _SHARE)


def runs(old_ids: Sequence[str], changed: Sequence[str],
         new_ids: Sequence[str]) -> list[tuple[int, int, int]]:
    """The patched snapshot's children as runs ``(source, first, end)`` of rows of the old
    snapshot (source 0) and of the changed children's tables (source 1), in id order:
    the old children not in ``changed`` and every one of ``new_ids`` (which are among
    ``changed``: a changed child that is no longer current is simply left out). Both id
    lists are sorted (a store reads in id order).

    >>> runs(["a", "b", "c", "d"], ["b", "bb", "d"], ["bb", "d"])
    [(0, 0, 1), (1, 0, 1), (0, 2, 3), (1, 1, 2)]
    >>> runs(["a"], ["z"], ["z"])
    [(0, 0, 1), (1, 0, 1)]
    """
    out: list[tuple[int, int, int]] = []

    def add(source: int, first: int, end: int) -> None:
        if end <= first:
            return
        if out and out[-1][0] == source == 1 and out[-1][2] == first:
            out[-1] = (1, out[-1][1], end)  # consecutive changed children: one run
        else:
            out.append((source, first, end))

    at = new = 0
    for cid in sorted(set(changed)):
        position = bisect_left(old_ids, cid, lo=at)
        add(0, at, position)
        at = position + int(position < len(old_ids) and old_ids[position] == cid)
        if new < len(new_ids) and new_ids[new] == cid:
            add(1, new, new + 1)
            new += 1
    add(0, at, len(old_ids))
    if new != len(new_ids):
        raise ValueError("the new children must be among the changed ones")
    return out


def _ids_in_order(sources: Sequence[Sequence[str]], plan: list[tuple[int, int, int]]
                  ) -> list[str]:
    """The patched children's ids; raises if they are not strictly increasing where two
    runs meet (each run is in order already: the store's order is Python's)."""
    ids: list[str] = []
    for source, first, end in plan:
        if ids and not ids[-1] < sources[source][first]:
            raise SnapshotUnreadable("the children are not in id order")
        ids.extend(sources[source][first:end])
    return ids


def _delimiters(text: NDArray[np.uint8]) -> NDArray[np.int64]:
    r"""Where the JSON strings of ``text`` (JSON list items) open and close: its quotes
    that no backslash escapes (a quote after an odd run of backslashes is escaped).

    >>> text = np.frombuffer(rb'"a","b\\","c\"d"', np.uint8)
    >>> _delimiters(text).tolist()
    [0, 2, 4, 8, 10, 15]
    """
    quotes: NDArray[np.int64] = np.flatnonzero(text == 0x22)
    suspect = np.flatnonzero(text[np.maximum(quotes - 1, 0)] == 0x5C)  # rare: ids with \ or "
    if len(suspect) == 0:
        return quotes
    keep = np.ones(len(quotes), dtype=bool)
    raw = text.data
    for i in suspect.tolist():
        q = run = int(quotes[i])
        while run > 0 and raw[run - 1] == 0x5C:
            run -= 1
        keep[i] = (q - run) % 2 == 0
    result: NDArray[np.int64] = quotes[keep]
    return result


class _Cohort:
    """One cohort snapshot's columns, with where each child's rows start per level."""

    def __init__(self, columns: Columns, ids: list[str]) -> None:
        self.columns, self.ids = columns, ids
        text = columns.get("members_json")
        if text is None:
            codes = columns.get("members_codes")
            if codes is None or len(codes):
                raise SnapshotUnreadable("members are not kept as their ids")
            text = np.zeros(0, np.uint8)
        self.text: NDArray[np.uint8] = text
        n, whole = len(ids), len(text) + 1 if len(text) else 0  # the text and a last comma
        lengths = columns.get("members_len")
        if lengths is None:  # found by the text's quotes (a file read whole from the rows)
            quotes = _delimiters(text)
            ties = columns["tie_child"]
            if len(quotes) != 2 * len(ties):
                raise SnapshotUnreadable("the members do not match the ties")
            first = np.searchsorted(ties, np.arange(n + 1))  # each child's first tie
            cut = np.full(n + 1, whole, np.int64)
            has = first < len(ties)
            cut[has] = quotes[2 * first[has]]
            lengths = np.diff(cut)
        elif (len(lengths) != n or (n and int(lengths.min()) < 0)
              or int(lengths.sum()) != whole):
            raise SnapshotUnreadable("the members' lengths do not match their text")
        #: per child, its members' text and the comma after it (0 without ties)
        self.lengths: NDArray[np.int64] = lengths.astype(np.int64, copy=False)
        self.cut: list[int] = np.concatenate(([0], np.cumsum(self.lengths))).tolist()

    def bounds(self, level: str, children: NDArray[np.int64]) -> NDArray[np.int64]:
        """The first row of each of ``children`` (or the end, for ``len``) at ``level``."""
        c = self.columns
        if level == "child":
            return children
        if level == "obs":
            return c["seg_start"][2 * self.bounds("tie", children)]
        owner = {"tie": "tie_child", "pair": "pair_child", "ep": "ep_child"}[level]
        found: NDArray[np.int64] = np.searchsorted(c[owner], children)
        return found


_CHILD_OF = {"tie_child": "tie", "pair_child": "pair", "ep_child": "ep"}  # minus first child
_LEVEL = {  # the level of every other array column
    **{name: "child" for name in ("first_day", "has_status_episodes", "has_team_episodes")},
    **{name: "tie" for name in ("tie_start", "tie_end", "tie_start_known", "member_adult",
                                "member_paid", "member_social_worker", "member_category",
                                "tie_pair")},
    **{name: "obs" for name in ("obs_day", "obs_code")},
    **{name: "ep" for name in ("ep_kind", "ep_start", "ep_end")},
}
_CODED = {"team": "child", "status": "child", "ep_value": "ep"}


def _recoded(names: list[Any], new_names: Sequence[Any], codes: NDArray[Any]
             ) -> NDArray[Any]:
    """``codes`` into ``new_names`` as codes into ``names`` (extended as needed)."""
    index = {name: i for i, name in enumerate(names)}
    table = np.array([index.setdefault(name, len(index)) for name in new_names] or [0],
                     dtype=codes.dtype)
    names[:] = list(index)
    result: NDArray[Any] = table[codes] if len(codes) else codes
    return result


def _first_seen(names: list[Any], codes: NDArray[Any]) -> tuple[list[Any], NDArray[Any]]:
    """``codes`` into ``names`` numbered again as a whole read numbers the values (the
    names in use, in order of first appearance), so that the file is the one a whole
    read writes, not only the same values.

    >>> names, codes = _first_seen(["a", "b", "c"], np.array([2, 0, 2], np.int32))
    >>> names, codes.tolist()
    (['c', 'a'], [0, 1, 0])
    """
    if not len(codes):
        return [], codes
    first = np.full(len(names), len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes)))
    used = np.flatnonzero(first < len(codes))
    order = used[np.argsort(first[used])]
    table = np.zeros(len(names), dtype=codes.dtype)
    table[order] = np.arange(len(order))
    return [names[i] for i in order.tolist()], table[codes]


def patch_cohort(old: Snapshot, new: CohortTables, changed: Sequence[str],
                 key: Mapping[str, Any]) -> Encoded:
    """The cohort snapshot ``old`` (as :func:`~ecomap.measures.columns_file.decode`
    gives it) with every child in ``changed`` (sorted) taken out and the children of
    ``new`` (their current tables, those of ``changed`` still in the cohort) put in, as
    a snapshot under ``key``.

    >>> from ecomap.measures.columns_file import cohort_snapshot, decode, cohort_from_snapshot
    >>> from ecomap.measures.packed import PackedRow, pack, tables_from_packed
    >>> from ecomap.model import EcomapDocument
    >>> def packed(*children):  # (child, person): as a store reads them
    ...     return tables_from_packed(PackedRow.of(c, "T" + c, None, pack(
    ...         EcomapDocument.model_validate({"format": "ecomap/1",
    ...             "child": {"id": c, "name": "C"},
    ...             "people": [{"id": p, "name": "P", "category": "family"}],
    ...             "ties": [{"id": c + "t", "between": [p, c]}]}))) for c, p in children)
    >>> stale = cohort_snapshot(packed(("a", "p"), ("c", "q")), {})
    >>> old = decode(b"".join(stale.chunks()), "cohort")
    >>> patched = patch_cohort(old, packed(("b", "q")), ["b", "c"], {})
    >>> tables = cohort_from_snapshot(b"".join(patched.chunks()))
    >>> tables.child_ids, tables.team.tolist(), tables.tie_member.tolist()
    (['a', 'b'], ['Ta', 'Tb'], [0, 1])
    """
    _key, meta, columns = old
    old_ids = list(from_json_column(columns["child_ids"]))
    if not worth_patching(len(changed), len(old_ids)):
        raise SnapshotUnreadable("too many children changed")
    if set(_LEVEL) | set(_CHILD_OF) | {"seg_start"} != set(COHORT_ARRAYS):
        raise SnapshotUnreadable("the tables have columns this patch does not know")
    new_columns, new_meta = cohort_columns(new)
    for name in COHORT_ARRAYS:
        if name not in columns or columns[name].dtype != new_columns[name].dtype:
            raise SnapshotUnreadable(f"column {name}: another type")
    sources = (_Cohort(columns, old_ids), _Cohort(new_columns, new.child_ids))
    plan = runs(old_ids, changed, new.child_ids)
    ids = _ids_in_order([s.ids for s in sources], plan)
    levels = ("child", "tie", "pair", "obs", "ep")
    starts = {level: [s.bounds(level, np.array([r[1] for r in plan if r[0] == i], np.int64)
                               ).tolist() for i, s in enumerate(sources)] for level in levels}
    ends = {level: [s.bounds(level, np.array([r[2] for r in plan if r[0] == i], np.int64)
                             ).tolist() for i, s in enumerate(sources)] for level in levels}
    parts: dict[str, list[NDArray[Any]]] = {
        name: [] for name in (*COHORT_ARRAYS, *_CODED, "members_len")}
    names = {name: list(meta[name]) for name in _CODED}
    recoded = {name: [columns[name], _recoded(names[name], new_meta[name], new_columns[name])]
               for name in _CODED}
    text: list[NDArray[np.uint8]] = []
    comma = np.frombuffer(b",", np.uint8)
    done = dict.fromkeys(levels, 0)  # rows so far per level
    seen = [0, 0]
    for source, _first, _end in plan:
        s, k = sources[source], seen[source]
        seen[source] += 1
        lo = {level: starts[level][source][k] for level in levels}
        hi = {level: ends[level][source][k] for level in levels}
        for name, level in _LEVEL.items():
            part = s.columns[name][lo[level]:hi[level]]
            if name == "tie_pair":
                part = part - lo["pair"] + done["pair"]
            parts[name].append(part)
        for name, level in _CHILD_OF.items():
            parts[name].append(s.columns[name][lo[level]:hi[level]] - lo["child"]
                               + done["child"])
        for name, level in _CODED.items():
            parts[name].append(recoded[name][source][lo[level]:hi[level]])
        seg = s.columns["seg_start"][2 * lo["tie"]:2 * hi["tie"]]
        parts["seg_start"].append(seg - lo["obs"] + done["obs"])
        parts["members_len"].append(s.lengths[lo["child"]:hi["child"]])
        start, end = s.cut[lo["child"]], s.cut[hi["child"]] - 1  # less the last comma
        if end > start:
            if text:
                text.append(comma)
            text.append(s.text[start:end])
        for level in done:
            done[level] += hi[level] - lo[level]
    parts["seg_start"].append(np.array([done["obs"]], dtype=columns["seg_start"].dtype))
    out: dict[str, Column] = {name: _whole(parts[name], columns[name]) for name in COHORT_ARRAYS}
    for name in _CODED:  # numbered as a whole read numbers them
        joined = np.concatenate(parts[name]) if parts[name] else columns[name][:0]
        names[name], out[name] = _first_seen(names[name], joined)
    out["child_ids"] = json_column(ids)
    out["members_json"] = _whole(text, np.zeros(0, np.uint8))
    out["members_len"] = _whole(parts["members_len"], np.zeros(0, np.int64))
    return encode("cohort", key, out, names)


def _whole(parts: list[NDArray[Any]], like: NDArray[Any]) -> Column:
    """A column of ``parts`` (of ``like``'s type; empty when there are none): written
    part by part, or joined first when they are many (a write call per part costs more
    than the copy)."""
    typed = tuple(part.astype(like.dtype, copy=False) for part in parts if len(part))
    if len(typed) > _JOIN_PARTS:
        return np.concatenate(typed)
    return typed if typed else np.zeros(0, like.dtype)


def patch_plans(old: Snapshot, new: PlanTables, changed: Sequence[str],
                key: Mapping[str, Any]) -> Encoded:
    """:func:`patch_cohort` for a plans snapshot (its rows per child: meetings,
    commitments, and the progress of those commitments, whose keys carry the
    commitment's row).

    >>> from ecomap.measures.columns_file import decode, plans_from_snapshot, plans_snapshot
    >>> from ecomap.model import EcomapDocument
    >>> def doc(cid, n):
    ...     return EcomapDocument.model_validate({"format": "ecomap/1",
    ...         "child": {"id": cid, "name": "C"},
    ...         "meetings": [{"id": f"{cid}m{i}", "kind": "other", "on": "2024-01-01",
    ...             "plan": [{"id": f"{cid}k{i}", "what": "x",
    ...                       "progress": [{"on": "2024-02-01", "state": "done"}]}]}
    ...             for i in range(n)]})
    >>> stale = plans_snapshot(PlanTables.from_documents([doc("a", 1), doc("c", 2)]), {})
    >>> old = decode(b"".join(stale.chunks()), "plans")
    >>> patched = patch_plans(old, PlanTables.from_documents([doc("c", 1)]), ["c"], {})
    >>> tables = plans_from_snapshot(b"".join(patched.chunks()))
    >>> tables.child_ids, tables.commitment_child.tolist(), (tables.progress_key >> 20).tolist()
    (('a', 'c'), [0, 1], [0, 1])
    """
    _key, _meta, columns = old
    old_ids = list(from_json_column(columns["child_ids"]))
    if not worth_patching(len(changed), len(old_ids)):
        raise SnapshotUnreadable("too many children changed")
    levels = {"meeting_child": "meeting", "meeting_on": "meeting", "meeting_ord": "meeting",
              "meeting_code": "meeting", "commitment_child": "commitment",
              "commitment_held": "commitment", "commitment_by": "commitment",
              "has_who": "commitment", "who_unpaid": "commitment",
              "holder_groups": "commitment", "progress_key": "progress",
              "progress_state": "progress"}
    if set(levels) != set(PLAN_ARRAYS):
        raise SnapshotUnreadable("the tables have columns this patch does not know")
    new_columns = {name: np.asarray(getattr(new, name)) for name in PLAN_ARRAYS}
    for name in PLAN_ARRAYS:
        if name not in columns or columns[name].dtype != new_columns[name].dtype:
            raise SnapshotUnreadable(f"column {name}: another type")
    sources = (columns, new_columns)
    plan = runs(old_ids, changed, new.child_ids)
    ids = _ids_in_order([old_ids, list(new.child_ids)], plan)

    def bounds(c: Columns, level: str, children: int) -> int:
        if level == "progress":
            first = bounds(c, "commitment", children)
            return int(np.searchsorted(c["progress_key"], first << 20))
        return int(np.searchsorted(c[f"{level}_child"], children))

    parts: dict[str, list[NDArray[Any]]] = {name: [] for name in PLAN_ARRAYS}
    done = {"child": 0, "meeting": 0, "commitment": 0, "progress": 0}
    for source, first, end in plan:
        c = sources[source]
        lo = {"child": first, **{lv: bounds(c, lv, first) for lv in done if lv != "child"}}
        hi = {"child": end, **{lv: bounds(c, lv, end) for lv in done if lv != "child"}}
        for name, level in levels.items():
            part = c[name][lo[level]:hi[level]]
            if name.endswith("_child"):
                part = part - first + done["child"]
            elif name == "progress_key":
                part = part + ((done["commitment"] - lo["commitment"]) << 20)
            parts[name].append(part)
        for level in done:
            done[level] += hi[level] - lo[level]
    out: dict[str, Column] = {name: _whole(parts[name], columns[name]) for name in PLAN_ARRAYS}
    out["child_ids"] = json_column(ids)
    return encode("plans", key, out, {})
