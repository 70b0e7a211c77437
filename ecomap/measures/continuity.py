"""Continuity of one child's network over the window (t0, t]: who stayed, workers, moves."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ecomap.measures.effective import View
from ecomap.measures.rounding import ratio, round_half_even
from ecomap.measures.settings import MeasureSettings
from ecomap.measures.snapshot import DocumentIndex
from ecomap.model import SOCIAL_WORKER_ROLE, Episode

_ONE_DAY = timedelta(days=1)


def active_in_window(
    started: date | None, ended: date | None, t0: date, at: date
) -> bool:
    """Whether an interval [started, ended) shares a day with (t0, at].

    Examples
    --------
    >>> t0, t = date(2024, 1, 1), date(2024, 6, 1)
    >>> active_in_window(date(2023, 1, 1), date(2024, 1, 3), t0, t)  # last day 2 January
    True
    >>> active_in_window(date(2023, 1, 1), date(2024, 1, 2), t0, t)  # last day t0 itself
    False
    >>> active_in_window(date(2024, 6, 1), None, t0, t), active_in_window(None, None, t0, t)
    (True, True)
    """
    first = t0 + _ONE_DAY if started is None or started <= t0 else started
    if ended is None:
        return first <= at
    last = min(ended - _ONE_DAY, at)
    return first <= last


def first_placement(placements: list[Episode]) -> Episode | None:
    """The child's first placement: the earliest start, the earlier in the document on a tie."""
    if not placements:
        return None
    return min(placements, key=lambda e: e.start)


def continuity_measures(
    index: DocumentIndex, at: date, perspective: View, settings: MeasureSettings
) -> dict[str, Any]:
    """The ``continuity`` block of MEASURES.md for one child over (t - w, t].

    Edge rules: ``social_workers`` counts each member with role
    ``social_worker`` whose child tie was active on some day in (t0, t];
    ``placements`` counts placement episodes [start, end) sharing a day with
    (t0, t] (end null = ongoing); ``moves`` lists each placement starting in
    (t0, t] that is not the child's first, with the share of M(s - 1) still in
    M(e), e = min(s + 90 days, t), null if M(s - 1) was empty; ``continuity``
    sums tie strengths on t0 as reported (1 decimal), unrated ties as 0.

    Examples
    --------
    >>> from ecomap.model import EcomapDocument
    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "a", "name": "A", "category": "family"},
    ...                {"id": "b", "name": "B", "category": "friend"}],
    ...     "ties": [{"id": "ta", "between": ["c", "a"], "started": "2020-01-01"},
    ...              {"id": "tb", "between": ["c", "b"], "started": "2020-01-01",
    ...               "ended": "2024-06-01"}]})
    >>> m = continuity_measures(DocumentIndex(doc), date(2024, 12, 31), "combined",
    ...                         MeasureSettings())
    >>> m["retained"], m["lost"], m["gained"], m["retention"], m["continuity"]
    (1, 1, 0, 0.5, None)
    """
    t0 = at - timedelta(days=settings.window_days)
    then = index.snapshot(t0, perspective, settings)
    now = index.snapshot(at, perspective, settings)
    m_then, m_now = set(then.members), set(now.members)
    retained = m_then & m_now
    trusted_then = then.trusted_adults()
    trusted_now = now.trusted_adults()
    kept_tenths = sum(v.tenths or 0 for v in then.ties if v.member.id in m_now)
    all_tenths = sum(v.tenths or 0 for v in then.ties)
    workers = {
        member.id
        for tie, member in index.child_ties
        if member.role == SOCIAL_WORKER_ROLE and active_in_window(tie.started, tie.ended, t0, at)
    }
    placements = [
        e for e in index.placements if active_in_window(e.start, e.end, t0, at)
    ]
    first = first_placement(index.placements)
    moves = []
    for episode in sorted(index.placements, key=lambda e: e.start):
        if episode is first or not (t0 < episode.start <= at):
            continue
        before = index.members_on(episode.start - _ONE_DAY)
        after_on = min(episode.start + timedelta(days=settings.move_horizon_days), at)
        after = index.members_on(after_on)
        moves.append(
            {
                "on": episode.start.isoformat(),
                "retention": ratio(len(before & after), len(before)),
            }
        )
    return {
        "retained": len(retained),
        "lost": len(m_then - m_now),
        "gained": len(m_now - m_then),
        "retention": ratio(len(retained), len(m_then)),
        "trusted_retention": ratio(len(trusted_then & trusted_now), len(trusted_then)),
        "continuity": (
            round_half_even(100 * kept_tenths / all_tenths, 1) if all_tenths else None
        ),
        "social_workers": len(workers),
        "placements": len(placements),
        "moves": moves,
    }
