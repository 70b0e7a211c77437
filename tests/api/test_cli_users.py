"""``ecomap user add`` / ``allocate``: the first admin, from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.accounts import Accounts
from api.auth.passwords import verify_password
from api.cli import app


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ECOMAP_DB", str(tmp_path / "ecomap.db"))
    monkeypatch.chdir(tmp_path)  # no stray .env
    return tmp_path / "ecomap.accounts.db"


def test_add_the_first_admin_with_a_password_from_stdin(env: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["user", "add", "root", "--role", "admin", "--password-stdin"],
        input="a long passphrase\n",
    )
    assert result.exit_code == 0, result.output
    accounts = Accounts(env)
    user = accounts.user("root")
    assert user is not None and user.role == "admin"
    assert verify_password(accounts.password_hash("root"), "a long passphrase")
    accounts.close()


def test_add_with_a_prompted_password_and_allocate(env: Path) -> None:
    runner = CliRunner()
    added = runner.invoke(
        app,
        ["user", "add", "sam", "--role", "worker", "--team", "North"],
        input="a long passphrase\na long passphrase\n",
    )
    assert added.exit_code == 0, added.output
    allocated = runner.invoke(app, ["user", "allocate", "sam", "c-ava", "c-leo"])
    assert allocated.exit_code == 0, allocated.output
    accounts = Accounts(env)
    assert accounts.caseload("sam") == ["c-ava", "c-leo"]
    accounts.close()


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["user", "add", "x", "--role", "admin", "--password-stdin"], "a long passphrase\n"),
        (["user", "add", "bob", "--role", "boss", "--password-stdin"], "a long passphrase\n"),
        (["user", "add", "bob", "--role", "admin", "--password-stdin"], "short\n"),
        (["user", "allocate", "nobody", "c-1"], ""),
    ],
)
def test_bad_input_is_refused(env: Path, args: list[str], stdin: str) -> None:
    result = CliRunner().invoke(app, args, input=stdin)
    assert result.exit_code != 0
    accounts = Accounts(env)
    assert accounts.users() == []
    accounts.close()


def test_a_taken_name_is_refused(env: Path) -> None:
    runner = CliRunner()
    args = ["user", "add", "root", "--role", "admin", "--password-stdin"]
    assert runner.invoke(app, args, input="a long passphrase\n").exit_code == 0
    assert runner.invoke(app, args, input="another passphrase\n").exit_code == 1
