"""Cohort measures: the vectorised path equals the per-child path, scope and trend."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomap.episodes import case_on
from ecomap.measures import child_measures
from ecomap.measures.cohort import cohort_measures, cohort_trend, month_ends
from ecomap.measures.settings import MeasureSettings
from ecomap.measures.tables import CohortTables
from ecomap.model import EcomapDocument
from ecomap.synth import synthesize


def dec(value: float, places: int) -> float:
    """Half-even rounding of the written decimal (independent of the engine's rule)."""
    written = Decimal(repr(value)).quantize(Decimal("1e-9"), rounding=ROUND_HALF_EVEN)
    return float(written.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)) + 0.0


def per_child_cohort(
    docs: Sequence[EcomapDocument],
    at: date,
    window_days: int = 365,
    team: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """The oracle: ``case_on`` and ``child_measures`` child by child, then each figure
    over the children with its answer (MEASURES.md), written out longhand."""
    kept = []
    for d in docs:
        case = case_on(d, at)
        if case.open and team in (None, case.team) and status in (None, case.status):
            kept.append(d)
    rows = [child_measures(d, at, window_days=window_days) for d in kept]
    t0 = at - timedelta(days=window_days)

    def rate(flags: list[bool]) -> dict[str, Any]:
        n = len(flags)
        return {"value": dec(sum(flags) / n, 3) if n else None, "n": n, "suppressed": False}

    def median(values: list[float | None], places: int) -> dict[str, Any]:
        present = [v for v in values if v is not None]
        value = dec(statistics.median(present), places) if present else None
        return {"value": value, "n": len(present), "suppressed": False}

    net = [r["network"] for r in rows]
    answered = [m for m in net if m["trust_answered"]]
    support = [m for m in net if m["support_answered"]]
    return {
        "at": at,
        "window_days": window_days,
        "window_start": t0,
        "children": len(rows),
        "trust_answered_rate": rate([m["trust_answered"] for m in net]),
        "trust_answered_in_window_rate": rate(
            [m["trust_answered_on"] is not None
             and date.fromisoformat(m["trust_answered_on"]) > t0 for m in net]),
        "has_trusted_adult_rate": rate([m["has_trusted_adult"] for m in answered]),
        "single_point_of_failure_rate": rate([m["single_point_of_failure"] for m in answered]),
        "rated_rate": rate([m["network_strength"] is not None for m in net]),
        "median_network_strength": median([m["network_strength"] for m in net], 1),
        "median_continuity": median([r["continuity"]["continuity"] for r in rows], 1),
        "high_worker_churn_rate": rate([r["continuity"]["social_workers"] >= 3 for r in rows]),
        "support_answered_rate": rate([m["support_answered"] for m in net]),
        "no_emotional_support_rate": rate(["emotional" in m["support_gaps"] for m in support]),
        "median_paid_share": median([m["paid_share"] for m in net], 3),
    }


def measured(tables: CohortTables, at: date, window_days: int = 365, **scope: Any
             ) -> dict[str, Any]:
    settings = MeasureSettings(window_days=window_days)
    return cohort_measures(tables, at, settings, **scope).model_dump()


@pytest.fixture(scope="module")
def synthetic() -> list[EcomapDocument]:
    return list(synthesize(120, 11))


@pytest.mark.parametrize(
    "at", [date(2023, 3, 31), date(2024, 2, 29), date(2024, 12, 31), date(2025, 9, 30)]
)
def test_vectorised_equals_per_child_on_synthetic_data(
    synthetic: list[EcomapDocument], at: date
) -> None:
    tables = CohortTables.from_documents(synthetic)
    assert measured(tables, at) == per_child_cohort(synthetic, at)
    assert measured(tables, at, 90) == per_child_cohort(synthetic, at, 90)
    team, status = synthetic[0].child.team, synthetic[0].child.status
    assert measured(tables, at, team=team) == per_child_cohort(synthetic, at, team=team)
    assert measured(tables, at, status=status, team=team) == per_child_cohort(
        synthetic, at, team=team, status=status)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    at=st.dates(date(2021, 6, 1), date(2026, 6, 1)),
    count=st.integers(0, 6),
    window=st.sampled_from([0, 30, 365, 400]),
)
def test_vectorised_equals_per_child_on_random_documents(
    document_factory: Any, data: st.DataObject, at: date, count: int, window: int
) -> None:
    docs = [data.draw(document_factory(child=f"c{i}")) for i in range(count)]
    tables = CohortTables.from_documents(docs)
    assert measured(tables, at, window) == per_child_cohort(docs, at, window)
    for team, status in (("South", None), (None, "looked_after"), ("North", "early_help")):
        assert measured(tables, at, window, team=team, status=status) == per_child_cohort(
            docs, at, window, team, status)


def test_scope_by_child_ids(synthetic: list[EcomapDocument]) -> None:
    tables = CohortTables.from_documents(synthetic)
    at = date(2024, 12, 31)
    ids = [d.child.id for d in synthetic[::3]]
    assert measured(tables, at, child_ids=ids) == per_child_cohort(synthetic[::3], at)
    empty = cohort_measures(tables, at, child_ids=[])
    assert empty.children == 0
    assert all(f.value is None and f.n == 0 for f in empty.figures().values())


