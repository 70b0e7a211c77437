"""Columnar arrays of many children's networks, for the vectorised cohort measures.

One row per child tie and one per observation of a child tie, as numpy arrays;
dates are proleptic ordinals. Observations are kept sorted by (tie, side, date,
document order) and grouped into one segment per (tie, side), so "the latest
observation on or before t" of every tie is the last of the segment's prefix
dated <= t: one sequential pass over the observations (see
:meth:`CohortTables.effective`). :meth:`CohortTables.from_segments` takes columns
already in that order (a store's packed columns, docs/scale.md) as they are: no sort,
no copy of the observations.
"""

from __future__ import annotations

import dataclasses
import json
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from itertools import chain
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecomap.measures.effective import View
from ecomap.model import CATEGORIES, SOCIAL_WORKER_ROLE, EcomapDocument

I64 = NDArray[np.int64]
I8 = NDArray[np.int8]
B = NDArray[np.bool_]

NULL_START = -(1 << 40)
NULL_END = 1 << 40
DIRECTION_CODES = {"both": 1, "to_child": 2, "from_child": 3}
CHILD_SIDE, ADULT_SIDE = 0, 1

#: An observation's ratings in one integer (:func:`observation_codes`): each rating's
#: lowest bit and width; ``contact`` and ``trusted`` are stored plus one (-1 is none).
RATING_BITS: dict[str, tuple[int, int]] = {
    "trusted": (0, 2), "direction": (2, 2), "critical": (4, 2), "informational": (6, 2),
    "practical": (8, 2), "emotional": (10, 2), "contact": (12, 3), "closeness": (15, 2),
}
_RATING_OFFSET = {"contact": 1, "trusted": 1}
#: How many different observation codes there are (every code is below it).
N_CODES = 1 << 17


def observation_codes(closeness: ArrayLike, contact: ArrayLike, emotional: ArrayLike,
                      practical: ArrayLike, informational: ArrayLike, critical: ArrayLike,
                      direction: ArrayLike, trusted: ArrayLike) -> NDArray[np.int32]:
    """Each observation's ratings (coded as in :class:`ObservationColumns`) as one
    integer by :data:`RATING_BITS`: what the cohort reads of an observation, gathered
    once per tie and date instead of eight times.

    >>> code = observation_codes([3], [-1], [2], [0], [0], [0], [1], [1])
    >>> [int(rating(code, name)[0]) for name in ("closeness", "contact", "trusted")]
    [3, -1, 1]
    """
    values = {"closeness": closeness, "contact": contact, "emotional": emotional,
              "practical": practical, "informational": informational, "critical": critical,
              "direction": direction, "trusted": trusted}
    code: NDArray[np.int32] = np.zeros(len(np.asarray(closeness).reshape(-1)), np.int32)
    for name, (shift, width) in RATING_BITS.items():
        raw = np.asarray(values[name]).reshape(-1).astype(np.int32) + _RATING_OFFSET.get(name, 0)
        if len(raw) and (int(raw.min()) < 0 or int(raw.max()) >= 1 << width):
            raise ValueError(f"{name} out of range for an observation code")
        code |= raw << shift
    return code


def stored_rating(codes: NDArray[np.int32], name: str) -> NDArray[np.int32]:
    """One rating of each of ``codes`` as stored in the code (``contact`` and ``trusted``
    plus one: 0 is none), without converting it back (one shift and one mask).

    >>> stored_rating(observation_codes([3], [-1], [2], [0], [0], [0], [1], [1]), "trusted")
    array([2], dtype=int32)
    """
    shift, width = RATING_BITS[name]
    result: NDArray[np.int32] = (codes >> shift) & ((1 << width) - 1)
    return result


def has_rating(codes: NDArray[np.int32], *names: str) -> B:
    """Whether each of ``codes`` holds any of the ratings ``names`` (one mask, one test).

    >>> code = observation_codes([3, 0], [-1, 0], [0, 0], [2, 0], [0, 0], [0, 0], [0, 0],
    ...                          [-1, 1])
    >>> has_rating(code, "emotional", "practical").tolist(), has_rating(code, "trusted").tolist()
    ([True, False], [False, True])
    """
    mask = 0
    for name in names:
        shift, width = RATING_BITS[name]
        mask |= ((1 << width) - 1) << shift
    result: B = (codes & mask) != 0
    return result


def stored_at_least(codes: NDArray[np.int32], name: str, value: int) -> B:
    """Whether one rating as stored (:func:`stored_rating`) is ``value`` or more: a test
    of its top bit where ``value`` is exactly that bit.

    >>> code = observation_codes([0] * 3, [-1] * 3, [1, 2, 3], [0] * 3, [0] * 3, [0] * 3,
    ...                          [0] * 3, [-1, 0, 1])
    >>> stored_at_least(code, "emotional", 2).tolist(), stored_at_least(code, "trusted", 2).tolist()
    ([False, True, True], [False, False, True])
    """
    shift, width = RATING_BITS[name]
    if value == 1 << (width - 1):
        top: B = (codes & (value << shift)) != 0
        return top
    result: B = stored_rating(codes, name) >= value
    return result


