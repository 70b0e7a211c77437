"""Naive baseline: MEASURES.md written out per child with networkx and Python loops.

An independent oracle for the engine in ``ecomap.measures`` and the slow side of
the benchmark's speed ratio. It reads the ``ecomap/1`` interchange form (plain
JSON dicts, dates as ``YYYY-MM-DD`` strings) and applies the FORMAT.md defaults
itself, so it shares no code with the engine or the pydantic model. Every child
gets its own ``networkx.MultiGraph`` (the child and each person are nodes, every
tie an edge keyed by tie id carrying its dates and its observations in document
order), and each measure is a plain loop over that graph.

Readings of MEASURES.md where the text leaves a choice (each one is a place the
engine could differ; the benchmark reports any difference):

- a member with two child ties active on a date counts once in M(t); per-tie
  figures (``by_category``, ``ties``) count ties;
- ``trusted`` in a tie is the effective observation's ``trusted`` as given (null
  when not asked or unrated);
- placement episodes are active on d when ``start <= d`` and ``end`` is null or
  ``end > d`` (the tie rule of FORMAT.md); "overlaps (t0, t]" means active on some d
  with t0 < d <= t; the child's first placement is the earliest ``start`` (the earlier in the
  document on a tie: a second placement starting the same day is a move);
- ``ties`` puts rated ties (strongest first, then member id) before unrated ones
  (then member id);
- a move's retention is null when M(s - 1) is empty;
- ``unseen_trusted`` compares the trusted-adult sets of the two perspectives;
- ``continuity`` and the medians of strengths are rounded to 1 decimal, shares
  and rates to 3; ``tenure_median_days`` is the plain median (may end in .5);
- the cohort's ``children`` counts the children open on the date (a status episode
  covers it; without status episodes, from the earliest start of a child tie, an
  observation of one or any episode, with ``child.status``) of the team and status
  they had then (the team episode covering the date; without team episodes,
  ``child.team``); each rate is over the children with the answer it needs and each
  figure carries that ``n``; medians skip nulls; values are null for none.
"""

from __future__ import annotations

import calendar
import json
import statistics
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import networkx as nx

from bench import naive_plans

CATEGORIES = ("family", "carer", "friend", "community", "volunteer", "professional")
SUPPORT_TYPES = ("emotional", "practical", "informational")
WEIGHTS = {"C": 0.30, "F": 0.20, "S": 0.25, "R": 0.10, "D": 0.15, "K": -0.25}
DIRECTION_SCORE = {"both": 1.0, "to_child": 0.5, "from_child": 0.0}

Doc = dict[str, Any]


def load_jsonl(path: str | Path) -> Iterator[Doc]:
    """Yield the ``ecomap/1`` documents of a JSON Lines file as plain dicts."""
    with open(path, encoding="utf-8") as fp:
        for line in fp:
            if line.strip():
                yield json.loads(line)


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else rnd(value, digits)


def rnd(value: float, digits: int) -> float:
    """Decimal rounding, half to even, of the value as written to 9 more places.

    Binary floats hold 0.1235 as 0.12349999...; writing it out first makes halves
    halves, as a reader of the decimal would expect.

    >>> rnd(0.1235, 3), rnd(0.1245, 3), rnd(12.25, 1), rnd(0.1 + 0.2, 3)
    (0.124, 0.124, 12.2, 0.3)
    """
    written = Decimal(format(value, f".{digits + 9}f"))
    return float(written.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)) + 0.0


