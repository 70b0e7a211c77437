"""The FORMAT.md rules for ``meetings`` that span the document (docs/meetings.md, "The record").

- meeting ids and commitment ids are unique in the document (the store checks the
  rest of the store);
- a meeting's ``invited`` and ``attended`` and each commitment's ``who`` name people
  of this document (the child's own part is the ``participation`` code, or an empty
  ``who``);
- a commitment's progress is not dated before its meeting, and is in date order
  (two entries may share a date; the later one in the list wins).

Field rules (kinds, PN codes, states, dates) are the model's (:mod:`ecomap.model`).
These run on the model (:func:`meetings_clean`, the fast yes/no) or leniently on raw
data (:func:`meeting_breaches`, every breach with its path), as the other cross rules.
"""

from __future__ import annotations

from collections.abc import Iterator, Set
from datetime import date
from typing import Any

from ecomap.errors import Breach
from ecomap.model import EcomapDocument
from ecomap.raw import raw_date, raw_id, raw_items

__all__ = ["meeting_breaches", "meetings_clean", "raw_meetings"]


def _ids(value: object) -> Iterator[tuple[int, str]]:
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            ref = raw_id(item)
            if ref is not None:
                yield i, ref


def raw_meetings(doc: EcomapDocument) -> list[dict[str, Any]]:
    """A built document's meetings as plain data, for :func:`meeting_breaches`."""
    return [m.model_dump() for m in doc.meetings]


def meetings_clean(doc: EcomapDocument) -> bool:
    """Whether a built document's meetings keep every rule (no messages: the fast path).

    >>> from ecomap.model import Child, Meeting
    >>> doc = EcomapDocument(format="ecomap/1", child=Child(id="c", name="C"),
    ...     meetings=[Meeting(id="m", kind="other", on=date(2024, 1, 1), invited=["x"])])
    >>> meetings_clean(doc)
    False
    """
    people = {p.id for p in doc.people}
    seen_meetings: set[str] = set()
    seen_commitments: set[str] = set()
    for m in doc.meetings:
        if m.id in seen_meetings:
            return False
        seen_meetings.add(m.id)
        if not people.issuperset(m.invited) or not people.issuperset(m.attended):
            return False
        for k in m.plan:
            if k.id in seen_commitments or not people.issuperset(k.who):
                return False
            seen_commitments.add(k.id)
            last = m.on
            for p in k.progress:
                if p.on < last:
                    return False
                last = p.on
    return True


def _person_breach(path: str, ref: str, people: Set[str], child_id: str | None) -> Breach | None:
    if ref in people:
        return None
    if ref == child_id:
        return Breach(path, f"{ref!r} is the child: record how the child took part as the "
                            "meeting's participation code (or leave a commitment's who empty "
                            "when the child holds it)")
    return Breach(path, f"{ref!r} is not one of this document's people")


def meeting_breaches(
    meetings: object, people: Set[str], child_id: str | None
) -> list[Breach]:
    """Every breach of the meeting rules in ``meetings`` (raw data, read leniently).

    ``people`` are the document's person ids; ``child_id`` the child's id.

    >>> meeting_breaches([{"id": "m", "on": "2024-03-01", "attended": ["p", "c"],
    ...     "plan": [{"id": "k", "who": ["q"], "progress": [
    ...         {"on": "2024-02-01", "state": "done"}]}]}], {"p"}, "c")[0].path
    'meetings[0].attended[1]'
    >>> [b.path for b in meeting_breaches([{"id": "m", "on": "2024-03-01",
    ...     "plan": [{"id": "k", "who": ["q"], "progress": [
    ...         {"on": "2024-02-01", "state": "done"}]}]}], {"p"}, "c")]
    ['meetings[0].plan[0].who[0]', 'meetings[0].plan[0].progress[0].on']
    """
    out: list[Breach] = []
    meeting_at: dict[str, int] = {}
    commitment_at: dict[str, str] = {}
    for i, m in raw_items(meetings):
        where = f"meetings[{i}]"
        mid = raw_id(m.get("id"))
        if mid is not None:
            if mid in meeting_at:
                out.append(Breach(f"{where}.id", f"meeting id {mid!r} is used more than once "
                                                 f"(first at meetings[{meeting_at[mid]}])"))
            else:
                meeting_at[mid] = i
        for field in ("invited", "attended"):
            for j, ref in _ids(m.get(field)):
                breach = _person_breach(f"{where}.{field}[{j}]", ref, people, child_id)
                if breach is not None:
                    out.append(breach)
        held_on = raw_date(m.get("on"))
        for k, c in raw_items(m.get("plan")):
            at = f"{where}.plan[{k}]"
            cid = raw_id(c.get("id"))
            if cid is not None:
                if cid in commitment_at:
                    out.append(Breach(f"{at}.id", f"commitment id {cid!r} is used more than "
                                                  f"once (first at {commitment_at[cid]})"))
                else:
                    commitment_at[cid] = at
            for j, ref in _ids(c.get("who")):
                breach = _person_breach(f"{at}.who[{j}]", ref, people, child_id)
                if breach is not None:
                    out.append(breach)
            last: date | None = None
            for j, p in raw_items(c.get("progress")):
                on = raw_date(p.get("on"))
                if on is None:
                    continue
                if held_on is not None and on < held_on:
                    out.append(Breach(f"{at}.progress[{j}].on",
                                      f"{on} is before its meeting ({held_on})"))
                elif last is not None and on < last:
                    out.append(Breach(f"{at}.progress[{j}].on",
                                      f"{on} is before the entry above it ({last}); progress "
                                      "is kept in date order"))
                last = on if last is None else max(last, on)
    return out
