"""Plotly figure builders for the leaders' dashboard, fed plain dashboard data (never a store).

Each builder takes parts of the :class:`ecomap.dashboard.Dashboard` answer as plain JSON
data (figures as ``{"value", "n", "suppressed"}``, month-end rows for trends,
server-side bins for distributions) and returns plotly figure JSON: a plain
``{"data": [...], "layout": {...}}`` dict the browser hands to ``Plotly.react``. Rates
arrive as shares (0-1) and are drawn as percentages; every chart says over how many
children it was computed. No per-child value ever reaches this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Figure = dict[str, Any]
Trace = dict[str, Any]

#: What plotly makes of ``template="none"``: no theme beyond plotly.js's defaults.
TEMPLATE_NONE: dict[str, Any] = {"data": {"scatter": [{"type": "scatter"}]}}

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
    "has_trusted_adult_rate": "Has a trusted adult (of those asked)",
    "single_point_of_failure_rate": "Only one trusted adult (of those asked)",
    "high_worker_churn_rate": "3+ social workers in the year",
    "no_emotional_support_rate": "No emotional support (of those asked)",
}

#: How many children were asked, drawn beside the rates so a rise in a rate can be told
#: apart from a rise in asking.
ANSWERED_NAMES: dict[str, str] = {
    "trust_answered_rate": "Asked about trust (answered rate)",
    "support_answered_rate": "Asked about support (answered rate)",
}

#: The cohort medians (0-100 scale except paid share, drawn as a percentage).
MEDIAN_NAMES: dict[str, str] = {
    "median_network_strength": "Median network strength",
    "median_continuity": "Median continuity",
    "median_paid_share": "Median paid share (%)",
}

SUPPORT_LABELS = {"emotional": "Feelings", "practical": "Doing things", "informational": "Advice"}

Json = Mapping[str, Any]


def _figure(data: Sequence[Trace], title: str, **layout: Any) -> Figure:
    """A figure with the plain template, a readable font and the title as its name."""
    base: dict[str, Any] = {
        "template": TEMPLATE_NONE,
        "title": {"text": title, "x": 0, "xanchor": "left"},
        "font": {"family": "system-ui, sans-serif", "size": 14, "color": "#1a1a1a"},
        "margin": {"l": 60, "r": 20, "t": 70, "b": 50},
        "height": 320,
    }
    return {"data": list(data), "layout": {**base, **layout}}


def _bar(**trace: Any) -> Trace:
    return {**trace, "type": "bar"}


def _scatter(**trace: Any) -> Trace:
    return {**trace, "type": "scatter"}


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def _value(figure: Json | None) -> float | None:
    return None if figure is None else figure.get("value")


def _n(figure: Json | None) -> str:
    """"n of N"-style words for a figure's base."""
    if figure is None or figure.get("suppressed"):
        return "withheld to keep children private"
    return f"{figure.get('n', 0)} children"


def trusted_adult_figure(measures: Json) -> Figure:
    """Children asked, split by trusted adults: two or more, exactly one, none.

    >>> fig = trusted_adult_figure({"children": 6,
    ...     "has_trusted_adult_rate": {"value": 0.75, "n": 4, "suppressed": False},
    ...     "single_point_of_failure_rate": {"value": 0.25, "n": 4, "suppressed": False}})
    >>> [bar["x"][0] for bar in fig["data"]], "4 of 6 children answered" in fig["layout"]["title"]["text"]
    ([50.0, 25.0, 25.0], True)
    """  # noqa: E501
    has_f, single_f = measures.get("has_trusted_adult_rate"), measures.get(
        "single_point_of_failure_rate")
    has, single = _value(has_f), _value(single_f)
    if has is None or single is None:
        parts: list[float | None] = [None, None, None]
    else:
        parts = [_percent(has - single), _percent(single), _percent(1 - has)]
    labels = ["Two or more trusted adults", "Only one trusted adult", "No trusted adult"]
    colours = [COLOURS["green"], COLOURS["yellow"], COLOURS["orange"]]
    patterns = ["", "/", "x"]  # shape as well as colour tells the parts apart
    bars = [
        _bar(
            x=[value], y=["Asked"], name=label, orientation="h",
            marker={"color": colour, "pattern": {"shape": pattern}},
            text=[f"{value}%" if value is not None else "no data"],
            textposition="inside",
            hovertemplate=f"{label}: %{{x}}%<extra></extra>",
        )
        for value, label, colour, pattern in zip(parts, labels, colours, patterns, strict=True)
    ]
    children = measures.get("children", 0)
    if has_f is not None and not has_f.get("suppressed"):
        sub = f"{has_f.get('n', 0)} of {children} children answered the trust question"
    else:
        sub = "withheld to keep children private"
    return _figure(
        bars,
        f"Trusted adults, among children asked<br><sup>{sub}</sup>",
        barmode="stack",
        xaxis={"range": [0, 100], "ticksuffix": "%"},
        yaxis={"showticklabels": False},
        legend={"orientation": "h", "y": -0.3, "traceorder": "normal"},
        height=240,
    )


