"""Cohort tables from the Neo4j store without building documents.

The current state reads each child's packed cohort columns (docs/scale.md), kept as one
``CohortPacked`` node per child written in the same transaction as the child, in one
streamed read (:func:`read_packed`). A read as recorded at an earlier revision takes the
row path (:func:`read_all`, :func:`cohort_tables`).
"""

from __future__ import annotations

import json
from array import array
from base64 import b64decode, b64encode
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ecomap.measures.packed import PACKED_FORMAT, PackedRow, pack, tables_from_packed
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
from graph.neo4j import cypher
from graph.neo4j.rows import Fetched, Row, native

if TYPE_CHECKING:
    from graph.neo4j.tx import ReadTx

_CATEGORY = {c: i for i, c in enumerate(CATEGORIES)}


def _ordinal(value: Any, missing: int) -> int:
    day = native(value)
    return day.toordinal() if isinstance(day, date) else missing


def packed_row(doc: EcomapDocument) -> Row:
    """The ``CohortPacked`` node's properties for ``doc``: the columns as base64 text (as
    byte arrays, reading them back from the Bolt test server cost more than the row path:
    docs/scale.md)."""
    packed = pack(doc)
    return {"child": doc.child.id, "ties": b64encode(packed.ties).decode("ascii"),
            "observations": b64encode(packed.observations).decode("ascii"),
            "members": packed.members,
            "episodes": b64encode(packed.episodes).decode("ascii"),
            "episode_values": packed.episode_values, "format": PACKED_FORMAT}


def read_packed(tx: ReadTx, r: int, include_closed: bool,
                ids: Sequence[str] | None = None) -> CohortTables | None:
    """The current state's tables from the packed columns, read in one transaction (the
    latest revision ``r``); None if a current child has none yet, or none of
    :data:`~ecomap.measures.packed.PACKED_FORMAT` (read the rows)."""
    wanted = None if ids is None else set(ids)
    children = {str(row["id"]): row for row in tx.run(cypher.COHORT_CHILDREN, r=r)}
    packed = {str(row["child"]): row for row in tx.run(cypher.ALL_PACKED,
                                                       format=PACKED_FORMAT)}
    if not children.keys() <= packed.keys():
        return None
    rows = (PackedRow(cid, child.get("team"), child.get("status"),
                      b64decode(packed[cid]["ties"]), b64decode(packed[cid]["observations"]),
                      str(packed[cid]["members"]), b64decode(packed[cid]["episodes"]),
                      str(packed[cid]["episode_values"]))
            for cid, child in sorted(children.items())
            if (include_closed or not child.get("closed"))
            and (wanted is None or cid in wanted))
    return tables_from_packed(rows)


def read_all(tx: ReadTx, r: int, include_closed: bool) -> tuple[list[str], Fetched]:
    """Every child's rows the cohort tables need, as they stood right after revision
    ``r``: five whole-label reads (children, memberships, people, child ties, episodes), so the
    cost does not grow with round trips per child."""
    fetched = Fetched()
    for row in tx.run(cypher.ALL_CHILDREN, r=r):
        if include_closed or not row["row"].get("closed"):
            fetched.children[str(row["row"]["id"])] = row["row"]
    people = {str(row["person"]["id"]): row["person"] for row in tx.run(cypher.ALL_PEOPLE, r=r)}
    for row in tx.run(cypher.ALL_MEMBERS, r=r):
        if row["child"] in fetched.children:
            fetched.people[row["child"]].append((int(row["ord"]), people[row["person"]]))
    for row in tx.run(cypher.ALL_CHILD_TIES, r=r):
        if row["child"] in fetched.children:
            fetched.ties[row["child"]].append(row)
    for row in tx.run(cypher.ALL_EPISODES, r=r):  # status and team periods
        if row["row"]["child"] in fetched.children:
            fetched.episodes[row["row"]["child"]].append(row["row"])
    return sorted(fetched.children), fetched


def cohort_tables(batches: Iterable[tuple[list[str], Fetched]]) -> CohortTables:
    """The tables of the children of each ``(ids in id order, rows read for them)``,
    the same as ``CohortTables.from_documents`` of their documents (the contract
    suite checks it) but with no model objects: observations stay JSON data."""
    child_ids: list[str] = []
    teams: list[str | None] = []
    statuses: list[str | None] = []
    person_index: dict[str, int] = {}
    t_child, t_member, t_start, t_end = array("q"), array("q"), array("q"), array("q")
    t_adult, t_paid, t_worker, t_category = array("b"), array("b"), array("b"), array("b")
    o_tie, o_side, o_day = array("q"), array("b"), array("q")
    o_values = [array("b") for _ in range(8)]
    e_child, e_kind, e_start, e_end = array("q"), array("b"), array("q"), array("q")
    e_value: list[str | None] = []
    for ids, fetched in batches:
        for cid in ids:
            child = fetched.children.get(cid)
            if child is None:
                continue
            c = len(child_ids)
            child_ids.append(cid)
            teams.append(child.get("team"))
            statuses.append(child.get("status"))
            people = {str(row["id"]): row for _, row in fetched.people[cid]}
            for tie in sorted(fetched.ties[cid], key=lambda row: int(row["ord"])):
                person = people.get(tie.get("member") or "")
                if person is None:  # a tie between two people
                    continue
                row = len(t_child)
                t_child.append(c)
                t_member.append(person_index.setdefault(str(person["id"]), len(person_index)))
                t_start.append(_ordinal(tie.get("started"), NULL_START))
                t_end.append(_ordinal(tie.get("ended"), NULL_END))
                t_adult.append(bool(person.get("adult")))
                t_paid.append(bool(person.get("paid")))
                t_worker.append(person.get("role") == SOCIAL_WORKER_ROLE)
                t_category.append(_CATEGORY[person["category"]])
                for obs in json.loads(tie.get("observations") or "[]"):  # document order
                    o_tie.append(row)
                    o_side.append(CHILD_SIDE if obs["by"] == "child" else ADULT_SIDE)
                    o_day.append(date.fromisoformat(obs["on"]).toordinal())
                    support = obs.get("support") or {}
                    trusted = obs.get("trusted")
                    values = (
                        obs.get("closeness") or 0,
                        -1 if obs.get("contact") is None else obs["contact"],
                        support.get("emotional") or 0,
                        support.get("practical") or 0,
                        support.get("informational") or 0,
                        obs.get("critical") or 0,
                        DIRECTION_CODES.get(obs.get("direction") or "", 0),
                        -1 if trusted is None else int(trusted),
                    )
                    for column, value in zip(o_values, values, strict=True):
                        column.append(value)
            for episode in sorted(fetched.episodes[cid], key=lambda row: int(row["ord"])):
                kind = str(episode["kind"])
                e_child.append(c)
                e_kind.append(episode_code(kind))
                e_start.append(_ordinal(episode.get("start_date"), NULL_START))
                e_end.append(_ordinal(episode.get("end_date"), NULL_END))
                e_value.append(episode.get(kind) if kind in ("status", "team") else None)
    ties = TieColumns(t_child, t_member, t_start, t_end, t_adult, t_paid, t_worker, t_category)
    observations = ObservationColumns(o_tie, o_side, o_day, *o_values)
    episodes = EpisodeColumns(e_child, e_kind, e_start, e_end, e_value)
    return CohortTables.from_columns(child_ids, teams, statuses, ties, observations, episodes)
