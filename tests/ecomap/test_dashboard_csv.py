"""The dashboard's CSV rows (ecomap/dashboard_csv.py): the cohort's figures per month
end, then that month end's plans figures and holder bars, each cell as the JSON has it."""

from __future__ import annotations

from datetime import date

from ecomap.dashboard import Dashboard, DashboardScope
from ecomap.dashboard_csv import CSV_COLUMNS, HOLDER_FIGURE, PLAN_FIGURE_NAMES, csv_rows
from ecomap.dashboard_plans import HolderBar, PlanFigures
from ecomap.measures.figures import FIGURE_NAMES, CohortMeasures, Figure
from ecomap.measures.plans_cohort import HOLDER_GROUPS


def _month(at: date, children: int) -> CohortMeasures:
    return CohortMeasures(at=at, window_days=365, window_start=date(at.year - 1, at.month, 28),
                          children=children,
                          **{name: Figure(value=0.5, n=children) for name in FIGURE_NAMES})


def _plans(at: date, withheld: bool) -> PlanFigures:
    hidden = Figure(value=None, n=None, suppressed=True)
    return PlanFigures(
        at=at, meeting_rate=hidden if withheld else Figure(value=0.25, n=8),
        median_commitments_kept_rate=Figure(value=None, n=0),
        median_network_commitment_share=Figure(value=0.667, n=3),
        child_views_conveyed_rate=Figure(value=1.0, n=2),
        holders=[HolderBar(holder=h, commitments=None if withheld else i,
                           children=None if withheld else i, suppressed=withheld)
                 for i, h in enumerate(HOLDER_GROUPS)])


def _dashboard(plans: bool) -> Dashboard:
    months = [_month(date(2025, 1, 31), 8), _month(date(2025, 2, 28), 9)]
    trend = [_plans(months[0].at, True), _plans(months[1].at, False)] if plans else []
    return Dashboard(at=months[1].at, scope=DashboardScope(team="North"), min_cohort=5,
                     data_from=None, empty=False, suppressed=False, reason=None,
                     measures=months[1], trend=months, distributions={},
                     plans=trend[-1] if trend else None, plans_trend=trend)


def test_month_by_month_the_cohort_then_the_plans() -> None:
    rows = [dict(zip(CSV_COLUMNS, row, strict=True)) for row in csv_rows(_dashboard(True))]
    per_month = len(FIGURE_NAMES) + len(PLAN_FIGURE_NAMES) + len(HOLDER_GROUPS)
    assert len(rows) == 2 * per_month
    names = [r["figure"] for r in rows[:per_month]]
    assert names == [*FIGURE_NAMES, *PLAN_FIGURE_NAMES,
                     *(HOLDER_FIGURE.format(h) for h in HOLDER_GROUPS)]
    first, second = rows[:per_month], rows[per_month:]
    assert {r["at"] for r in first} == {"2025-01-31"} and {r["children"] for r in second} == {9}
    withheld = {r["figure"]: r for r in first}
    assert (withheld["meeting_rate"]["value"], withheld["meeting_rate"]["n"],
            withheld["meeting_rate"]["suppressed"]) == ("", "", "true")
    assert withheld["median_commitments_kept_rate"]["n"] == 0  # over nobody: shown as 0
    assert withheld[HOLDER_FIGURE.format("family")]["suppressed"] == "true"
    shown = {r["figure"]: r for r in second}
    assert (shown["meeting_rate"]["value"], shown["meeting_rate"]["n"]) == (0.25, 8)
    assert (shown[HOLDER_FIGURE.format("carer")]["value"],
            shown[HOLDER_FIGURE.format("carer")]["n"]) == (1, 1)


def test_without_plans_only_the_cohort() -> None:
    rows = list(csv_rows(_dashboard(False)))
    assert len(rows) == 2 * len(FIGURE_NAMES)
    assert {row[CSV_COLUMNS.index("figure")] for row in rows} == set(FIGURE_NAMES)
