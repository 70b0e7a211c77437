"""The dashboard's figure builders: plain dashboard data in, plotly figure JSON out."""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go
import pytest

from web.figures import (
    ANSWERED_NAMES,
    MEDIAN_NAMES,
    RATE_NAMES,
    bins_figure,
    dashboard_figures,
    holders_figure,
    plans_figures,
    support_gaps_figure,
    trend_figure,
    trusted_adult_figure,
)


def fig(value: float | None, n: int | None, suppressed: bool = False) -> dict[str, Any]:
    return {"value": value, "n": n, "suppressed": suppressed}


MEASURES = {
    "at": "2024-12-31", "window_days": 365, "window_start": "2023-12-31", "children": 10,
    "trust_answered_rate": fig(0.8, 10), "trust_answered_in_window_rate": fig(0.6, 10),
    "has_trusted_adult_rate": fig(0.75, 8), "single_point_of_failure_rate": fig(0.125, 8),
    "rated_rate": fig(0.9, 10), "median_network_strength": fig(42.5, 9),
    "median_continuity": fig(60.0, 7), "high_worker_churn_rate": fig(0.2, 10),
    "support_answered_rate": fig(0.8, 10), "no_emotional_support_rate": fig(0.375, 8),
    "median_paid_share": fig(0.4, 9),
}
DIST = {"n": 9, "suppressed": False, "bins": [
    {"low": 0.0, "high": 40.0, "children": 5}, {"low": 40.0, "high": 100.0, "children": 4}]}
ANSWER = {"min_cohort": 2, "measures": MEASURES, "trend": [MEASURES],
          "distributions": {"network_strength": DIST, "continuity": DIST,
                            "paid_share": {"n": 9, "suppressed": False, "bins": [
                                {"low": 0.0, "high": 0.6, "children": 9}]},
                            "social_workers": {"n": 10, "suppressed": False, "bins": [
                                {"low": 0.0, "high": 2.0, "children": 8},
                                {"low": 3.0, "high": 1000.0, "children": 2}]}}}


def test_trusted_split_is_over_the_children_asked_and_says_how_many() -> None:
    figure = trusted_adult_figure(MEASURES)
    parts = [bar["x"][0] for bar in figure["data"]]
    # of the 8 asked: 75% have one or more, 12.5% exactly one: 62.5% two+, 25% none
    assert parts == [62.5, 12.5, 25.0]
    assert "8 of 10 children answered" in figure["layout"]["title"]["text"]


def test_trusted_split_withheld_says_so_and_draws_no_bars() -> None:
    withheld = {**MEASURES, "has_trusted_adult_rate": fig(None, None, True),
                "single_point_of_failure_rate": fig(None, None, True)}
    figure = trusted_adult_figure(withheld)
    assert [bar["x"][0] for bar in figure["data"]] == [None, None, None]
    assert "withheld" in figure["layout"]["title"]["text"]


def test_bins_are_drawn_as_given_with_fewer_than_n_in_words() -> None:
    figure = bins_figure({"n": 7, "suppressed": False, "bins": [
        {"low": 0.0, "high": 50.0, "children": 5}, {"low": 50.0, "high": 100.0, "children": None}]},
        title="Strength", axis="x", minimum=3, median=fig(42.0, 7))
    assert list(figure["data"][0]["x"]) == ["0-50", "50-100"]
    assert list(figure["data"][0]["text"]) == ["5", "fewer than 3"]
    assert "7 children with a value; median 42.0" in figure["layout"]["title"]["text"]


def test_social_worker_bins_read_as_whole_numbers() -> None:
    figure = dashboard_figures(ANSWER)["churn"]
    assert list(figure["data"][0]["x"]) == ["0-1", "3+"]


def test_support_gaps_over_the_children_asked() -> None:
    figure = support_gaps_figure(MEASURES)
    assert list(figure["data"][0]["y"]) == [37.5]
    assert "of 8 children asked about support" in figure["layout"]["title"]["text"]


