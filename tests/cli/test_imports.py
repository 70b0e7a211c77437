"""The command line loads only what the command it runs needs: ``ecomap dashboard`` (a cold
start measured by docs/scale.md) loads no web framework, Neo4j driver, graph library,
charting or terminal-drawing library, and no password hashing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ecomap.model import EcomapDocument
from graph.embedded import EmbeddedStore

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

#: Packages the dashboard command must not load (each costs tens to hundreds of ms).
NOT_FOR_THE_DASHBOARD = ("fastapi", "starlette", "neo4j", "networkx", "plotly", "rich",
                         "uvicorn", "argon2", "zxcvbn", "limits")

# Runs the console app as ``ecomap`` would, then writes the top-level packages loaded
# as the last line of stderr (also when the command exits, as typer's apps do).
WRAPPER = """
import atexit, json, sys
atexit.register(lambda: sys.stderr.write(
    "\\n" + json.dumps(sorted({m.split(".")[0] for m in sys.modules})) + "\\n"))
from api.cli import main
sys.argv = ["ecomap", *sys.argv[1:]]
main()
"""


def loaded(*args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": root, "NO_COLOR": "1", "TERM": "dumb"}
    done = subprocess.run([sys.executable, "-c", WRAPPER, *args], capture_output=True,
                          text=True, env=env, timeout=60, cwd=root)
    return done, set(json.loads(done.stderr.strip().splitlines()[-1]))


def _one_child_store(tmp_path: Path) -> Path:
    path = tmp_path / "ecomap.db"
    store = EmbeddedStore(path)
    doc = EcomapDocument.model_validate_json(
        (FIXTURES / "foster-care-after-move.json").read_text())
    store.replace(doc, actor="import:fixtures")
    store.close()
    return path


def test_the_dashboard_command_loads_no_web_or_driver_code(tmp_path: Path) -> None:
    path = _one_child_store(tmp_path)

    done, modules = loaded("dashboard", "--store", str(path), "--at", "2024-12-31",
                           "--months", "2")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["measures"]["children"] == 1  # it did the work
    assert {"api", "ecomap", "graph", "numpy", "typer"} <= modules
    assert modules.isdisjoint(NOT_FOR_THE_DASHBOARD), modules & set(NOT_FOR_THE_DASHBOARD)


def test_help_still_lists_every_command_without_loading_them() -> None:
    done, modules = loaded("--help")
    assert done.returncode == 0, done.stderr
    for name in ("import", "export", "synth", "measures", "dashboard", "history", "restore",
                 "serve", "demo", "user", "migrate"):
        assert name in done.stdout
    assert modules.isdisjoint({"fastapi", "starlette", "neo4j", "networkx", "plotly",
                               "uvicorn", "argon2", "zxcvbn"})


def test_serve_starts_the_first_dashboard_before_loading_the_web_framework(
    tmp_path: Path,
) -> None:
    """``ecomap serve`` opens the store and starts the first dashboard, then loads the web
    framework (api.cli.serve): the warm-up runs while the imports do."""
    path = _one_child_store(tmp_path)
    code = f"""
import json, sys
from api.cli.serve import _early_warm_up
from api.settings import Settings
warm_up = _early_warm_up(Settings.from_mapping({{"db": {str(path)!r}, "store": "embedded"}}))
before = sorted({{"fastapi", "starlette", "uvicorn"}} & set(sys.modules))
warm_up.thread.join(60)
print(json.dumps([before, len(warm_up.cache.answers)]))
warm_up.store.close()
"""
    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": root}, timeout=60, cwd=root)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [[], 1]  # nothing of the web yet; the answer made
