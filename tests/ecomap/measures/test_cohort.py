"""Cohort measures: the vectorised path equals the per-child path, scope and trend."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomap.measures import child_measures
from ecomap.measures.cohort import cohort_measures, cohort_trend, month_ends
from ecomap.measures.tables import CohortTables
from ecomap.model import EcomapDocument
from ecomap.synth import synthesize


def dec(value: float, places: int) -> float:
    """Half-even rounding of the written decimal (independent of the engine's rule)."""
    written = Decimal(repr(value)).quantize(Decimal("1e-9"), rounding=ROUND_HALF_EVEN)
    return float(written.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)) + 0.0


def per_child_cohort(
    docs: Sequence[EcomapDocument], at: date, window_days: int = 365
) -> dict[str, Any]:
    """The oracle: aggregate ``child_measures`` over the children, one by one."""
    rows = [child_measures(d, at, window_days=window_days) for d in docs]
    n = len(rows)

    def rate(flags: list[bool]) -> float | None:
        return dec(sum(flags) / n, 3) if n else None

    def median(values: list[float | None], places: int) -> float | None:
        present = [v for v in values if v is not None]
        return dec(statistics.median(present), places) if present else None

    return {
        "at": at.isoformat(),
        "window_days": window_days,
        "children": n,
        "has_trusted_adult_rate": rate([r["network"]["has_trusted_adult"] for r in rows]),
        "single_point_of_failure_rate": rate(
            [r["network"]["single_point_of_failure"] for r in rows]
        ),
        "median_network_strength": median([r["network"]["network_strength"] for r in rows], 1),
        "median_continuity": median([r["continuity"]["continuity"] for r in rows], 1),
        "high_worker_churn_rate": rate([r["continuity"]["social_workers"] >= 3 for r in rows]),
        "no_emotional_support_rate": rate(
            ["emotional" in r["network"]["support_gaps"] for r in rows]
        ),
        "median_paid_share": median([r["network"]["paid_share"] for r in rows], 3),
    }


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
    assert cohort_measures(tables, at) == per_child_cohort(synthetic, at)
    assert cohort_measures(tables, at, window_days=90) == per_child_cohort(synthetic, at, 90)


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
    assert cohort_measures(tables, at, window_days=window) == per_child_cohort(docs, at, window)


def test_scope_by_child_ids(synthetic: list[EcomapDocument]) -> None:
    tables = CohortTables.from_documents(synthetic)
    at = date(2024, 12, 31)
    team = synthetic[0].child.team
    ids = tables.select(team=team)
    in_team = [d for d in synthetic if d.child.team == team]
    assert ids == [d.child.id for d in in_team]
    assert cohort_measures(tables, at, child_ids=ids) == per_child_cohort(in_team, at)
    empty = cohort_measures(tables, at, child_ids=[])
    assert empty["children"] == 0
    assert all(v is None for k, v in empty.items() if k.endswith(("_rate", "median_continuity")))


def test_fixture_cohort_by_hand(mia: EcomapDocument, make_doc: Any) -> None:
    # Mia on 2024-12-31: 2 trusted adults, network strength 59.3, continuity 25.9,
    # 2 social workers, emotional support present, paid share 0.5 (test_network,
    # test_continuity); an empty network: none of those, paid share and continuity null
    empty = make_doc(child="c-empty")
    m = cohort_measures(CohortTables.from_documents([mia, empty]), date(2024, 12, 31))
    assert m == {
        "at": "2024-12-31",
        "window_days": 365,
        "children": 2,
        "has_trusted_adult_rate": 0.5,
        "single_point_of_failure_rate": 0.0,
        "median_network_strength": 29.6,  # (59.3 + 0.0) / 2 = 29.65 -> half to even
        "median_continuity": 25.9,
        "high_worker_churn_rate": 0.0,
        "no_emotional_support_rate": 0.5,
        "median_paid_share": 0.5,
    }


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
    assert [p["at"] for p in trend] == ["2024-09-30", "2024-10-31", "2024-11-30", "2024-12-31"]
    assert trend[1] == per_child_cohort(synthetic[:30], date(2024, 10, 31))
    assert cohort_trend(tables, date(2024, 12, 31), 0) == []
