"""Measure settings: documented, frozen, validated, and named in docs/measures.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from ecomap.measures.settings import MeasureSettings, StrengthWeights

DOC = Path(__file__).resolve().parents[3] / "docs" / "measures.md"


def test_every_setting_has_help_text_and_is_in_the_docs() -> None:
    text = DOC.read_text()
    for model, prefix in ((MeasureSettings, ""), (StrengthWeights, "weights.")):
        for name, field in model.model_fields.items():
            assert field.description, name
            if name != "weights":
                assert f"`{prefix}{name}" in text or f"{prefix}{name}`" in text, name


def test_defaults_are_the_documented_ones() -> None:
    w = StrengthWeights()
    assert (w.closeness, w.contact, w.support, w.reciprocity, w.duration, w.critical) == (
        0.30,
        0.20,
        0.25,
        0.10,
        0.15,
        0.25,
    )
    s = MeasureSettings()
    assert (s.window_days, s.full_years, s.clique_size, s.move_horizon_days) == (365, 5.0, 5, 90)


def test_frozen_and_validated() -> None:
    s = MeasureSettings()
    with pytest.raises(ValidationError):
        s.window_days = 30  # type: ignore[misc]
    with pytest.raises(ValidationError, match="window_days"):
        MeasureSettings(window_days=-1)
    with pytest.raises(ValidationError, match="closeness"):
        StrengthWeights(closeness=-0.1)
    with pytest.raises(ValidationError, match="windw_days"):
        MeasureSettings.model_validate({"windw_days": 30})
