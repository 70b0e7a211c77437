"""The dashboard's figure builders: plain cohort data in, plotly figure JSON out."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from web.figures import (
    MEDIAN_NAMES,
    RATE_NAMES,
    churn_figure,
    dashboard_figures,
    distribution_figure,
    support_gaps_figure,
    trend_figure,
    trusted_adult_figure,
)

COHORT = {
    "at": "2024-12-31", "window_days": 365, "children": 8,
    "has_trusted_adult_rate": 0.75, "single_point_of_failure_rate": 0.125,
    "median_network_strength": 42.5, "median_continuity": 60.0,
    "high_worker_churn_rate": 0.25, "no_emotional_support_rate": 0.375,
    "median_paid_share": 0.4,
}


def test_trusted_split_adds_up_to_every_child() -> None:
    fig = trusted_adult_figure(COHORT)
    parts = [bar["x"][0] for bar in fig["data"]]
    # 75% have one or more, 12.5% exactly one: 62.5% two or more, 25% none.
    assert parts == [62.5, 12.5, 25.0]
    assert sum(parts) == 100.0
    assert "8 children" in fig["layout"]["title"]["text"]


def test_trusted_split_with_no_children_draws_no_bars() -> None:
    fig = trusted_adult_figure({"children": 0, "has_trusted_adult_rate": None,
                                "single_point_of_failure_rate": None})
    assert [bar["x"][0] for bar in fig["data"]] == [None, None, None]
    assert all(bar["text"] == ["no data"] for bar in fig["data"])


def test_distribution_leaves_out_children_without_a_value_and_says_so() -> None:
    fig = distribution_figure([None, 30.0, None, 70.0], title="Continuity", axis="x",
                              median=50.0)
    assert list(fig["data"][0]["x"]) == [30.0, 70.0]
    assert "2 children; 2 without a value" in fig["layout"]["title"]["text"]
    assert fig["layout"]["shapes"][0]["x0"] == 50.0
    assert fig["layout"]["annotations"][0]["text"] == "median 50.0"


def test_distribution_without_median_has_no_marker() -> None:
    fig = distribution_figure([], title="Strength", axis="x")
    assert "shapes" not in fig["layout"] or not fig["layout"]["shapes"]


def test_churn_counts_three_or_more_together() -> None:
    fig = churn_figure([0, 1, 1, 2, 3, 5, 7], rate=3 / 7)
    assert list(fig["data"][0]["y"]) == [1, 2, 1, 3]
    assert "42.9% had 3 or more" in fig["layout"]["title"]["text"]


def test_support_gaps_in_plain_words() -> None:
    fig = support_gaps_figure({"emotional": 0.375, "practical": None,
                               "informational": 0.125}, 8)
    assert list(fig["data"][0]["x"]) == ["Feelings", "Doing things", "Advice"]
    assert list(fig["data"][0]["y"]) == [37.5, None, 12.5]
    assert fig["data"][0]["text"] == ["37.5%", "no data", "12.5%"]


def test_support_gaps_draws_only_the_kinds_measured() -> None:
    fig = support_gaps_figure({"emotional": 0.375}, 8)
    assert list(fig["data"][0]["x"]) == ["Feelings"]


def test_trend_keeps_months_in_order_and_gaps_as_gaps() -> None:
    trend = [
        {"at": "2024-10-31", "has_trusted_adult_rate": 0.5, "median_continuity": None},
        {"at": "2024-11-30", "has_trusted_adult_rate": None, "median_continuity": 55.5},
        {"at": "2024-12-31", "has_trusted_adult_rate": 1.0, "median_continuity": 70.0},
    ]
    rates = trend_figure(trend, {"has_trusted_adult_rate": "T"}, title="r", percent=True)
    assert list(rates["data"][0]["x"]) == ["2024-10-31", "2024-11-30", "2024-12-31"]
    assert list(rates["data"][0]["y"]) == [50.0, None, 100.0]
    medians = trend_figure(trend, {"median_continuity": "C"}, title="m", percent=False)
    assert list(medians["data"][0]["y"]) == [None, 55.5, 70.0]


def test_paid_share_trend_is_drawn_as_a_percentage() -> None:
    fig = trend_figure([{"at": "2024-12-31", "median_paid_share": 0.25}],
                       {"median_paid_share": "P"}, title="m", percent=False)
    assert list(fig["data"][0]["y"]) == [25.0]


def test_every_series_differs_by_more_than_colour() -> None:
    fig = trend_figure([{"at": "2024-12-31"}], RATE_NAMES, title="r", percent=True)
    dashes = [trace["line"]["dash"] for trace in fig["data"]]
    symbols = [trace["marker"]["symbol"] for trace in fig["data"]]
    assert len(set(dashes)) == len(RATE_NAMES)
    assert len(set(symbols)) == len(RATE_NAMES)


def test_dashboard_figures_use_per_child_values_and_the_cohort_medians() -> None:
    values = {
        "network_strength": [10.0, 42.5, 80.0],
        "continuity": [None, 60.0, 90.0],
        "paid_share": [0.25, 0.4, None],
        "social_workers": [1, 3, 4],
    }
    figs = dashboard_figures(COHORT, [COHORT], values)
    assert list(figs["network_strength"]["data"][0]["x"]) == [10.0, 42.5, 80.0]
    assert figs["network_strength"]["layout"]["shapes"][0]["x0"] == 42.5
    assert list(figs["paid_share"]["data"][0]["x"]) == [25.0, 40.0]
    assert figs["paid_share"]["layout"]["shapes"][0]["x0"] == 40.0
    assert list(figs["churn"]["data"][0]["y"]) == [0, 1, 0, 2]
    assert set(figs) >= {"rates_trend", "medians_trend", "support_gaps", "trusted"}
    assert len(figs["medians_trend"]["data"]) == len(MEDIAN_NAMES)


@pytest.mark.parametrize("name", ["trusted", "network_strength", "continuity", "churn",
                                  "support_gaps", "paid_share", "rates_trend", "medians_trend"])
def test_each_figure_is_valid_plotly_json(name: str) -> None:
    fig = dashboard_figures(COHORT, [COHORT], {"network_strength": [1.0]})[name]
    text = json.dumps(fig)  # plain JSON: no numpy, no objects
    go.Figure(json.loads(text))  # plotly validates every property on the way back in