def test_trend_keeps_months_in_order_gaps_as_gaps_and_draws_the_answered_rate() -> None:
    trend = [
        {"at": "2024-10-31", "has_trusted_adult_rate": fig(0.5, 4),
         "trust_answered_rate": fig(0.4, 10)},
        {"at": "2024-11-30", "has_trusted_adult_rate": fig(None, None, True),
         "trust_answered_rate": fig(0.5, 10)},
    ]
    rates = trend_figure(trend, {"has_trusted_adult_rate": "T"}, title="r", percent=True,
                         answered={"trust_answered_rate": "asked"})
    assert list(rates["data"][0]["x"]) == ["2024-10-31", "2024-11-30"]
    assert list(rates["data"][0]["y"]) == [50.0, None]
    assert list(rates["data"][0]["customdata"]) == [4, None]
    assert rates["data"][1]["name"] == "asked" and list(rates["data"][1]["y"]) == [40.0, 50.0]


def test_every_series_differs_by_more_than_colour() -> None:
    figure = trend_figure([{"at": "2024-12-31"}], RATE_NAMES, title="r", percent=True)
    dashes = [trace["line"]["dash"] for trace in figure["data"]]
    symbols = [trace["marker"]["symbol"] for trace in figure["data"]]
    assert len(set(dashes)) == len(RATE_NAMES)
    assert len(set(symbols)) == len(RATE_NAMES)


def test_dashboard_figures_draw_rates_with_their_answered_rates() -> None:
    figs = dashboard_figures(ANSWER)
    names = [trace["name"] for trace in figs["rates_trend"]["data"]]
    assert names == [*RATE_NAMES.values(), *ANSWERED_NAMES.values()]
    assert len(figs["medians_trend"]["data"]) == len(MEDIAN_NAMES)


@pytest.mark.parametrize("name", ["trusted", "network_strength", "continuity", "churn",
                                  "support_gaps", "paid_share", "rates_trend", "medians_trend"])
def test_each_figure_is_valid_plotly_json(name: str) -> None:
    figure = dashboard_figures(ANSWER)[name]
    text = json.dumps(figure)  # plain JSON: no numpy, no objects
    go.Figure(json.loads(text))  # plotly validates every property on the way back in


def test_holders_bars_follow_the_answer_and_hide_small_counts() -> None:
    holders = [{"holder": h, "commitments": c, "children": k, "suppressed": c is None}
               for h, c, k in (("family", 6, 4), ("carer", None, None), ("friend", 0, 0),
                               ("community", 2, 2), ("volunteer", 0, 0),
                               ("professional", 9, 5), ("child", 3, 3))]
    figure = plans_figures({"min_cohort": 3, "plans": {"holders": holders}})["holders"]
    bar = figure["data"][0]
    assert bar["y"] == ["Family", "Carers", "Friends", "Community", "Volunteers",
                        "Professionals", "The child"]
    assert bar["x"] == [6, 0, 0, 2, 0, 9, 3]
    assert bar["text"][1] == "fewer than 3 children" and bar["text"][0] == "6 (4 children)"
    colours = bar["marker"]["color"]
    assert colours[0] == colours[3] != colours[5] == colours[1]  # unpaid apart from paid
    go.Figure(json.loads(json.dumps(figure)))  # valid plotly JSON
    assert holders_figure({"holders": []}, minimum=5)["data"][0]["x"] == []


def _withheld(answer: dict[str, Any]) -> dict[str, Any]:
    """``answer`` with every figure and distribution withheld."""
    measures = {k: fig(None, None, True) if isinstance(v, dict) else v
                for k, v in answer["measures"].items()}
    return {**answer, "measures": measures, "trend": [measures],
            "distributions": {k: {**d, "suppressed": True}
                              for k, d in answer["distributions"].items()}}


@pytest.mark.parametrize("answer", [ANSWER, _withheld(ANSWER)], ids=["shown", "withheld"])
def test_each_figure_is_what_plotly_itself_makes_of_it(answer: dict[str, Any]) -> None:
    """The dicts are built without plotly's Python validators: each must already be in
    the form ``graph_objects`` gives back (same properties, same values, nothing plotly
    would add, drop or coerce), so the browser draws what it drew before."""
    holders = [{"holder": h, "commitments": c, "children": k, "suppressed": c is None}
               for h, c, k in (("family", 6, 4), ("carer", None, None), ("child", 3, 3))]
    figures = {**dashboard_figures(answer),
               **plans_figures({"min_cohort": 3, "plans": {"holders": holders}})}
    for name, figure in figures.items():
        assert go.Figure(figure).to_plotly_json() == figure, name
