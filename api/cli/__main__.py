"""``python -m api.cli``: the ``ecomap`` command line."""

from api.cli import app

app(prog_name="ecomap")
