"""Relationship strength and continuity measures (MEASURES.md), per child and per cohort.

``child_measures`` gives one child's measures in the MEASURES.md output shape;
``tie_measures`` one tie; ``cohort_measures`` / ``cohort_trend`` over
``CohortTables`` give the dashboard's numbers without a per-child loop.
"""

from ecomap.measures.child import child_measures
from ecomap.measures.cohort import cohort_measures, cohort_trend, month_ends
from ecomap.measures.settings import MeasureSettings, StrengthWeights
from ecomap.measures.strength import tie_measures
from ecomap.measures.tables import CohortTables

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
