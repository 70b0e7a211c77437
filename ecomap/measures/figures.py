"""The cohort figures as typed results: each figure's value with its ``n`` (MEASURES.md).

One model family, used by the measures, the dashboard service, the API's response
models, the CLI and the page: a :class:`Figure` is a value, the number of children it
was computed over, and whether it is withheld to keep children private.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

#: The cohort figures of MEASURES.md, in the order the dashboard shows them.
FigureName = Literal[
    "trust_answered_rate",
    "trust_answered_in_window_rate",
    "has_trusted_adult_rate",
    "single_point_of_failure_rate",
    "rated_rate",
    "median_network_strength",
    "median_continuity",
    "high_worker_churn_rate",
    "support_answered_rate",
    "no_emotional_support_rate",
    "median_paid_share",
]
FIGURE_NAMES: tuple[FigureName, ...] = get_args(FigureName)

#: Over whom each figure is computed: ``children`` (all open children in scope) or a
#: subset with an answer or a value. Figures over the same base share their ``n``.
FIGURE_BASE: dict[FigureName, str] = {
    "trust_answered_rate": "children",
    "trust_answered_in_window_rate": "children",
    "has_trusted_adult_rate": "trust_answered",
    "single_point_of_failure_rate": "trust_answered",
    "rated_rate": "children",
    "median_network_strength": "rated",
    "median_continuity": "with_continuity",
    "high_worker_churn_rate": "children",
    "support_answered_rate": "children",
    "no_emotional_support_rate": "support_answered",
    "median_paid_share": "with_network",
}


class Figure(BaseModel):
    """One cohort figure: its ``value`` (null when there is nothing to compute it over, or
    when ``suppressed``), ``n`` the children it was computed over (null when
    suppressed), and ``suppressed`` - withheld because too few children stand behind it
    or because it would let a withheld figure be worked out (MEASURES.md, small numbers).

    >>> Figure(value=0.94, n=62)
    Figure(value=0.94, n=62, suppressed=False)
    """

    model_config = ConfigDict(frozen=True)

    value: float | None
    n: int | None
    suppressed: bool = False

    def withheld(self) -> Figure:
        """The same figure, suppressed: no value and no ``n``.

        >>> Figure(value=0.5, n=2).withheld()
        Figure(value=None, n=None, suppressed=True)
        """
        return Figure(value=None, n=None, suppressed=True)


class CohortMeasures(BaseModel):
    """The cohort figures on ``at`` over the children open then in scope (MEASURES.md).

    ``children`` counts them; ``window_start`` is t0 (figures over the window run over
    (t0, at]). Every figure carries its own ``n``.
    """

    model_config = ConfigDict(frozen=True)

    at: date
    window_days: int
    window_start: date
    children: int
    trust_answered_rate: Figure
    trust_answered_in_window_rate: Figure
    has_trusted_adult_rate: Figure
    single_point_of_failure_rate: Figure
    rated_rate: Figure
    median_network_strength: Figure
    median_continuity: Figure
    high_worker_churn_rate: Figure
    support_answered_rate: Figure
    no_emotional_support_rate: Figure
    median_paid_share: Figure = Field(description="Median share of members who are paid.")

    def figure(self, name: FigureName) -> Figure:
        """The figure called ``name``."""
        result: Figure = getattr(self, name)
        return result

    def figures(self) -> dict[FigureName, Figure]:
        """Every figure by name, in :data:`FIGURE_NAMES` order."""
        return {name: self.figure(name) for name in FIGURE_NAMES}
