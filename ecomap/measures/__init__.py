"""Relationship strength and continuity measures (MEASURES.md), per child and per cohort."""

from ecomap.measures.child import child_measures
from ecomap.measures.settings import MeasureSettings, StrengthWeights
from ecomap.measures.strength import tie_measures

__all__ = ["MeasureSettings", "StrengthWeights", "child_measures", "tie_measures"]
