"""Conversion between ``ecomap/1`` models and the embedded store's SQLite rows.

Rows of the tables a child owns (memberships, ties, observations, episodes) are held as
their *content* only: the child id, the position in the document (``ord``) and the
revision range are added by the writer, which compares contents to find what changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from ecomap.model import EcomapDocument, Person
from ecomap.stored import stored
from graph.embedded.schema import OPEN

Row = tuple[Any, ...]

CHILD_CONTENT = "name, birth_date, status, team"
PERSON_COLUMNS = "id, name, category, role, adult, paid"
MEMBERSHIP_CONTENT = "person_id"
TIE_CONTENT = "id, a, b, member, started, ended, end_reason"
OBSERVATION_CONTENT = (
    'tie_id, "on", by, closeness, contact, has_support, emotional, practical, '
    "informational, critical, direction, trusted, note"
)
EPISODE_CONTENT = 'kind, start, "end", reason, status, team'
MEETING_CONTENT = 'id, kind, "on", invited, attended, participation, note'
COMMITMENT_CONTENT = "meeting_id, id, what, who, by"
PROGRESS_CONTENT = 'commitment_id, "on", state, by'

#: The tables a child owns, with their content columns, in the order they are written.
CHILD_TABLES: tuple[tuple[str, str], ...] = (
    ("memberships", MEMBERSHIP_CONTENT),
    ("ties", TIE_CONTENT),
    ("observations", OBSERVATION_CONTENT),
    ("episodes", EPISODE_CONTENT),
    ("meetings", MEETING_CONTENT),
    ("commitments", COMMITMENT_CONTENT),
    ("progress", PROGRESS_CONTENT),
)


def ids_json(ids: list[str]) -> str:
    """A list of person ids as the store keeps it (compact JSON text)."""
    return json.dumps(ids, ensure_ascii=False, separators=(",", ":"))


def meeting_rows(doc: EcomapDocument) -> dict[str, list[Row]]:
    """A document's meetings, commitments and progress as row contents (docs/meetings.md).

    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "g", "name": "G", "category": "family"}],
    ...     "meetings": [{"id": "m", "kind": "other", "on": "2024-01-01", "attended": ["g"],
    ...         "plan": [{"id": "k", "what": "tea", "who": ["g"],
    ...                   "progress": [{"on": "2024-02-01", "state": "done"}]}]}]})
    >>> meeting_rows(doc)["progress"]
    [('k', '2024-02-01', 'done', None)]
    """
    meetings: list[Row] = []
    commitments: list[Row] = []
    progress: list[Row] = []
    for m in doc.meetings:
        meetings.append((m.id, m.kind, m.on.isoformat(), ids_json(m.invited), ids_json(m.attended),
                         m.participation, m.note))
        for k in m.plan:
            commitments.append((m.id, k.id, k.what, ids_json(k.who), _iso(k.by)))
            progress.extend((k.id, p.on.isoformat(), p.state, p.by) for p in k.progress)
    return {"meetings": meetings, "commitments": commitments, "progress": progress}


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


@dataclass(frozen=True)
class DocumentRows:
    """One document as row contents: ``child`` is ``CHILD_CONTENT``, ``people`` are
    ``PERSON_COLUMNS``, and ``owned`` holds each of ``CHILD_TABLES``' rows in document
    order (a row's index is its ``ord``; the import's fast path may give them as lists,
    which the writer compares as tuples)."""

    child_id: str
    child: Row
    people: list[Row]
    owned: dict[str, list[Row]]


def person_row(p: Person) -> Row:
    """A person as ``PERSON_COLUMNS`` (booleans stay booleans: sqlite3 stores 1/0, and
    ``True == 1`` when contents are compared)."""
    return (p.id, p.name, p.category, p.role, p.adult, p.paid)


def to_rows(doc: EcomapDocument) -> DocumentRows:
    """Flatten a document into row contents; list positions keep the document's order."""
    c = doc.child
    cid = c.id
    ties = []
    for t in doc.ties:
        a, b = t.between
        member = b if a == cid else a if b == cid else None
        ties.append((t.id, a, b, member, _iso(t.started), _iso(t.ended), t.end_reason))
    observations = []
    no_support = (0, None, None, None)
    for o in doc.observations:  # the hot loop of a bulk import
        s = o.support
        support = no_support if s is None else (1, s.emotional, s.practical, s.informational)
        observations.append((o.tie, o.on.isoformat(), o.by, o.closeness, o.contact,
                             *support, o.critical, o.direction, o.trusted, o.note))
    return DocumentRows(
        child_id=cid,
        child=(c.name, _iso(c.birth_date), c.status, c.team),
        people=[person_row(p) for p in doc.people],
        owned={
            "memberships": [(p.id,) for p in doc.people],
            "ties": ties,
            "observations": observations,
            "episodes": [(e.kind, e.start.isoformat(), _iso(e.end), e.reason, e.status, e.team)
                         for e in doc.episodes],
            **meeting_rows(doc),
        },
    )


