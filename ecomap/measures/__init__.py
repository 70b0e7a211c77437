"""Relationship strength and continuity measures (MEASURES.md), per child and per cohort.

``child_measures`` gives one child's measures in the MEASURES.md output shape;
``tie_measures`` one tie; ``cohort_measures`` / ``cohort_trend`` over
``CohortTables`` give the dashboard's numbers without a per-child loop.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecomap.measures.child import child_measures
    from ecomap.measures.cohort import cohort_measures, cohort_trend, month_ends
    from ecomap.measures.settings import MeasureSettings, StrengthWeights
    from ecomap.measures.strength import tie_measures
    from ecomap.measures.tables import CohortTables

# Each name's module, imported when the name is first asked for: the cohort path (numpy)
# does not load the per-child path's networkx (0.16 s of every cold dashboard).
_WHERE = {
    "child_measures": "child", "cohort_measures": "cohort", "cohort_trend": "cohort",
    "month_ends": "cohort", "MeasureSettings": "settings", "StrengthWeights": "settings",
    "tie_measures": "strength", "CohortTables": "tables",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)


__all__ = [
    "CohortTables",
    "MeasureSettings",
    "StrengthWeights",
    "child_measures",
    "cohort_measures",
    "cohort_trend",
    "month_ends",
    "tie_measures",
]
