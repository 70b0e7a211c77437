"""Every setting has a name, a default and help text; settings come from a mapping or env."""

from __future__ import annotations

import pytest

from api.settings import Settings


def test_every_setting_is_documented() -> None:
    for name, info in Settings.model_fields.items():
        assert info.description and len(info.description) > 10, name
        assert not info.is_required(), f"{name} needs a default"


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECOMAP_SESSION_HOURS", "2")
    monkeypatch.setenv("ECOMAP_WEIGHTS", '{"closeness": 0.5}')
    settings = Settings()
    assert settings.session_hours == 2
    assert settings.measure_settings().weights.closeness == 0.5
    assert settings.measure_settings().weights.contact == 0.2  # the rest keep their defaults


def test_bad_settings_name_the_field() -> None:
    with pytest.raises(ValueError, match="link_days"):
        Settings.from_mapping({"link_days": 0})
