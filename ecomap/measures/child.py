"""All the measures of one child on a date, in the output shape of MEASURES.md."""

from __future__ import annotations

from datetime import date
from typing import Any

from ecomap.measures.concordance import concordance_measures
from ecomap.measures.continuity import continuity_measures
from ecomap.measures.effective import VIEWS, View
from ecomap.measures.network import network_measures
from ecomap.measures.plans import plans_measures
from ecomap.measures.settings import DEFAULT_SETTINGS, MeasureSettings, StrengthWeights
from ecomap.measures.snapshot import DocumentIndex, TieView
from ecomap.measures.strength import arrows, line
from ecomap.model import EcomapDocument


def _tie_entry(view: TieView) -> dict[str, Any]:
    obs = view.observation
    return {
        "tie": view.tie.id,
        "member": view.member.id,
        "category": view.member.category,
        "strength": view.strength,
        "line": line(obs),
        "arrows": arrows(obs.direction if obs else None),
        "trusted": obs.trusted if obs else None,
        "components": view.parts.as_dict() if view.parts is not None else None,
    }


def child_measures(
    doc: EcomapDocument,
    at: date,
    perspective: View = "combined",
    window_days: int | None = None,
    weights: StrengthWeights | None = None,
    *,
    settings: MeasureSettings | None = None,
) -> dict[str, Any]:
    """Network, continuity and concordance measures of one child on ``at``.

    Parameters
    ----------
    doc
        The child's ``ecomap/1`` document (the whole history).
    at
        The date measured, t.
    perspective
        ``combined`` (default: the child's view where they gave one, else the
        adults'), ``child`` or ``worker``.
    window_days
        The continuity window w (default 365, or ``settings.window_days``).
    weights
        Strength weights (default :class:`StrengthWeights`).
    settings
        All other settings; ``window_days`` and ``weights`` override theirs.

    Returns
    -------
    dict
        ``child``, ``at``, ``perspective``, ``window_days``, ``network``,
        ``continuity``, ``concordance``, ``plans`` (meetings and their plans)
        and ``ties`` (active child ties,
        strongest first, unrated last, then by member id). Undefined measures
        are None.

    Examples
    --------
    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c-ava", "name": "Ava"},
    ...     "people": [{"id": "p-gran", "name": "Gran", "category": "family"}],
    ...     "ties": [{"id": "t1", "between": ["c-ava", "p-gran"], "started": "2012-04-01"}],
    ...     "observations": [{"tie": "t1", "on": "2024-01-10", "by": "child",
    ...         "closeness": 3, "contact": 3, "support": {"emotional": 3,
    ...         "practical": 2, "informational": 1}, "critical": 1,
    ...         "direction": "both", "trusted": True}]})
    >>> m = child_measures(doc, date(2024, 12, 31))
    >>> m["network"]["size"], m["network"]["network_strength"], m["ties"][0]["strength"]
    (1, 16.5, 82.5)
    >>> m["continuity"]["retention"], m["concordance"]
    (1.0, {'trust_agreement': 0.0, 'unseen_trusted': ['p-gran']})
    """
    if perspective not in VIEWS:
        raise ValueError(f"perspective must be one of {', '.join(VIEWS)}, not {perspective!r}")
    base = settings or DEFAULT_SETTINGS
    changes: dict[str, Any] = {}
    if window_days is not None:
        changes["window_days"] = window_days
    if weights is not None:
        changes["weights"] = weights
    s = MeasureSettings.model_validate({**base.model_dump(), **changes}) if changes else base
    index = DocumentIndex(doc)
    now = index.snapshot(at, perspective, s)
    ordered = sorted(
        now.ties,
        key=lambda v: (-(v.tenths if v.tenths is not None else -1), v.member.id, v.tie.id),
    )
    return {
        "child": doc.child.id,
        "at": at.isoformat(),
        "perspective": perspective,
        "window_days": s.window_days,
        "network": network_measures(now, index.person_ties, s.clique_size),
        "continuity": continuity_measures(index, at, perspective, s),
        "concordance": concordance_measures(index, at, s),
        "plans": plans_measures(doc, at, perspective, s.window_days, now.trusted_adults()),
        "ties": [_tie_entry(v) for v in ordered],
    }
