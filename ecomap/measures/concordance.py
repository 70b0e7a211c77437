"""Concordance on a date: does the adult view see the adults the child trusts?"""

from __future__ import annotations

from datetime import date
from typing import Any

from ecomap.measures.rounding import ratio
from ecomap.measures.settings import MeasureSettings
from ecomap.measures.snapshot import DocumentIndex


def concordance_measures(
    index: DocumentIndex, at: date, settings: MeasureSettings
) -> dict[str, Any]:
    """The ``concordance`` block: Jaccard of the trusted-adult sets under the
    ``child`` and ``worker`` views (null if both are empty), and the adults the
    child trusts that the adult view does not, sorted. Independent of the
    perspective asked for.

    Examples
    --------
    >>> from ecomap.model import EcomapDocument
    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "a", "name": "A", "category": "family"},
    ...                {"id": "b", "name": "B", "category": "community"}],
    ...     "ties": [{"id": "ta", "between": ["c", "a"]}, {"id": "tb", "between": ["c", "b"]}],
    ...     "observations": [
    ...         {"tie": "ta", "on": "2024-01-01", "by": "child", "trusted": True},
    ...         {"tie": "tb", "on": "2024-01-01", "by": "child", "trusted": True},
    ...         {"tie": "ta", "on": "2024-01-01", "by": "worker", "trusted": True}]})
    >>> concordance_measures(DocumentIndex(doc), date(2024, 2, 1), MeasureSettings())
    {'trust_agreement': 0.5, 'unseen_trusted': ['b']}
    """
    by_child = index.snapshot(at, "child", settings).trusted_adults()
    by_adults = index.snapshot(at, "worker", settings).trusted_adults()
    return {
        "trust_agreement": ratio(len(by_child & by_adults), len(by_child | by_adults)),
        "unseen_trusted": sorted(by_child - by_adults),
    }
