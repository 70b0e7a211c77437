"""Changes to a child's meetings, plans and progress, and the words people see for them.

Each change edits a document's JSON form in place (the API's read-modify-replace:
``api.editing.edit`` validates the whole result, so every FORMAT.md rule applies) and
returns ``{document path: request field}`` so a breach in the part the request added
is named by the request's own field. Unknown meetings or commitments raise
:class:`NotFound`. docs/meetings.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ecomap.measures.plans import commitment_state, last_meeting
from ecomap.model import OPEN_STATES, EcomapDocument, Meeting

__all__ = [
    "CHILD_ANSWERS",
    "KIND_WORDS",
    "PARTICIPATION_WORDS",
    "NotFound",
    "add_commitment",
    "add_meeting",
    "add_progress",
    "child_answer",
    "correct_meeting",
    "update_commitment",
    "who_is_helping",
]

#: The participation codes in plain words (what the editor shows).
PARTICIPATION_WORDS: Mapping[str, str] = {
    "PN0": "under 4",
    "PN1": "came and spoke for themselves",
    "PN2": "came, and an advocate spoke for them",
    "PN3": "came and showed their views without words",
    "PN4": "came but did not share their views",
    "PN5": "did not come; an advocate shared their views",
    "PN6": "did not come; shared their views another way",
    "PN7": "did not come, and their views were not shared",
}
KIND_WORDS: Mapping[str, str] = {
    "family_group_conference": "family group conference",
    "family_network_meeting": "family network meeting",
    "lifelong_links": "lifelong links meeting",
    "looked_after_review": "looked-after review",
    "protection_conference": "child protection conference",
    "other": "other meeting",
}
#: The young person's answer to "Is this happening?" as a ``by: child`` progress state.
CHILD_ANSWERS: Mapping[str, str] = {"yes": "done", "a_bit": "in_progress", "no": "not_done"}
_ANSWER_OF_STATE = {state: answer for answer, state in CHILD_ANSWERS.items()}

_MEETING_FIELDS = ("kind", "on", "invited", "attended", "participation", "note")
_COMMITMENT_FIELDS = ("what", "who", "by")


class NotFound(LookupError):
    """No meeting or commitment with that id in this child's record."""


def _meeting_at(data: dict[str, Any], meeting_id: str) -> int:
    for i, m in enumerate(data.get("meetings", [])):
        if m.get("id") == meeting_id:
            return i
    raise NotFound(f"no meeting {meeting_id!r} in this child's record")


def _commitment_at(data: dict[str, Any], commitment_id: str) -> tuple[int, int]:
    for i, m in enumerate(data.get("meetings", [])):
        for k, c in enumerate(m.get("plan", [])):
            if c.get("id") == commitment_id:
                return i, k
    raise NotFound(f"no commitment {commitment_id!r} in this child's record")


def add_meeting(data: dict[str, Any], meeting: dict[str, Any]) -> dict[str, str]:
    """Append a meeting (with any plan); breaches are named from its own fields.

    >>> data = {"meetings": []}
    >>> add_meeting(data, {"id": "m", "kind": "other", "on": "2024-01-01"})
    {'meetings[0]': ''}
    """
    meetings = data.setdefault("meetings", [])
    meetings.append(meeting)
    return {f"meetings[{len(meetings) - 1}]": ""}


def correct_meeting(data: dict[str, Any], meeting_id: str, changes: dict[str, Any]
                    ) -> dict[str, str]:
    """Correct a meeting's own fields (a None removes an optional one); the plan stays.

    >>> data = {"meetings": [{"id": "m", "kind": "other", "on": "2024-01-01", "note": "x"}]}
    >>> correct_meeting(data, "m", {"participation": "PN1", "note": None})
    {'meetings[0]': ''}
    >>> data["meetings"][0]
    {'id': 'm', 'kind': 'other', 'on': '2024-01-01', 'participation': 'PN1'}
    """
    i = _meeting_at(data, meeting_id)
    meeting = data["meetings"][i]
    for key in _MEETING_FIELDS:
        if key in changes:
            if changes[key] is None:
                meeting.pop(key, None)
            else:
                meeting[key] = changes[key]
    return {f"meetings[{i}]": ""}


