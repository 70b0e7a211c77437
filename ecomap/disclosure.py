"""Small-numbers rules for leaders: which cohort figures are withheld (docs/measures.md,
"Small numbers: why some figures are withheld", and its residual risks).

A leader may ask for the children of the authority, of a team, of a status, or of a
team and a status, on any date. On one date those children form one table: a **cell**
per (team, status) the children had then, with the margins (a team; a status; all)
that a leader can request. Suppression is decided once on that whole table, per figure,
from the number of children behind the figure in each cell, and every query - whoever
asks, whatever pair of scopes they compare - reads its figures from that one decision:

1. **primary**: a figure over fewer than ``minimum`` children (and more than none) is
   withheld, and so is any unrequestable part of the table (children with no team, or
   no status, on the date) that small;
2. **secondary**: while a withheld figure (or such a part) could be worked out by adding
   and subtracting the figures still shown - tested exactly, as linear algebra over the
   cells - or the children left over in a sum of shown parts are fewer than
   ``minimum``, the smallest figure still shown beside it is withheld too (a team and
   status cell before a team's or a status's total, so the totals leaders read most
   stay shown where they can).

So no sum or difference of shown figures recovers a withheld one, nor a group of fewer
than ``minimum`` children. Everything here is pure: per-date numbers in, decisions out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: A cell of the table: (team, status) on the date; "" for none (never a real value).
Cell = tuple[str, str]
#: A scope a leader can request, or a part of the table: (team, status), None = any.
Key = tuple[str | None, str | None]

NONE = ""
_TOLERANCE = 1e-7


class CellCounter:
    """Children's cells (their team and status on the date; :data:`NONE` for none),
    numbered once, so the children behind each figure per cell are one ``bincount``.

    >>> cells = CellCounter(np.array(["South", "South", None], dtype=object),
    ...                     np.array(["early_help", "early_help", "looked_after"], dtype=object))
    >>> cells.counts(np.array([True, False, True]))
    {('South', 'early_help'): 1, ('', 'looked_after'): 1}
    """

    def __init__(self, teams: NDArray[np.object_], statuses: NDArray[np.object_]) -> None:
        team_names, team_code = _factorize(teams)
        status_names, status_code = _factorize(statuses)
        self._number(team_code, team_names, status_code, status_names)

    @classmethod
    def of_codes(cls, teams: NDArray[np.integer[Any]], statuses: NDArray[np.integer[Any]],
                 names: NDArray[np.object_]) -> CellCounter:
        """The cells of children whose teams and statuses are already numbered: codes
        into ``names``, whose last entry is None (code -1: none).

        >>> names = np.array(["South", "early_help", "looked_after", None], dtype=object)
        >>> CellCounter.of_codes(np.array([0, 0, -1]), np.array([1, 1, 2]), names).counts(
        ...     np.array([True, False, True]))
        {('South', 'early_help'): 1, ('', 'looked_after'): 1}
        """
        cells = cls.__new__(cls)
        labels = [NONE if v is None else str(v) for v in names.tolist()]
        none = len(labels) - 1
        team = np.where(teams < 0, none, teams)
        status = np.where(statuses < 0, none, statuses)
        cells._number(team, labels, status, labels)
        return cells

    def _number(self, team_code: NDArray[np.integer[Any]], team_names: Sequence[str],
                status_code: NDArray[np.integer[Any]], status_names: Sequence[str]) -> None:
        code = team_code.astype(np.int64) * len(status_names) + status_code
        # the cells present, in code order, and each child's among them: by counting
        # where the codes are few (teams times statuses), not by sorting every child's
        size = len(team_names) * len(status_names)
        if size > 4 * len(code) + 4096:
            present, self._code = np.unique(code, return_inverse=True)
        else:
            seen = np.bincount(code, minlength=size) > 0
            present = np.flatnonzero(seen)
            self._code = (np.cumsum(seen) - 1)[code]
        self.cells: list[Cell] = [(team_names[c // len(status_names)],
                                   status_names[c % len(status_names)]) for c in present.tolist()]

    def counts(self, flags: NDArray[np.bool_]) -> dict[Cell, int]:
        """Per cell present, how many of its children ``flags`` selects (one flag per
        child, in the order given)."""
        per_cell = np.bincount(self._code.reshape(-1),
                               weights=np.asarray(flags, dtype=np.float64),
                               minlength=len(self.cells))
        return {cell: int(n) for cell, n in zip(self.cells, per_cell.tolist(), strict=True)}


def _factorize(values: NDArray[np.object_]) -> tuple[list[str], NDArray[np.int64]]:
    """The distinct values (None as :data:`NONE`), in order of first appearance, and each
    value's index among them."""
    items = values.tolist()
    index: dict[str | None, int] = dict.fromkeys(items, 0)
    names = [NONE if v is None else str(v) for v in index]
    for i, key in enumerate(index):
        index[key] = i
    codes = np.fromiter(map(index.__getitem__, items), dtype=np.int64, count=len(items))
    return names, codes

__all__ = [
    "NONE",
    "Cell",
    "Key",
    "Table",
    "queryable",
    "suppressed_keys",
]


def queryable(key: Key) -> bool:
    """Whether a leader can request this part of the table (no "none" coordinate).

    >>> queryable(("South", None)), queryable((NONE, "looked_after"))
    (True, False)
    """
    return NONE not in key


