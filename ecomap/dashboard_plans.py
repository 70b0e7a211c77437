"""The dashboard's plans figures: meetings held, commitments kept, the family and
community share of commitments, the child's views conveyed (MEASURES.md, cohort
additions) with their ``n``, and open commitments by who holds them.

Computed over the same children as the rest of the dashboard (open on the date, in
scope), from :class:`~ecomap.measures.plans_cohort.PlanValues` aligned with the cohort's
:class:`~ecomap.measures.cohort.CohortValues`. For a leader, each figure is withheld
where :func:`ecomap.disclosure.suppressed_keys` withholds its base on the authority's
table of (team, status) cells that day, as every other figure; a bar of the chart drawn
from fewer than the minimum children shows no count. docs/meetings.md.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from ecomap.disclosure import suppressed_keys
from ecomap.measures.cohort import CohortValues, scope_rows
from ecomap.measures.figures import Figure
from ecomap.measures.plans_cohort import HOLDER_GROUPS, PlanTables, PlanValues, holders_chart
from ecomap.measures.rounding import round_half_even
from ecomap.measures.tables import I64, B

PlanFigureName = Literal[
    "meeting_rate", "median_commitments_kept_rate", "median_network_commitment_share",
    "child_views_conveyed_rate",
]
#: Over whom each plans figure is computed (its ``n``).
PLAN_FIGURE_BASE: dict[PlanFigureName, str] = {
    "meeting_rate": "children",
    "median_commitments_kept_rate": "with_kept_rate",
    "median_network_commitment_share": "with_network_share",
    "child_views_conveyed_rate": "views_answered",
}

__all__ = ["PLAN_FIGURE_BASE", "HolderBar", "PlanFigures", "plan_figures"]


class HolderBar(BaseModel):
    """Open commitments held by one kind of holder; ``commitments`` and ``children`` are
    null (``suppressed``) when fewer than the minimum children stand behind the bar."""

    model_config = ConfigDict(frozen=True)

    holder: str
    commitments: int | None
    children: int | None
    suppressed: bool


class PlanFigures(BaseModel):
    """The plans figures on ``at`` for the dashboard's scope, each with its ``n``."""

    model_config = ConfigDict(frozen=True)

    at: date
    meeting_rate: Figure
    median_commitments_kept_rate: Figure
    median_network_commitment_share: Figure
    child_views_conveyed_rate: Figure
    holders: list[HolderBar]


def _bases(plans: PlanValues) -> dict[str, B]:
    return {
        "children": np.ones(len(plans.meetings), dtype=bool),
        "with_kept_rate": ~np.isnan(plans.commitments_kept_rate),
        "with_network_share": ~np.isnan(plans.network_commitment_share),
        "views_answered": plans.child_views_conveyed >= 0,
    }


def _median(values: np.ndarray) -> Figure:
    present = values[~np.isnan(values)]
    value = None if len(present) == 0 else round_half_even(float(np.median(present)), 3)
    return Figure(value=value, n=len(present))


def _rate(hits: B, base: B) -> Figure:
    n = int(base.sum())
    value = None if n == 0 else round_half_even(int((hits & base).sum()) / n, 3)
    return Figure(value=value, n=n)


def plan_figures(
    values: CohortValues,
    plans: PlanValues,
    tables: PlanTables,
    at: date,
    *,
    rows: I64 | None = None,
    team: str | None = None,
    status: str | None = None,
    leader: bool = False,
    minimum: int = 0,
) -> PlanFigures:
    """The plans figures over the children open on ``at`` at ``rows`` (a caseload; all
    when None) of ``team`` and ``status`` then. ``plans`` and ``tables`` are aligned with
    ``values`` (the same children in the same order).

    >>> from ecomap.measures.plans_cohort import plan_values
    >>> from ecomap.model import EcomapDocument
    >>> docs = [EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": f"c{i}", "name": "C"},
    ...     "people": [{"id": f"g{i}", "name": "G", "category": "family"}],
    ...     "meetings": [{"id": f"m{i}", "kind": "family_group_conference",
    ...         "on": "2024-03-01", "participation": "PN1" if i else "PN7",
    ...         "plan": [{"id": f"k{i}", "what": "x", "who": [f"g{i}"]}]}]})
    ...     for i in range(3)]
    >>> k = 3
    >>> v = CohortValues(open=np.ones(k, bool), status=np.array(["looked_after"] * k,
    ...     dtype=object), team=np.array(["South"] * k, dtype=object),
    ...     **{f: np.zeros(k, bool) for f in ("trust_answered", "has_trusted_adult",
    ...        "single_point_of_failure", "rated", "support_answered",
    ...        "no_emotional_support")},
    ...     trust_answered_on=np.full(k, -1), network_strength=np.full(k, np.nan),
    ...     continuity=np.full(k, np.nan), social_workers=np.zeros(k, np.int64),
    ...     paid_share=np.full(k, np.nan))
    >>> t = PlanTables.from_documents(docs)
    >>> p = plan_values(t, date(2024, 6, 30))
    >>> f = plan_figures(v, p, t, date(2024, 6, 30))
    >>> f.meeting_rate, f.child_views_conveyed_rate.value, f.holders[0].commitments
    (Figure(value=1.0, n=3, suppressed=False), 0.667, 3)
    >>> plan_figures(v, p, t, date(2024, 6, 30), leader=True, minimum=5).meeting_rate
    Figure(value=None, n=None, suppressed=True)
    """
    chosen = scope_rows(values, rows, team=team, status=status)
    bases = _bases(plans)
    figures: dict[PlanFigureName, Figure] = {
        "meeting_rate": _rate(plans.meetings[chosen] >= 1, bases["children"][chosen]),
        "median_commitments_kept_rate": _median(plans.commitments_kept_rate[chosen]),
        "median_network_commitment_share": _median(plans.network_commitment_share[chosen]),
        "child_views_conveyed_rate": _rate(plans.child_views_conveyed[chosen] == 1,
                                           bases["views_answered"][chosen]),
    }
    if leader:
        opened = scope_rows(values)
        cells = values.open_cells
        decided: dict[str, bool] = {}
        for name, base in PLAN_FIGURE_BASE.items():
            if base not in decided:
                decided[base] = (team, status) in suppressed_keys(
                    cells.counts(bases[base][opened]), minimum)
            if decided[base]:
                figures[name] = figures[name].withheld()
    hidden = leader and figures["meeting_rate"].suppressed
    bars = [HolderBar(**bar) if not hidden else HolderBar(
        holder=bar["holder"], commitments=None, children=None, suppressed=True)
        for bar in holders_chart(tables, at, rows=chosen, min_children=minimum or 1)]
    assert [b.holder for b in bars] == list(HOLDER_GROUPS)
    return PlanFigures(at=at, holders=bars, **figures)
