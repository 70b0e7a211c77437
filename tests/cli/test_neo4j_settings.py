"""The data and measures commands work on the store the settings name: with
``ECOMAP_STORE=neo4j`` they read and write the Bolt server, not a SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ecomap.format import parse_document
from graph.neo4j import Neo4jStore

pytestmark = pytest.mark.bolt

_SCRIPT = Path(sys.executable).with_name("ecomap")
ECOMAP = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "api.cli"]
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def ecomap(*args: str, cwd: Path, target: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("ECOMAP_", "NEO4J_"))}
    environ.update({"COLUMNS": "200", "NO_COLOR": "1", "ECOMAP_STORE": "neo4j",
                    "NEO4J_URI": target["uri"], "NEO4J_USER": target["user"],
                    "NEO4J_PASSWORD": target["password"],
                    "NEO4J_DATABASE": target["database"] or ""})
    return subprocess.run([*ECOMAP, *args], cwd=cwd, capture_output=True, text=True,
                          env=environ, timeout=240, check=False)


def test_import_export_measures_and_dashboard_use_neo4j(
    tmp_path: Path, arcadedb_target: dict[str, Any]
) -> None:
    fixture = FIXTURES / "foster-care-after-move.json"
    imported = ecomap("import", str(fixture), "--no-progress", cwd=tmp_path,
                      target=arcadedb_target)
    assert imported.returncode == 0, imported.stderr
    assert not list(tmp_path.glob("*.db")), "wrote a SQLite file instead of using Neo4j"
    with Neo4jStore(**arcadedb_target) as neo:
        assert [c.id for c in neo.children().data] == ["c-mia"]

    exported = ecomap("export", "--child", "c-mia", cwd=tmp_path, target=arcadedb_target)
    assert exported.returncode == 0, exported.stderr
    assert parse_document(exported.stdout, source="export") == parse_document(
        fixture.read_text(encoding="utf-8"), source="fixture"
    )

    from_store = ecomap("measures", "--child", "c-mia", "--at", "2024-12-31", cwd=tmp_path,
                        target=arcadedb_target)
    from_file = ecomap("measures", str(fixture), "--at", "2024-12-31", cwd=tmp_path,
                       target=arcadedb_target)
    assert from_store.returncode == 0, from_store.stderr
    assert json.loads(from_store.stdout) == json.loads(from_file.stdout)

    dashboard = ecomap("dashboard", "--at", "2024-12-31", "--months", "2", cwd=tmp_path,
                       target=arcadedb_target)
    assert dashboard.returncode == 0, dashboard.stderr
    assert json.loads(dashboard.stdout)["measures"]["children"] == 1
