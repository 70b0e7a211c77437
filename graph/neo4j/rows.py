"""Rows for the Neo4j store: an ``ecomap/1`` document as parameter maps, and back.

Every map holds only strings, numbers, booleans and ``date`` values (never nulls:
a missing property is an absent key), so ``SET n = row`` writes it unchanged on
Neo4j and on the test server alike.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ecomap.model import (
    FORMAT_NAME,
    Child,
    EcomapDocument,
    Episode,
    Observation,
    Person,
    Tie,
)

Row = dict[str, Any]


def _clean(values: Mapping[str, Any]) -> Row:
    """Drop absent values: Cypher has no null properties."""
    return {key: value for key, value in values.items() if value is not None}


@dataclass
class Rows:
    """The parameter lists that write a batch of documents."""

    children: list[Row] = field(default_factory=list)
    people: dict[str, Row] = field(default_factory=dict)
    knows: list[Row] = field(default_factory=list)
    child_ties: list[Row] = field(default_factory=list)  # {props, child, member, side}
    person_ties: list[Row] = field(default_factory=list)  # {props, a, b}
    episodes: list[Row] = field(default_factory=list)

    def add(self, doc: EcomapDocument, version: int) -> None:
        """Add one document at the given (new) version; a later person row wins."""
        child_id = doc.child.id
        self.children.append(_clean({**doc.child.model_dump(), "version": version}))
        for ord_, person in enumerate(doc.people):
            self.people.pop(person.id, None)  # keep insertion order = last writer wins
            self.people[person.id] = _clean(person.model_dump())
            self.knows.append({"child": child_id, "person": person.id, "ord": ord_})
        observed: dict[str, list[Row]] = {}
        for ord_, obs in enumerate(doc.observations):
            observed.setdefault(obs.tie, []).append(observation_row(ord_, obs))
        for ord_, tie in enumerate(doc.ties):
            a, b = tie.between
            history = observed.get(tie.id, [])
            member = b if a == child_id else a if b == child_id else None
            props = _clean(
                {
                    "id": tie.id,
                    "child": child_id,
                    "ord": ord_,
                    "a": a,
                    "b": b,
                    "member": member,
                    "started": tie.started,
                    "ended": tie.ended,
                    "end_reason": tie.end_reason,
                    "observations": json.dumps(history, separators=(",", ":")) if history else None,
                    "observation_count": len(history),
                }
            )
            if member is None:
                self.person_ties.append({"props": props, "a": a, "b": b})
            else:  # ``side``: where the child stands in ``between``
                side = 0 if a == child_id else 1
                self.child_ties.append(
                    {"props": props, "child": child_id, "member": member, "side": side}
                )
        for ord_, episode in enumerate(doc.episodes):
            self.episodes.append(
                _clean(
                    {
                        "child": child_id,
                        "ord": ord_,
                        "kind": episode.kind,
                        "start_date": episode.start,
                        "end_date": episode.end,
                        "reason": episode.reason,
                        "status": episode.status,
                        "team": episode.team,
                    }
                )
            )


def observation_row(ord_: int, obs: Observation) -> Row:
    """One observation as JSON-ready data with its place in the document.

    >>> from datetime import date
    >>> observation_row(4, Observation(tie="t1", on=date(2024, 1, 10), by="child",
    ...                                closeness=3, support={}))
    {'ord': 4, 'tie': 't1', 'on': '2024-01-10', 'by': 'child', 'closeness': 3, 'support': {}}
    """
    return {"ord": ord_, **obs.model_dump(mode="json", exclude_none=True)}


def observations_from(row: Mapping[str, Any]) -> list[tuple[int, Observation]]:
    """A tie row's observations with their document positions."""
    packed = row.get("observations")
    if not packed:
        return []
    out = []
    for item in json.loads(packed):
        ord_ = int(item.pop("ord"))
        out.append((ord_, Observation.model_validate(item)))
    return out


def native(value: Any) -> Any:
    """A driver value as plain Python (``neo4j.time.Date`` becomes ``datetime.date``)."""
    to_native = getattr(value, "to_native", None)
    if to_native is not None and not isinstance(value, date):
        return to_native()
    return value


def _props(row: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {name: native(row[name]) for name in names if row.get(name) is not None}


def child_from(row: Mapping[str, Any]) -> Child:
    return Child(**_props(row, "id", "name", "birth_date", "status", "team"))


def person_from(row: Mapping[str, Any]) -> Person:
    return Person(**_props(row, "id", "name", "category", "role", "adult", "paid"))


def tie_from(row: Mapping[str, Any]) -> Tie:
    return Tie(between=(row["a"], row["b"]), **_props(row, "id", "started", "ended", "end_reason"))


def episode_from(row: Mapping[str, Any]) -> Episode:
    values = _props(row, "kind", "reason", "status", "team")
    values["start"] = native(row["start_date"])
    if row.get("end_date") is not None:
        values["end"] = native(row["end_date"])
    return Episode(**values)


@dataclass
class Fetched:
    """The rows read back for some children, grouped by child id."""

    children: dict[str, Row] = field(default_factory=dict)
    people: defaultdict[str, list[tuple[int, Row]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    ties: defaultdict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    episodes: defaultdict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))

    def document(self, child_id: str) -> EcomapDocument:
        """Rebuild one child's document, every list in its stored order."""

        def ordered(rows: Iterable[Row]) -> list[Row]:
            return sorted(rows, key=lambda row: int(row["ord"]))

        ties = ordered(self.ties[child_id])
        observed = sorted((pair for row in ties for pair in observations_from(row)), key=_first)
        return EcomapDocument(
            format=FORMAT_NAME,
            child=child_from(self.children[child_id]),
            people=[person_from(row) for _, row in sorted(self.people[child_id], key=_first)],
            ties=[tie_from(row) for row in ties],
            observations=[obs for _, obs in observed],
            episodes=[episode_from(row) for row in ordered(self.episodes[child_id])],
        )


def _first(pair: tuple[int, Any]) -> int:
    return int(pair[0])


__all__ = [
    "Fetched",
    "Row",
    "Rows",
    "child_from",
    "episode_from",
    "native",
    "observation_row",
    "observations_from",
    "person_from",
    "tie_from",
]
