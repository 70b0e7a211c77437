"""The dashboard as a table (``GET /api/dashboard.csv``): one row per month end and
figure, the cohort's figures (MEASURES.md) then the plans figures and the holders chart
(docs/meetings.md, "The dashboard"), each with its ``value``, its ``n`` and
``suppressed`` exactly as the JSON carries them (a withheld figure has ``value`` and
``n`` empty). The route only writes these rows.

The plans rows are the four cohort additions under their MEASURES.md names, and one row
per holder group named ``open_commitments_held_by_<group>``: ``value`` the open
commitments with a holder of that group, ``n`` the children they belong to.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import get_args

from ecomap.cells import csv_cell
from ecomap.dashboard import Dashboard
from ecomap.dashboard_plans import PlanFigureName, PlanFigures
from ecomap.measures.figures import FIGURE_NAMES, CohortMeasures, Figure

__all__ = ["CSV_COLUMNS", "HOLDER_FIGURE", "PLAN_FIGURE_NAMES", "csv_rows"]

#: The CSV's columns: one row per month end and figure (MEASURES.md names).
CSV_COLUMNS = ("team", "status", "worker", "at", "window_start", "children", "figure",
               "value", "n", "suppressed")
#: The plans figures' names, in the order the rows are written.
PLAN_FIGURE_NAMES: tuple[PlanFigureName, ...] = get_args(PlanFigureName)
#: The holders chart's rows' names, from a holder group.
HOLDER_FIGURE = "open_commitments_held_by_{}"

Cell = str | int | float


def _row(result: Dashboard, point: CohortMeasures, name: str, value: float | None,
         n: int | None, suppressed: bool) -> list[Cell]:
    scope = result.scope
    cells: tuple[Cell, ...] = (
        scope.team or "", scope.status or "", scope.worker or "", point.at.isoformat(),
        point.window_start.isoformat(), point.children, name,
        "" if value is None else value, "" if n is None else n,
        "true" if suppressed else "false")
    return [csv_cell(cell) for cell in cells]


def _plan_rows(result: Dashboard, point: CohortMeasures, plans: PlanFigures
               ) -> Iterator[list[Cell]]:
    for name in PLAN_FIGURE_NAMES:
        figure: Figure = getattr(plans, name)
        yield _row(result, point, name, figure.value, figure.n, figure.suppressed)
    for bar in plans.holders:
        yield _row(result, point, HOLDER_FIGURE.format(bar.holder), bar.commitments,
                   bar.children, bar.suppressed)


def csv_rows(result: Dashboard) -> Iterator[list[Cell]]:
    """The rows under :data:`CSV_COLUMNS`, month end by month end (oldest first): the
    cohort's figures, then (when the dashboard has them) the plans figures of the same
    month end. Every cell has passed :func:`~ecomap.cells.csv_cell`.

    >>> from datetime import date
    >>> from ecomap.dashboard import DashboardScope
    >>> from ecomap.dashboard_plans import HolderBar
    >>> blank = {name: Figure(value=None, n=0) for name in FIGURE_NAMES}
    >>> point = CohortMeasures(at=date(2025, 1, 31), window_days=365,
    ...     window_start=date(2024, 1, 31), children=7, **blank)
    >>> plans = PlanFigures(at=date(2025, 1, 31),
    ...     meeting_rate=Figure(value=0.5, n=7),
    ...     median_commitments_kept_rate=Figure(value=None, n=None, suppressed=True),
    ...     median_network_commitment_share=Figure(value=None, n=0),
    ...     child_views_conveyed_rate=Figure(value=1.0, n=3),
    ...     holders=[HolderBar(holder="family", commitments=4, children=3,
    ...                        suppressed=False)])
    >>> result = Dashboard(at=date(2025, 1, 31), scope=DashboardScope(team="=North"),
    ...     min_cohort=5, data_from=None, empty=False, suppressed=False, reason=None,
    ...     measures=point, trend=[point], distributions={}, plans=plans,
    ...     plans_trend=[plans])
    >>> rows = list(csv_rows(result))
    >>> len(rows) == len(FIGURE_NAMES) + 5
    True
    >>> rows[-5][:1], rows[-5][6:], rows[-4][6:], rows[-1][6:]
    (["'=North"], ['meeting_rate', 0.5, 7, 'false'], ['median_commitments_kept_rate', '', '', 'true'], ['open_commitments_held_by_family', 4, 3, 'false'])
    """  # noqa: E501
    plans_at = {plans.at: plans for plans in result.plans_trend}
    for point in result.trend:
        for name in FIGURE_NAMES:
            figure = point.figure(name)
            yield _row(result, point, name, figure.value, figure.n, figure.suppressed)
        plans = plans_at.get(point.at)
        if plans is not None:
            yield from _plan_rows(result, point, plans)
