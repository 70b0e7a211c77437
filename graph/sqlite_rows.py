"""Conversion between ``ecomap/1`` models and the embedded store's SQLite rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ecomap.model import Child, EcomapDocument, Episode, Observation, Person, Tie

Row = tuple[Any, ...]

CHILD_COLUMNS = "id, name, birth_date, status, team"
PERSON_COLUMNS = "id, name, category, role, adult, paid"
TIE_COLUMNS = "id, ord, a, b, member, started, ended, end_reason"
OBSERVATION_COLUMNS = (
    'ord, tie_id, "on", by, closeness, contact, has_support, emotional, practical, '
    "informational, critical, direction, trusted, note"
)
EPISODE_COLUMNS = 'ord, kind, start, "end", reason'


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _flag(b: bool | None) -> int | None:
    return None if b is None else int(b)


@dataclass(frozen=True)
class DocumentRows:
    """One document as rows ready for ``executemany`` (child id first where tables need it)."""

    child: Row
    people: list[Row]
    memberships: list[Row]
    ties: list[Row]
    observations: list[Row]
    episodes: list[Row]


def to_rows(doc: EcomapDocument) -> DocumentRows:
    """Flatten a document into rows; order columns keep the document's order."""
    c = doc.child
    cid = c.id
    ties = []
    for i, t in enumerate(doc.ties):
        a, b = t.between
        member = b if a == cid else a if b == cid else None
        ties.append((cid, t.id, i, a, b, member, _iso(t.started), _iso(t.ended), t.end_reason))
    observations = []
    for i, o in enumerate(doc.observations):
        s = o.support
        observations.append((
            cid, i, o.tie, o.on.isoformat(), o.by, o.closeness, o.contact,
            0 if s is None else 1,
            None if s is None else s.emotional,
            None if s is None else s.practical,
            None if s is None else s.informational,
            o.critical, o.direction, _flag(o.trusted), o.note,
        ))
    return DocumentRows(
        child=(cid, c.name, _iso(c.birth_date), c.status, c.team),
        people=[(p.id, p.name, p.category, p.role, int(p.adult), int(p.paid)) for p in doc.people],
        memberships=[(cid, p.id, i) for i, p in enumerate(doc.people)],
        ties=ties,
        observations=observations,
        episodes=[
            (cid, i, e.kind, e.start.isoformat(), _iso(e.end), e.reason)
            for i, e in enumerate(doc.episodes)
        ],
    )


def person(row: Row) -> Person:
    """A person from ``PERSON_COLUMNS``."""
    pid, name, category, role, adult, paid = row
    return Person.model_validate({"id": pid, "name": name, "category": category, "role": role,
                                  "adult": bool(adult), "paid": bool(paid)})


def tie(row: Row) -> Tie:
    """A tie from ``TIE_COLUMNS``."""
    tid, _ord, a, b, _member, started, ended, end_reason = row
    return Tie.model_validate({"id": tid, "between": (a, b), "started": started,
                               "ended": ended, "end_reason": end_reason})


def observation(row: Row) -> Observation:
    """An observation from ``OBSERVATION_COLUMNS``."""
    (_ord, tie_id, on, by, closeness, contact, has_support, emotional, practical,
     informational, critical, direction, trusted, note) = row
    support = (
        {"emotional": emotional, "practical": practical, "informational": informational}
        if has_support else None
    )
    return Observation.model_validate({
        "tie": tie_id, "on": on, "by": by, "closeness": closeness, "contact": contact,
        "support": support, "critical": critical, "direction": direction,
        "trusted": None if trusted is None else bool(trusted), "note": note,
    })


def episode(row: Row) -> Episode:
    """An episode from ``EPISODE_COLUMNS``."""
    _ord, kind, start, end, reason = row
    return Episode.model_validate({"kind": kind, "start": start, "end": end, "reason": reason})


@dataclass
class DocumentParts:
    """Rows of several children gathered by child id, then assembled into documents."""

    children: dict[str, Row] = field(default_factory=dict)
    people: defaultdict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    ties: defaultdict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    observations: defaultdict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    episodes: defaultdict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))

    @staticmethod
    def group(rows: Iterable[Row], into: defaultdict[str, list[Row]]) -> None:
        """File rows whose first column is the child id (dropped) under that id."""
        for row in rows:
            into[row[0]].append(row[1:])

    def documents(self, ids: Sequence[str]) -> list[EcomapDocument]:
        """The assembled documents for ``ids`` (in that order) that have a child row."""
        out = []
        for cid in ids:
            child_row = self.children.get(cid)
            if child_row is None:
                continue
            _id, name, birth_date, status, team = child_row
            out.append(EcomapDocument(
                format="ecomap/1",
                child=Child.model_validate({"id": cid, "name": name, "birth_date": birth_date,
                                            "status": status, "team": team}),
                people=[person(r) for r in self.people.get(cid, ())],
                ties=[tie(r) for r in self.ties.get(cid, ())],
                observations=[observation(r) for r in self.observations.get(cid, ())],
                episodes=[episode(r) for r in self.episodes.get(cid, ())],
            ))
        return out
