"""Rows for the Neo4j store: an ``ecomap/1`` document as property maps, and back.

A row's *content* is its map without ``rev_from``/``rev_to``: the writer compares
contents to find what changed. Every map holds only strings, numbers, booleans and
``date`` values (never nulls: a missing property is an absent key), so
``SET n = row`` writes it unchanged on Neo4j and on the test server alike.
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
    Commitment,
    EcomapDocument,
    Episode,
    Meeting,
    Observation,
    Person,
    Progress,
    Tie,
)
from ecomap.stored import stored

Row = dict[str, Any]

#: The properties that place a row in record time; not part of its content.
REVISION_KEYS = frozenset({"rev_from", "rev_to"})


def _clean(values: Mapping[str, Any]) -> Row:
    """Drop absent values: Cypher has no null properties."""
    return {key: value for key, value in values.items() if value is not None}


def native(value: Any) -> Any:
    """A driver value as plain Python (``neo4j.time.Date`` becomes ``datetime.date``)."""
    to_native = getattr(value, "to_native", None)
    if to_native is not None and not isinstance(value, date):
        return to_native()
    return value


def content(row: Mapping[str, Any]) -> Row:
    """A stored row's content: plain values, without its revision range.

    >>> content({"id": "p1", "name": "Jo", "rev_from": 3})
    {'id': 'p1', 'name': 'Jo'}
    """
    return {key: native(value) for key, value in row.items() if key not in REVISION_KEYS}


def child_row(doc: EcomapDocument, closed: bool) -> Row:
    """The child's row (``closed`` is always present, so listings can filter on it)."""
    return {**_clean(doc.child.model_dump()), "closed": closed}


def person_row(person: Person) -> Row:
    """A person's row.

    >>> person_row(Person(id="p1", name="Jo", category="family"))
    {'id': 'p1', 'name': 'Jo', 'category': 'family', 'adult': True, 'paid': False}
    """
    return _clean(person.model_dump())


def observation_row(ord_: int, obs: Observation) -> Row:
    """One observation as JSON-ready data with its place in the document.

    >>> observation_row(4, Observation(tie="t1", on=date(2024, 1, 10), by="child",
    ...                                closeness=3, support={}))
    {'ord': 4, 'tie': 't1', 'on': '2024-01-10', 'by': 'child', 'closeness': 3, 'support': {}}
    """
    return {"ord": ord_, **obs.model_dump(mode="json", exclude_none=True)}


def owned_rows(doc: EcomapDocument) -> dict[str, list[Row]]:
    """The rows the child owns, by label, each list in document order (index = ``ord``)."""
    child_id = doc.child.id
    observed: dict[str, list[Row]] = {}
    for ord_, obs in enumerate(doc.observations):
        observed.setdefault(obs.tie, []).append(observation_row(ord_, obs))
    ties = []
    for ord_, tie in enumerate(doc.ties):
        a, b = tie.between
        history = observed.get(tie.id, [])
        ties.append(
            _clean(
                {
                    "child": child_id,
                    "ord": ord_,
                    "id": tie.id,
                    "a": a,
                    "b": b,
                    "member": b if a == child_id else a if b == child_id else None,
                    "started": tie.started,
                    "ended": tie.ended,
                    "end_reason": tie.end_reason,
                    "observations": json.dumps(history, separators=(",", ":"))
                    if history
                    else None,
                    "observation_count": len(history),
                }
            )
        )
    episodes = []
    for ord_, episode in enumerate(doc.episodes):
        values = episode.model_dump()
        values["start_date"] = values.pop("start")
        values["end_date"] = values.pop("end")
        episodes.append(_clean({"child": child_id, "ord": ord_, **values}))
    return {
        "MemberRow": [
            {"child": child_id, "ord": ord_, "person": person.id}
            for ord_, person in enumerate(doc.people)
        ],
        "TieRow": ties,
        "EpisodeRow": episodes,
        **meeting_rows(doc),
    }


def _ids(ids: list[str]) -> str:
    return json.dumps(ids, ensure_ascii=False, separators=(",", ":"))


