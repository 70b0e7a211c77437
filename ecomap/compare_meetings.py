"""Meetings and plans in the editor's compare of two dates, in plain words.

Part of :func:`ecomap.view.ecomap_diff` (``GET /api/children/{id}/diff``): the meetings
held between the two dates (each with a sentence: what it was, who came, how the child
took part, its plan and how much of it was done by the later date) and every commitment
whose state changed between them (a commitment of a meeting held in between counts as
new, from no state). Names come from the document; the note is never said.
docs/meetings.md, "The API".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ecomap.measures.effective import View
from ecomap.measures.plans import commitment_state
from ecomap.meeting_edits import KIND_WORDS, PARTICIPATION_WORDS
from ecomap.meetings import meetings_between
from ecomap.model import Commitment, EcomapDocument, Meeting

__all__ = ["STATE_WORDS", "commitment_changes", "meetings_compared"]

#: A commitment's state in plain words.
STATE_WORDS: dict[str, str] = {
    "agreed": "agreed", "in_progress": "happening", "done": "done",
    "not_done": "not done", "dropped": "dropped",
}

Name = Callable[[str], str]


def _names(doc: EcomapDocument) -> Name:
    people = {p.id: p.name for p in doc.people}
    return lambda pid: people.get(pid, pid)


def _who(k: Commitment, name: Name, child: str) -> str:
    return ", ".join(name(w) for w in k.who) if k.who else child


def _meeting_words(m: Meeting, done: int, end: date, name: Name, child: str) -> str:
    came = ", ".join(name(p) for p in m.attended) or "nobody recorded"
    part = (f"; {child} {PARTICIPATION_WORDS[m.participation]}"
            if m.participation is not None else "")
    plan = (f"; {len(m.plan)} commitment{'s' if len(m.plan) != 1 else ''}, {done} done by "
            f"{end.isoformat()}" if m.plan else "; no plan")
    return f"{KIND_WORDS[m.kind]} on {m.on.isoformat()}: came {came}{part}{plan}"


def meetings_compared(doc: EcomapDocument, start: date, end: date) -> list[dict[str, Any]]:
    """The meetings held in (``start``, ``end``] (:func:`ecomap.meetings.meetings_between`),
    each with ``words``.

    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "Ava"},
    ...     "people": [{"id": "g", "name": "Gran", "category": "family"}],
    ...     "meetings": [{"id": "m", "kind": "family_group_conference", "on": "2024-02-01",
    ...         "attended": ["g"], "participation": "PN1", "note": "private",
    ...         "plan": [{"id": "k", "what": "Tea", "who": ["g"], "progress": [
    ...             {"on": "2024-03-01", "state": "done"}]}]}]})
    >>> meetings_compared(doc, date(2024, 1, 1), date(2024, 6, 1))[0]["words"]
    'family group conference on 2024-02-01: came Gran; Ava came and spoke for themselves; 1 commitment, 1 done by 2024-06-01'
    """  # noqa: E501
    name, child = _names(doc), doc.child.name
    by_id = {m.id: m for m in doc.meetings}
    return [{**row, "words": _meeting_words(by_id[row["id"]], row["done"], end, name, child)}
            for row in meetings_between(doc.meetings, start, end)]


def commitment_changes(doc: EcomapDocument, start: date, end: date,
                       perspective: View = "combined") -> list[dict[str, Any]]:
    """Every commitment whose state on ``end`` differs from its state on ``start`` (None
    before its meeting), from ``perspective`` (the child's: only their own answers), in
    document order: ``id``, ``meeting``, ``what``, ``who``, ``from``, ``to`` and ``words``.

    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "Ava"},
    ...     "people": [{"id": "g", "name": "Gran", "category": "family"}],
    ...     "meetings": [{"id": "m", "kind": "other", "on": "2024-01-10", "plan": [
    ...         {"id": "k", "what": "Tea", "who": ["g"], "progress": [
    ...             {"on": "2024-03-01", "state": "done"}]},
    ...         {"id": "j", "what": "Diary"}]}]})
    >>> [c["words"] for c in commitment_changes(doc, date(2024, 2, 1), date(2024, 6, 1))]
    ['“Tea” (Gran): agreed → done']
    >>> [c["words"] for c in commitment_changes(doc, date(2024, 1, 1), date(2024, 2, 1))]
    ['“Tea” (Gran): new, agreed', '“Diary” (Ava): new, agreed']
    """
    name, child = _names(doc), doc.child.name
    out = []
    for m in doc.meetings:
        for k in m.plan:
            before = commitment_state(k, m.on, start, perspective)
            after = commitment_state(k, m.on, end, perspective)
            if before == after or after is None:
                continue
            said = (f"new, {STATE_WORDS[after]}" if before is None
                    else f"{STATE_WORDS[before]} → {STATE_WORDS[after]}")
            out.append({"id": k.id, "meeting": m.id, "what": k.what, "who": list(k.who),
                        "from": before, "to": after,
                        "words": f"“{k.what}” ({_who(k, name, child)}): {said}"})
    return out