def rating(codes: NDArray[np.int32], name: str) -> I8:
    """One rating of each of ``codes`` (:func:`observation_codes`), coded as in
    :class:`ObservationColumns`."""
    shift, width = RATING_BITS[name]
    result: I8 = (((codes >> shift) & ((1 << width) - 1)) - _RATING_OFFSET.get(name, 0)
                  ).astype(np.int8)
    return result


@dataclass(frozen=True)
class Effective:
    """Per child tie: whether it has an effective observation, and that observation's row."""

    rated: B
    row: NDArray[np.signedinteger[Any]]


class Members:
    """Each child tie's member: an integer equal exactly for the same person (across
    children too), made when first asked for. The cohort measures count members through
    the (child, member) pairs, so a store's read need not decode the people's ids.

    >>> members = Members.lazy(lambda: np.array([0, 1, 0]))
    >>> members.codes.tolist(), members.count
    ([0, 1, 0], 2)
    """

    def __init__(self, make: Callable[[], I64],
                 text: Callable[[], str | None] = lambda: None) -> None:
        self._make = make
        self._codes: I64 | None = None
        self._text = text

    @classmethod
    def of(cls, codes: ArrayLike) -> Members:
        """Members already numbered."""
        made = _ints(codes, np.int64)
        return cls(lambda: made)

    @classmethod
    def lazy(cls, make: Callable[[], I64]) -> Members:
        """Members numbered by ``make()`` on first use."""
        return cls(make)

    @classmethod
    def from_json(cls, *parts: str) -> Members:
        """Members from their ids as JSON list items without the brackets (``"p","q"``),
        given in one or many texts, numbered by first appearance on first use.

        >>> Members.from_json('"p","q"', '"p"').codes.tolist()
        [0, 1, 0]
        """
        kept = [part for part in parts if part]
        return cls(lambda: _numbered(kept), lambda: ",".join(kept) if kept else None)

    @classmethod
    def from_json_bytes(cls, data: NDArray[np.uint8]) -> Members:
        """:meth:`from_json` of UTF-8 bytes (a view of a mapped file: not read until the
        members are first asked for)."""
        def text() -> str | None:
            return data.tobytes().decode() if len(data) else None

        return cls(lambda: _numbered([t] if (t := text()) else []), text)

    @property
    def json(self) -> str | None:
        """The ids as JSON list items when made from them (else None)."""
        return self._text()

    @property
    def codes(self) -> I64:
        """One integer per child tie."""
        if self._codes is None:
            self._codes = _ints(self._make(), np.int64)
        return self._codes

    @property
    def count(self) -> int:
        """How many different people."""
        return len(np.unique(self.codes))


def _numbered(parts: Sequence[str]) -> I64:
    """The ids in JSON list items, each numbered by its first appearance."""
    ids: list[str] = json.loads("[" + ",".join(parts) + "]")
    index: dict[str, int] = {}
    return np.fromiter((index.setdefault(m, len(index)) for m in ids), np.int64, len(ids))


@dataclass(frozen=True)
class TieColumns:
    """One row per child tie, children's ties together and each child's in document order.

    ``child`` is the child's row in the tables, the children's ties together and in
    the children's order; ``member`` any integer that is equal exactly for the same
    person (across children too), or :class:`Members`; ``start``/``end`` proleptic
    ordinals, :data:`NULL_START`/:data:`NULL_END` when not known; ``adult``, ``paid``
    and ``social_worker`` describe the member; ``category`` is the member's index in
    :data:`~ecomap.model.CATEGORIES`.
    """

    child: ArrayLike
    member: ArrayLike | Members
    start: ArrayLike
    end: ArrayLike
    adult: ArrayLike
    paid: ArrayLike
    social_worker: ArrayLike
    category: ArrayLike


@dataclass(frozen=True)
class ObservationColumns:
    """One row per observation of a child tie, each child's in document order.

    ``tie`` is the tie's row in :class:`TieColumns`; ``side`` :data:`CHILD_SIDE` for
    the child's own answers, else :data:`ADULT_SIDE`; ``day`` a proleptic ordinal.
    Ratings are coded 0 for none, except ``contact`` and ``trusted`` (-1 for none,
    ``trusted`` 0/1); ``direction`` by :data:`DIRECTION_CODES` (0 for none).
    """

    tie: ArrayLike
    side: ArrayLike
    day: ArrayLike
    closeness: ArrayLike
    contact: ArrayLike
    emotional: ArrayLike
    practical: ArrayLike
    informational: ArrayLike
    critical: ArrayLike
    direction: ArrayLike
    trusted: ArrayLike


