"""CLI commands: ``ecomap user add|list|disable|enable|reset-password|sessions`` (accounts)
and ``ecomap user allocate`` (caseloads)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # the accounts and password libraries load only for these commands
    from api.accounts import Accounts

user_app = typer.Typer(help="User accounts and allocations (admins).", no_args_is_help=True)


def _accounts() -> Accounts:
    from api.accounts import Accounts
    from api.settings import Settings

    settings = Settings()
    path = settings.accounts_path()
    if path == ":memory:":
        typer.echo(
            "the accounts database is in memory: set ECOMAP_DB or ECOMAP_ACCOUNTS_DB", err=True
        )
        raise typer.Exit(2)
    return Accounts(path)


def _read_password(from_stdin: bool, *user_inputs: str | None) -> str:
    from api.auth.passwords import password_problem

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, user_inputs=tuple(u for u in user_inputs if u))
    if problem:
        typer.echo(f"password {problem}", err=True)
        raise typer.Exit(2)
    return password


@user_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Sign-in name (lower case, digits, . _ -).")],
    role: Annotated[str, typer.Option("--role", "-r", help="worker, leader or admin.")],
    team: Annotated[
        str | None, typer.Option(help="Team (a leader with a team sees only it).")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Add a user; the password is asked for (or read from stdin) and stored as argon2id."""
    from api.accounts import ROLES, UserExists
    from api.auth.passwords import hash_password

    if role not in ROLES:
        typer.echo(f"--role must be one of {', '.join(ROLES)}", err=True)
        raise typer.Exit(2)
    from api.models.accounts import UserBase

    try:
        UserBase(username=username, role=role, team=team)
    except ValueError:
        typer.echo("username: lower-case letters, digits and . _ - only (2-64)", err=True)
        raise typer.Exit(2) from None
    password = _read_password(password_stdin, username, team)
    accounts = _accounts()
    try:
        accounts.add_user(username, hash_password(password), role, team, datetime.now(UTC))
    except UserExists:
        typer.echo(f"user {username!r} exists", err=True)
        raise typer.Exit(1) from None
    finally:
        accounts.close()
    typer.echo(f"added {role} {username}" + (f" (team {team})" if team else ""))


@user_app.command("allocate")
def allocate(
    username: Annotated[str, typer.Argument(help="The user (usually a worker).")],
    child_id: Annotated[list[str], typer.Argument(help="One or more child ids.")],
) -> None:
    """Put children on a user's caseload: they can then read and edit those children."""
    accounts = _accounts()
    try:
        if accounts.user(username) is None:
            typer.echo(f"no user {username!r}", err=True)
            raise typer.Exit(1)
        now = datetime.now(UTC)
        added = sum(accounts.allocate(username, cid, now) for cid in child_id)
    finally:
        accounts.close()
    typer.echo(f"allocated {added} new child(ren) to {username}")


@user_app.command("list")
def list_users() -> None:
    """List users: name, role, team."""
    accounts = _accounts()
    try:
        for user in accounts.users():
            state = "" if user.active else " (disabled)"
            typer.echo(f"{user.username}\t{user.role}\t{user.team or '-'}{state}")
    finally:
        accounts.close()


def _existing(accounts: Accounts, username: str) -> None:
    if accounts.user(username) is None:
        accounts.close()
        typer.echo(f"no user {username!r}", err=True)
        raise typer.Exit(1)


def _audit(accounts: Accounts, action: str, username: str) -> None:
    """The audit log names the command line as the actor (ids only)."""
    accounts.record(at=datetime.now(UTC), actor="cli", role="admin", action=action,
                    child_id=None, target=username, outcome="ok")


Username = Annotated[str, typer.Argument(help="The user.")]


@user_app.command("disable")
def disable(username: Username) -> None:
    """Switch an account off at once: its password stops working and every session ends."""
    accounts = _accounts()
    try:
        _existing(accounts, username)
        ended = accounts.session_count(username, datetime.now(UTC))
        accounts.set_active(username, False)
        _audit(accounts, "user.disable", username)
    finally:
        accounts.close()
    typer.echo(f"disabled {username}; ended {ended} session(s)")


@user_app.command("enable")
def enable(username: Username) -> None:
    """Let a disabled account sign in again."""
    accounts = _accounts()
    try:
        _existing(accounts, username)
        accounts.set_active(username, True)
        _audit(accounts, "user.enable", username)
    finally:
        accounts.close()
    typer.echo(f"enabled {username}")


@user_app.command("reset-password")
def reset_password(
    username: Username,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a new password: the old one stops working and every session ends at once."""
    from api.auth.passwords import hash_password

    accounts = _accounts()
    try:
        _existing(accounts, username)
        user = accounts.user(username)
        password = _read_password(password_stdin, username, user.team if user else None)
        ended = accounts.session_count(username, datetime.now(UTC))
        accounts.set_password(username, hash_password(password))
        _audit(accounts, "user.password_reset", username)
    finally:
        accounts.close()
    typer.echo(f"new password set for {username}; ended {ended} session(s)")


@user_app.command("sessions")
def sessions(
    username: Username,
    end: Annotated[bool, typer.Option("--end", help="End them all (sign out everywhere).")] = False,
) -> None:
    """How many sessions a user has open; with ``--end``, end them all at once."""
    accounts = _accounts()
    try:
        _existing(accounts, username)
        if end:
            ended = accounts.end_sessions(username)
            _audit(accounts, "user.sessions_end", username)
        else:
            count = accounts.session_count(username, datetime.now(UTC))
    finally:
        accounts.close()
    typer.echo(f"ended {ended} session(s) of {username}" if end
               else f"{username} has {count} open session(s)")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(user_app, name="user")
