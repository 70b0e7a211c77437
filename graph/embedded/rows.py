"""Conversion between ``ecomap/1`` models and the embedded store's SQLite rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ecomap.model import EcomapDocument, Observation, Person, Tie

Row = tuple[Any, ...]

CHILD_COLUMNS = "id, name, birth_date, status, team"
PERSON_COLUMNS = "id, name, category, role, adult, paid"
TIE_COLUMNS = "id, ord, a, b, member, started, ended, end_reason"
OBSERVATION_COLUMNS = (
    'ord, tie_id, "on", by, closeness, contact, has_support, emotional, practical, '
    "informational, critical, direction, trusted, note"
)
EPISODE_COLUMNS = 'ord, kind, start, "end", reason, status, team'


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


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
    """Flatten a document into rows; order columns keep the document's order.

    Booleans go in as they are: sqlite3 stores ``True``/``False`` as 1/0.
    """
    c = doc.child
    cid = c.id
    ties = []
    for i, t in enumerate(doc.ties):
        a, b = t.between
        member = b if a == cid else a if b == cid else None
        ties.append((cid, t.id, i, a, b, member, _iso(t.started), _iso(t.ended), t.end_reason))
    observations = []
    no_support = (0, None, None, None)
    for i, o in enumerate(doc.observations):  # the hot loop of a bulk import
        s = o.support
        support = no_support if s is None else (1, s.emotional, s.practical, s.informational)
        observations.append((cid, i, o.tie, o.on.isoformat(), o.by, o.closeness, o.contact,
                             *support, o.critical, o.direction, o.trusted, o.note))
    return DocumentRows(
        child=(cid, c.name, _iso(c.birth_date), c.status, c.team),
        people=[(p.id, p.name, p.category, p.role, p.adult, p.paid) for p in doc.people],
        memberships=[(cid, p.id, i) for i, p in enumerate(doc.people)],
        ties=ties,
        observations=observations,
        episodes=[
            (cid, i, e.kind, e.start.isoformat(), _iso(e.end), e.reason, e.status, e.team)
            for i, e in enumerate(doc.episodes)
        ],
    )


# Rows become plain dicts (dates as date objects) and each document is validated once
# as a whole: pydantic-core does that far faster than building each part in Python.


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def person_data(row: Row) -> dict[str, Any]:
    """A person's fields from ``PERSON_COLUMNS``."""
    pid, name, category, role, adult, paid = row
    return {"id": pid, "name": name, "category": category, "role": role,
            "adult": bool(adult), "paid": bool(paid)}


def tie_data(row: Row) -> dict[str, Any]:
    """A tie's fields from ``TIE_COLUMNS``."""
    tid, _ord, a, b, _member, started, ended, end_reason = row
    return {"id": tid, "between": (a, b), "started": _day(started), "ended": _day(ended),
            "end_reason": end_reason}


def observation_data(row: Row) -> dict[str, Any]:
    """An observation's fields from ``OBSERVATION_COLUMNS``."""
    (_ord, tie_id, on, by, closeness, contact, has_support, emotional, practical,
     informational, critical, direction, trusted, note) = row
    return {
        "tie": tie_id, "on": date.fromisoformat(on), "by": by, "closeness": closeness,
        "contact": contact,
        "support": {"emotional": emotional, "practical": practical,
                    "informational": informational} if has_support else None,
        "critical": critical, "direction": direction,
        "trusted": None if trusted is None else bool(trusted), "note": note,
    }


def episode_data(row: Row) -> dict[str, Any]:
    """An episode's fields from ``EPISODE_COLUMNS``."""
    _ord, kind, start, end, reason, status, team = row
    return {"kind": kind, "start": date.fromisoformat(start), "end": _day(end), "reason": reason,
            "status": status, "team": team}


def person(row: Row) -> Person:
    """A person from ``PERSON_COLUMNS``."""
    return Person.model_validate(person_data(row))


def tie(row: Row) -> Tie:
    """A tie from ``TIE_COLUMNS``."""
    return Tie.model_validate(tie_data(row))


def observation(row: Row) -> Observation:
    """An observation from ``OBSERVATION_COLUMNS``."""
    return Observation.model_validate(observation_data(row))


def _boolean(column: str) -> str:
    return f"json(CASE {column} WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE 'null' END)"


# Whole documents are assembled as ecomap/1 JSON by SQLite itself, one text per child:
# the Python side then holds plain strings (which the garbage collector never scans)
# until each document is validated, in Rust, as it is handed out. Subquery results lose
# their JSON subtype, hence the json(...) around each. A subquery with ORDER BY feeding
# an aggregate is never flattened by SQLite, so each array keeps the document's order.
DOCUMENTS_JSON = f"""
SELECT c.id, json_object(
  'format', 'ecomap/1',
  'child', json_object('id', c.id, 'name', c.name, 'birth_date', c.birth_date,
                       'status', c.status, 'team', c.team),
  'people', json((SELECT json_group_array(json_object(
      'id', id, 'name', name, 'category', category, 'role', role,
      'adult', {_boolean('adult')}, 'paid', {_boolean('paid')}))
    FROM (SELECT p.* FROM memberships m JOIN people p ON p.id = m.person_id
          WHERE m.child_id = c.id ORDER BY m.ord))),
  'ties', json((SELECT json_group_array(json_object(
      'id', id, 'between', json_array(a, b), 'started', started, 'ended', ended,
      'end_reason', end_reason))
    FROM (SELECT * FROM ties WHERE child_id = c.id ORDER BY ord))),
  'observations', json((SELECT json_group_array(json_object(
      'tie', tie_id, 'on', "on", 'by', by, 'closeness', closeness, 'contact', contact,
      'support', json(CASE WHEN has_support THEN json_object('emotional', emotional,
          'practical', practical, 'informational', informational) ELSE 'null' END),
      'critical', critical, 'direction', direction, 'trusted', {_boolean('trusted')},
      'note', note))
    FROM (SELECT * FROM observations WHERE child_id = c.id ORDER BY ord))),
  'episodes', json((SELECT json_group_array(json_object(
      'kind', kind, 'start', start, 'end', "end", 'reason', reason, 'status', status,
      'team', team))
    FROM (SELECT * FROM episodes WHERE child_id = c.id ORDER BY ord)))
)
FROM children c WHERE c.id IN (SELECT value FROM json_each(?)) ORDER BY c.id
"""


def document(text: str) -> EcomapDocument:
    """A stored document from its ``DOCUMENTS_JSON`` text."""
    return EcomapDocument.model_validate_json(text)