@dataclass(frozen=True)
class SegmentColumns:
    """Observations of child ties already in the tables' order: by tie, the child's own
    answers (:data:`CHILD_SIDE`) before the adults', by day, then document order;
    segment ``2 * tie + side`` holds rows ``seg_start[segment]:seg_start[segment + 1]``.
    ``day`` a proleptic ordinal, ``code`` the ratings (:func:`observation_codes`); the
    columns may be views of one record array (they are kept, not copied)."""

    seg_start: ArrayLike
    day: ArrayLike
    code: ArrayLike


#: Episode kinds in :class:`EpisodeColumns`: the dated status and team, and the rest.
STATUS_EPISODE, TEAM_EPISODE, OTHER_EPISODE = 0, 1, 2
EPISODE_CODES = {"status": STATUS_EPISODE, "team": TEAM_EPISODE}


def episode_code(kind: str) -> int:
    """An episode kind's code in :class:`EpisodeColumns`.

    >>> episode_code("team"), episode_code("placement")
    (1, 2)
    """
    return EPISODE_CODES.get(kind, OTHER_EPISODE)


@dataclass(frozen=True)
class EpisodeColumns:
    """One row per episode: ``child`` (the child's row), ``kind`` (:data:`STATUS_EPISODE`,
    :data:`TEAM_EPISODE` or :data:`OTHER_EPISODE`), ``start``/``end`` proleptic ordinals
    (:data:`NULL_END` while open) and ``value`` (the status or team; None for others)."""

    child: ArrayLike
    kind: ArrayLike
    start: ArrayLike
    end: ArrayLike
    value: Sequence[str | None]


@dataclass(frozen=True)
class ValueCodes:
    """The teams and statuses of the tables numbered once (:attr:`CohortTables.value_codes`):
    ``names`` holds each distinct value, in order of first appearance, then None, so that
    code -1 (none) reads back as None; ``team``, ``status`` (per child) and ``episode``
    (per episode) are codes into it."""

    names: NDArray[np.object_]
    team: NDArray[np.int32]
    status: NDArray[np.int32]
    episode: NDArray[np.int32]


def merged_codes(team: tuple[Sequence[str | None], NDArray[np.integer[Any]]],
                 status: tuple[Sequence[str | None], NDArray[np.integer[Any]]],
                 episode: tuple[Sequence[str | None], NDArray[np.integer[Any]]]) -> ValueCodes:
    """:func:`value_codes` of three columns each already coded by its own names
    (``(names, codes)``, as a columns file keeps them): the names merged, the codes
    renumbered by lookup, no pass over the values in Python.

    >>> v = merged_codes((["North", None], np.array([0, 1])),
    ...                  (["early_help"], np.array([0, 0])), (["x", "North"], np.array([1, 0])))
    >>> v.names.tolist(), v.team.tolist(), v.status.tolist(), v.episode.tolist()
    (['North', 'early_help', 'x', None], [0, -1], [1, 1], [0, 2])
    """
    distinct = [v for v in dict.fromkeys(chain(team[0], status[0], episode[0]))
                if v is not None]
    index: dict[str | None, int] = {v: i for i, v in enumerate(distinct)}
    index[None] = -1

    def renumbered(names: Sequence[str | None], codes: NDArray[np.integer[Any]]
                   ) -> NDArray[np.int32]:
        lookup = np.array([index[v] for v in names] or [-1], dtype=np.int32)
        result: NDArray[np.int32] = lookup.take(codes)
        return result

    return ValueCodes(np.array([*distinct, None], dtype=object), renumbered(*team),
                      renumbered(*status), renumbered(*episode))


def first_seen_codes(values: Sequence[str | None]
                     ) -> tuple[list[str | None], NDArray[np.int32]]:
    """Distinct values in first-seen order, and each value's index among them.

    >>> names, codes = first_seen_codes(["North", None, "North"])
    >>> names, codes.tolist()
    (['North', None], [0, 1, 0])
    """
    distinct = list(dict.fromkeys(values))
    index = {v: i for i, v in enumerate(distinct)}
    return distinct, np.fromiter(map(index.__getitem__, values), np.int32, len(values))


def value_codes(team: Sequence[str | None], status: Sequence[str | None],
                episode: Sequence[str | None]) -> ValueCodes:
    """Number the values of three columns with one vocabulary (None is -1).

    >>> v = value_codes(["North", None], ["early_help", "early_help"], ["North", "x"])
    >>> v.names.tolist(), v.team.tolist(), v.status.tolist(), v.episode.tolist()
    (['North', 'early_help', 'x', None], [0, -1], [1, 1], [0, 2])
    """
    return merged_codes(first_seen_codes(team), first_seen_codes(status),
                        first_seen_codes(episode))


@dataclass(frozen=True)
class CaseColumns:
    """Per child on one date (:meth:`CohortTables.case_on`): open or not, and the status
    and team then (None where there is none), also as codes into ``names``
    (:class:`ValueCodes`; -1 for none)."""

    open: B
    status_code: NDArray[np.int32]
    team_code: NDArray[np.int32]
    names: NDArray[np.object_]

    @property
    def status(self) -> NDArray[np.object_]:
        """Each child's status then (None where none)."""
        result: NDArray[np.object_] = self.names[self.status_code]
        return result

    @property
    def team(self) -> NDArray[np.object_]:
        """Each child's team then (None where none)."""
        result: NDArray[np.object_] = self.names[self.team_code]
        return result


