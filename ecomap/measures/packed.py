"""One child's cohort columns packed as bytes, and many children's unpacked into
:class:`~ecomap.measures.tables.CohortTables` by concatenation (docs/scale.md).

A store keeps :func:`pack` of each child's current document beside the child, written in
the same transaction, and reads the cohort as :func:`tables_from_packed` of every child's
:class:`PackedRow`: no per-row work at read time, and nothing sorted. The details of the
person at the other end of each tie (category, role, adult, paid: :func:`person_code`)
are packed with the tie, so a store must repack, in the same transaction, every child
whose network has a person whose details a write changes (people are shared by children).

Each child's child ties are one record per tie in document order (:data:`TIE_DTYPE`): its
start and end, the person's details, the tie's pair (the child's members numbered by
first appearance) and how many observations the child and the adults gave of it. The
observations of child ties are one record per observation (:data:`OBSERVATION_DTYPE`:
its day and its ratings as one code, :func:`~ecomap.measures.tables.observation_codes`)
already in the tables' order: by tie, the child's own answers before the adults', by
date, then document order. So many children's records concatenated are the tables'
columns as they are. The members are a JSON list without the brackets (so many children's
join with commas into one list), decoded only if asked for (the cohort measures count
members through the pairs). Exactly ``CohortTables.from_documents`` of the same documents
(tests/graph/test_cohort_packed.py).

:data:`PACKED_FORMAT` names this layout; a store holding another one packs again.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ecomap.measures.tables import (
    ADULT_SIDE,
    CHILD_SIDE,
    DIRECTION_CODES,
    NULL_END,
    NULL_START,
    CohortTables,
    EpisodeColumns,
    Members,
    SegmentColumns,
    TieColumns,
    episode_code,
    observation_codes,
)
from ecomap.model import CATEGORIES, SOCIAL_WORKER_ROLE, EcomapDocument

__all__ = [
    "EPISODE_DTYPE",
    "OBSERVATION_DTYPE",
    "PACKED_FORMAT",
    "TIE_DTYPE",
    "PackedChild",
    "PackedRow",
    "finish",
    "pack",
    "person_code",
    "tables_from_packed",
]

#: The packed layout's version (2: observations in the tables' order, pairs and
#: per-side counts with each tie). A store holding packed columns of an older layout
#: packs its children again.
PACKED_FORMAT = 2

TIE_DTYPE = np.dtype([("start", "<i8"), ("end", "<i8"), ("person", "i1"), ("pair", "<i4"),
                      ("child_obs", "<i4"), ("adult_obs", "<i4")])
_RATINGS = ("closeness", "contact", "emotional", "practical", "informational", "critical",
            "direction", "trusted")
OBSERVATION_DTYPE = np.dtype([("day", "<i4"), ("code", "<i4")])
EPISODE_DTYPE = np.dtype([("kind", "i1"), ("start", "<i8"), ("end", "<i8")])
_CATEGORY_CODE: dict[str, int] = {c: i for i, c in enumerate(CATEGORIES)}
# an observation as pack collects it: its tie's row in the child, day, side, ratings
_RAW_OBSERVATION = np.dtype([("tie", "<i4"), ("day", "<i4"), ("side", "i1")]
                            + [(name, "i1") for name in _RATINGS])


@dataclass(frozen=True)
class PackedChild:
    """One child's packed cohort columns (what a store keeps per child)."""

    ties: bytes
    observations: bytes
    members: str
    episodes: bytes = b""
    episode_values: str = ""


class PackedRow(NamedTuple):
    """A child as a store reads it back: id, team, status and the packed columns (a
    store's query may yield plain tuples of these eight)."""

    child_id: str
    team: str | None
    status: str | None
    ties: bytes
    observations: bytes
    members: str
    episodes: bytes
    episode_values: str

    @classmethod
    def of(cls, child_id: str, team: str | None, status: str | None,
           packed: PackedChild) -> PackedRow:
        """The row of a child and its :class:`PackedChild`."""
        return cls(child_id, team, status, packed.ties, packed.observations, packed.members,
                   packed.episodes, packed.episode_values)


def person_code(category: str, role: str | None, adult: bool, paid: bool) -> int:
    """A person's details as the cohort uses them, in one integer (bit 0 adult, 1 paid,
    2 social worker, 3- the category's index in CATEGORIES).

    >>> code = person_code("professional", "social_worker", True, True)
    >>> code & 7, CATEGORIES[code >> 3]
    (7, 'professional')
    """
    return (int(adult) | int(paid) << 1 | int(role == SOCIAL_WORKER_ROLE) << 2
            | _CATEGORY_CODE[category] << 3)


