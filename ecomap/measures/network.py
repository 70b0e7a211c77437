"""Network measures of one child on a date: size, trust, support, strength, density, tenure."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

import networkx as nx

from ecomap.measures.rounding import ratio, round_half_even
from ecomap.measures.snapshot import Snapshot
from ecomap.model import CATEGORIES, SUPPORT_TYPES, Tie


def network_strength(tenths: Sequence[int], clique_size: int = 5) -> float:
    """Mean of the ``clique_size`` largest strengths, padded with 0 (derived).

    Strengths are given in tenths; unrated ties count as 0.

    Examples
    --------
    >>> network_strength([825, 500, 125])   # (82.5 + 50.0 + 12.5 + 0 + 0) / 5
    29.0
    >>> network_strength([])
    0.0
    """
    top = sorted(tenths, reverse=True)[:clique_size]
    return round_half_even(sum(top) / (10 * clique_size), 1)


def density(members: set[str], person_ties: Sequence[Tie], snapshot: Snapshot) -> float | None:
    """Active person-person ties among the members / n(n-1)/2; None if n < 2.

    Computed with networkx on the members' graph (two ties between one pair
    count once).
    """
    n = len(members)
    if n < 2:
        return None
    graph = nx.Graph()
    graph.add_nodes_from(members)
    graph.add_edges_from(
        tie.between
        for tie in person_ties
        if tie.active_on(snapshot.at) and tie.between[0] in members and tie.between[1] in members
    )
    return round_half_even(float(nx.density(graph)), 3)


def network_measures(
    snapshot: Snapshot, person_ties: Sequence[Tie], clique_size: int = 5
) -> dict[str, Any]:
    """The ``network`` block of MEASURES.md for one child on ``snapshot.at``.

    Not asked is not "no": ``has_trusted_adult`` and ``single_point_of_failure`` are
    None unless ``trust_answered``, ``support_gaps`` None unless ``support_answered``,
    and ``network_strength`` None when no active child tie is rated.

    Member-level counts (``size``, trusted adults, providers, ``paid_share``)
    count each member once; tie-level ones (``by_category``, ratios over
    rated ties, strengths) count active child ties.

    Examples
    --------
    >>> from datetime import date
    >>> from ecomap.model import EcomapDocument
    >>> from ecomap.measures.settings import MeasureSettings
    >>> from ecomap.measures.snapshot import DocumentIndex
    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "p", "name": "P", "category": "family"}],
    ...     "ties": [{"id": "t", "between": ["c", "p"], "started": "2024-01-01"}],
    ...     "observations": [{"tie": "t", "on": "2024-01-01", "by": "child",
    ...                       "closeness": 3, "trusted": True}]})
    >>> index = DocumentIndex(doc)
    >>> snap = index.snapshot(date(2024, 1, 1), "combined", MeasureSettings())
    >>> m = network_measures(snap, index.person_ties)
    >>> m["size"], m["trusted_adults"], m["single_point_of_failure"], m["network_strength"]
    (1, 1, True, 6.0)
    """
    ties = snapshot.ties
    members = snapshot.members
    trusted = snapshot.trusted_adults()
    unpaid_trusted = {m for m in trusted if not members[m].paid}
    by_category = dict.fromkeys(CATEGORIES, 0)
    for view in ties:
        by_category[view.member.category] += 1
    providers: dict[str, set[str]] = {kind: set() for kind in SUPPORT_TYPES}
    for view in ties:
        support = view.observation.support if view.observation else None
        if support is None:
            continue
        for kind in SUPPORT_TYPES:
            rating = getattr(support, kind)
            if rating is not None and rating >= 2:
                providers[kind].add(view.member.id)
    rated = [v for v in ties if v.observation is not None]
    directed = [v for v in rated if v.observation and v.observation.direction is not None]
    criticised = [v for v in rated if v.observation and v.observation.critical is not None]
    rated_tenths = [v.tenths for v in rated if v.tenths is not None]
    trust_days = [v.observation.on for v in rated
                  if v.observation is not None and v.observation.trusted is not None]
    support_answered = any(
        v.observation is not None and v.observation.support is not None
        and any(getattr(v.observation.support, kind) is not None for kind in SUPPORT_TYPES)
        for v in rated
    )
    trust_answered = bool(trust_days)
    tenures = [(snapshot.at - v.tie.started).days for v in ties if v.tie.started is not None]
    return {
        "size": len(members),
        "by_category": by_category,
        "trusted_adults": len(trusted),
        "unpaid_trusted_adults": len(unpaid_trusted),
        "trust_answered": trust_answered,
        "trust_answered_on": max(trust_days).isoformat() if trust_days else None,
        "has_trusted_adult": len(trusted) >= 1 if trust_answered else None,
        "single_point_of_failure": len(trusted) == 1 if trust_answered else None,
        "paid_share": ratio(sum(1 for p in members.values() if p.paid), len(members)),
        "support_providers": {kind: len(providers[kind]) for kind in SUPPORT_TYPES},
        "support_answered": support_answered,
        "support_gaps": (
            sorted(kind for kind in SUPPORT_TYPES if not providers[kind])
            if support_answered else None
        ),
        "reciprocity": ratio(
            sum(1 for v in directed if v.observation and v.observation.direction == "both"),
            len(directed),
        ),
        "critical_share": ratio(
            sum(1 for v in criticised if v.observation and v.observation.critical == 3),
            len(criticised),
        ),
        "mean_strength": (
            round_half_even(sum(rated_tenths) / (10 * len(rated_tenths)), 1)
            if rated_tenths
            else None
        ),
        "network_strength": (
            network_strength([v.tenths or 0 for v in ties], clique_size) if rated else None
        ),
        "density": density(set(members), person_ties, snapshot),
        "tenure_median_days": float(statistics.median(tenures)) if tenures else None,
    }
