"""Plotly figure builders for the leaders' dashboard, fed plain cohort data (never a store).

Each builder takes the numbers :mod:`ecomap.measures.cohort` returns (a cohort dict
with the MEASURES.md names, a list of month-end dicts for trends, and optionally the
per-child values behind a distribution) and returns plotly figure JSON: a plain
``{"data": [...], "layout": {...}}`` dict the browser hands to ``Plotly.react``.
Rates arrive as shares (0-1) and are drawn as percentages; the numbers in hover text
are the API's numbers, rounded the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

Figure = dict[str, Any]

#: Colours chosen for contrast on white and to stay apart for colour-blind readers
#: (Okabe-Ito); every chart also names its series in text.
COLOURS = {
    "blue": "#0072B2",
    "orange": "#D55E00",
    "green": "#009E73",
    "purple": "#CC79A7",
    "yellow": "#E69F00",
    "grey": "#595959",
}

#: The cohort rates a leader watches over time, with their labels.
RATE_NAMES: dict[str, str] = {
    "has_trusted_adult_rate": "Has a trusted adult",
    "single_point_of_failure_rate": "Only one trusted adult",
    "high_worker_churn_rate": "3+ social workers in the year",
    "no_emotional_support_rate": "No emotional support",
}

#: The cohort medians (0-100 scale except paid share, drawn as a percentage).
MEDIAN_NAMES: dict[str, str] = {
    "median_network_strength": "Median network strength",
    "median_continuity": "Median continuity",
    "median_paid_share": "Median paid share (%)",
}

SUPPORT_LABELS = {"emotional": "Feelings", "practical": "Doing things", "informational": "Advice"}


def _figure(data: Sequence[Any], title: str, **layout: Any) -> Figure:
    """A figure with the plain template, a readable font and the title as its name."""
    fig = go.Figure(data=list(data))
    base: dict[str, Any] = {
        "title": {"text": title, "x": 0, "xanchor": "left"},
        "template": "none",
        "font": {"family": "system-ui, sans-serif", "size": 14, "color": "#1a1a1a"},
        "margin": {"l": 60, "r": 20, "t": 70, "b": 50},
        "height": 320,
    }
    fig.update_layout(**{**base, **layout})
    result: Figure = fig.to_plotly_json()
    return result


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def trusted_adult_figure(cohort: Mapping[str, Any]) -> Figure:
    """Children split by trusted adults: two or more, exactly one, none (a stacked bar).

    >>> fig = trusted_adult_figure(
    ...     {"children": 4, "has_trusted_adult_rate": 0.75, "single_point_of_failure_rate": 0.25})
    >>> [bar["x"][0] for bar in fig["data"]]
    [50.0, 25.0, 25.0]
    """
    has = cohort.get("has_trusted_adult_rate")
    single = cohort.get("single_point_of_failure_rate")
    if has is None or single is None:
        parts: list[float | None] = [None, None, None]
    else:
        parts = [_percent(has - single), _percent(single), _percent(1 - has)]
    labels = ["Two or more trusted adults", "Only one trusted adult", "No trusted adult"]
    colours = [COLOURS["green"], COLOURS["yellow"], COLOURS["orange"]]
    patterns = ["", "/", "x"]  # shape as well as colour tells the parts apart
    bars = [
        go.Bar(
            x=[value], y=["Children"], name=label, orientation="h",
            marker={"color": colour, "pattern": {"shape": pattern}},
            text=[f"{value}%" if value is not None else "no data"],
            textposition="inside",
            hovertemplate=f"{label}: %{{x}}%<extra></extra>",
        )
        for value, label, colour, pattern in zip(parts, labels, colours, patterns, strict=True)
    ]
    return _figure(
        bars,
        f"Share with a trusted adult<br><sup>{cohort.get('children', 0)} children</sup>",
        barmode="stack",
        xaxis={"range": [0, 100], "ticksuffix": "%"},
        yaxis={"showticklabels": False},
        legend={"orientation": "h", "y": -0.3, "traceorder": "normal"},
        height=240,
    )


def distribution_figure(
    values: Sequence[float | None],
    *,
    title: str,
    axis: str,
    median: float | None = None,
    bin_size: float = 10,
    upper: float = 100,
) -> Figure:
    """A histogram of one per-child measure, children without a value left out, with the
    cohort median marked.

    >>> fig = distribution_figure([10.0, 12.5, None, 95.0], title="Strength", axis="0-100",
    ...                           median=12.5)
    >>> fig["data"][0]["x"], fig["layout"]["shapes"][0]["x0"]
    ([10.0, 12.5, 95.0], 12.5)
    """
    present = [v for v in values if v is not None]
    hist = go.Histogram(
        x=present,
        xbins={"start": 0, "end": upper + bin_size, "size": bin_size},
        marker={"color": COLOURS["blue"], "line": {"color": "#ffffff", "width": 1}},
        hovertemplate="%{x}: %{y} children<extra></extra>",
        name=title,
    )
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    if median is not None:
        shapes.append({
            "type": "line", "x0": median, "x1": median, "yref": "paper", "y0": 0, "y1": 1,
            "line": {"color": COLOURS["orange"], "width": 3, "dash": "dash"},
        })
        annotations.append({
            "x": median, "yref": "paper", "y": 1.02, "text": f"median {median}",
            "showarrow": False, "font": {"color": "#1a1a1a"},
        })
    missing = len(values) - len(present)
    subtitle = f"<br><sup>{len(present)} children; {missing} without a value</sup>"
    return _figure(
        [hist],
        f"{title}{subtitle}",
        xaxis={"title": {"text": axis}, "range": [0, upper + bin_size]},
        yaxis={"title": {"text": "children"}, "rangemode": "tozero"},
        shapes=shapes,
        annotations=annotations,
        bargap=0.05,
    )


def churn_figure(social_workers: Sequence[int], *, rate: float | None = None) -> Figure:
    """Children by how many social workers they had in the year (3+ highlighted, DfE).

    >>> fig = churn_figure([1, 1, 2, 4, 3])
    >>> fig["data"][0]["x"], fig["data"][0]["y"]
    (['0', '1', '2', '3+'], [0, 2, 1, 2])
    """
    counts = [0, 0, 0, 0]
    for n in social_workers:
        counts[min(max(n, 0), 3)] += 1
    colours = [COLOURS["blue"]] * 3 + [COLOURS["orange"]]
    patterns = ["", "", "", "x"]
    title = "Social workers in the year"
    if rate is not None:
        title += f"<br><sup>{_percent(rate)}% had 3 or more</sup>"
    return _figure(
        [go.Bar(
            x=["0", "1", "2", "3+"], y=counts,
            marker={"color": colours, "pattern": {"shape": patterns}},
            text=counts, textposition="outside",
            hovertemplate="%{x} social workers: %{y} children<extra></extra>",
        )],
        title,
        xaxis={"title": {"text": "social workers", "standoff": 8}, "type": "category"},
        yaxis={"title": {"text": "children"}, "rangemode": "tozero"},
    )


def support_gaps_figure(gaps: Mapping[str, float | None], children: int) -> Figure:
    """Share of children with nobody rated as often giving each kind of support (the
    kinds given; the cohort measures give ``emotional``).

    >>> support_gaps_figure({"emotional": 0.25, "practical": 0.5}, 4)["data"][0]["y"]
    [25.0, 50.0]
    """
    kinds = [kind for kind in SUPPORT_LABELS if kind in gaps]  # only the kinds measured
    values = [_percent(gaps.get(kind)) for kind in kinds]
    return _figure(
        [go.Bar(
            x=[SUPPORT_LABELS[k] for k in kinds], y=values,
            marker={"color": COLOURS["purple"]},
            text=[f"{v}%" if v is not None else "no data" for v in values],
            textposition="outside",
            hovertemplate="No one for %{x}: %{y}%<extra></extra>",
        )],
        f"Support gaps<br><sup>share of the {children} children with no one for each</sup>",
        yaxis={"title": {"text": "% of children with no one"}, "range": [0, 105]},
    )


def trend_figure(
    trend: Sequence[Mapping[str, Any]], names: Mapping[str, str], *, title: str, percent: bool
) -> Figure:
    """One line per named measure over the month ends (oldest first); gaps stay gaps.

    >>> fig = trend_figure([{"at": "2024-01-31", "x": 0.5}, {"at": "2024-02-29", "x": None}],
    ...                    {"x": "X"}, title="T", percent=True)
    >>> fig["data"][0]["x"], fig["data"][0]["y"]
    (['2024-01-31', '2024-02-29'], [50.0, None])
    """
    dashes = ["solid", "dash", "dot", "dashdot"]
    symbols = ["circle", "square", "diamond", "triangle-up"]
    colours = list(COLOURS.values())
    lines = []
    for i, (key, label) in enumerate(names.items()):
        ys = [row.get(key) for row in trend]
        if percent or key == "median_paid_share":
            ys = [_percent(y) for y in ys]
        lines.append(go.Scatter(
            x=[row["at"] for row in trend], y=ys, name=label, mode="lines+markers",
            line={"color": colours[i % len(colours)], "dash": dashes[i % len(dashes)], "width": 3},
            marker={"symbol": symbols[i % len(symbols)], "size": 8},
            connectgaps=False,
            hovertemplate=f"{label}: %{{y}}<extra>%{{x}}</extra>",
        ))
    return _figure(
        lines,
        title,
        xaxis={"title": {"text": "month end"}, "type": "date"},
        yaxis={"title": {"text": "%" if percent else "0-100"}, "range": [0, 105]},
        legend={"orientation": "h", "y": -0.3},
        height=380,
    )


def dashboard_figures(
    cohort: Mapping[str, Any],
    trend: Sequence[Mapping[str, Any]],
    values: Mapping[str, Sequence[Any]] | None = None,
) -> dict[str, Figure]:
    """Every dashboard chart, by name, from one cohort dict, its monthly trend, and the
    per-child values behind the distributions (``network_strength``, ``continuity``,
    ``paid_share``, ``social_workers``, ``support_gaps``: lists, one entry per child).

    >>> figs = dashboard_figures({"children": 0}, [])
    >>> sorted(figs)  # doctest: +NORMALIZE_WHITESPACE
    ['churn', 'continuity', 'medians_trend', 'network_strength', 'paid_share', 'rates_trend',
     'support_gaps', 'trusted']
    """
    values = values or {}
    children = int(cohort.get("children") or 0)
    gap_lists: Sequence[Sequence[str]] = values.get("support_gaps", [])
    if gap_lists:
        gaps: dict[str, float | None] = {
            kind: round(sum(kind in g for g in gap_lists) / len(gap_lists), 3)
            for kind in SUPPORT_LABELS
        }
    else:
        gaps = {"emotional": cohort.get("no_emotional_support_rate")}
    paid = [None if v is None else round(100 * v, 1) for v in values.get("paid_share", [])]
    median_paid = cohort.get("median_paid_share")
    return {
        "trusted": trusted_adult_figure(cohort),
        "network_strength": distribution_figure(
            values.get("network_strength", []), title="Network strength",
            axis="network strength (0-100)", median=cohort.get("median_network_strength"),
        ),
        "continuity": distribution_figure(
            values.get("continuity", []), title="Continuity over the year",
            axis="continuity (0-100)", median=cohort.get("median_continuity"),
        ),
        "churn": churn_figure(
            values.get("social_workers", []), rate=cohort.get("high_worker_churn_rate")
        ),
        "support_gaps": support_gaps_figure(gaps, children),
        "paid_share": distribution_figure(
            paid, title="Paid share of the network", axis="% of members who are paid",
            median=_percent(median_paid),
        ),
        "rates_trend": trend_figure(trend, RATE_NAMES, title="Rates by month", percent=True),
        "medians_trend": trend_figure(
            trend, MEDIAN_NAMES, title="Strength, continuity and paid share by month",
            percent=False,
        ),
    }