def finish(spans: Sequence[tuple[int, int, int]], observations: Sequence[tuple[int, ...]],
           members: Sequence[str], episodes: Sequence[tuple[int, int, int]],
           values: Sequence[str | None]) -> PackedChild:
    """The packed columns of one child's items as :func:`pack` collects them, in document
    order: per child tie ``(start, end, person_code)`` and its member's id; per
    observation of a child tie ``(tie's row, day, side, closeness, contact, emotional,
    practical, informational, critical, direction, trusted)``; per episode ``(kind code,
    start, end)`` and its status or team. Every packer (from the model or from checked raw
    JSON) ends here, so the layout is made in one place.

    >>> packed = finish([(738000, NULL_END, 8), (738001, NULL_END, 9), (NULL_START, NULL_END, 8)],
    ...     [(0, 738100, ADULT_SIDE, 1, -1, 0, 0, 0, 0, 0, -1),
    ...      (0, 738050, CHILD_SIDE, 2, -1, 0, 0, 0, 0, 0, -1)],
    ...     ["p", "q", "p"], [], [])
    >>> ties = np.frombuffer(packed.ties, TIE_DTYPE)
    >>> ties["pair"].tolist(), ties["child_obs"].tolist(), ties["adult_obs"].tolist()
    ([0, 1, 0], [1, 0, 0], [1, 0, 0])
    >>> from ecomap.measures.tables import rating
    >>> rating(np.frombuffer(packed.observations, OBSERVATION_DTYPE)["code"], "closeness").tolist()
    [2, 1]
    """
    first: dict[str, int] = {}
    pairs = [first.setdefault(m, len(first)) for m in members]
    # In Python, not numpy: ~130 observations a child cost more in numpy's per-call and
    # per-tuple conversions than the work itself (docs/scale.md, "Import").
    counts = [0] * (2 * len(spans))
    keys: list[int] = []
    for o in observations:
        segment = o[0] * 2 + o[2]
        counts[segment] += 1
        keys.append(segment << 23 | o[1])  # (segment, day); every ordinal is below 2**23
    ratings = [o[3:] for o in observations]
    known = _CODES
    missing = list(set(ratings).difference(known))
    if missing:  # each distinct ratings tuple coded once, by the one rule
        known.update(zip(missing, observation_codes(*zip(*missing, strict=True)).tolist(),
                         strict=True))
    order = sorted(range(len(keys)), key=keys.__getitem__)  # stable: document order kept
    ties = np.empty(len(spans), dtype=TIE_DTYPE)
    if len(spans):
        span = np.array(list(spans), dtype=np.int64).reshape(-1, 3)
        ties["start"], ties["end"], ties["person"] = span[:, 0], span[:, 1], span[:, 2]
        ties["pair"] = pairs
        ties["child_obs"], ties["adult_obs"] = counts[CHILD_SIDE::2], counts[ADULT_SIDE::2]
    obs = np.empty(len(order), dtype=OBSERVATION_DTYPE)
    obs["day"] = [observations[i][1] for i in order]
    obs["code"] = [known[ratings[i]] for i in order]
    return PackedChild(
        ties=ties.tobytes(),
        observations=obs.tobytes(),
        members=json.dumps(list(members))[1:-1],
        episodes=np.array(list(episodes), dtype=EPISODE_DTYPE).tobytes(),
        episode_values=json.dumps(list(values))[1:-1],
    )


_CODES: dict[tuple[int, ...], int] = {}
"""Every distinct ratings tuple :func:`finish` has met, with its code: at most
:data:`~ecomap.measures.tables.N_CODES` (131,072) of them, ~30 MB at worst; 7,764 after
3,000 synthetic children."""


def pack(doc: EcomapDocument) -> PackedChild:
    """The child's cohort columns, as :meth:`CohortTables.from_documents` reads them.

    >>> from ecomap.format import parse_document
    >>> doc = parse_document({"format": "ecomap/1", "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "p", "name": "P", "category": "family"}],
    ...     "ties": [{"id": "t", "between": ["c", "p"], "started": "2024-01-01"}],
    ...     "observations": [{"tie": "t", "on": "2024-02-01", "by": "child", "closeness": 2}]})
    >>> packed = pack(doc)
    >>> len(packed.ties) // TIE_DTYPE.itemsize, packed.members
    (1, '"p"')
    >>> from ecomap.measures.tables import rating
    >>> int(rating(np.frombuffer(packed.observations, OBSERVATION_DTYPE)["code"], "closeness")[0])
    2
    """
    cid = doc.child.id
    people = {p.id: person_code(p.category, p.role, p.adult, p.paid) for p in doc.people}
    tie_row: dict[str, int] = {}
    members: list[str] = []
    spans: list[tuple[int, int, int]] = []
    for tie in doc.ties:
        a, b = tie.between
        if cid not in (a, b):
            continue
        other = b if a == cid else a
        if other not in people:
            continue
        tie_row[tie.id] = len(members)
        members.append(other)
        spans.append((tie.started.toordinal() if tie.started else NULL_START,
                      tie.ended.toordinal() if tie.ended else NULL_END, people[other]))
    obs: list[tuple[int, ...]] = []
    for o in doc.observations:
        row = tie_row.get(o.tie)
        if row is None:
            continue
        sup = o.support
        obs.append((
            row, o.on.toordinal(), CHILD_SIDE if o.by == "child" else ADULT_SIDE,
            o.closeness or 0,
            -1 if o.contact is None else o.contact,
            (sup.emotional or 0) if sup else 0,
            (sup.practical or 0) if sup else 0,
            (sup.informational or 0) if sup else 0,
            o.critical or 0,
            DIRECTION_CODES.get(o.direction or "", 0),
            -1 if o.trusted is None else int(o.trusted),
        ))
    episodes = [(episode_code(e.kind), e.start.toordinal(),
                 e.end.toordinal() if e.end else NULL_END) for e in doc.episodes]
    values = [e.status if e.kind == "status" else e.team if e.kind == "team" else None
              for e in doc.episodes]
    return finish(spans, obs, members, episodes, values)


