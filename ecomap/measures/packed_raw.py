"""One child's packed cohort columns (:func:`ecomap.measures.packed.pack`) from a document
in its raw JSON form, checked and completed by :func:`ecomap.format_fast.checked`.

The import's hot path builds no model objects: this collects the same items as
:func:`~ecomap.measures.packed.pack`, read off the raw structure, and ends in the same
:func:`~ecomap.measures.packed.finish`, so the bytes are the same
(``tests/graph/test_bulk.py`` compares the two on synthetic and random documents).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ecomap.measures.packed import PackedChild, finish, person_code
from ecomap.measures.tables import (
    ADULT_SIDE,
    CHILD_SIDE,
    DIRECTION_CODES,
    NULL_END,
    NULL_START,
    episode_code,
)

__all__ = ["pack_checked"]

_ORDINALS: dict[str, int] = {}  # every date text seen (checked already), as an ordinal


def _ordinal(day: str) -> int:
    found = _ORDINALS.get(day)
    if found is None:
        found = _ORDINALS[day] = date.fromisoformat(day).toordinal()
    return found


def pack_checked(doc: dict[str, Any]) -> PackedChild:
    """:func:`~ecomap.measures.packed.pack` of the document ``doc`` holds (the output of
    :func:`ecomap.format_fast.checked`).

    >>> from ecomap.format_fast import checked
    >>> from ecomap.measures.packed import TIE_DTYPE
    >>> doc = checked({"format": "ecomap/1", "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "p", "name": "P", "category": "family"}],
    ...     "ties": [{"id": "t", "between": ["c", "p"], "started": "2024-01-01"}],
    ...     "observations": [{"tie": "t", "on": "2024-02-01", "by": "child", "closeness": 2}]})
    >>> packed = pack_checked(doc)
    >>> len(packed.ties) // TIE_DTYPE.itemsize, packed.members
    (1, '"p"')
    """
    cid = doc["child"]["id"]
    people = {p["id"]: person_code(p["category"], p.get("role"), p["adult"], p["paid"])
              for p in doc["people"]}
    tie_row: dict[str, int] = {}
    members: list[str] = []
    spans: list[tuple[int, int, int]] = []
    ordinal = _ordinal
    for tie in doc["ties"]:
        a, b = tie["between"]
        if cid != a and cid != b:
            continue
        other = b if a == cid else a
        if other not in people:
            continue
        tie_row[tie["id"]] = len(members)
        members.append(other)
        started, ended = tie.get("started"), tie.get("ended")
        spans.append((NULL_START if started is None else ordinal(started),
                      NULL_END if ended is None else ordinal(ended), people[other]))
    obs: list[tuple[int, ...]] = []
    directions = DIRECTION_CODES
    for o in doc["observations"]:
        row = tie_row.get(o["tie"])
        if row is None:
            continue
        get = o.get
        sup = get("support")
        contact, trusted, direction = get("contact"), get("trusted"), get("direction")
        obs.append((
            row, ordinal(o["on"]), CHILD_SIDE if o["by"] == "child" else ADULT_SIDE,
            get("closeness") or 0,
            -1 if contact is None else contact,
            (sup.get("emotional") or 0) if sup else 0,
            (sup.get("practical") or 0) if sup else 0,
            (sup.get("informational") or 0) if sup else 0,
            get("critical") or 0,
            0 if direction is None else directions.get(direction, 0),
            -1 if trusted is None else int(trusted),
        ))
    episodes = doc["episodes"]
    packed_episodes = [(episode_code(e["kind"]), ordinal(e["start"]),
                        NULL_END if e.get("end") is None else ordinal(e["end"]))
                       for e in episodes]
    values = [e.get("status") if e["kind"] == "status" else e.get("team")
              if e["kind"] == "team" else None for e in episodes]
    return finish(spans, obs, members, packed_episodes, values)