def _bin_label(low: float, high: float, percent: bool, whole: bool) -> str:
    if whole:
        return f"{int(low)}+" if high >= 1000 else (
            str(int(low)) if high - low == 1 else f"{int(low)}-{int(high) - 1}")
    scale = 100 if percent else 1
    return f"{low * scale:g}-{high * scale:g}"


def bins_figure(
    distribution: Json, *, title: str, axis: str, minimum: int, median: Json | None = None,
    percent: bool = False, whole: bool = False,
) -> Figure:
    """Children per server-side bin (a bin of fewer than ``minimum`` reads "fewer than
    N"), the figure's median named in the subtitle.

    >>> fig = bins_figure({"n": 7, "suppressed": False, "bins": [
    ...     {"low": 0, "high": 50, "children": 5}, {"low": 50, "high": 100, "children": None}]},
    ...     title="Strength", axis="0-100", minimum=5)
    >>> fig["data"][0]["x"], fig["data"][0]["y"], fig["data"][0]["text"]
    (['0-50', '50-100'], [5, 0], ['5', 'fewer than 5'])
    """
    bins = distribution.get("bins") or []
    labels = [_bin_label(b["low"], b["high"], percent, whole) for b in bins]
    counts = [b["children"] if b["children"] is not None else 0 for b in bins]
    text = [str(b["children"]) if b["children"] is not None else f"fewer than {minimum}"
            for b in bins]
    if distribution.get("suppressed"):
        sub = "withheld to keep children private"
    else:
        sub = f"{distribution.get('n', 0)} children with a value"
        if median is not None and median.get("value") is not None:
            value = median["value"]
            sub += f"; median {_percent(value) if percent else value}"
    return _figure(
        [_bar(x=labels, y=counts, text=text, textposition="outside",
                marker={"color": COLOURS["blue"]},
                hovertemplate="%{x}: %{text} children<extra></extra>")],
        f"{title}<br><sup>{sub}</sup>",
        xaxis={"title": {"text": axis}, "type": "category"},
        yaxis={"title": {"text": "children"}, "rangemode": "tozero"},
    )


def support_gaps_figure(measures: Json) -> Figure:
    """Share of the children asked about support with nobody who often helps with
    feelings (the cohort figure ``no_emotional_support_rate``).

    >>> support_gaps_figure({"no_emotional_support_rate":
    ...     {"value": 0.25, "n": 8, "suppressed": False}})["data"][0]["y"]
    [25.0]
    """
    figure = measures.get("no_emotional_support_rate")
    value = _percent(_value(figure))
    return _figure(
        [_bar(
            x=[SUPPORT_LABELS["emotional"]], y=[value],
            marker={"color": COLOURS["purple"]},
            text=[f"{value}%" if value is not None else "no data"],
            textposition="outside",
            hovertemplate="No one for %{x}: %{y}%<extra></extra>",
        )],
        f"No one for feelings<br><sup>of {_n(figure)} asked about support</sup>",
        yaxis={"title": {"text": "% of children asked"}, "range": [0, 105]},
    )


def trend_figure(
    trend: Sequence[Json], names: Mapping[str, str], *, title: str, percent: bool,
    answered: Mapping[str, str] | None = None,
) -> Figure:
    """One line per named figure over the month ends (oldest first); withheld or empty
    months stay gaps. ``answered`` rates are drawn as thin grey lines beside them.

    >>> fig = trend_figure([{"at": "2024-01-31", "x": {"value": 0.5}},
    ...                     {"at": "2024-02-29", "x": {"value": None}}],
    ...                    {"x": "X"}, title="T", percent=True)
    >>> fig["data"][0]["x"], fig["data"][0]["y"]
    (['2024-01-31', '2024-02-29'], [50.0, None])
    """
    dashes = ["solid", "dash", "dot", "dashdot"]
    symbols = ["circle", "square", "diamond", "triangle-up"]
    colours = list(COLOURS.values())
    lines = []
    for i, (key, label) in enumerate(names.items()):
        ys = [_value(row.get(key)) for row in trend]
        if percent or key == "median_paid_share":
            ys = [_percent(y) for y in ys]
        ns = [(row.get(key) or {}).get("n") for row in trend]
        lines.append(_scatter(
            x=[row["at"] for row in trend], y=ys, name=label, mode="lines+markers",
            line={"color": colours[i % len(colours)], "dash": dashes[i % len(dashes)], "width": 3},
            marker={"symbol": symbols[i % len(symbols)], "size": 8},
            connectgaps=False, customdata=ns,
            hovertemplate=f"{label}: %{{y}} (n=%{{customdata}})<extra>%{{x}}</extra>",
        ))
    for j, (key, label) in enumerate((answered or {}).items()):
        lines.append(_scatter(
            x=[row["at"] for row in trend],
            y=[_percent(_value(row.get(key))) for row in trend],
            name=label, mode="lines",
            line={"color": COLOURS["grey"], "dash": dashes[(j + 2) % len(dashes)], "width": 2},
            connectgaps=False,
            hovertemplate=f"{label}: %{{y}}%<extra>%{{x}}</extra>",
        ))
    return _figure(
        lines,
        title,
        xaxis={"title": {"text": "month end"}, "type": "date"},
        yaxis={"title": {"text": "%" if percent else "0-100"}, "range": [0, 105]},
        legend={"orientation": "h", "y": -0.3},
        height=400,
    )