def meeting_rows(doc: EcomapDocument) -> dict[str, list[Row]]:
    """A document's meetings, commitments and progress as rows (docs/meetings.md).

    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "meetings": [{"id": "m", "kind": "other", "on": "2024-01-01",
    ...         "plan": [{"id": "k", "what": "tea", "progress": [
    ...             {"on": "2024-02-01", "state": "done"}]}]}]})
    >>> meeting_rows(doc)["ProgressRow"]
    [{'child': 'c', 'ord': 0, 'commitment': 'k', 'on': datetime.date(2024, 2, 1), 'state': 'done'}]
    """
    cid = doc.child.id
    meetings: list[Row] = []
    commitments: list[Row] = []
    progress: list[Row] = []
    for m in doc.meetings:
        meetings.append(_clean({
            "child": cid, "ord": len(meetings), "id": m.id, "kind": m.kind, "on": m.on,
            "invited": _ids(m.invited), "attended": _ids(m.attended),
            "participation": m.participation, "note": m.note}))
        for k in m.plan:
            commitments.append(_clean({
                "child": cid, "ord": len(commitments), "meeting": m.id, "id": k.id,
                "what": k.what, "who": _ids(k.who), "by": k.by}))
            for p in k.progress:
                progress.append(_clean({
                    "child": cid, "ord": len(progress), "commitment": k.id, "on": p.on,
                    "state": p.state, "by": p.by}))
    return {"MeetingRow": meetings, "CommitmentRow": commitments, "ProgressRow": progress}


def meetings_from(meetings: Iterable[Row], commitments: Iterable[Row],
                  progress: Iterable[Row]) -> list[Meeting]:
    """One child's meetings rebuilt from their rows, every list in its stored order."""
    def ordered(rows: Iterable[Row]) -> list[Row]:
        return sorted(rows, key=lambda row: int(row["ord"]))

    entries: dict[str, list[Progress]] = defaultdict(list)
    for row in ordered(progress):
        entries[row["commitment"]].append(stored(Progress, _props(row, "on", "state", "by")))
    plans: dict[str, list[Commitment]] = defaultdict(list)
    for row in ordered(commitments):
        plans[row["meeting"]].append(stored(Commitment, {
            "who": json.loads(row["who"]), "progress": entries[row["id"]],
            **_props(row, "id", "what", "by")}))
    return [
        stored(Meeting, {"invited": json.loads(row["invited"]),
                         "attended": json.loads(row["attended"]), "plan": plans[row["id"]],
                         **_props(row, "id", "kind", "on", "participation", "note")})
        for row in ordered(meetings)
    ]


def observations_from(row: Mapping[str, Any]) -> list[tuple[int, Observation]]:
    """A tie row's observations with their document positions."""
    packed = row.get("observations")
    if not packed:
        return []
    out = []
    for item in json.loads(packed):
        ord_ = int(item.pop("ord"))
        out.append((ord_, stored(Observation, item)))
    return out


def _props(row: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {name: native(row[name]) for name in names if row.get(name) is not None}


def child_from(row: Mapping[str, Any]) -> Child:
    return stored(Child, _props(row, *Child.model_fields))


def person_from(row: Mapping[str, Any]) -> Person:
    return stored(Person, _props(row, *Person.model_fields))


def tie_from(row: Mapping[str, Any]) -> Tie:
    return stored(Tie, {"between": (row["a"], row["b"]),
                        **_props(row, "id", "started", "ended", "end_reason")})


def episode_from(row: Mapping[str, Any]) -> Episode:
    names = [name for name in Episode.model_fields if name not in ("start", "end")]
    values = _props(row, *names)
    values["start"] = native(row["start_date"])
    if row.get("end_date") is not None:
        values["end"] = native(row["end_date"])
    return stored(Episode, values)


@dataclass
class Fetched:
    """The rows read back for some children, grouped by child id."""

    children: dict[str, Row] = field(default_factory=dict)
    people: defaultdict[str, list[tuple[int, Row]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    ties: defaultdict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    episodes: defaultdict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    #: meeting rows by label (MeetingRow, CommitmentRow, ProgressRow), then by child
    meetings: defaultdict[str, defaultdict[str, list[Row]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )

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
            meetings=meetings_from(self.meetings["MeetingRow"][child_id],
                                   self.meetings["CommitmentRow"][child_id],
                                   self.meetings["ProgressRow"][child_id]),
        )


def _first(pair: tuple[int, Any]) -> int:
    return int(pair[0])


__all__ = [
    "Fetched",
    "Row",
    "child_from",
    "child_row",
    "content",
    "episode_from",
    "native",
    "observation_row",
    "observations_from",
    "owned_rows",
    "person_from",
    "person_row",
    "tie_from",
]