@dataclass(frozen=True)
class Table:
    """The parts of one date's table: every (team or any, status or any) over the cells,
    with each part's cells as an indicator vector.

    >>> t = Table.of([("South", "early_help"), ("North", "early_help")])
    >>> t.keys[:3], t.vector(("South", None)).tolist()
    (((None, None), (None, 'early_help'), ('North', None)), [0.0, 1.0])
    """

    cells: tuple[Cell, ...]
    teams: tuple[str, ...]
    statuses: tuple[str, ...]
    keys: tuple[Key, ...]

    @classmethod
    def of(cls, cells: Iterable[Cell]) -> Table:
        """The table over these cells (sorted; duplicates ignored)."""
        ordered = tuple(sorted(set(cells)))
        teams = tuple(sorted({t for t, _ in ordered}))
        statuses = tuple(sorted({s for _, s in ordered}))
        keys: list[Key] = [
            (team, status)
            for team in (None, *teams)
            for status in (None, *statuses)
        ]
        return cls(ordered, teams, statuses, tuple(keys))

    def members(self, key: Key) -> list[int]:
        """The cells (by index) a part covers."""
        team, status = key
        return [
            i for i, (t, s) in enumerate(self.cells)
            if (team is None or t == team) and (status is None or s == status)
        ]

    def vector(self, key: Key) -> np.ndarray:
        """The part as an indicator vector over the cells."""
        out = np.zeros(len(self.cells))
        out[self.members(key)] = 1.0
        return out

    def equations(self) -> list[tuple[Key, list[Key]]]:
        """Every "part = sum of its parts" the table holds: each team (and all) as the sum
        over statuses, and each status (and all) as the sum over teams."""
        out: list[tuple[Key, list[Key]]] = []
        for team in (None, *self.teams):
            out.append(((team, None), [(team, s) for s in self.statuses]))
        for status in (None, *self.statuses):
            out.append(((None, status), [(t, status) for t in self.teams]))
        return out


def _basis(rows: Sequence[np.ndarray], width: int) -> np.ndarray:
    """An orthonormal basis of the span of ``rows`` (as rows)."""
    if not rows:
        return np.zeros((0, width))
    _, s, vt = np.linalg.svd(np.array(rows), full_matrices=False)
    return vt[: int((s > _TOLERANCE).sum())]


def _derivable(basis: np.ndarray, vector: np.ndarray) -> bool:
    residual = vector - basis.T @ (basis @ vector)
    return bool(np.linalg.norm(residual) < 1e-6)


def suppressed_keys(n_by_cell: Mapping[Cell, int], minimum: int) -> frozenset[Key]:
    """The requestable parts whose figure is withheld, given the children behind the
    figure in each cell (module docstring). Deterministic: the same numbers always give
    the same decision.

    Examples
    --------
    One team, three statuses: 2 children looked after are withheld, and so - or
    "all South" minus the shown one would give them - is the next smallest status.

    >>> sorted(suppressed_keys({("South", "early_help"): 9, ("South", "looked_after"): 2,
    ...                         ("South", "child_in_need"): 6}, 5), key=str)
    [('South', 'child_in_need'), ('South', 'looked_after'), (None, 'child_in_need'), (None, 'looked_after')]

    Nothing small, nothing withheld:

    >>> suppressed_keys({("South", "early_help"): 9, ("North", "early_help"): 7}, 5)
    frozenset()
    """  # noqa: E501
    return _suppressed(tuple(sorted(n_by_cell.items())), minimum)


@lru_cache(maxsize=4096)
def _suppressed(items: tuple[tuple[Cell, int], ...], minimum: int) -> frozenset[Key]:
    n_by_cell = dict(items)
    table = Table.of(n_by_cell)
    counts = np.array([n_by_cell[c] for c in table.cells], dtype=np.int64)
    vectors = {key: table.vector(key) for key in table.keys}
    n = {key: int(counts @ vectors[key]) for key in table.keys}
    small = {key for key in table.keys if 0 < n[key] < minimum}
    withheld = {key for key in small if queryable(key)}
    equations = table.equations()

    def shown(key: Key) -> bool:
        return queryable(key) and key not in withheld

    def rank(key: Key) -> tuple[int, int, str]:
        # cells (a team and a status) before margins (a team, a status), "all" last: the
        # margins are what leaders read most; then the smallest; ties by name (stable)
        return (sum(part is None for part in key), n[key], repr(key))

    def shown_basis(without: Key | None = None) -> np.ndarray:
        rows = [vectors[k] for k in table.keys if shown(k) and k != without]
        return _basis(rows, len(table.cells))

    def widen(near: Sequence[Key], exposed: Key | None = None) -> bool:
        """Withhold one more figure: the smallest shown one (with children) whose
        withholding hides ``exposed``; else the smallest shown among ``near``, else
        anywhere. False when nothing is left to withhold."""
        everyone = sorted((k for k in table.keys if shown(k) and n[k] > 0), key=rank)
        if exposed is not None:
            for k in everyone:
                if not _derivable(shown_basis(without=k), vectors[exposed]):
                    withheld.add(k)
                    return True
        for pool in (near, everyone):
            candidates = sorted((k for k in pool if shown(k) and n[k] > 0), key=rank)
            if candidates:
                withheld.add(candidates[0])
                return True
        return False

    while True:
        basis = shown_basis()
        exposed = next(
            (k for k in sorted(small | withheld, key=rank)
             if n[k] > 0 and _derivable(basis, vectors[k])),
            None,
        )
        if exposed is not None:
            near = [k for parent, parts in equations if exposed == parent or exposed in parts
                    for k in (*parts, parent)]
            if widen(near, exposed):
                continue
        leftover = next(
            ((parent, parts) for parent, parts in equations
             if shown(parent)
             and 0 < n[parent] - sum(n[p] for p in parts if shown(p)) < minimum),
            None,
        )
        if leftover is not None and widen([*leftover[1], leftover[0]]):
            continue
        return frozenset(withheld)