def add_commitment(data: dict[str, Any], meeting_id: str, commitment: dict[str, Any]
                   ) -> dict[str, str]:
    """Add a commitment to a meeting's plan.

    >>> data = {"meetings": [{"id": "m", "kind": "other", "on": "2024-01-01"}]}
    >>> add_commitment(data, "m", {"id": "k", "what": "tea", "who": ["g"]})
    {'meetings[0].plan[0]': ''}
    """
    i = _meeting_at(data, meeting_id)
    plan = data["meetings"][i].setdefault("plan", [])
    plan.append(commitment)
    return {f"meetings[{i}].plan[{len(plan) - 1}]": ""}


def update_commitment(data: dict[str, Any], commitment_id: str, changes: dict[str, Any]
                      ) -> dict[str, str]:
    """Change what a commitment says, who holds it or by when (None clears ``by``).

    >>> data = {"meetings": [{"id": "m", "plan": [{"id": "k", "what": "a", "by": "2024-02-01"}]}]}
    >>> update_commitment(data, "k", {"who": ["g"], "by": None})
    {'meetings[0].plan[0]': ''}
    >>> data["meetings"][0]["plan"][0]
    {'id': 'k', 'what': 'a', 'who': ['g']}
    """
    i, k = _commitment_at(data, commitment_id)
    commitment = data["meetings"][i]["plan"][k]
    for key in _COMMITMENT_FIELDS:
        if key in changes:
            if changes[key] is None and key == "by":
                commitment.pop(key, None)
            else:
                commitment[key] = changes[key]
    return {f"meetings[{i}].plan[{k}]": ""}


def add_progress(data: dict[str, Any], commitment_id: str, entry: dict[str, Any]
                 ) -> dict[str, str]:
    """Record a commitment's state from a date (kept in date order: an entry dated
    before the last one is a breach of the format, named ``on``).

    >>> data = {"meetings": [{"id": "m", "plan": [{"id": "k", "what": "a"}]}]}
    >>> add_progress(data, "k", {"on": "2024-02-01", "state": "done", "by": "worker"})
    {'meetings[0].plan[0].progress[0]': ''}
    """
    i, k = _commitment_at(data, commitment_id)
    progress = data["meetings"][i]["plan"][k].setdefault("progress", [])
    progress.append(entry)
    return {f"meetings[{i}].plan[{k}].progress[{len(progress) - 1}]": ""}


def child_answer(answer: str, on: date) -> dict[str, Any]:
    """The young person's "is this happening?" answer as a progress entry.

    >>> child_answer("a_bit", date(2024, 5, 1))
    {'on': '2024-05-01', 'state': 'in_progress', 'by': 'child'}
    """
    return {"on": on.isoformat(), "state": CHILD_ANSWERS[answer], "by": "child"}


def _latest_plan(doc: EcomapDocument, today: date) -> Meeting | None:
    with_plan = [m for m in doc.meetings if m.plan]
    return last_meeting(with_plan, today)


def who_is_helping(doc: EcomapDocument, today: date) -> list[dict[str, Any]]:
    """"Who is helping with what": the open commitments of the latest plan, for the
    young person. Open by what the adults have recorded (the child's own answers do not
    close one), each with what it says, who holds it (names) and the child's latest
    answer (``yes`` / ``a_bit`` / ``no`` or None). No notes, no other perspectives'
    progress, no scores.

    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "g", "name": "Gran", "category": "family"}],
    ...     "meetings": [{"id": "m", "kind": "other", "on": "2024-01-01", "note": "x",
    ...         "plan": [{"id": "k1", "what": "Tea on Sundays", "who": ["g"],
    ...                   "progress": [{"on": "2024-02-01", "state": "done", "by": "child"}]},
    ...                  {"id": "k2", "what": "Diary", "progress": [
    ...                   {"on": "2024-02-01", "state": "dropped", "by": "worker"}]}]}]})
    >>> who_is_helping(doc, date(2024, 3, 1))
    [{'id': 'k1', 'what': 'Tea on Sundays', 'who': ['Gran'], 'answer': 'yes', 'answered_on': '2024-02-01'}]
    """  # noqa: E501
    meeting = _latest_plan(doc, today)
    if meeting is None:
        return []
    names = {p.id: p.name for p in doc.people}
    out = []
    for k in meeting.plan:
        adults = k.model_copy(update={"progress": [p for p in k.progress if p.by != "child"]})
        if commitment_state(adults, meeting.on, today) not in OPEN_STATES:
            continue
        own = [p for p in k.progress if p.by == "child" and p.on <= today]
        out.append({
            "id": k.id,
            "what": k.what,
            "who": [names[w] for w in k.who if w in names],
            "answer": _ANSWER_OF_STATE.get(own[-1].state) if own else None,
            "answered_on": own[-1].on.isoformat() if own else None,
        })
    return out