def person_data(row: Row) -> dict[str, Any]:
    """A person's fields from ``PERSON_COLUMNS``."""
    pid, name, category, role, adult, paid = row
    return {"id": pid, "name": name, "category": category, "role": role,
            "adult": bool(adult), "paid": bool(paid)}


def person(row: Row) -> Person:
    """A person from ``PERSON_COLUMNS``."""
    return stored(Person, person_data(row))


def live(alias: str, as_recorded: int | None) -> str:
    """SQL: the rows of ``alias`` that were current right after revision ``:r`` (or are
    current now, for ``None``: the primary key's equality prefix).

    >>> live("t", None)
    't.rev_to = 4611686018427387904'
    >>> live("t", 3)
    '(t.rev_from <= :r AND t.rev_to > :r)'
    """
    if as_recorded is None:
        return f"{alias}.rev_to = {OPEN}"
    return f"({alias}.rev_from <= :r AND {alias}.rev_to > :r)"


def _boolean(column: str) -> str:
    return f"json(CASE {column} WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE 'null' END)"


# Whole documents are assembled as ecomap/1 JSON by SQLite itself, one text per child:
# the Python side then holds plain strings (which the garbage collector never scans)
# until each document is validated, in Rust, as it is handed out. Subquery results lose
# their JSON subtype, hence the json(...) around each. A subquery with ORDER BY feeding
# an aggregate is never flattened by SQLite, so each array keeps the document's order.
_DOCUMENTS_JSON = """
SELECT c.id, json_object(
  'format', 'ecomap/1',
  'child', json_object('id', c.id, 'name', c.name, 'birth_date', c.birth_date,
                       'status', c.status, 'team', c.team),
  'people', json((SELECT json_group_array(json_object(
      'id', id, 'name', name, 'category', category, 'role', role,
      'adult', {adult}, 'paid', {paid}))
    FROM (SELECT p.* FROM memberships m JOIN people p ON p.id = m.person_id AND {p}
          WHERE m.child_id = c.id AND {m} ORDER BY m.ord))),
  'ties', json((SELECT json_group_array(json_object(
      'id', id, 'between', json_array(a, b), 'started', started, 'ended', ended,
      'end_reason', end_reason))
    FROM (SELECT * FROM ties t WHERE t.child_id = c.id AND {t} ORDER BY t.ord))),
  'observations', json((SELECT json_group_array(json_object(
      'tie', tie_id, 'on', "on", 'by', by, 'closeness', closeness, 'contact', contact,
      'support', json(CASE WHEN has_support THEN json_object('emotional', emotional,
          'practical', practical, 'informational', informational) ELSE 'null' END),
      'critical', critical, 'direction', direction, 'trusted', {trusted},
      'note', note))
    FROM (SELECT * FROM observations o WHERE o.child_id = c.id AND {o} ORDER BY o.ord))),
  'episodes', json((SELECT json_group_array(json_object(
      'kind', kind, 'start', start, 'end', "end", 'reason', reason, 'status', status,
      'team', team))
    FROM (SELECT * FROM episodes e WHERE e.child_id = c.id AND {e} ORDER BY e.ord))),
  'meetings', json((SELECT json_group_array(json_object(
      'id', mt.id, 'kind', mt.kind, 'on', mt."on", 'invited', json(mt.invited),
      'attended', json(mt.attended), 'participation', mt.participation, 'note', mt.note,
      'plan', json((SELECT json_group_array(json_object(
          'id', k.id, 'what', k.what, 'who', json(k.who), 'by', k.by,
          'progress', json((SELECT json_group_array(json_object(
              'on', pr."on", 'state', pr.state, 'by', pr.by))
            FROM (SELECT * FROM progress pr WHERE pr.child_id = c.id AND {pr}
                  AND pr.commitment_id = k.id ORDER BY pr.ord) pr))))
        FROM (SELECT * FROM commitments k WHERE k.child_id = c.id AND {k}
              AND k.meeting_id = mt.id ORDER BY k.ord) k))))
    FROM (SELECT * FROM meetings mt WHERE mt.child_id = c.id AND {mt} ORDER BY mt.ord) mt))
)
FROM children c
WHERE c.id IN (SELECT value FROM json_each(:ids)) AND {c} AND (:closed OR c.closed = 0)
ORDER BY c.id
"""


def documents_json(as_recorded: int | None) -> str:
    """SQL giving ``(child id, ecomap/1 JSON)`` for the children in ``:ids`` (a JSON
    array) as recorded at ``:r`` (or now, for ``None``), in id order; closed records
    only when ``:closed`` is 1."""
    return _DOCUMENTS_JSON.format(
        adult=_boolean("adult"), paid=_boolean("paid"), trusted=_boolean("trusted"),
        **{a: live(a, as_recorded) for a in ("c", "p", "m", "t", "o", "e", "mt", "k", "pr")},
    )


def document(text: str) -> EcomapDocument:
    """A stored document from its ``documents_json`` text: validated in Rust, or, if it
    breaks a rule added after it was stored, as stored (:func:`ecomap.stored.stored`)."""
    try:
        return EcomapDocument.model_validate_json(text)
    except ValidationError:
        return stored(EcomapDocument, json.loads(text))
