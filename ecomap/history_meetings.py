"""What changed in a child's meetings between two versions, in plain words.

Part of :func:`ecomap.history.changes` (the revisions listing, ``ecomap history`` and the
editor's History panel): "held a family group conference on 2025-03-10", "committed:
“Tea at gran's” (Maureen, by 2025-06-30)", "“Tea at gran's”: done (2025-07-01, the
worker's view)". Note text is never repeated, only that a note changed. docs/meetings.md.
"""

from __future__ import annotations

from collections.abc import Callable

from ecomap.meeting_edits import KIND_WORDS, PARTICIPATION_WORDS
from ecomap.model import Commitment, EcomapDocument, Meeting, Progress

__all__ = ["meeting_changes"]

ARROW = "→"

Name = Callable[[str], str | None]


def _meeting(m: Meeting) -> str:
    return f"the {KIND_WORDS[m.kind]} on {m.on.isoformat()}"


def _people(ids: list[str], name: Name) -> str:
    return ", ".join(name(i) or i for i in ids) or "nobody"


def _commitment(k: Commitment, name: Name) -> str:
    who = _people(k.who, name) if k.who else "the child"
    by = f", by {k.by.isoformat()}" if k.by else ""
    return f"“{k.what}” ({who}{by})"


def _progress(k: Commitment, p: Progress) -> str:
    side = f", the {p.by}'s view" if p.by else ""
    return f"“{k.what}”: {p.state.replace('_', ' ')} ({p.on.isoformat()}{side})"


def _took_part(code: str | None) -> str:
    """A participation code in the editor's words (docs/meetings.md)."""
    return "not recorded" if code is None else PARTICIPATION_WORDS[code]


def _meeting_field_changes(old: Meeting, new: Meeting, name: Name) -> list[str]:
    out = []
    where = _meeting(new)
    if old.kind != new.kind or old.on != new.on:
        out.append(f"{_meeting(old)} is now {where}")
    if old.participation != new.participation:
        out.append(f"how the child took part in {where}: "
                   f"{_took_part(old.participation)} {ARROW} {_took_part(new.participation)}")
    for field in ("invited", "attended"):
        was, now = getattr(old, field), getattr(new, field)
        added = [p for p in now if p not in was]
        gone = [p for p in was if p not in now]
        if added:
            out.append(f"{field} {where}: added {_people(added, name)}")
        if gone:
            out.append(f"{field} {where}: removed {_people(gone, name)}")
    if (old.note or None) != (new.note or None):
        out.append(f"{'changed' if old.note else 'added'} the note on {where}")
    return out


def _commitment_changes(old: Commitment, new: Commitment, name: Name) -> list[str]:
    out = []
    if (old.what, old.who, old.by) != (new.what, new.who, new.by):
        out.append(f"changed {_commitment(old, name)} {ARROW} {_commitment(new, name)}")
    shared = 0
    while (shared < min(len(old.progress), len(new.progress))
           and old.progress[shared] == new.progress[shared]):
        shared += 1
    out += [f"removed progress {_progress(new, p)}" for p in old.progress[shared:]]
    out += [_progress(new, p) for p in new.progress[shared:]]
    return out


def meeting_changes(before: EcomapDocument, after: EcomapDocument, name: Name) -> list[str]:
    """One sentence per change to meetings, plans and progress from ``before`` to ``after``.

    ``name`` says who a person id is.

    >>> def doc(meetings):
    ...     return EcomapDocument.model_validate({"format": "ecomap/1",
    ...         "child": {"id": "c", "name": "C"},
    ...         "people": [{"id": "g", "name": "Gran", "category": "family"}],
    ...         "meetings": meetings})
    >>> m = {"id": "m", "kind": "family_group_conference", "on": "2025-03-10",
    ...      "attended": ["g"], "plan": [{"id": "k", "what": "Tea", "who": ["g"]}]}
    >>> v1, v2 = doc([]), doc([m])
    >>> v3 = doc([{**m, "participation": "PN1", "plan": [{"id": "k", "what": "Tea",
    ...     "who": ["g"], "progress": [{"on": "2025-04-01", "state": "done", "by": "worker"}]}]}])
    >>> for line in meeting_changes(v1, v2, {"g": "Gran"}.get): print(line)
    held the family group conference on 2025-03-10 (came: Gran)
    committed: “Tea” (Gran)
    >>> for line in meeting_changes(v2, v3, {"g": "Gran"}.get): print(line)
    how the child took part in the family group conference on 2025-03-10: not recorded → came and spoke for themselves
    “Tea”: done (2025-04-01, the worker's view)
    """  # noqa: E501
    def say(pid: str) -> str:
        return name(pid) or pid

    old = {m.id: m for m in before.meetings}
    new_ids = {m.id for m in after.meetings}
    out: list[str] = []
    for m in after.meetings:
        was = old.get(m.id)
        if was is None:
            out.append(f"held {_meeting(m)} (came: {_people(m.attended, say)})")
            for k in m.plan:
                out.append(f"committed: {_commitment(k, say)}")
                out += [_progress(k, p) for p in k.progress]
            continue
        if was == m:
            continue
        out += _meeting_field_changes(was, m, say)
        old_plan = {k.id: k for k in was.plan}
        for k in m.plan:
            if k.id not in old_plan:
                out.append(f"committed: {_commitment(k, say)}")
                out += [_progress(k, p) for p in k.progress]
            elif old_plan[k.id] != k:
                out += _commitment_changes(old_plan[k.id], k, say)
        kept = {k.id for k in m.plan}
        out += [f"removed {_commitment(k, say)}" for k in was.plan if k.id not in kept]
    out += [f"removed {_meeting(m)}" for m in before.meetings if m.id not in new_ids]
    return out
