"""Plans and participation on a date (MEASURES.md; docs/meetings.md, "The measures").

From a document's ``meetings``: how many were held in the window, the latest one
(how the child took part, who of the family network came), and the plan's
commitments: open, due, kept, held by unpaid people, held by trusted adults.

The state of a commitment on t is its latest progress entry with ``on <= t`` (on one
date the later entry in the list wins), from any perspective except that for the
``child`` perspective only ``by: child`` entries count; with no such entry it is
``agreed`` from its meeting's date. It is *open* when its meeting is on or before t
and that state is ``agreed`` or ``in_progress``.

Choices where MEASURES.md is silent (docs/meetings.md lists them too):

- ``unpaid_attendees`` is a count of distinct people; null only when there is no
  ``last_meeting`` (0 when it had no unpaid attendee);
- ``commitments_due`` counts commitments of meetings held on or before t (a plan not
  yet made has nothing due);
- of two meetings on the same date the later in the document is ``last_meeting``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from datetime import date, timedelta
from typing import Any

from ecomap.measures.effective import View
from ecomap.measures.rounding import ratio
from ecomap.model import OPEN_STATES, Commitment, EcomapDocument, Meeting, Person

__all__ = [
    "VIEWS_CONVEYED",
    "commitment_state",
    "holders",
    "last_meeting",
    "plans_measures",
    "views_conveyed",
]

#: Participation codes under which the child's views were conveyed (True) or not.
VIEWS_CONVEYED: Mapping[str, bool] = {
    "PN1": True, "PN2": True, "PN3": True, "PN5": True, "PN6": True,
    "PN4": False, "PN7": False,
}


def views_conveyed(code: str | None) -> bool | None:
    """``child_views_conveyed`` for one participation code (null for PN0 or none).

    >>> views_conveyed("PN2"), views_conveyed("PN7"), views_conveyed("PN0"), views_conveyed(None)
    (True, False, None, None)
    """
    return None if code is None else VIEWS_CONVEYED.get(code)


def commitment_state(
    commitment: Commitment, held_on: date, at: date, perspective: View = "combined"
) -> str | None:
    """The commitment's state on ``at``; None when its meeting is after ``at``.

    >>> from ecomap.model import Progress
    >>> k = Commitment(id="k", what="x", progress=[
    ...     Progress(on=date(2024, 2, 1), state="in_progress", by="worker"),
    ...     Progress(on=date(2024, 3, 1), state="done", by="child")])
    >>> [commitment_state(k, date(2024, 1, 1), d) for d in
    ...     (date(2023, 12, 1), date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1))]
    [None, 'agreed', 'in_progress', 'done']
    >>> commitment_state(k, date(2024, 1, 1), date(2024, 2, 15), "child")
    'agreed'
    """
    if held_on > at:
        return None
    state = "agreed"
    for entry in commitment.progress:
        if entry.on > at:
            continue
        if perspective == "child" and entry.by != "child":
            continue
        state = entry.state
    return state


def last_meeting(meetings: Iterable[Meeting], at: date) -> Meeting | None:
    """The latest meeting on or before ``at`` (the later in the list on one date).

    >>> ms = [Meeting(id="a", kind="other", on=date(2024, 1, 1)),
    ...       Meeting(id="b", kind="other", on=date(2024, 1, 1))]
    >>> last_meeting(ms, date(2024, 1, 1)).id, last_meeting(ms, date(2023, 1, 1))
    ('b', None)
    """
    found: Meeting | None = None
    for m in meetings:
        if m.on <= at and (found is None or m.on >= found.on):
            found = m
    return found


def holders(people: Mapping[str, Person], who: Iterable[str]) -> list[Person]:
    """The people of a commitment's ``who`` that the document knows, in order.

    >>> holders({"g": Person(id="g", name="G", category="family")}, ["g", "x"])[0].id
    'g'
    """
    return [people[p] for p in who if p in people]


def plans_measures(
    doc: EcomapDocument,
    at: date,
    perspective: View = "combined",
    window_days: int = 365,
    trusted: Set[str] = frozenset(),
) -> dict[str, Any]:
    """The ``plans`` block of one child's measures on ``at`` (MEASURES.md names).

    ``trusted`` are the trusted adults on ``at`` from the same perspective (the
    network block's); ``trusted_in_plan`` is over them.

    Examples
    --------
    A family group conference: gran and a neighbour commit; the neighbour's lifts
    are not kept, gran's Sunday tea is; the social worker's referral is still open.

    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "gran", "name": "G", "category": "family"},
    ...                {"id": "nb", "name": "N", "category": "community"},
    ...                {"id": "sw", "name": "S", "category": "professional"}],
    ...     "meetings": [{"id": "m", "kind": "family_group_conference", "on": "2024-03-01",
    ...         "invited": ["gran", "nb", "sw"], "attended": ["gran", "nb", "sw"],
    ...         "participation": "PN1", "plan": [
    ...         {"id": "k1", "what": "tea", "who": ["gran"], "by": "2024-06-01",
    ...          "progress": [{"on": "2024-06-01", "state": "done", "by": "worker"}]},
    ...         {"id": "k2", "what": "lifts", "who": ["nb"], "by": "2024-06-01",
    ...          "progress": [{"on": "2024-06-15", "state": "not_done"}]},
    ...         {"id": "k3", "what": "referral", "who": ["sw"], "by": "2024-12-01"}]}]})
    >>> p = plans_measures(doc, date(2024, 6, 30), trusted={"gran", "nb"})
    >>> p["meetings"], p["last_meeting"], p["unpaid_attendees"]
    (1, {'on': '2024-03-01', 'kind': 'family_group_conference', 'participation': 'PN1'}, 2)
    >>> p["commitments_open"], p["commitments_due"], p["commitments_kept_rate"]
    (1, 2, 0.5)
    >>> p["network_commitment_share"], p["trusted_in_plan"], p["child_views_conveyed"]
    (0.0, 0.0, True)
    """
    t0 = at - timedelta(days=window_days)
    people = {p.id: p for p in doc.people}
    latest = last_meeting(doc.meetings, at)
    opened = due = kept = with_who = unpaid_held = 0
    holding: set[str] = set()
    for m in doc.meetings:
        for k in m.plan:
            state = commitment_state(k, m.on, at, perspective)
            if state is None:
                continue
            if k.by is not None and t0 < k.by <= at:
                due += 1
                kept += state == "done"
            if state not in OPEN_STATES:
                continue
            opened += 1
            held_by = holders(people, k.who)
            holding.update(p.id for p in held_by)
            if k.who:
                with_who += 1
                unpaid_held += any(not p.paid for p in held_by)
    return {
        "meetings": sum(1 for m in doc.meetings if t0 < m.on <= at),
        "last_meeting": None if latest is None else {
            "on": latest.on.isoformat(), "kind": latest.kind,
            "participation": latest.participation,
        },
        "unpaid_attendees": None if latest is None else len(
            {p.id for p in holders(people, latest.attended) if not p.paid}
        ),
        "commitments_open": opened,
        "commitments_due": due,
        "commitments_kept_rate": ratio(kept, due),
        "network_commitment_share": ratio(unpaid_held, with_who),
        "trusted_in_plan": ratio(len(trusted & holding), len(trusted)),
        "child_views_conveyed": None if latest is None else views_conveyed(latest.participation),
    }
