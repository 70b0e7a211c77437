"""Tie states on many dates (ecomap/measures/series.py) equal the date-by-date path, and
the one-pass trend equals the cohort measures taken month by month."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomap.measures.cohort import cohort_measures, cohort_trend, month_ends, strength_tenths
from ecomap.measures.series import TieStates
from ecomap.measures.settings import DEFAULT_SETTINGS, MeasureSettings
from ecomap.measures.tables import CohortTables
from ecomap.model import EcomapDocument
from ecomap.synth import synthesize


def assert_same_state(tables: CohortTables, states: TieStates, at: date) -> None:
    state = states.on(at)
    eff = tables.effective(at, "combined")
    assert np.array_equal(state.active, tables.active(at))
    assert np.array_equal(state.effective.rated, eff.rated)
    assert np.array_equal(state.effective.row[eff.rated], eff.row[eff.rated])
    assert np.array_equal(state.tenths, strength_tenths(tables, eff, at, states.settings))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_states_equal_the_date_by_date_path_in_any_order(
    data: st.DataObject, document_factory: Callable[..., st.SearchStrategy[EcomapDocument]]
) -> None:
    docs = [data.draw(document_factory(child=f"c{i}")) for i in range(data.draw(st.integers(1, 4)))]
    tables = CohortTables.from_documents(docs)
    states = TieStates(tables, DEFAULT_SETTINGS)
    # dates around and inside the documents' span, ascending runs, repeats and jumps back
    offsets = data.draw(st.lists(st.integers(-30, 1300), min_size=1, max_size=12))
    for offset in offsets:
        assert_same_state(tables, states, date(2022, 1, 1) + timedelta(days=offset))


@pytest.fixture(scope="module")
def synthetic() -> list[EcomapDocument]:
    return list(synthesize(150, 5))


def test_states_on_synthetic_data_through_a_trends_dates(synthetic: list[EcomapDocument]) -> None:
    tables = CohortTables.from_documents(synthetic)
    weights = DEFAULT_SETTINGS.weights.model_copy(update={"critical": 0.3, "duration": 0.2})
    other = DEFAULT_SETTINGS.model_copy(update={"weights": weights, "full_years": 3})
    for measure_settings in (DEFAULT_SETTINGS, other):
        states = TieStates(tables, measure_settings)
        for at in month_ends(date(2025, 12, 31), 24):
            assert_same_state(tables, states, at)
            assert_same_state(tables, states, at - timedelta(days=365))


@pytest.mark.parametrize("window_days", [365, 90])
def test_one_pass_trend_equals_month_by_month(
    synthetic: list[EcomapDocument], window_days: int
) -> None:
    tables = CohortTables.from_documents(synthetic)
    ids = [d.child.id for d in synthetic[::3]]
    for child_ids in (None, ids):
        windowed = MeasureSettings(window_days=window_days)
        trend = cohort_trend(tables, date(2025, 12, 31), 24, windowed, child_ids=child_ids)
        by_month = [cohort_measures(tables, at, windowed, child_ids=child_ids)
                    for at in month_ends(date(2025, 12, 31), 24)]
        assert trend == by_month
        assert len({str(m) for m in trend}) > 1  # the months differ: not one answer repeated


def test_settings_reach_the_one_pass_trend(synthetic: list[EcomapDocument]) -> None:
    tables = CohortTables.from_documents(synthetic)
    custom = MeasureSettings.model_validate({"clique_size": 3, "full_years": 2})
    at = date(2025, 6, 30)
    trend = cohort_trend(tables, at, 3, settings=custom)
    assert trend[-1] == cohort_measures(tables, at, settings=custom)
    assert trend[-1] != cohort_measures(tables, at)


def test_states_on_tables_from_segments_of_packed_records(synthetic: list[EcomapDocument]) -> None:
    """Tables whose observation columns are views of packed records (a store's read)
    give the same states as the documents' own tables."""
    from ecomap.measures.packed import PackedRow, pack, tables_from_packed

    docs = sorted(synthetic[:30], key=lambda d: d.child.id)
    packed = tables_from_packed([PackedRow.of(d.child.id, d.child.team, d.child.status,
                                              pack(d)) for d in docs])
    assert not packed.obs_code.flags.c_contiguous  # kept as views, not copied
    documents = CohortTables.from_documents(docs)
    ours, theirs = TieStates(packed, DEFAULT_SETTINGS), TieStates(documents, DEFAULT_SETTINGS)
    for at in month_ends(date(2025, 12, 31), 6):
        mine, want = ours.on(at), theirs.on(at)
        assert np.array_equal(mine.tenths, want.tenths)
        assert np.array_equal(mine.effective.row, want.effective.row)


@pytest.mark.parametrize("full_years", [5, 3, 0.5])
def test_tabled_strengths_equal_the_formula_per_tie(
    synthetic: list[EcomapDocument], full_years: float
) -> None:
    """The strength table gives, for every tie and date, exactly what MEASURES.md's
    formula gives worked out per tie (unknown starts, young ties, ties past full
    strength, criticism)."""
    from ecomap.measures.series import _tenths, _tenths_directly

    tables = CohortTables.from_documents(synthetic)
    weights = DEFAULT_SETTINGS.weights.model_copy(update={"critical": 0.4, "duration": 0.3})
    custom = DEFAULT_SETTINGS.model_copy(update={"weights": weights, "full_years": full_years})
    assert not tables.tie_start_known.all()
    for at in (date(2022, 1, 1), date(2024, 6, 30), date(2025, 12, 31), date(2040, 1, 1)):
        eff = tables.effective(at, "combined")
        code = tables.obs_code[eff.row]
        for measure_settings in (DEFAULT_SETTINGS, custom):
            assert np.array_equal(_tenths(tables, at, code, eff.rated, measure_settings),
                                  _tenths_directly(tables, at, code, eff.rated,
                                                   measure_settings))


@pytest.mark.parametrize(("workers", "months"), [(1, 7), (2, 7), (5, 7), (1, 1), (2, 1)])
def test_values_on_many_dates_are_the_same_on_any_number_of_threads(
    synthetic: list[EcomapDocument], workers: int, months: int
) -> None:
    """(One date on two threads: its window start's tie state on the second.)"""

    from ecomap.measures.cohort import cohort_values_on

    tables = CohortTables.from_documents(synthetic)
    days = month_ends(date(2025, 12, 31), months)
    got = cohort_values_on(tables, days, DEFAULT_SETTINGS, workers=workers)
    assert len(got) == len(days)
    _assert_each_date_alone(tables, days, got)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_month_end_that_is_a_later_window_start_is_worked_out_once(
    synthetic: list[EcomapDocument], workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """24 month ends to 2025-12-31 and their window starts are 48 dates; from February
    2025 each window start is the month end a year before (a 365-day window), so 37
    tie states are worked out, and the values are those of each date on its own."""

    from ecomap.measures import series
    from ecomap.measures.cohort import cohort_values_on

    made: list[date] = []
    make = series.TieStates._make
    monkeypatch.setattr(series.TieStates, "_make",
                        lambda self, at: made.append(at) or make(self, at))
    tables = CohortTables.from_documents(synthetic)
    days = month_ends(date(2025, 12, 31), 24)
    got = cohort_values_on(tables, days, DEFAULT_SETTINGS, workers=workers)
    assert len(made) == 37 and len(set(made)) == 37
    monkeypatch.undo()
    _assert_each_date_alone(tables, days, got)


def _assert_each_date_alone(tables: CohortTables, days: list[date], got: list[Any]) -> None:
    """``got`` holds, per date, exactly what :func:`cohort_values` gives on that date alone."""
    from dataclasses import fields

    from ecomap.measures.cohort import cohort_values

    for at, values in zip(days, got, strict=True):
        want = cohort_values(tables, at, DEFAULT_SETTINGS)
        for field in fields(want):
            assert np.array_equal(getattr(values, field.name), getattr(want, field.name),
                                  equal_nan=field.name in ("network_strength", "continuity",
                                                           "paid_share"))