@dataclass(frozen=True)
class CohortTables:
    """Many children's networks as arrays (build with :meth:`from_documents` or
    :meth:`from_columns`).

    Examples
    --------
    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C", "team": "North"},
    ...     "people": [{"id": "p", "name": "P", "category": "family"}],
    ...     "ties": [{"id": "t", "between": ["p", "c"], "started": "2024-01-01"}],
    ...     "observations": [{"tie": "t", "on": "2024-02-01", "by": "child", "closeness": 2}]})
    >>> tables = CohortTables.from_documents([doc])
    >>> tables.child_ids, tables.team.tolist(), tables.tie_child.tolist()
    (['c'], ['North'], [0])
    >>> tables.effective(date(2024, 3, 1), "combined").rated.tolist()
    [True]
    """

    child_ids: list[str]
    team: NDArray[np.object_]
    status: NDArray[np.object_]
    # child ties; a pair is one (child, member), so members count once
    members: Members
    tie_child: I64
    tie_start: I64
    tie_end: I64
    tie_start_known: B
    tie_pair: I64
    pair_child: I64
    member_adult: B
    member_paid: B
    member_social_worker: B
    member_category: I8
    # observations of child ties, sorted by (tie, side, day, document order);
    # segment 2*tie + side holds rows seg_start[segment]:seg_start[segment + 1];
    # obs_day a proleptic ordinal; each rating is a property read off obs_code
    seg_start: I64
    obs_day: NDArray[np.int32]
    obs_code: NDArray[np.int32]  # the ratings: observation_codes, rating()
    # episodes (status and team dated; others only count towards first_day)
    ep_child: I64
    ep_kind: I8
    ep_start: I64
    ep_end: I64
    ep_value: NDArray[np.object_]
    #: per child: the earliest dated item (ecomap.episodes.first_day), NULL_END if none
    first_day: I64
    has_status_episodes: B
    has_team_episodes: B

    @property
    def tie_member(self) -> I64:
        """Each child tie's member (:class:`Members`: decoded on first use)."""
        return self.members.codes

    @property
    def n_people(self) -> int:
        """How many different people the child ties reach."""
        return self.members.count

    @cached_property
    def _tie_groups(self) -> tuple[I64, I64, I64]:
        """The children with child ties, the first tie row of each, and each tie's
        position within its child's (ties come grouped by child, in the children's
        order: :meth:`from_segments`)."""
        counts = np.bincount(self.tie_child, minlength=self.n_children)
        firsts = np.cumsum(counts) - counts
        children = np.flatnonzero(counts)
        position: I64 = np.arange(len(self.tie_child), dtype=np.int64) - np.repeat(
            firsts, counts)
        return children, firsts[children], position

    def per_child_sum(self, values: ArrayLike) -> I64:
        """Per child, the sum of one integer (or bool) per child tie; 0 without ties.
        (Flags are counted in int32: a child's ties are far fewer than 2**31.)"""
        column = np.asarray(values)
        total: type[np.signedinteger[Any]] = np.int64
        if column.dtype == np.bool_:
            column, total = column.view(np.uint8), np.int32
        result: I64 = np.zeros(self.n_children, dtype=np.int64)
        children, firsts, _ = self._tie_groups
        if len(children):
            result[children] = np.add.reduceat(column, firsts, dtype=total)
        return result

    def per_child_max(self, values: ArrayLike, empty: int) -> I64:
        """Per child, the largest of one integer per child tie; ``empty`` without ties."""
        result: I64 = np.full(self.n_children, empty, dtype=np.int64)
        children, firsts, _ = self._tie_groups
        if len(children):
            result[children] = np.maximum.reduceat(np.asarray(values), firsts)
        return result

    @cached_property
    def ranking_keys(self) -> NDArray[np.signedinteger[Any]]:
        """Per child tie, ``child << 11 | 1024``: less a value of 0..1000, a key whose
        sort ranks each child's ties by value, highest first (int32 while the children
        fit in 20 bits: half the bytes to sort).

        >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
        ...     "child": {"id": "c", "name": "C"},
        ...     "people": [{"id": "p", "name": "P", "category": "family"}],
        ...     "ties": [{"id": "t", "between": ["p", "c"]}]})
        >>> CohortTables.from_documents([doc, doc]).ranking_keys.tolist()
        [1024, 3072]
        """
        narrow = self.n_children < (1 << 20)
        child = self.tie_child.astype(np.int32) if narrow else self.tie_child
        keys: NDArray[np.signedinteger[Any]] = (child << 11) + 1024
        return keys

    @cached_property
    def social_worker_ties(self) -> I64:
        """The child ties whose member is a social worker."""
        result: I64 = np.flatnonzero(self.member_social_worker)
        return result

    def rank_in_child(self) -> I64:
        """Each child tie's position among its child's ties (0 for the first)."""
        return self._tie_groups[2]

    def ranked_within(self, top: int) -> NDArray[np.int16]:
        """1 for a tie among the first ``top`` of its child's (:meth:`rank_in_child`),
        else 0 (kept per ``top``)."""
        found = self._ranked.get(top)
        if found is None:
            found = self._ranked[top] = (self.rank_in_child() < top).astype(np.int16)
        return found

    @cached_property
    def _ranked(self) -> dict[int, NDArray[np.int16]]:
        return {}

    @cached_property
    def segment_bounds(self) -> NDArray[np.int32]:
        """:attr:`seg_start` as int32 (observation rows fit: half the bytes to read).

        >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
        ...     "child": {"id": "c", "name": "C"},
        ...     "people": [{"id": "p", "name": "P", "category": "family"}],
        ...     "ties": [{"id": "t", "between": ["p", "c"]}],
        ...     "observations": [{"tie": "t", "on": "2024-02-01", "by": "worker", "closeness": 2}]})
        >>> CohortTables.from_documents([doc]).segment_bounds.tolist()
        [0, 0, 1]
        """
        if self.n_observations >= np.iinfo(np.int32).max:
            raise ValueError("more observations than int32 rows can number")
        result: NDArray[np.int32] = self.seg_start.astype(np.int32)
        return result

    @cached_property
    def tie_known_start32(self) -> NDArray[np.int32]:
        """Each child tie's start where known, else the largest int32: a date's age from
        it is below 0 (no age). int32: half the bytes of the per-date pass."""
        top = np.iinfo(np.int32).max
        result: NDArray[np.int32] = np.where(self.tie_start_known, self.tie_start, top
                                             ).astype(np.int32)
        return result

    @cached_property
    def shared_pair_ties(self) -> I64:
        """The child ties whose (child, member) pair has other ties too (a child tied
        twice to one person): the only ties where counting ties is not counting
        members."""
        per_pair = np.bincount(self.tie_pair, minlength=len(self.pair_child))
        result: I64 = np.flatnonzero(per_pair[self.tie_pair] > 1)
        return result

    @cached_property
    def obs_closeness(self) -> I8:
        """Each observation's closeness (0 for none)."""
        return rating(self.obs_code, "closeness")

    @cached_property
    def obs_contact(self) -> I8:
        """Each observation's contact (-1 for none)."""
        return rating(self.obs_code, "contact")

    @cached_property
    def obs_emotional(self) -> I8:
        """Each observation's emotional support (0 for none)."""
        return rating(self.obs_code, "emotional")

    @cached_property
    def obs_practical(self) -> I8:
        """Each observation's practical support (0 for none)."""
        return rating(self.obs_code, "practical")

    @cached_property
    def obs_informational(self) -> I8:
        """Each observation's informational support (0 for none)."""
        return rating(self.obs_code, "informational")

    @cached_property
    def obs_critical(self) -> I8:
        """Each observation's criticism (0 for none)."""
        return rating(self.obs_code, "critical")

    @cached_property
    def obs_direction(self) -> I8:
        """Each observation's direction (:data:`DIRECTION_CODES`, 0 for none)."""
        return rating(self.obs_code, "direction")

    @cached_property
    def obs_trusted(self) -> I8:
        """Each observation's trust answer (-1 for none, else 0/1)."""
        return rating(self.obs_code, "trusted")

    @property
    def n_observations(self) -> int:
        """How many observations of child ties the tables hold."""
        return len(self.obs_day)

    @property
    def n_children(self) -> int:
        """How many children the tables hold."""
        return len(self.child_ids)

    def indices(self, child_ids: Iterable[str] | None = None) -> I64:
        """Row numbers of the named children (all when None); unknown ids are an error."""
        if child_ids is None:
            return np.arange(self.n_children, dtype=np.int64)
        position = {cid: i for i, cid in enumerate(self.child_ids)}
        wanted = list(child_ids)
        unknown = sorted({cid for cid in wanted if cid not in position})
        if unknown:
            raise KeyError(f"child_ids not in the tables: {', '.join(unknown[:5])}")
        return np.array(sorted({position[cid] for cid in wanted}), dtype=np.int64)

    def select(self, *, team: str | None = None, status: str | None = None) -> list[str]:
        """Ids of the children of ``team`` and/or ``status`` (the dashboard's scope)."""
        keep = np.ones(self.n_children, dtype=bool)
        if team is not None:
            keep &= self.team == team
        if status is not None:
            keep &= self.status == status
        return [self.child_ids[i] for i in np.flatnonzero(keep)]

    def case_on(self, at: date) -> CaseColumns:
        """Every child's case on ``at`` as :func:`ecomap.episodes.case_on` reads it: open
        when a status episode covers ``at`` (else, without status episodes, from
        ``first_day`` with ``child.status``); the team episode's team covering ``at``, or
        ``child.team`` throughout without team episodes."""
        t = at.toordinal()
        codes = self.value_codes
        covers = (self.ep_start <= t) & (self.ep_end > t)
        by_status = np.flatnonzero(covers & (self.ep_kind == STATUS_EPISODE))
        by_team = np.flatnonzero(covers & (self.ep_kind == TEAM_EPISODE))
        open_ = ~self.has_status_episodes & (self.first_day <= t)
        status = np.where(open_, codes.status, np.int32(-1))
        open_[self.ep_child[by_status]] = True
        status[self.ep_child[by_status]] = codes.episode[by_status]
        team = np.where(self.has_team_episodes, np.int32(-1), codes.team)
        team[self.ep_child[by_team]] = codes.episode[by_team]
        return CaseColumns(open_, status, team, codes.names)

    @cached_property
    def value_codes(self) -> ValueCodes:
        """The children's teams and statuses and the episodes' values, numbered once
        (unless :meth:`keep_value_codes` was given them)."""
        return value_codes(self.team.tolist(), self.status.tolist(), self.ep_value.tolist())

    def keep_value_codes(self, codes: ValueCodes) -> None:
        """Give :attr:`value_codes` codes already made (a columns file keeps its texts
        coded): they must number exactly ``team``, ``status`` and ``ep_value``."""
        self.__dict__["value_codes"] = codes

    def active(self, at: date) -> B:
        """Child ties active on ``at``: started <= t < ended."""
        t = at.toordinal()
        result: B = (self.tie_start <= t) & (self.tie_end > t)
        return result

    def counts_on(self, at: date) -> NDArray[np.int32]:
        """Per segment (one tie, one side), how many of its observations are dated on or
        before ``at``: one pass over the days, summed per segment by one ``reduceat``
        (an empty segment's sum is its neighbour's first flag, so it is set to 0 after),
        with one byte per observation and four per segment as temporaries."""
        n = self.n_observations
        if n == 0:
            return np.zeros(len(self.seg_start) - 1, dtype=np.int32)
        within = np.empty(n + 1, dtype=np.uint8)  # a last 0: segments may start at n
        np.less_equal(self.obs_day, at.toordinal(), out=within[:n].view(bool))
        within[n] = 0
        starts = self.seg_start[:-1]
        counts: NDArray[np.int32] = np.add.reduceat(within, starts, dtype=np.int32)
        counts[self.seg_start[1:] == starts] = 0
        return counts

    def effective_after(self, position: NDArray[np.int32]) -> Effective:
        """Each child tie's effective observation (combined perspective) given, per
        segment, the row after its last observation dated on or before a date
        (``segment_bounds[:-1] + counts_on(date)``): int32 rows."""
        bounds = self.segment_bounds
        child_pos, adult_pos = position[CHILD_SIDE::2], position[ADULT_SIDE::2]
        child_ok = child_pos > bounds[CHILD_SIDE:-1:2]
        adult_ok = adult_pos > bounds[ADULT_SIDE:-1:2]
        row = np.where(child_ok, child_pos, adult_pos)
        row -= 1
        np.maximum(row, 0, out=row)
        return Effective(child_ok | adult_ok, row)

    def effective_from(self, counts: NDArray[np.integer[Any]], perspective: View) -> Effective:
        """Each child tie's effective observation given :meth:`counts_on` of a date."""
        last = self.seg_start[:-1] + counts - 1
        child_ok, child_row = counts[CHILD_SIDE::2] > 0, last[CHILD_SIDE::2]
        adult_ok, adult_row = counts[ADULT_SIDE::2] > 0, last[ADULT_SIDE::2]
        if perspective == "child":
            return Effective(child_ok, np.maximum(child_row, 0))
        if perspective == "worker":
            return Effective(adult_ok, np.maximum(adult_row, 0))
        row = np.where(child_ok, child_row, adult_row)
        return Effective(child_ok | adult_ok, np.maximum(row, 0))

    def effective(self, at: date, perspective: View) -> Effective:
        """Each child tie's effective observation on ``at`` (MEASURES.md), vectorised.

        Within a segment (one tie, one side) rows are sorted by date and, on one
        date, by document order; those dated <= t are a prefix, so the latest -
        and of one day's, the later in the document - is the prefix's last row.
        """
        return self.effective_from(self.counts_on(at), perspective)

    @classmethod
    def from_columns(
        cls,
        child_ids: Sequence[str],
        team: Sequence[str | None],
        status: Sequence[str | None],
        ties: TieColumns,
        observations: ObservationColumns,
        episodes: EpisodeColumns | None = None,
    ) -> CohortTables:
        """Build the tables from plain columns (what a store reads with a few queries).

        ``child_ids``, ``team`` and ``status`` have one entry per child, in the
        tables' order; ``ties`` one row per child tie and ``observations`` one row per
        observation of a child tie (see :class:`TieColumns` and
        :class:`ObservationColumns` for the codes), ``episodes`` one row per episode
        (:class:`EpisodeColumns`; none when left out). Of one tie's observations by one
        side on one day, the later row is the later in the document.

        Examples
        --------
        >>> ties = TieColumns(child=[0, 0], member=[7, 7], start=[738886, NULL_START],
        ...     end=[NULL_END, NULL_END], adult=[True, True], paid=[False, False],
        ...     social_worker=[False, False], category=[0, 0])
        >>> obs = ObservationColumns(tie=[0], side=[CHILD_SIDE], day=[738917],
        ...     closeness=[2], contact=[-1], emotional=[0], practical=[0],
        ...     informational=[0], critical=[0], direction=[0], trusted=[-1])
        >>> tables = CohortTables.from_columns(["c"], ["North"], [None], ties, obs)
        >>> tables.tie_pair.tolist(), tables.pair_child.tolist(), tables.n_people
        ([0, 0], [0], 1)
        >>> tables.effective(date(2024, 3, 1), "combined").rated.tolist()
        [True, False]
        """
        t_child = _ints(ties.child, np.int64)
        members = ties.member if isinstance(ties.member, Members) else Members.of(ties.member)
        t_member = members.codes
        n_ties = len(t_child)
        # a pair is one (child, member); numbered in order of first appearance
        if n_ties:
            _, member_code = np.unique(t_member, return_inverse=True)
            n_people = int(member_code.max()) + 1
            _, first, pair_of = np.unique(
                t_child * n_people + member_code, return_index=True, return_inverse=True
            )
            rank = np.empty(len(first), dtype=np.int64)
            rank[np.argsort(first, kind="stable")] = np.arange(len(first), dtype=np.int64)
            tie_pair = rank[pair_of.reshape(-1)]
            pair_child = t_child[np.sort(first)]
        else:
            tie_pair = np.zeros(0, dtype=np.int64)
            pair_child = np.zeros(0, dtype=np.int64)
        segment = _ints(observations.tie, np.int64) * 2 + _ints(observations.side, np.int64)
        day = _ints(observations.day, np.int64)
        day_min = int(day.min()) if len(day) else 0
        stride = int(day.max()) - day_min + 2 if len(day) else 2
        order = np.argsort(segment * stride + (day - day_min), kind="stable")
        per_segment = np.bincount(segment, minlength=2 * n_ties)

        o = observations
        codes = observation_codes(o.closeness, o.contact, o.emotional, o.practical,
                                  o.informational, o.critical, o.direction, o.trusted)
        return cls.from_segments(
            child_ids, team, status, ties=dataclasses.replace(ties, member=members),
            tie_pair=tie_pair, pair_child=pair_child,
            observations=SegmentColumns(
                seg_start=np.concatenate(([0], np.cumsum(per_segment))),
                day=day[order].astype(np.int32), code=codes[order],
            ),
            episodes=episodes,
        )

    @classmethod
    def from_segments(
        cls,
        child_ids: Sequence[str],
        team: Sequence[str | None],
        status: Sequence[str | None],
        ties: TieColumns,
        *,
        tie_pair: ArrayLike,
        pair_child: ArrayLike,
        observations: SegmentColumns,
        episodes: EpisodeColumns | None = None,
    ) -> CohortTables:
        """Build the tables from columns already in the tables' order: ``tie_pair``
        numbers each tie's (child, member) pair by first appearance, ``pair_child`` is
        each pair's child, ``observations`` are sorted into segments
        (:class:`SegmentColumns`). The observation columns are kept as given (views of
        a store's packed records stay views)."""
        t_child = _ints(ties.child, np.int64)
        if len(t_child) > 1 and bool(np.any(t_child[1:] < t_child[:-1])):
            raise ValueError("ties must come grouped by child, in the children's order")
        t_start = _ints(ties.start, np.int64)
        n_children = len(child_ids)
        seg_start = _ints(observations.seg_start, np.int64)
        day = np.asarray(observations.day)
        if day.dtype != np.int32:
            day = day.astype(np.int32)
        eps = episodes or EpisodeColumns([], [], [], [], [])
        ep_child = _ints(eps.child, np.int64)
        ep_kind = _ints(eps.kind, np.int8)
        ep_start = _ints(eps.start, np.int64)
        # each child's earliest dated item: a tie's known start, an observation, an episode
        first = np.full(n_children, NULL_END, dtype=np.int64)
        known = t_start != NULL_START
        np.minimum.at(first, t_child[known], t_start[known])
        ties_per_child = np.bincount(t_child, minlength=n_children)
        tie_bounds = np.concatenate(([0], np.cumsum(ties_per_child)))
        obs_bounds = seg_start[2 * tie_bounds]  # each child's observations are one run
        observed = obs_bounds[:-1] < obs_bounds[1:]
        if observed.any():
            first[observed] = np.minimum(first[observed], np.minimum.reduceat(
                day, obs_bounds[:-1][observed]))
        np.minimum.at(first, ep_child, ep_start)

        def has(kind: int) -> B:
            result: B = np.bincount(ep_child[ep_kind == kind], minlength=n_children) > 0
            return result

        code = np.asarray(observations.code)
        if code.dtype != np.int32:
            code = code.astype(np.int32)
        members = ties.member if isinstance(ties.member, Members) else Members.of(ties.member)
        return cls(
            child_ids=list(child_ids),
            team=np.array(list(team), dtype=object),
            status=np.array(list(status), dtype=object),
            members=members,
            tie_child=t_child,
            tie_start=t_start,
            tie_end=_ints(ties.end, np.int64),
            tie_start_known=known,
            tie_pair=_ints(tie_pair, np.int64),
            pair_child=_ints(pair_child, np.int64),
            member_adult=np.asarray(ties.adult, dtype=bool),
            member_paid=np.asarray(ties.paid, dtype=bool),
            member_social_worker=np.asarray(ties.social_worker, dtype=bool),
            member_category=_ints(ties.category, np.int8),
            seg_start=seg_start,
            obs_day=day,
            obs_code=code,
            ep_child=ep_child,
            ep_kind=ep_kind,
            ep_start=ep_start,
            ep_end=_ints(eps.end, np.int64),
            ep_value=np.array(list(eps.value), dtype=object),
            first_day=first,
            has_status_episodes=has(STATUS_EPISODE),
            has_team_episodes=has(TEAM_EPISODE),
        )

    @classmethod
    def from_documents(cls, docs: Iterable[EcomapDocument]) -> CohortTables:
        """Build the tables from documents (streamed: documents are not kept)."""
        child_ids: list[str] = []
        teams: list[str | None] = []
        statuses: list[str | None] = []
        person_index: dict[str, int] = {}
        category_code = {c: i for i, c in enumerate(CATEGORIES)}
        t_child, t_member, t_start, t_end = array("q"), array("q"), array("q"), array("q")
        m_flags, m_cat = array("b"), array("b")
        o_tie, o_side, o_day = array("q"), array("b"), array("q")
        o_cols = [array("b") for _ in range(8)]
        e_child, e_kind, e_start, e_end = array("q"), array("b"), array("q"), array("q")
        e_value: list[str | None] = []
        for doc in docs:
            c = len(child_ids)
            cid = doc.child.id
            child_ids.append(cid)
            teams.append(doc.child.team)
            statuses.append(doc.child.status)
            people = {p.id: p for p in doc.people}
            tie_row: dict[str, int] = {}
            for tie in doc.ties:
                a, b = tie.between
                if cid not in (a, b):
                    continue
                other = b if a == cid else a
                person = people.get(other)
                if person is None:
                    continue
                tie_row[tie.id] = len(t_child)
                t_child.append(c)
                t_member.append(person_index.setdefault(other, len(person_index)))
                t_start.append(tie.started.toordinal() if tie.started else NULL_START)
                t_end.append(tie.ended.toordinal() if tie.ended else NULL_END)
                m_flags.append(
                    (2 if person.adult else 0)
                    | (4 if person.paid else 0)
                    | (8 if person.role == SOCIAL_WORKER_ROLE else 0)
                )
                m_cat.append(category_code[person.category])
            for obs in doc.observations:
                row = tie_row.get(obs.tie)
                if row is None:
                    continue
                o_tie.append(row)
                o_side.append(CHILD_SIDE if obs.by == "child" else ADULT_SIDE)
                o_day.append(obs.on.toordinal())
                sup = obs.support
                values = (
                    obs.closeness or 0,
                    -1 if obs.contact is None else obs.contact,
                    (sup.emotional or 0) if sup else 0,
                    (sup.practical or 0) if sup else 0,
                    (sup.informational or 0) if sup else 0,
                    obs.critical or 0,
                    DIRECTION_CODES.get(obs.direction or "", 0),
                    -1 if obs.trusted is None else int(obs.trusted),
                )
                for column, value in zip(o_cols, values, strict=True):
                    column.append(value)
            for episode in doc.episodes:
                e_child.append(c)
                e_kind.append(episode_code(episode.kind))
                e_start.append(episode.start.toordinal())
                e_end.append(episode.end.toordinal() if episode.end else NULL_END)
                e_value.append(episode.status if episode.kind == "status" else
                               episode.team if episode.kind == "team" else None)
        flags = _ints(m_flags, np.int8)
        ties = TieColumns(
            child=t_child, member=t_member, start=t_start, end=t_end,
            adult=(flags & 2) > 0, paid=(flags & 4) > 0, social_worker=(flags & 8) > 0,
            category=m_cat,
        )
        observations = ObservationColumns(o_tie, o_side, o_day, *o_cols)
        episodes = EpisodeColumns(e_child, e_kind, e_start, e_end, e_value)
        return cls.from_columns(child_ids, teams, statuses, ties, observations, episodes)


def _ints(values: ArrayLike, dtype: type[np.signedinteger[Any]]) -> NDArray[Any]:
    """``values`` as a 1-d array of ``dtype`` (not copied if it already is one)."""
    if isinstance(values, array):
        return np.frombuffer(values, dtype=values.typecode).astype(dtype) if len(values) else (
            np.zeros(0, dtype=dtype))
    return np.asarray(values).astype(dtype, copy=False).reshape(-1)