def build_graph(doc: Doc) -> nx.MultiGraph:
    """The child's network as a MultiGraph: nodes carry person fields, edges carry ties.

    >>> g = build_graph({"child": {"id": "c"}, "people": [{"id": "p", "category": "friend"}],
    ...     "ties": [{"id": "t", "between": ["c", "p"], "started": "2020-01-01"}]})
    >>> g.nodes["p"]["adult"], g.nodes["p"]["paid"], g.graph["child"]
    (False, False, 'c')
    """
    child_id = doc["child"]["id"]
    graph = nx.MultiGraph(child=child_id)
    graph.add_node(child_id, kind="child")
    for person in doc.get("people", []):
        category = person["category"]
        adult = person.get("adult")
        paid = person.get("paid")
        graph.add_node(
            person["id"],
            kind="person",
            category=category,
            role=person.get("role"),
            adult=(category != "friend") if adult is None else bool(adult),
            paid=(category in ("professional", "carer")) if paid is None else bool(paid),
        )
    observations: dict[str, list[dict[str, Any]]] = {}
    for position, obs in enumerate(doc.get("observations", [])):
        entry = dict(obs)
        entry["on"] = _day(obs["on"])
        entry["position"] = position
        observations.setdefault(obs["tie"], []).append(entry)
    for tie in doc.get("ties", []):
        a, b = tie["between"]
        graph.add_edge(
            a,
            b,
            key=tie["id"],
            started=_day(tie.get("started")),
            ended=_day(tie.get("ended")),
            observations=observations.get(tie["id"], []),
        )
    episodes = []
    dated: dict[str, list[tuple[date, date | None, str]]] = {"status": [], "team": []}
    starts = []
    for episode in doc.get("episodes", []):
        start, end = _day(episode["start"]), _day(episode.get("end"))
        starts.append(start)
        if episode["kind"] == "placement":
            episodes.append((start, end))
        if episode["kind"] in dated:
            dated[episode["kind"]].append((start, end, episode[episode["kind"]]))
    graph.graph["placements"] = episodes
    graph.graph["status_episodes"] = dated["status"]
    graph.graph["team_episodes"] = dated["team"]
    graph.graph["status"] = doc["child"].get("status")
    graph.graph["team"] = doc["child"].get("team")
    for a, b, data in graph.edges(data=True):
        if child_id in (a, b):
            starts += [data["started"]] if data["started"] else []
            starts += [obs["on"] for obs in data["observations"]]
    graph.graph["first_day"] = min((d for d in starts if d is not None), default=None)
    graph.graph["plans_doc"] = {"people": doc.get("people", []),
                                "meetings": doc.get("meetings", [])}
    return graph


def _active(started: date | None, ended: date | None, t: date) -> bool:
    return (started is None or started <= t) and (ended is None or ended > t)


def _active_during(started: date | None, ended: date | None, t0: date, t: date) -> bool:
    """Active on some day d with t0 < d <= t."""
    first = t0 + timedelta(days=1)
    if started is not None and started > first:
        first = started
    return first <= t and (ended is None or ended > first)


def child_ties(graph: nx.MultiGraph, t: date) -> list[tuple[str, str, dict[str, Any]]]:
    """(tie id, member id, edge data) for every child tie active on ``t``."""
    child = graph.graph["child"]
    found = []
    for _, member, key, data in graph.edges(child, keys=True, data=True):
        if _active(data["started"], data["ended"], t):
            found.append((key, member, data))
    return found


def members(graph: nx.MultiGraph, t: date) -> set[str]:
    """M(t): the members whose child tie is active on ``t``."""
    return {member for _, member, _ in child_ties(graph, t)}


def effective(
    observations: list[dict[str, Any]], t: date, perspective: str
) -> dict[str, Any] | None:
    """The observation that counts on ``t`` for a perspective (later in document wins ties)."""
    if perspective == "combined":
        mine = effective(observations, t, "child")
        return mine if mine is not None else effective(observations, t, "worker")
    best: dict[str, Any] | None = None
    for obs in observations:
        if obs["on"] > t:
            continue
        if (obs["by"] == "child") != (perspective == "child"):
            continue
        if best is None or obs["on"] >= best["on"]:
            best = obs
    return best


def components(obs: dict[str, Any], started: date | None, t: date) -> dict[str, float]:
    """C, F, S, R, D, K of one effective observation (missing ratings give 0)."""
    closeness = obs.get("closeness")
    contact = obs.get("contact")
    support = obs.get("support") or {}
    critical = obs.get("critical")
    total = 0.0
    for kind in SUPPORT_TYPES:
        rating = support.get(kind)
        total += 0.0 if rating is None else (rating - 1) / 2
    duration = 0.0 if started is None else min((t - started).days / 365.25 / 5, 1.0)
    return {
        "C": 0.0 if closeness is None else (closeness - 1) / 2,
        "F": 0.0 if contact is None else contact / 4,
        "S": total / 3,
        "R": DIRECTION_SCORE.get(obs.get("direction") or "", 0.0),
        "D": duration,
        "K": 0.0 if critical is None else (critical - 1) / 2,
    }


def strength(parts: dict[str, float]) -> float:
    """Tie strength 0-100 from its components, rounded to 1 decimal.

    >>> strength({"C": 1.0, "F": 0.75, "S": 0.5, "R": 1.0, "D": 1.0, "K": 0.0})
    82.5
    """
    score = sum(WEIGHTS[name] * parts[name] for name in WEIGHTS)
    return rnd(100 * min(max(score, 0.0), 1.0), 1)


