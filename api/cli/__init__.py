"""The ``ecomap`` command line: one Typer app, its commands grouped by module."""

from __future__ import annotations

import typer

from api.cli import data, importing, measures, migrate, record, serve, users

app = typer.Typer(
    name="ecomap",
    help="ecomap: relationship strength and continuity for children's social care.",
    no_args_is_help=True,
    add_completion=False,
)

for _module in (importing, data, measures, record, serve, users, migrate):
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    from api.memory import one_arena

    one_arena()  # the arithmetic's two threads reuse each other's freed temporaries
    app()