def test_fixture_cohort_by_hand(mia: EcomapDocument, make_doc: Any) -> None:
    # Mia on 2024-12-31: 2 trusted adults (answered), network strength 59.3, continuity
    # 25.9, 2 social workers, emotional support present, paid share 0.5 (test_network,
    # test_continuity). A child with a network nobody has asked about (one tie from
    # 2024-01-01, no observation): open from then, unrated, not asked, no answer on
    # support - not "no"; paid share 0.0.
    unasked = make_doc([{"id": "u-p", "category": "family"}],
                       [{"id": "u-t", "between": ["c-unasked", "u-p"], "started": "2024-01-01"}],
                       child="c-unasked")
    m = cohort_measures(CohortTables.from_documents([mia, unasked]), date(2024, 12, 31))
    figures = {k: (f.value, f.n) for k, f in m.figures().items()}
    assert m.children == 2
    assert figures == {
        "trust_answered_rate": (0.5, 2),
        "trust_answered_in_window_rate": (0.5, 2),
        "has_trusted_adult_rate": (1.0, 1),  # not 0.5: the unasked child is not a "no"
        "single_point_of_failure_rate": (0.0, 1),
        "rated_rate": (0.5, 2),
        "median_network_strength": (59.3, 1),  # not (59.3 + 0) / 2
        "median_continuity": (25.9, 1),
        "high_worker_churn_rate": (0.0, 2),
        "support_answered_rate": (0.5, 2),
        "no_emotional_support_rate": (0.0, 1),
        "median_paid_share": (0.25, 2),  # (0.5 + 0.0) / 2
    }
    # before the unasked child's first dated item only Mia is open
    assert cohort_measures(CohortTables.from_documents([mia, unasked]),
                           date(2023, 12, 31)).children == 1


def test_status_and_team_on_the_date(make_doc: Any) -> None:
    # early help in South, then (after a closed gap) looked after in North; the child
    # counts in each month as they were then, and not at all while the case was closed
    journey = make_doc(child="c-j", episodes=[
        {"kind": "status", "status": "early_help", "start": "2023-01-10", "end": "2023-04-01"},
        {"kind": "status", "status": "looked_after", "start": "2023-06-15"},
        {"kind": "team", "team": "South", "start": "2023-01-10", "end": "2023-07-01"},
        {"kind": "team", "team": "North", "start": "2023-07-01"},
    ])
    assert (journey.child.status, journey.child.team) == ("looked_after", "North")
    tables = CohortTables.from_documents([journey])
    trend = cohort_trend(tables, date(2023, 7, 31), 8)
    # month ends 2022-12-31 .. 2023-07-31
    assert [p.children for p in trend] == [0, 1, 1, 1, 0, 0, 1, 1]
    south = cohort_trend(tables, date(2023, 7, 31), 8, team="South")
    assert [p.children for p in south] == [0, 1, 1, 1, 0, 0, 1, 0]
    looked_after = cohort_trend(tables, date(2023, 7, 31), 8, status="looked_after")
    assert [p.children for p in looked_after] == [0, 0, 0, 0, 0, 0, 1, 1]


def test_trend_month_ends(synthetic: list[EcomapDocument]) -> None:
    assert month_ends(date(2024, 12, 31), 3) == [
        date(2024, 10, 31),
        date(2024, 11, 30),
        date(2024, 12, 31),
    ]
    assert month_ends(date(2024, 3, 10), 2) == [date(2024, 2, 29), date(2024, 3, 10)]
    assert month_ends(date(2024, 1, 31), 2) == [date(2023, 12, 31), date(2024, 1, 31)]
    tables = CohortTables.from_documents(synthetic[:30])
    trend = cohort_trend(tables, date(2024, 12, 31), 4)
    assert [p.at.isoformat() for p in trend] == [
        "2024-09-30", "2024-10-31", "2024-11-30", "2024-12-31"]
    assert trend[1].model_dump() == per_child_cohort(synthetic[:30], date(2024, 10, 31))
    assert cohort_trend(tables, date(2024, 12, 31), 0) == []


def test_cells_numbered_from_codes_equal_the_cells_of_the_names(
    synthetic: list[EcomapDocument],
) -> None:
    """A date's open cells come from the tables' value codes; they count exactly what
    numbering the teams' and statuses' names gives, and the names read back from the
    codes are the case on the date."""
    import numpy as np

    from ecomap.disclosure import CellCounter
    from ecomap.measures.cohort import cohort_values, scope_rows
    from ecomap.measures.settings import DEFAULT_SETTINGS

    tables = CohortTables.from_documents(synthetic)
    for at in (date(2023, 6, 30), date(2025, 12, 31)):
        values = cohort_values(tables, at, DEFAULT_SETTINGS)
        opened = scope_rows(values)
        by_name = CellCounter(values.team[opened], values.status[opened])
        flags = values.rated[opened]
        assert values.open_cells.counts(flags) == by_name.counts(flags)
        assert len(by_name.cells) > 3
        for d, team, status, is_open in zip(synthetic, values.team, values.status, values.open,
                                            strict=True):
            case = case_on(d, at)
            assert (case.open, case.team) == (is_open, team)
            assert status == (case.status if case.open else None)
        assert np.array_equal(values.team, tables.case_on(at).team)
