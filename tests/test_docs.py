"""The README documents every setting and every CLI command (docs guarded by tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from api.cli import app
from api.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _env_name(name: str) -> str:
    alias = Settings.model_fields[name].validation_alias
    return alias if isinstance(alias, str) else f"ECOMAP_{name.upper()}"


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme_table(name: str) -> None:
    assert f"| `{_env_name(name)}` |" in README


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_has_help_text(name: str) -> None:
    assert Settings.model_fields[name].description


def _commands() -> list[str]:
    root = typer.main.get_command(app)
    assert hasattr(root, "commands")
    found: list[str] = []
    for name, command in root.commands.items():
        subcommands = getattr(command, "commands", None)
        if subcommands:
            found.extend(f"{name} {sub}" for sub in subcommands)
        else:
            found.append(name)
    return sorted(found)


def test_the_cli_has_the_commands_the_issues_name() -> None:
    assert {
        "import", "export", "synth", "measures", "dashboard", "serve", "demo", "history", "restore"
    } <= set(
        _commands()
    )


@pytest.mark.parametrize("command", _commands())
def test_every_cli_command_is_in_the_readme(command: str) -> None:
    assert f"`ecomap {command}" in README


def test_readme_gives_the_two_commands_and_ci_calls_the_test_one() -> None:
    assert "bash run.sh demo" in README
    assert "bash run.sh test" in README
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash run.sh test" in ci