def dashboard_figures(answer: Json) -> dict[str, Figure]:
    """Every dashboard chart, by name, from one dashboard answer (plain JSON data).

    >>> from ecomap.dashboard import Distribution
    >>> empty = Distribution(n=0, suppressed=False, bins=[]).model_dump()
    >>> figs = dashboard_figures({"min_cohort": 5, "measures": {"children": 0}, "trend": [],
    ...     "distributions": {k: empty for k in
    ...         ("network_strength", "continuity", "paid_share", "social_workers")}})
    >>> sorted(figs)  # doctest: +NORMALIZE_WHITESPACE
    ['churn', 'continuity', 'medians_trend', 'network_strength', 'paid_share', 'rates_trend',
     'support_gaps', 'trusted']
    """
    measures, trend = answer["measures"], answer["trend"]
    dist, minimum = answer["distributions"], int(answer.get("min_cohort") or 0)
    return {
        "trusted": trusted_adult_figure(measures),
        "network_strength": bins_figure(
            dist["network_strength"], title="Network strength", axis="network strength (0-100)",
            minimum=minimum, median=measures.get("median_network_strength")),
        "continuity": bins_figure(
            dist["continuity"], title="Continuity over the year", axis="continuity (0-100)",
            minimum=minimum, median=measures.get("median_continuity")),
        "churn": bins_figure(
            dist["social_workers"], title="Social workers in the year",
            axis="social workers", minimum=minimum, whole=True),
        "support_gaps": support_gaps_figure(measures),
        "paid_share": bins_figure(
            dist["paid_share"], title="Paid share of the network",
            axis="% of members who are paid", minimum=minimum,
            median=measures.get("median_paid_share"), percent=True),
        "rates_trend": trend_figure(trend, RATE_NAMES, title="Rates by month", percent=True,
                                    answered=ANSWERED_NAMES),
        "medians_trend": trend_figure(
            trend, MEDIAN_NAMES, title="Strength, continuity and paid share by month",
            percent=False,
        ),
    }


#: Who holds a commitment, in the dashboard's words (docs/meetings.md, "The dashboard").
HOLDER_LABELS: dict[str, str] = {
    "family": "Family", "carer": "Carers", "friend": "Friends", "community": "Community",
    "volunteer": "Volunteers", "professional": "Professionals", "child": "The child",
}


def holders_figure(plans: Json, *, minimum: int) -> Figure:
    """Open commitments by who holds them, one horizontal bar per holder group in the
    answer's order (family first); a bar drawn from fewer than ``minimum`` children
    shows no count ("fewer than N children"), as the table beside it.

    >>> fig = holders_figure({"holders": [
    ...     {"holder": "family", "commitments": 4, "children": 3, "suppressed": False},
    ...     {"holder": "child", "commitments": None, "children": None, "suppressed": True}]},
    ...     minimum=5)
    >>> fig["data"][0]["y"], fig["data"][0]["x"], fig["data"][0]["text"]
    (['Family', 'The child'], [4, 0], ['4 (3 children)', 'fewer than 5 children'])
    """
    bars = plans.get("holders") or []
    labels = [HOLDER_LABELS.get(b["holder"], b["holder"]) for b in bars]
    counts = [0 if b["suppressed"] or b["commitments"] is None else b["commitments"]
              for b in bars]
    text = [f"fewer than {minimum} children" if b["suppressed"]
            else f"{b['commitments']} ({b['children']} children)" for b in bars]
    return _figure(
        [_bar(x=counts, y=labels, orientation="h", text=text, textposition="auto",
              marker={"color": [COLOURS["green"] if b["holder"] not in (
                  "professional", "carer") else COLOURS["blue"] for b in bars]},
              customdata=[b["holder"] for b in bars],
              hovertemplate="%{y}: %{text}<extra></extra>")],
        "Open commitments by who holds them<br><sup>green: family, friends, community and "
        "volunteers; blue: carers and professionals. A commitment held by two kinds of "
        "people counts in both.</sup>",
        xaxis={"title": {"text": "open commitments"}, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "type": "category"},
        height=360, margin={"l": 120, "r": 20, "t": 90, "b": 50},
    )


def plans_figures(answer: Json) -> dict[str, Figure]:
    """The dashboard's "Meetings and plans" charts, by name, from one dashboard answer
    (plain JSON data); none when the answer has no plans.

    >>> sorted(plans_figures({"min_cohort": 5, "plans": {"holders": []}}))
    ['holders']
    >>> plans_figures({"min_cohort": 5, "plans": None})
    {}
    """
    plans = answer.get("plans")
    if not plans:
        return {}
    return {"holders": holders_figure(plans, minimum=int(answer.get("min_cohort") or 0))}
