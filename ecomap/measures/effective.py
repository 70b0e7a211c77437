"""The effective observation of a tie on a date, for one perspective (MEASURES.md)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Literal

from ecomap.model import Observation

View = Literal["combined", "child", "worker"]
VIEWS: tuple[View, ...] = ("combined", "child", "worker")


def observations_by_tie(observations: Iterable[Observation]) -> dict[str, list[Observation]]:
    """Group observations by tie id, keeping document order within each tie.

    Examples
    --------
    >>> obs = [Observation(tie="t1", on=date(2024, 1, 1), by="child"),
    ...        Observation(tie="t2", on=date(2024, 1, 1), by="worker")]
    >>> sorted(observations_by_tie(obs))
    ['t1', 't2']
    """
    grouped: dict[str, list[Observation]] = {}
    for obs in observations:
        grouped.setdefault(obs.tie, []).append(obs)
    return grouped


def effective_observation(
    observations: Sequence[Observation], at: date, perspective: View = "combined"
) -> Observation | None:
    """The observation that speaks for a tie on ``at`` from ``perspective``.

    ``child``: the latest observation made by the child on or before ``at``;
    ``worker`` (the adult view): the latest made by anyone else; ``combined``:
    the child's if there is one, else the adult view's. Of two observations on
    the same date from the same side, the later in the document wins. ``None``
    means the tie is unrated.

    Parameters
    ----------
    observations
        The tie's observations in document order.
    at
        The date measured.
    perspective
        ``combined`` (default), ``child`` or ``worker``.

    Examples
    --------
    >>> obs = [Observation(tie="t", on=date(2024, 3, 1), by="worker", closeness=2),
    ...        Observation(tie="t", on=date(2024, 3, 1), by="child", closeness=1),
    ...        Observation(tie="t", on=date(2024, 3, 1), by="child", closeness=3)]
    >>> effective_observation(obs, date(2024, 3, 1)).closeness
    3
    >>> effective_observation(obs, date(2024, 3, 1), "worker").closeness
    2
    >>> effective_observation(obs, date(2024, 2, 29)) is None
    True
    """
    child: Observation | None = None
    adult: Observation | None = None
    for obs in observations:
        if obs.on > at:
            continue
        if obs.by == "child":
            if child is None or obs.on >= child.on:
                child = obs
        elif adult is None or obs.on >= adult.on:
            adult = obs
    if perspective == "child":
        return child
    if perspective == "worker":
        return adult
    return child if child is not None else adult