def line(obs: dict[str, Any] | None) -> str:
    """Hartman's line style for a tie's effective observation."""
    if obs is None:
        return "unrated"
    if obs.get("critical") == 3:
        return "stressful"
    closeness = obs.get("closeness")
    if not isinstance(closeness, int):
        return "unrated"
    return {3: "strong", 2: "normal", 1: "tenuous"}.get(closeness, "unrated")


def rated_ties(
    graph: nx.MultiGraph, t: date, perspective: str
) -> list[tuple[str, str, dict[str, Any], dict[str, Any] | None, float | None]]:
    """(tie id, member, edge data, effective observation, strength) per active child tie."""
    rows = []
    for key, member, data in child_ties(graph, t):
        obs = effective(data["observations"], t, perspective)
        value = None if obs is None else strength(components(obs, data["started"], t))
        rows.append((key, member, data, obs, value))
    return rows


def trusted_adults(graph: nx.MultiGraph, t: date, perspective: str) -> set[str]:
    """Members who are adults and whose effective observation says trusted."""
    found = set()
    for _, member, _, obs, _ in rated_ties(graph, t, perspective):
        if graph.nodes[member]["adult"] and obs is not None and obs.get("trusted") is True:
            found.add(member)
    return found


def _network(graph: nx.MultiGraph, t: date, perspective: str) -> tuple[dict[str, Any], list[Any]]:
    rows = rated_ties(graph, t, perspective)
    present = {member for _, member, _, _, _ in rows}
    size = len(present)
    by_category = dict.fromkeys(CATEGORIES, 0)
    for _, member, _, _, _ in rows:
        by_category[graph.nodes[member]["category"]] += 1
    trusted = trusted_adults(graph, t, perspective)
    unpaid = [m for m in trusted if not graph.nodes[m]["paid"]]
    paid = [m for m in present if graph.nodes[m]["paid"]]
    providers = {}
    for kind in SUPPORT_TYPES:
        providing = set()
        for _, member, _, obs, _ in rows:
            if obs is not None and ((obs.get("support") or {}).get(kind) or 0) >= 2:
                providing.add(member)
        providers[kind] = len(providing)
    rated = [(row[3], row[4] or 0.0) for row in rows if row[3] is not None]
    asked = [obs["on"] for obs, _ in rated if obs.get("trusted") is not None]
    support_asked = any(
        any(value is not None for value in (obs.get("support") or {}).values())
        for obs, _ in rated)
    directed = [obs["direction"] for obs, _ in rated if obs.get("direction") is not None]
    critical = [obs["critical"] for obs, _ in rated if obs.get("critical") is not None]
    strengths = [value for _, value in rated]
    padded = sorted((row[4] or 0.0 for row in rows), reverse=True)[:5]
    padded += [0.0] * (5 - len(padded))
    inner = nx.Graph()
    inner.add_nodes_from(present)
    child = graph.graph["child"]
    for a, b, data in graph.edges(data=True):
        if child in (a, b) or a not in present or b not in present:
            continue
        if _active(data["started"], data["ended"], t):
            inner.add_edge(a, b)
    tenures = [(t - data["started"]).days for _, _, data, _, _ in rows if data["started"]]
    network = {
        "size": size,
        "by_category": by_category,
        "trusted_adults": len(trusted),
        "unpaid_trusted_adults": len(unpaid),
        "trust_answered": bool(asked),
        "trust_answered_on": max(asked).isoformat() if asked else None,
        "has_trusted_adult": len(trusted) >= 1 if asked else None,
        "single_point_of_failure": len(trusted) == 1 if asked else None,
        "paid_share": rnd(len(paid) / size, 3) if size else None,
        "support_providers": providers,
        "support_answered": support_asked,
        "support_gaps": sorted(kind for kind in SUPPORT_TYPES if providers[kind] == 0)
        if support_asked else None,
        "reciprocity": _round(
            sum(1 for direction in directed if direction == "both") / len(directed), 3
        )
        if directed
        else None,
        "critical_share": _round(
            sum(1 for rating in critical if rating == 3) / len(critical), 3
        )
        if critical
        else None,
        "mean_strength": _round(sum(strengths) / len(strengths), 1) if strengths else None,
        "network_strength": rnd(sum(padded) / 5, 1) if rated else None,
        "density": rnd(nx.density(inner), 3) if size >= 2 else None,
        "tenure_median_days": statistics.median(tenures) if tenures else None,
    }
    return network, rows


