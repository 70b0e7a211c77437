"""Columnar arrays of many children's networks, for the vectorised cohort measures.

One row per child tie and one per observation of a child tie, as numpy arrays;
dates are proleptic ordinals. Observations are kept sorted by (tie, side, date,
document order) and grouped into one segment per (tie, side), so "the latest
observation on or before t" of every tie is the last of the segment's prefix
dated <= t: one sequential pass over the observations (see
:meth:`CohortTables.effective`).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
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


@dataclass(frozen=True)
class Effective:
    """Per child tie: whether it has an effective observation, and that observation's row."""

    rated: B
    row: I64


@dataclass(frozen=True)
class TieColumns:
    """One row per child tie, children's ties together and each child's in document order.

    ``child`` is the child's row in the tables; ``member`` any integer that is equal
    exactly for the same person (across children too); ``start``/``end`` proleptic
    ordinals, :data:`NULL_START`/:data:`NULL_END` when not known; ``adult``, ``paid``
    and ``social_worker`` describe the member; ``category`` is the member's index in
    :data:`~ecomap.model.CATEGORIES`.
    """

    child: ArrayLike
    member: ArrayLike
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
class CaseColumns:
    """Per child on one date (:meth:`CohortTables.case_on`): open or not, and the status
    and team then (None where there is none)."""

    open: B
    status: NDArray[np.object_]
    team: NDArray[np.object_]


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
    n_people: int
    # child ties; a pair is one (child, member), so members count once
    tie_child: I64
    tie_member: I64
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
    # segment 2*tie + side holds rows seg_start[segment]:seg_start[segment + 1]
    seg_start: I64
    obs_day: NDArray[np.int32]
    obs_closeness: I8
    obs_contact: I8
    obs_emotional: I8
    obs_practical: I8
    obs_informational: I8
    obs_critical: I8
    obs_direction: I8
    obs_trusted: I8
    day_min: int
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
        covers = (self.ep_start <= t) & (self.ep_end > t)
        by_status = covers & (self.ep_kind == STATUS_EPISODE)
        by_team = covers & (self.ep_kind == TEAM_EPISODE)
        open_ = ~self.has_status_episodes & (self.first_day <= t)
        status = self.status.copy()
        status[~open_] = None
        open_[self.ep_child[by_status]] = True
        status[self.ep_child[by_status]] = self.ep_value[by_status]
        team = self.team.copy()
        team[self.has_team_episodes] = None
        team[self.ep_child[by_team]] = self.ep_value[by_team]
        return CaseColumns(open_, status, team)

    def active(self, at: date) -> B:
        """Child ties active on ``at``: started <= t < ended."""
        t = at.toordinal()
        result: B = (self.tie_start <= t) & (self.tie_end > t)
        return result

    def effective(self, at: date, perspective: View) -> Effective:
        """Each child tie's effective observation on ``at`` (MEASURES.md), vectorised.

        Within a segment (one tie, one side) rows are sorted by date and, on one
        date, by document order; those dated <= t are a prefix, so the latest -
        and of one day's, the later in the document - is the prefix's last row.
        """
        n = len(self.tie_child)
        if self.n_observations == 0:
            return Effective(np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64))
        within = self.obs_day <= at.toordinal() - self.day_min
        upto = np.concatenate(([0], np.cumsum(within, dtype=np.int64)))
        counts = upto[self.seg_start[1:]] - upto[self.seg_start[:-1]]
        last = self.seg_start[:-1] + counts - 1
        child_ok, child_row = counts[CHILD_SIDE::2] > 0, last[CHILD_SIDE::2]
        adult_ok, adult_row = counts[ADULT_SIDE::2] > 0, last[ADULT_SIDE::2]
        if perspective == "child":
            return Effective(child_ok, np.maximum(child_row, 0))
        if perspective == "worker":
            return Effective(adult_ok, np.maximum(adult_row, 0))
        row = np.where(child_ok, child_row, adult_row)
        return Effective(child_ok | adult_ok, np.maximum(row, 0))

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
        t_member = _ints(ties.member, np.int64)
        t_start = _ints(ties.start, np.int64)
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
            n_people = 0
            tie_pair = np.zeros(0, dtype=np.int64)
            pair_child = np.zeros(0, dtype=np.int64)
        segment = _ints(observations.tie, np.int64) * 2 + _ints(observations.side, np.int64)
        day = _ints(observations.day, np.int64)
        day_min = int(day.min()) if len(day) else 0
        stride = int(day.max()) - day_min + 2 if len(day) else 2
        order = np.argsort(segment * stride + (day - day_min), kind="stable")
        per_segment = np.bincount(segment, minlength=2 * n_ties)
        seg_start = np.concatenate(([0], np.cumsum(per_segment))).astype(np.int64)

        def obs_col(values: ArrayLike) -> I8:
            result: I8 = _ints(values, np.int8)[order]
            return result

        n_children = len(child_ids)
        eps = episodes or EpisodeColumns([], [], [], [], [])
        ep_child = _ints(eps.child, np.int64)
        ep_kind = _ints(eps.kind, np.int8)
        ep_start = _ints(eps.start, np.int64)
        first = np.full(n_children, NULL_END, dtype=np.int64)
        known = t_start != NULL_START
        np.minimum.at(first, t_child[known], t_start[known])
        if len(day):
            np.minimum.at(first, t_child[_ints(observations.tie, np.int64)], day)
        np.minimum.at(first, ep_child, ep_start)

        def has(kind: int) -> B:
            result: B = np.bincount(ep_child[ep_kind == kind], minlength=n_children) > 0
            return result

        return cls(
            child_ids=list(child_ids),
            team=np.array(list(team), dtype=object),
            status=np.array(list(status), dtype=object),
            n_people=n_people,
            tie_child=t_child,
            tie_member=t_member,
            tie_start=t_start,
            tie_end=_ints(ties.end, np.int64),
            tie_start_known=t_start != NULL_START,
            tie_pair=tie_pair,
            pair_child=pair_child,
            member_adult=np.asarray(ties.adult, dtype=bool),
            member_paid=np.asarray(ties.paid, dtype=bool),
            member_social_worker=np.asarray(ties.social_worker, dtype=bool),
            member_category=_ints(ties.category, np.int8),
            seg_start=seg_start,
            obs_day=(day[order] - day_min).astype(np.int32),
            obs_closeness=obs_col(observations.closeness),
            obs_contact=obs_col(observations.contact),
            obs_emotional=obs_col(observations.emotional),
            obs_practical=obs_col(observations.practical),
            obs_informational=obs_col(observations.informational),
            obs_critical=obs_col(observations.critical),
            obs_direction=obs_col(observations.direction),
            obs_trusted=obs_col(observations.trusted),
            day_min=day_min,
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
