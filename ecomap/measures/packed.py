"""One child's cohort columns packed as bytes, and many children's unpacked into
:class:`~ecomap.measures.tables.CohortTables` by concatenation (docs/scale.md).

A store keeps :func:`pack` of each child's current document beside the child, written in
the same transaction, and reads the cohort as :func:`tables_from_packed` of every child's
:class:`PackedChild`: no per-row work at read time. The details of the person at the other
end of each tie (category, role, adult, paid: :func:`person_code`) are packed with the
tie, so a store must repack, in the same transaction, every child whose network has a
person whose details a write changes (people are shared by children).

Each child's child ties are one record per tie in document order (:data:`TIE_DTYPE`), its
observations of child ties one record per observation in document order
(:data:`OBSERVATION_DTYPE`, ``tie`` numbered within the child), its members a JSON list
without the brackets (so many children's join with commas into one list). Exactly
``CohortTables.from_documents`` of the same documents (tests/graph/test_cohort_packed.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ecomap.measures.tables import (
    ADULT_SIDE,
    CHILD_SIDE,
    DIRECTION_CODES,
    NULL_END,
    NULL_START,
    CohortTables,
    EpisodeColumns,
    ObservationColumns,
    TieColumns,
    episode_code,
)
from ecomap.model import CATEGORIES, SOCIAL_WORKER_ROLE, EcomapDocument

TIE_DTYPE = np.dtype([("start", "<i8"), ("end", "<i8"), ("person", "i1")])
_RATINGS = ("closeness", "contact", "emotional", "practical", "informational", "critical",
            "direction", "trusted")
OBSERVATION_DTYPE = np.dtype([("tie", "<i4"), ("day", "<i4"), ("side", "i1")]
                             + [(name, "i1") for name in _RATINGS])
EPISODE_DTYPE = np.dtype([("kind", "i1"), ("start", "<i8"), ("end", "<i8")])
_CATEGORY_CODE: dict[str, int] = {c: i for i, c in enumerate(CATEGORIES)}


@dataclass(frozen=True)
class PackedChild:
    """One child's packed cohort columns (what a store keeps per child)."""

    ties: bytes
    observations: bytes
    members: str
    episodes: bytes = b""
    episode_values: str = ""


@dataclass(frozen=True)
class PackedRow:
    """A child as a store reads it back: id, team, status and the packed columns."""

    child_id: str
    team: str | None
    status: str | None
    packed: PackedChild


def person_code(category: str, role: str | None, adult: bool, paid: bool) -> int:
    """A person's details as the cohort uses them, in one integer (bit 0 adult, 1 paid,
    2 social worker, 3- the category's index in CATEGORIES).

    >>> code = person_code("professional", "social_worker", True, True)
    >>> code & 7, CATEGORIES[code >> 3]
    (7, 'professional')
    """
    return (int(adult) | int(paid) << 1 | int(role == SOCIAL_WORKER_ROLE) << 2
            | _CATEGORY_CODE[category] << 3)


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
    >>> int(np.frombuffer(packed.observations, OBSERVATION_DTYPE)["closeness"][0])
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
    return PackedChild(
        ties=np.array(spans, dtype=TIE_DTYPE).tobytes(),
        observations=np.array(obs, dtype=OBSERVATION_DTYPE).tobytes(),
        members=json.dumps(members)[1:-1],
        episodes=np.array(episodes, dtype=EPISODE_DTYPE).tobytes(),
        episode_values=json.dumps(values)[1:-1],
    )


def tables_from_packed(rows: Iterable[PackedRow]) -> CohortTables:
    """The cohort tables of ``rows`` (in the tables' order): the packed columns
    concatenated, tie rows offset."""
    child_ids: list[str] = []
    teams: list[str | None] = []
    statuses: list[str | None] = []
    tie_parts: list[bytes] = []
    obs_parts: list[bytes] = []
    member_parts: list[str] = []
    episode_parts: list[bytes] = []
    value_parts: list[str] = []
    for row in rows:
        child_ids.append(row.child_id)
        teams.append(row.team)
        statuses.append(row.status)
        tie_parts.append(row.packed.ties)
        obs_parts.append(row.packed.observations)
        if row.packed.members:
            member_parts.append(row.packed.members)
        episode_parts.append(row.packed.episodes)
        if row.packed.episode_values:
            value_parts.append(row.packed.episode_values)
    n_ties = np.fromiter((len(t) for t in tie_parts), np.int64, len(tie_parts))
    n_ties //= TIE_DTYPE.itemsize
    n_obs = np.fromiter((len(o) for o in obs_parts), np.int64, len(obs_parts))
    n_obs //= OBSERVATION_DTYPE.itemsize
    n_eps = np.fromiter((len(e) for e in episode_parts), np.int64, len(episode_parts))
    n_eps //= EPISODE_DTYPE.itemsize
    eps = np.frombuffer(b"".join(episode_parts), dtype=EPISODE_DTYPE)
    ties = np.frombuffer(b"".join(tie_parts), dtype=TIE_DTYPE)
    obs = np.frombuffer(b"".join(obs_parts), dtype=OBSERVATION_DTYPE)
    members: list[str] = json.loads("[" + ",".join(member_parts) + "]")
    index: dict[str, int] = {}
    member = np.fromiter((index.setdefault(m, len(index)) for m in members), np.int64,
                         len(members))
    codes = ties["person"].astype(np.int64)
    base = np.cumsum(n_ties) - n_ties  # each child's first tie row
    children = np.arange(len(child_ids), dtype=np.int64)
    return CohortTables.from_columns(
        child_ids, teams, statuses,
        TieColumns(
            child=np.repeat(children, n_ties), member=member,
            start=ties["start"], end=ties["end"],
            adult=(codes & 1) > 0, paid=(codes & 2) > 0, social_worker=(codes & 4) > 0,
            category=codes >> 3,
        ),
        ObservationColumns(
            obs["tie"].astype(np.int64) + np.repeat(base, n_obs), obs["side"], obs["day"],
            *(obs[name] for name in _RATINGS),
        ),
        EpisodeColumns(np.repeat(children, n_eps), eps["kind"], eps["start"], eps["end"],
                       json.loads("[" + ",".join(value_parts) + "]")),
    )
