"""Cohort tables straight from the embedded store, without documents.

The current state reads the packed per-child columns (:func:`packed_cohort_tables`,
docs/scale.md). A read as recorded at an earlier revision takes the row path below:
one query returns a row per child (in id order): its ties as one JSON array (id,
member, fields packed into one integer by SQLite), the tie ids its observations
refer to, and each observation's fields packed into one integer, as
comma-separated text. Python then only maps tie
ids to rows (a dict per child, looked up in C by ``map``) and numpy parses and
unpacks the integers: no model objects, no Python work per field.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Iterator, Sequence
from itertools import repeat
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ecomap.measures.packed import tables_from_packed
from ecomap.measures.tables import (
    DIRECTION_CODES,
    NULL_END,
    NULL_START,
    CohortTables,
    EpisodeColumns,
    ObservationColumns,
    TieColumns,
    episode_code,
)
from ecomap.model import CATEGORIES, SOCIAL_WORKER_ROLE
from graph.embedded.rows import live
from graph.embedded.schema import OPEN

_PARSE_EVERY = 2000  # children whose packed text is parsed at once (bounds the text kept)


def _day(column: str) -> str:
    """SQL for a stored ISO date as a proleptic ordinal (``date.toordinal``)."""
    return f"CAST(julianday({column}) - 1721424.5 AS INTEGER)"


def _case(column: str, codes: dict[str, int]) -> str:
    whens = " ".join(f"WHEN '{name}' THEN {code}" for name, code in codes.items())
    return f"(CASE {column} {whens} ELSE 0 END)"


# A child tie: bit 0 started known, 1 ended known, 2 adult, 3 paid, 4 social worker,
# 5-7 category, 8-29 started, 30-51 ended (ordinals of 0001-01-01..9999-12-31 < 2**22).
_TIE_PACKED = (
    "(t.started IS NOT NULL) | ((t.ended IS NOT NULL) << 1) | (p.adult << 2) | (p.paid << 3)"
    f" | ((p.role IS '{SOCIAL_WORKER_ROLE}') << 4)"
    f" | ({_case('p.category', {c: i for i, c in enumerate(CATEGORIES)})} << 5)"
    f" | (coalesce({_day('t.started')}, 0) << 8) | (coalesce({_day('t.ended')}, 0) << 30)"
)
_ON_DAY = _day('"on"')
# An observation: bits 0-1 trusted + 1, 2-3 direction, 4-5 critical, 6-7 informational,
# 8-9 practical, 10-11 emotional, 12-14 contact + 1, 15-16 closeness, 17 not the
# child's own answer, 18- the day's ordinal. Missing ratings are 0 (contact, trusted -1).
_OBSERVATION_PACKED = (
    "(coalesce(trusted, -1) + 1)"
    f" | ({_case('direction', DIRECTION_CODES)} << 2)"
    " | (coalesce(critical, 0) << 4) | (coalesce(informational, 0) << 6)"
    " | (coalesce(practical, 0) << 8) | (coalesce(emotional, 0) << 10)"
    " | ((coalesce(contact, -1) + 1) << 12) | (coalesce(closeness, 0) << 15)"
    f" | ((by <> 'child') << 17) | ({_ON_DAY} << 18)"
)
# Every tie of the child as a flat JSON array [id, member, packed, id, member, packed, ...]:
# child ties (those whose other end is a stored person) first, each group in document
# order; the member is null (and packed 0) for a tie between two people.
# The {t}, {p}, {o}, {c} placeholders take each alias's revision predicate (rows.live).
_TIES_JSON = f"""(SELECT '[' || group_concat(v) || ']' FROM (
    SELECT json_quote(t.id) || ',' || json_quote(p.id) || ',' || coalesce({_TIE_PACKED}, 0) AS v
    FROM ties t LEFT JOIN people p ON p.id = t.member AND {{p}} WHERE t.child_id = c.id
    AND {{t}} ORDER BY p.id IS NULL, t.ord))"""

# Every episode of the child as [kind, start, end (null while open), status or team].
_EPISODES_JSON = f"""(SELECT json_group_array(json_array(kind, {_day('start')}, {_day('"end"')},
    CASE kind WHEN 'status' THEN status WHEN 'team' THEN team END))
    FROM (SELECT * FROM episodes e WHERE e.child_id = c.id AND {{e}} ORDER BY e.ord))"""

_COHORT_ROWS = f"""
SELECT c.id, c.team, c.status, {_TIES_JSON},
  (SELECT json_group_array(tie_id) FROM
     (SELECT tie_id FROM observations o WHERE o.child_id = c.id AND {{o}} ORDER BY o.ord)),
  (SELECT group_concat(v) FROM
     (SELECT {_OBSERVATION_PACKED} AS v FROM observations o WHERE o.child_id = c.id AND {{o}}
      ORDER BY o.ord)),
  {_EPISODES_JSON}
FROM children c WHERE {{c}} {{where}} ORDER BY c.id
"""


def cohort_rows(as_recorded: int | None, where: str) -> str:
    """The query, as recorded right after revision ``:r`` (or now, for ``None``)."""
    return _COHORT_ROWS.format(where=where, **{a: live(a, as_recorded) for a in "tpoce"})


def cohort_tables(conn: sqlite3.Connection, ids: Sequence[str] | None,
                  as_recorded: int | None = None,
                  include_closed: bool = False) -> CohortTables:
    """The :class:`CohortTables` of every (or the named, stored) child, in id order, as
    recorded at ``as_recorded``; closed records only with ``include_closed``.

    Run inside one read transaction: it is one query, so one consistent snapshot.
    """
    where = "" if include_closed else "AND c.closed = 0"
    params: dict[str, Any] = {"r": as_recorded}
    if ids is not None:
        where += " AND c.id IN (SELECT value FROM json_each(:ids))"
        params["ids"] = json.dumps(list(ids))
    return _assemble(conn.execute(cohort_rows(as_recorded, where), params))


_PACKED_ROWS = f"""
SELECT c.id, c.team, c.status, k.ties, k.observations, k.members, k.episodes,
  k.episode_values
