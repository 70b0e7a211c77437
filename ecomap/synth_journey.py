"""A synthetic child's journey through the service: dated status and team episodes.

Realistic shapes, from what local authorities report: early help -> child in need ->
protection plan -> looked after -> care leaver, with steps skipped (straight to a plan,
an emergency entry to care), steps reversed ("ping-ponging" between early help and
children's social care, a plan stepped down to child in need and back up), cases
closed and reopened months or years later, and transfers between teams (a case moving
to the team where the child now lives, a care leaver moving to the Leaving Care team).

The journey ends in the child's current status and team (the network already built for
them), so the document's ``child.status``/``child.team`` agree with the episodes. It
draws from its own random stream, so adding journeys left every network unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from random import Random
from typing import Any

from ecomap.model import Status
from ecomap.synth_history import iso, years

GEOGRAPHIC = ("North", "South", "East", "West")
_MIN_DAYS = 14
RECORDS_YEARS = 12
"""The synthetic authority's case records begin this many years before "as at" (as if
migrated from an older system then): a case open before that is on record from then."""

Span = tuple[str, int, int | None]  # value, start, end (None: still open)


def _cut(rng: Random, start: int, end: int, parts: int) -> list[int]:
    """``parts + 1`` increasing boundaries from ``start`` to ``end`` (each part at least
    :data:`_MIN_DAYS` when there is room)."""
    room = end - start
    if parts <= 1:
        return [start, end]
    if room < parts * _MIN_DAYS:  # too short to keep every part: some come out empty
        return [start + room * i // parts for i in range(parts)] + [end]
    inner = sorted(rng.sample(range(1, room // _MIN_DAYS), parts - 1))
    return [start, *[start + i * _MIN_DAYS for i in inner], end]


def _path(rng: Random, status: Status) -> list[str]:
    """The stages of the current open case, ending in ``status`` (skips and reversals)."""
    if status == "early_help":
        return rng.choice([["early_help"]] * 5 + [["child_in_need", "early_help"],
                                                  ["early_help", "child_in_need", "early_help"]])
    if status == "child_in_need":
        return rng.choice([["child_in_need"]] * 3 + [
            ["early_help", "child_in_need"]] * 3 + [
            ["early_help", "child_in_need", "early_help", "child_in_need"],  # ping-pong
            ["child_protection", "child_in_need"],  # a plan stepped down
        ])
    if status == "child_protection":
        return rng.choice([
            ["child_protection"], ["child_protection"],  # straight to a plan
            ["child_in_need", "child_protection"], ["child_in_need", "child_protection"],
            ["early_help", "child_in_need", "child_protection"],
            ["child_protection", "child_in_need", "child_protection"],  # down and back up
        ])
    # before care (the looked-after and care-leaver paths add their own ends)
    return rng.choice([
        [], [],  # an emergency entry to care: no history with the service first
        ["child_in_need"], ["child_protection"], ["child_in_need", "child_protection"],
        ["early_help", "child_in_need", "child_protection"],
        ["early_help", "child_in_need", "early_help", "child_protection"],
    ])


def journey(
    rng: Random,
    *,
    status: Status,
    team: str,
    opened: int,
    as_at: int,
    birth: int,
    left: int | None,
    teams: Sequence[str] = GEOGRAPHIC,
) -> list[dict[str, Any]]:
    """Status and team episode records (canonical form) for one child.

    ``opened`` is when the current case opened (for a child in or from care: when they
    entered care), ``left`` when a care leaver left care, ``team`` the team holding the
    case now, ``teams`` the geographic teams a case can move between. Nothing starts
    before the records do (:data:`RECORDS_YEARS`). Every date is an ordinal; the last
    status episode is ``status`` and open, the last team episode ``team`` and open.

    >>> from datetime import date
    >>> eps = journey(Random(3), status="looked_after", team="South",
    ...               opened=date(2024, 5, 1).toordinal(), as_at=date(2025, 12, 31).toordinal(),
    ...               birth=date(2015, 1, 1).toordinal(), left=None)
    >>> [e["status"] for e in eps if e["kind"] == "status"][-1], eps[-1]["team"]
    ('looked_after', 'South')
    """
    in_care = status in ("looked_after", "care_leaver")
    stages: list[Span] = []
    if in_care:
        before = _path(rng, status)
        if before:
            begin = max(birth + 30, opened - rng.randint(60, 900))
            bounds = _cut(rng, begin, opened, len(before))
            stages += [(s, a, b) for s, a, b in zip(before, bounds, bounds[1:], strict=False)]
        stages.append(("looked_after", opened, left))
        if left is not None:
            stages.append(("care_leaver", left, None))
    else:
        path = _path(rng, status)
        bounds = _cut(rng, opened, as_at, len(path))
        stages += [(s, a, b) for s, a, b in zip(path, bounds, bounds[1:], strict=False)]
        stages[-1] = (stages[-1][0], stages[-1][1], None)
    stages = [(s, a, b) for s, a, b in stages if b is None or b > a]

    # an earlier case, closed, then a gap before this one reopened
    first = stages[0][1]
    if rng.random() < 0.25 and first - birth > 400:
        gap = rng.randint(60, min(900, first - birth - 300))
        length = rng.randint(30, 365)
        start = max(birth + 1, first - gap - length)
        if first - gap > start:
            stages.insert(0, (rng.choice(["early_help", "early_help", "child_in_need"]),
                              start, first - gap))

    # the records begin RECORDS_YEARS before as_at: earlier periods are not on record
    begin = as_at - years(RECORDS_YEARS)
    stages = [(s, max(a, begin), b) for s, a, b in stages if b is None or b > begin]

    # one team per open spell (a closed case has no team), with transfers
    spells: list[tuple[int, int | None]] = []
    for _, start, end in stages:
        if spells and spells[-1][1] == start:
            spells[-1] = (spells[-1][0], end)
        else:
            spells.append((start, end))
    geographic = [t for t in teams if t in GEOGRAPHIC] or [team]
    others = [t for t in geographic if t != team] or [team]
    held_by: list[Span] = []
    for number, (start, end) in enumerate(spells):
        if number < len(spells) - 1:
            held_by.append((rng.choice([team, team, *others]), start, end))
            continue
        moves: list[tuple[int, str]] = []
        if left is not None and start < left:  # into the Leaving Care team at 18
            moves.append((left, team))
            held = rng.choice(geographic)
        elif in_care and start < opened and rng.random() < 0.4:  # moved to a care team
            moves.append((opened, team))
            held = rng.choice(others)
        elif rng.random() < 0.15 and as_at - start > 2 * _MIN_DAYS:  # the family moved
            moves.append((rng.randint(start + _MIN_DAYS, as_at - _MIN_DAYS), team))
            held = rng.choice(others)
        else:
            held = team
        at = start
        for when, new in moves:
            held_by.append((held, at, when))
            held, at = new, when
        held_by.append((held, at, None))

    out = []
    for kind, spans in (("status", stages), ("team", held_by)):
        for value, start, end in spans:
            record: dict[str, Any] = {"kind": kind, "start": iso(start)}
            if end is not None:
                record["end"] = iso(end)
            record[kind] = value
            out.append(record)
    return out
