"""Status and team episodes: the child's stage with the service and the team holding the
case, dated (docs/measures.md, "Stages and teams in the record" and "Who is counted on a
date").

The rules live here once: which values an episode of each kind carries, that episodes
of one of these kinds never overlap, that ``child.status``/``child.team`` agree with the
latest-starting episode, and - for the measures - whether a child is open on a date and
with which status and team. A document without status episodes is read under the
fallback MEASURES.md states: open from its earliest dated item with ``child.status``;
without team episodes it has ``child.team`` throughout.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import pairwise
from typing import Literal

from ecomap.errors import Breach
from ecomap.model import EcomapDocument, Episode

Dated = Literal["status", "team"]
DATED_KINDS: tuple[Dated, ...] = ("status", "team")

__all__ = [
    "DATED_KINDS",
    "CaseOn",
    "case_on",
    "current_value",
    "episode_breaches",
    "first_day",
]


def _value(episode: Episode, kind: Dated) -> str | None:
    return episode.status if kind == "status" else episode.team


def current_value(episodes: Sequence[Episode], kind: Dated) -> str | None:
    """The value of the latest-starting ``kind`` episode (the later in the document on a
    tie), or None if there is none: what ``child.status``/``child.team`` must equal.

    >>> eps = [Episode(kind="status", status="child_in_need", start=date(2022, 5, 3),
    ...                end=date(2023, 9, 1)),
    ...        Episode(kind="status", status="looked_after", start=date(2023, 9, 1))]
    >>> current_value(eps, "status"), current_value(eps, "team")
    ('looked_after', None)
    """
    latest: Episode | None = None
    for episode in episodes:
        if episode.kind == kind and (latest is None or episode.start >= latest.start):
            latest = episode
    return None if latest is None else _value(latest, kind)


def episode_breaches(doc: EcomapDocument) -> list[Breach]:
    """The episode rules of FORMAT.md that span the document (empty when kept).

    A ``status`` episode carries ``status`` and a ``team`` episode ``team``, and no other
    kind carries either; episodes of one of these kinds do not overlap; ``child.status``
    and ``child.team`` equal the latest-starting episode's.

    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C", "status": "early_help"},
    ...     "episodes": [
    ...         {"kind": "status", "status": "early_help", "start": "2024-01-01",
    ...          "end": "2024-03-01"},
    ...         {"kind": "status", "status": "child_in_need", "start": "2024-02-01"}]})
    >>> [b.path for b in episode_breaches(doc)]
    ['child.status', 'episodes[1].start']
    """
    out: list[Breach] = []
    for i, episode in enumerate(doc.episodes):
        for kind in DATED_KINDS:
            value = _value(episode, kind)
            if episode.kind == kind and value is None:
                out.append(Breach(f"episodes[{i}].{kind}", f"a {kind} episode needs its {kind}"))
            elif episode.kind != kind and value is not None:
                out.append(Breach(f"episodes[{i}].{kind}",
                                  f"only a {kind} episode carries {kind} (this is a "
                                  f"{episode.kind} episode)"))
    for kind in DATED_KINDS:
        current = current_value(doc.episodes, kind)
        given = doc.child.status if kind == "status" else doc.child.team
        if current is not None and given != current:
            out.append(Breach(f"child.{kind}",
                              f"{given!r} is not the latest {kind} episode's {current!r}: "
                              f"leave it out or make it agree"))
        dated = sorted(
            ((e.start, i, e) for i, e in enumerate(doc.episodes) if e.kind == kind),
            key=lambda item: (item[0], item[1]),
        )
        for (_, i, before), (_, j, after) in pairwise(dated):
            if before.end is None or before.end > after.start:
                out.append(Breach(f"episodes[{j}].start",
                                  f"this {kind} episode starts on {after.start}, inside "
                                  f"episodes[{i}] ({before.start} to "
                                  f"{before.end or 'open'}): {kind} episodes must not overlap"))
    return out


def first_day(doc: EcomapDocument) -> date | None:
    """The child's earliest dated item - a start of a tie touching the child, an
    observation of one, an episode's start - or None when nothing is dated: where the
    fallback opens a document without status episodes.

    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "p", "name": "P", "category": "family"}],
    ...     "ties": [{"id": "t", "between": ["c", "p"]}],
    ...     "observations": [{"tie": "t", "on": "2024-02-01", "by": "child"}]})
    >>> first_day(doc)
    datetime.date(2024, 2, 1)
    """
    cid = doc.child.id
    child_ties = {t.id for t in doc.ties if cid in t.between}
    days = [t.started for t in doc.ties if t.id in child_ties and t.started is not None]
    days += [o.on for o in doc.observations if o.tie in child_ties]
    days += [e.start for e in doc.episodes]
    return min(days) if days else None


class CaseOn:
    """Whether a child is open on a date, and their status and team then."""

    __slots__ = ("open", "status", "team")

    def __init__(self, open_: bool, status: str | None, team: str | None) -> None:
        self.open = open_
        self.status = status
        self.team = team

    def __repr__(self) -> str:
        return f"CaseOn(open={self.open}, status={self.status!r}, team={self.team!r})"


def case_on(doc: EcomapDocument, t: date) -> CaseOn:
    """The child's case on ``t`` (MEASURES.md, "Who is in the cohort on t").

    Open when a status episode covers ``t``, with that status; without status episodes,
    open from :func:`first_day` with ``child.status``. The team is the team episode's
    covering ``t`` (None between team episodes), or ``child.team`` throughout when the
    document has no team episodes.

    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "episodes": [
    ...         {"kind": "status", "status": "early_help", "start": "2023-01-01",
    ...          "end": "2023-06-01"},
    ...         {"kind": "status", "status": "looked_after", "start": "2024-01-01"},
    ...         {"kind": "team", "team": "South", "start": "2023-01-01"}]})
    >>> case_on(doc, date(2022, 12, 31)), case_on(doc, date(2023, 3, 1))
    (CaseOn(open=False, status=None, team=None), CaseOn(open=True, status='early_help', team='South'))
    >>> case_on(doc, date(2023, 7, 1)).open, case_on(doc, date(2024, 1, 1)).status
    (False, 'looked_after')
    """  # noqa: E501
    statuses = [e for e in doc.episodes if e.kind == "status"]
    teams = [e for e in doc.episodes if e.kind == "team"]
    if statuses:
        covering = next((e for e in statuses if e.covers(t)), None)
        open_, status = covering is not None, covering.status if covering else None
    else:
        first = first_day(doc)
        open_ = first is not None and first <= t
        status = doc.child.status if open_ else None
    if teams:
        held = next((e for e in teams if e.covers(t)), None)
        team = held.team if held else None
    else:
        team = doc.child.team
    return CaseOn(open_, status, team)