FROM children c JOIN cohort_packed k ON k.child_id = c.id
WHERE c.rev_to = {OPEN} {{where}} ORDER BY c.id
"""


def packed_cohort_tables(conn: sqlite3.Connection, ids: Sequence[str] | None,
                         include_closed: bool = False) -> CohortTables:
    """The current state's :class:`CohortTables` from the packed per-child columns
    (docs/scale.md): one scan of ``cohort_packed`` joined to the current child rows,
    concatenated by :func:`~ecomap.measures.packed.tables_from_packed`."""
    where = "" if include_closed else "AND c.closed = 0"
    params: dict[str, Any] = {}
    if ids is not None:
        where += " AND c.id IN (SELECT value FROM json_each(:ids))"
        params["ids"] = json.dumps(list(ids))
    return tables_from_packed(conn.execute(_PACKED_ROWS.format(where=where), params))


def _assemble(cursor: Iterator[tuple[Any, ...]]) -> CohortTables:
    child_ids: list[str] = []
    teams: list[str | None] = []
    statuses: list[str | None] = []
    person_index: dict[str, int] = {}
    t_child, t_member, t_packed, o_tie = array("q"), array("q"), array("q"), array("q")
    obs_parts: list[NDArray[np.int64]] = []
    obs_text: list[str] = []
    e_child, e_kind, e_start, e_end = array("q"), array("b"), array("q"), array("q")
    e_value: list[str | None] = []
    for cid, team, status, ties_json, obs_ties, obs_packed, episodes_json in cursor:
        c = len(child_ids)
        child_ids.append(cid)
        teams.append(team)
        statuses.append(status)
        flat = json.loads(ties_json) if ties_json is not None else []
        members = flat[1::3]
        own = len(members) - members.count(None)  # child ties come first
        tie_ids = flat[0::3]
        base = len(t_child)
        rows = dict(zip(tie_ids[:own], range(base, base + own), strict=True))
        rows.update(zip(tie_ids[own:], repeat(-1)))  # ties between two people
        t_child.extend(repeat(c, own))
        t_member.extend([person_index.setdefault(m, len(person_index)) for m in members[:own]])
        t_packed.extend(flat[2 : 3 * own : 3])
        if obs_packed is not None:
            o_tie.extend(map(rows.__getitem__, json.loads(obs_ties)))
            obs_text.append(obs_packed)
        for kind, start, end, value in json.loads(episodes_json):
            e_child.append(c)
            e_kind.append(episode_code(kind))
            e_start.append(start)
            e_end.append(NULL_END if end is None else end)
            e_value.append(value)
        if len(obs_text) >= _PARSE_EVERY:
            obs_parts.append(_parse(obs_text))
            obs_text = []
    obs_parts.append(_parse(obs_text))
    tie = np.frombuffer(t_packed, dtype=np.int64) if len(t_packed) else np.zeros(0, np.int64)
    obs = np.concatenate(obs_parts)
    obs_row = np.frombuffer(o_tie, dtype=np.int64) if len(o_tie) else np.zeros(0, np.int64)
    keep = obs_row >= 0  # observations of child ties only
    obs, obs_row = obs[keep], obs_row[keep]

    def bits(values: NDArray[np.int64], shift: int, width: int) -> NDArray[np.int64]:
        result: NDArray[np.int64] = (values >> shift) & ((1 << width) - 1)
        return result

    def small(shift: int, width: int, offset: int = 0) -> NDArray[np.int8]:
        """An observation's rating as int8: 13 million of them stay 13 MB each."""
        result: NDArray[np.int8] = (bits(obs, shift, width) + offset).astype(np.int8)
        return result

    ties = TieColumns(
        child=t_child,
        member=t_member,
        start=np.where(bits(tie, 0, 1) == 1, bits(tie, 8, 22), NULL_START),
        end=np.where(bits(tie, 1, 1) == 1, bits(tie, 30, 22), NULL_END),
        adult=bits(tie, 2, 1) == 1,
        paid=bits(tie, 3, 1) == 1,
        social_worker=bits(tie, 4, 1) == 1,
        category=bits(tie, 5, 3),
    )
    observations = ObservationColumns(
        tie=obs_row,
        side=small(17, 1),
        day=obs >> 18,
        closeness=small(15, 2),
        contact=small(12, 3, -1),
        emotional=small(10, 2),
        practical=small(8, 2),
        informational=small(6, 2),
        critical=small(4, 2),
        direction=small(2, 2),
        trusted=small(0, 2, -1),
    )
    episodes = EpisodeColumns(e_child, e_kind, e_start, e_end, e_value)
    return CohortTables.from_columns(child_ids, teams, statuses, ties, observations, episodes)


def _parse(texts: list[str]) -> NDArray[np.int64]:
    """The integers of comma-separated texts, parsed by numpy."""
    if not texts:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(",".join(texts), dtype=np.int64, sep=",")