def _continuity(
    graph: nx.MultiGraph, t: date, perspective: str, window_days: int
) -> dict[str, Any]:
    t0 = t - timedelta(days=window_days)
    now = members(graph, t)
    before = members(graph, t0)
    retained = now & before
    trusted_before = trusted_adults(graph, t0, perspective)
    trusted_now = trusted_adults(graph, t, perspective)
    weight_before = 0.0
    weight_kept = 0.0
    for _, member, _, _, value in rated_ties(graph, t0, perspective):
        weight_before += value or 0.0
        if member in now:
            weight_kept += value or 0.0
    child = graph.graph["child"]
    workers = set()
    for _, member, data in graph.edges(child, data=True):
        if graph.nodes[member].get("role") != "social_worker":
            continue
        if _active_during(data["started"], data["ended"], t0, t):
            workers.add(member)
    placements = graph.graph["placements"]
    overlapping = [p for p in placements if _active_during(p[0], p[1], t0, t)]
    first = min(range(len(placements)), key=lambda i: placements[i][0], default=None)
    moves = []
    for number in sorted(range(len(placements)), key=lambda i: placements[i][0]):
        start = placements[number][0]
        if not (t0 < start <= t) or number == first:
            continue
        base = members(graph, start - timedelta(days=1))
        after = members(graph, min(start + timedelta(days=90), t))
        moves.append(
            {
                "on": start.isoformat(),
                "retention": rnd(len(base & after) / len(base), 3) if base else None,
            }
        )
    return {
        "retained": len(retained),
        "lost": len(before - now),
        "gained": len(now - before),
        "retention": rnd(len(retained) / len(before), 3) if before else None,
        "trusted_retention": rnd(len(trusted_before & trusted_now) / len(trusted_before), 3)
        if trusted_before
        else None,
        "continuity": rnd(100 * weight_kept / weight_before, 1) if weight_before else None,
        "social_workers": len(workers),
        "placements": len(overlapping),
        "moves": moves,
    }


def _concordance(graph: nx.MultiGraph, t: date) -> dict[str, Any]:
    by_child = trusted_adults(graph, t, "child")
    by_adults = trusted_adults(graph, t, "worker")
    union = by_child | by_adults
    return {
        "trust_agreement": rnd(len(by_child & by_adults) / len(union), 3) if union else None,
        "unseen_trusted": sorted(by_child - by_adults),
    }


def child_measures(
    doc: Doc | nx.MultiGraph,
    at: date,
    perspective: str = "combined",
    window_days: int = 365,
) -> dict[str, Any]:
    """One child's measures on ``at`` in the MEASURES.md output shape.

    >>> doc = {"child": {"id": "c"}, "people": [{"id": "p", "category": "family"}],
    ...     "ties": [{"id": "t", "between": ["c", "p"], "started": "2014-01-01"}],
    ...     "observations": [{"tie": "t", "on": "2024-01-01", "by": "child", "closeness": 3,
    ...         "contact": 3, "support": {"emotional": 2}, "direction": "both",
    ...         "trusted": True}]}
    >>> m = child_measures(doc, date(2024, 12, 31))
    >>> m["network"]["size"], m["network"]["has_trusted_adult"], m["ties"][0]["strength"]
    (1, True, 74.2)
    """
    graph = doc if isinstance(doc, nx.MultiGraph) else build_graph(doc)
    network, rows = _network(graph, at, perspective)
    ties = []
    for _, member, data, obs, value in rows:
        parts = None if obs is None else components(obs, data["started"], at)
        ties.append(
            {
                "member": member,
                "strength": value,
                "line": line(obs),
                "trusted": None if obs is None else obs.get("trusted"),
                "components": None
                if parts is None
                else {name: rnd(number, 3) for name, number in parts.items()},
            }
        )
    ties.sort(key=lambda tie: (tie["strength"] is None, -(tie["strength"] or 0.0), tie["member"]))
    return {
        "child": graph.graph["child"],
        "at": at.isoformat(),
        "perspective": perspective,
        "window_days": window_days,
        "network": network,
        "continuity": _continuity(graph, at, perspective, window_days),
        "concordance": _concordance(graph, at),
        "plans": naive_plans.plans(graph.graph["plans_doc"], at, perspective, window_days,
                                   trusted_adults(graph, at, perspective)),
        "ties": ties,
    }


def _median(values: Sequence[float | None], digits: int) -> float | None:
    present = [v for v in values if v is not None]
    return rnd(statistics.median(present), digits) if present else None