def tables_from_packed(rows: Iterable[tuple[str, str | None, str | None, bytes, bytes, str,
                                            bytes, str]]) -> CohortTables:
    """The cohort tables of ``rows`` (:class:`PackedRow` or plain tuples of the same eight,
    in the tables' order): the packed records concatenated as they are; tie rows,
    pairs and observation segments offset by the children before."""
    child_ids: list[str] = []
    teams: list[str | None] = []
    statuses: list[str | None] = []
    tie_bytes, obs_bytes, episode_bytes = bytearray(), bytearray(), bytearray()
    n_ties, n_eps = array("q"), array("q")
    member_parts: list[str] = []
    value_parts: list[str] = []
    tie_size, episode_size = TIE_DTYPE.itemsize, EPISODE_DTYPE.itemsize
    for child_id, team, status, ties, observations, members, episodes, values in rows:
        child_ids.append(child_id)
        teams.append(team)
        statuses.append(status)
        tie_bytes += ties
        obs_bytes += observations
        episode_bytes += episodes
        n_ties.append(len(ties) // tie_size)
        n_eps.append(len(episodes) // episode_size)
        if members:
            member_parts.append(members)
        if values:
            value_parts.append(values)
    obs = np.frombuffer(obs_bytes, dtype=OBSERVATION_DTYPE)  # kept: the columns are views
    eps = np.frombuffer(episode_bytes, dtype=EPISODE_DTYPE)
    per_child = np.frombuffer(n_ties, dtype=np.int64) if n_ties else np.zeros(0, np.int64)
    children = np.arange(len(child_ids), dtype=np.int64)
    tie_child = np.repeat(children, per_child)
    ties_ = np.frombuffer(tie_bytes, dtype=TIE_DTYPE)  # read off, then let go
    codes = ties_["person"].astype(np.int64)
    tie_columns = TieColumns(
        child=tie_child, member=Members.from_json(*member_parts),
        start=ties_["start"].copy(), end=ties_["end"].copy(),
        adult=(codes & 1) > 0, paid=(codes & 2) > 0, social_worker=(codes & 4) > 0,
        category=(codes >> 3).astype(np.int8),
    )
    # pairs: each child's numbered from 0, offset by the children before
    local = ties_["pair"].astype(np.int64)
    pairs_per_child = np.zeros(len(child_ids), dtype=np.int64)
    np.maximum.at(pairs_per_child, tie_child, local + 1)
    local += (np.cumsum(pairs_per_child) - pairs_per_child)[tie_child]
    counts = np.empty(2 * len(ties_) + 1, dtype=np.int64)
    counts[0] = 0
    counts[1 + CHILD_SIDE::2], counts[1 + ADULT_SIDE::2] = ties_["child_obs"], ties_["adult_obs"]
    del ties_, codes, tie_bytes
    return CohortTables.from_segments(
        child_ids, teams, statuses, tie_columns,
        tie_pair=local,
        pair_child=np.repeat(children, pairs_per_child),
        observations=SegmentColumns(seg_start=np.cumsum(counts, out=counts),
                                    day=obs["day"], code=obs["code"]),
        episodes=EpisodeColumns(
            np.repeat(children, np.frombuffer(n_eps, dtype=np.int64) if n_eps else
                      np.zeros(0, np.int64)),
            eps["kind"], eps["start"], eps["end"], _episode_values(value_parts)),
    )


def _episode_values(parts: list[str]) -> list[str | None]:
    """The episodes' statuses and teams: each distinct child's text decoded once (many
    children carry the same few statuses and teams in the same order), one string object
    per distinct value."""
    names: dict[str | None, str | None] = {}
    decoded: dict[str, list[str | None]] = {}
    values: list[str | None] = []
    for part in parts:
        found = decoded.get(part)
        if found is None:
            found = decoded[part] = [names.setdefault(v, v) for v in json.loads(f"[{part}]")]
        values.extend(found)
    return values
