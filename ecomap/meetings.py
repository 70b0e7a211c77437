"""Meetings in the record's other views: as at a date, without notes, in a graph export.

docs/meetings.md. The measures are in :mod:`ecomap.measures.plans`; the rules in
:mod:`ecomap.format_meetings`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import networkx as nx

from ecomap.measures.plans import commitment_state
from ecomap.model import OPEN_STATES, EcomapDocument, Meeting

__all__ = [
    "add_meetings_to_graph", "meetings_as_at", "meetings_between", "meetings_without_notes",
    "plan_status",
]


def meetings_as_at(meetings: Sequence[Meeting], at: date) -> list[Meeting]:
    """The meetings as they stood on ``at``: held by then, with progress made by then.

    >>> from ecomap.model import Commitment, Progress
    >>> ms = [Meeting(id="a", kind="other", on=date(2024, 1, 1), plan=[
    ...     Commitment(id="k", what="x", progress=[
    ...         Progress(on=date(2024, 2, 1), state="done")])]),
    ...     Meeting(id="b", kind="other", on=date(2024, 3, 1))]
    >>> [(m.id, len(m.plan[0].progress)) for m in meetings_as_at(ms, date(2024, 1, 15))]
    [('a', 0)]
    """
    out = []
    for m in meetings:
        if m.on > at:
            continue
        plan = [
            k.model_copy(update={"progress": [p for p in k.progress if p.on <= at]})
            for k in m.plan
        ]
        out.append(m.model_copy(update={"plan": plan}))
    return out


def meetings_without_notes(meetings: Sequence[Meeting]) -> list[Meeting]:
    """The meetings with their notes removed (for young people's reads).

    >>> m = Meeting(id="a", kind="other", on=date(2024, 1, 1), note="private")
    >>> meetings_without_notes([m])[0].note is None
    True
    """
    return [m.model_copy(update={"note": None}) for m in meetings]


def add_meetings_to_graph(graph: nx.Graph, meetings: Sequence[Meeting], at: date | None) -> None:
    """Add each meeting as a node and its people as edges (GraphML/GEXF exports).

    A meeting node has ``kind`` ``meeting``, ``meeting_kind``, ``on`` and
    ``participation`` (never the note). A person linked to it gets one edge with
    ``relation`` ``meeting``, ``invited`` / ``attended`` (bools) and ``commitments``
    (how many of its commitments they hold); with ``at``, only meetings held by then,
    and ``open_commitments`` (those still agreed or in progress on ``at``). Commitments
    the child holds (empty ``who``) are counted on the meeting as ``child_commitments``.

    >>> g = nx.Graph()
    >>> add_meetings_to_graph(g, [Meeting.model_validate({"id": "m", "kind": "other",
    ...     "on": "2024-01-01", "attended": ["p"], "participation": "PN1",
    ...     "plan": [{"id": "k", "what": "x", "who": ["p"]}]})], None)
    >>> g.nodes["m"]["participation"], g.edges["p", "m"]
    ('PN1', {'relation': 'meeting', 'invited': False, 'attended': True, 'commitments': 1})
    """
    for m in meetings:
        if at is not None and m.on > at:
            continue
        node: dict[str, Any] = {"kind": "meeting", "meeting_kind": m.kind, "on": m.on.isoformat(),
                                "child_commitments": sum(1 for k in m.plan if not k.who)}
        if m.participation is not None:
            node["participation"] = m.participation
        graph.add_node(m.id, **node)
        people = list(dict.fromkeys([*m.invited, *m.attended, *(w for k in m.plan for w in k.who)]))
        for pid in people:
            held = [k for k in m.plan if pid in k.who]
            edge: dict[str, Any] = {
                "relation": "meeting",
                "invited": pid in m.invited,
                "attended": pid in m.attended,
                "commitments": len(held),
            }
            if at is not None:
                edge["open_commitments"] = sum(
                    1 for k in held if commitment_state(k, m.on, at) in ("agreed", "in_progress")
                )
            graph.add_edge(pid, m.id, **edge)


def meetings_between(meetings: Sequence[Meeting], start: date, end: date) -> list[dict[str, Any]]:
    """The meetings held in (``start``, ``end``] for the editor's compare, oldest first:
    ``id``, ``kind``, ``on``, ``participation``, ``attended`` (how many came),
    ``commitments`` and how many of them were ``done`` on ``end``.

    >>> ms = [Meeting.model_validate({"id": "m", "kind": "other", "on": "2024-02-01",
    ...     "attended": ["g"], "plan": [{"id": "k", "what": "x", "progress": [
    ...         {"on": "2024-03-01", "state": "done"}]}]})]
    >>> meetings_between(ms, date(2024, 1, 1), date(2024, 6, 1))
    [{'id': 'm', 'kind': 'other', 'on': '2024-02-01', 'participation': None, 'attended': 1, 'commitments': 1, 'done': 1}]
    >>> meetings_between(ms, date(2024, 2, 1), date(2024, 6, 1))
    []
    """  # noqa: E501
    held = sorted((m for m in meetings if start < m.on <= end), key=lambda m: m.on)
    return [
        {
            "id": m.id, "kind": m.kind, "on": m.on.isoformat(),
            "participation": m.participation, "attended": len(m.attended),
            "commitments": len(m.plan),
            "done": sum(1 for k in m.plan if commitment_state(k, m.on, end) == "done"),
        }
        for m in held
    ]


_ANSWERS = {"done": "yes", "in_progress": "a_bit", "not_done": "no"}


def plan_status(doc: EcomapDocument, today: date) -> dict[str, Any]:
    """Where every commitment stands today, for the editor's list and map toggle.

    Per commitment: ``state`` (combined: the latest entry from anyone), ``open``,
    ``on_track`` (open, not past its ``by``, and the child's latest answer is not
    "no"; None when it is no longer open) and ``child_answer`` (``yes`` / ``a_bit`` /
    ``no`` / None). ``holders``: each person holding an open commitment, True when all
    of theirs are on track.

    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "g", "name": "G", "category": "family"}],
    ...     "meetings": [{"id": "m", "kind": "other", "on": "2024-01-01", "plan": [
    ...         {"id": "k1", "what": "a", "who": ["g"], "by": "2024-02-01"},
    ...         {"id": "k2", "what": "b", "who": ["g"], "progress": [
    ...             {"on": "2024-01-05", "state": "in_progress", "by": "child"}]}]}]})
    >>> s = plan_status(doc, date(2024, 3, 1))
    >>> s["commitments"]["k1"]["on_track"], s["commitments"]["k2"]["child_answer"], s["holders"]
    (False, 'a_bit', {'g': False})
    """
    commitments: dict[str, dict[str, Any]] = {}
    holders: dict[str, bool] = {}
    for m in doc.meetings:
        for k in m.plan:
            state = commitment_state(k, m.on, today)
            if state is None:
                continue
            own = [p for p in k.progress if p.by == "child" and p.on <= today]
            answer = _ANSWERS.get(own[-1].state) if own else None
            is_open = state in OPEN_STATES
            on_track = None
            if is_open:
                on_track = (k.by is None or k.by >= today) and answer != "no"
                for pid in k.who:
                    holders[pid] = holders.get(pid, True) and on_track
            commitments[k.id] = {"state": state, "open": is_open, "on_track": on_track,
                                 "child_answer": answer}
    return {"commitments": commitments, "holders": holders}