def case_on(graph: nx.MultiGraph, t: date) -> tuple[bool, str | None, str | None]:
    """(open, status, team) on ``t``, read from the episodes as FORMAT.md describes."""
    covering = [s for start, end, s in graph.graph["status_episodes"] if _active(start, end, t)]
    if graph.graph["status_episodes"]:
        is_open, status = bool(covering), (covering[0] if covering else None)
    else:
        first = graph.graph["first_day"]
        is_open = first is not None and first <= t
        status = graph.graph["status"] if is_open else None
    if graph.graph["team_episodes"]:
        held = [team for start, end, team in graph.graph["team_episodes"] if _active(start, end, t)]
        team = held[0] if held else None
    else:
        team = graph.graph["team"]
    return is_open, status, team


def cohort_from_measures(rows: Sequence[dict[str, Any]], at: date,
                         window_days: int = 365) -> dict[str, Any]:
    """The dashboard figures, each ``{value, n, suppressed}``, from each open child's
    measures on ``at``."""
    t0 = at - timedelta(days=window_days)
    nets = [r["network"] for r in rows]

    def rate(flags: list[bool]) -> dict[str, Any]:
        n = len(flags)
        value = rnd(sum(1 for flag in flags if flag) / n, 3) if n else None
        return {"value": value, "n": n, "suppressed": False}

    def median(values: list[float | None], digits: int) -> dict[str, Any]:
        present = [v for v in values if v is not None]
        return {"value": _median(present, digits), "n": len(present), "suppressed": False}

    asked = [m for m in nets if m["trust_answered"]]
    supported = [m for m in nets if m["support_answered"]]
    return {
        "at": at.isoformat(),
        "window_days": window_days,
        "window_start": t0.isoformat(),
        "children": len(rows),
        "trust_answered_rate": rate([m["trust_answered"] for m in nets]),
        "trust_answered_in_window_rate": rate(
            [m["trust_answered_on"] is not None and m["trust_answered_on"] > t0.isoformat()
             for m in nets]),
        "has_trusted_adult_rate": rate([m["has_trusted_adult"] for m in asked]),
        "single_point_of_failure_rate": rate([m["single_point_of_failure"] for m in asked]),
        "rated_rate": rate([m["network_strength"] is not None for m in nets]),
        "median_network_strength": median([m["network_strength"] for m in nets], 1),
        "median_continuity": median([r["continuity"]["continuity"] for r in rows], 1),
        "high_worker_churn_rate": rate([r["continuity"]["social_workers"] >= 3 for r in rows]),
        "support_answered_rate": rate([m["support_answered"] for m in nets]),
        "no_emotional_support_rate": rate(["emotional" in m["support_gaps"] for m in supported]),
        "median_paid_share": median([m["paid_share"] for m in nets], 3),
    }


def cohort_measures(
    docs: Iterable[Doc | nx.MultiGraph], at: date, window_days: int = 365, *,
    team: str | None = None, status: str | None = None,
) -> dict[str, Any]:
    """Cohort figures on ``at``: each open child's full measures in a loop, then aggregated.

    Only the fields the cohort needs are kept per child, so ``docs`` may be a stream.
    """
    rows = []
    for doc in docs:
        graph = doc if isinstance(doc, nx.MultiGraph) else build_graph(doc)
        is_open, on_status, on_team = case_on(graph, at)
        if not is_open or team not in (None, on_team) or status not in (None, on_status):
            continue
        full = child_measures(graph, at, window_days=window_days)
        rows.append({
            "network": {k: full["network"][k] for k in (
                "trust_answered", "trust_answered_on", "has_trusted_adult",
                "single_point_of_failure", "network_strength", "support_answered",
                "support_gaps", "paid_share")},
            "continuity": {k: full["continuity"][k] for k in ("continuity", "social_workers")},
        })
    return cohort_from_measures(rows, at, window_days)


def month_ends(at: date, months: int) -> list[date]:
    """The last ``months`` month ends up to ``at``'s month, oldest first.

    >>> [d.isoformat() for d in month_ends(date(2024, 3, 31), 3)]
    ['2024-01-31', '2024-02-29', '2024-03-31']
    """
    ends = []
    year, month = at.year, at.month
    for _ in range(months):
        ends.append(date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return ends[::-1]


def cohort_trend(
    docs: Sequence[Doc | nx.MultiGraph], dates: Sequence[date], window_days: int = 365
) -> list[dict[str, Any]]:
    """Cohort measures at each date (the graphs are built once and reused)."""
    graphs = [doc if isinstance(doc, nx.MultiGraph) else build_graph(doc) for doc in docs]
    return [cohort_measures(graphs, when, window_days) for when in dates]
