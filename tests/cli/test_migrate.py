"""``ecomap migrate`` between the embedded store and a real Bolt server, both ways."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from api.cli.migrate import copy_store, verify_copy
from ecomap.format import parse_document
from ecomap.model import EcomapDocument
from ecomap.synth import synthesize
from graph.embedded import EmbeddedStore
from graph.neo4j import Neo4jStore

pytestmark = pytest.mark.bolt

_SCRIPT = Path(sys.executable).with_name("ecomap")
ECOMAP = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "api.cli"]
AT = "2025-06-30"


def migrate(*args: str, cwd: Path, target: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    """The real ``ecomap migrate`` with the Bolt server's settings in the environment."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("ECOMAP_", "NEO4J_"))}
    environ.update({"COLUMNS": "200", "NO_COLOR": "1", "NEO4J_URI": target["uri"],
                    "NEO4J_USER": target["user"], "NEO4J_PASSWORD": target["password"],
                    "NEO4J_DATABASE": target["database"] or ""})
    return subprocess.run(
        [*ECOMAP, "migrate", *args], cwd=cwd, capture_output=True, text=True,
        env=environ, timeout=240, check=False,
    )


@pytest.fixture
def docs() -> list[EcomapDocument]:
    return list(synthesize(30, seed=5))


def test_embedded_to_neo4j_and_back_keeps_everything(
    tmp_path: Path, arcadedb_target: dict[str, Any], docs: list[EcomapDocument]
) -> None:
    with EmbeddedStore(tmp_path / "before.db") as source:
        assert source.replace_many(docs).rejected == []
        counts = source.counts()

    there = migrate("--from", f"embedded:{tmp_path / 'before.db'}", "--to", "neo4j",
                    "--at", AT, "--batch", "7", cwd=tmp_path, target=arcadedb_target)
    assert there.returncode == 0, there.stderr
    assert f"copied 30 children ({counts.people} people, {counts.ties} ties" in there.stdout
    assert f"verified: counts equal; 30 children's documents and measures on {AT}" in there.stdout
    with Neo4jStore(**arcadedb_target) as neo:
        assert neo.counts() == counts
        assert list(neo.iter_documents()) == sorted(docs, key=lambda d: d.child.id)

    back = migrate("--from", f"neo4j:{arcadedb_target['uri']}", "--to",
                   f"embedded:{tmp_path / 'after.db'}", cwd=tmp_path, target=arcadedb_target)
    assert back.returncode == 0, back.stderr
    with EmbeddedStore(tmp_path / "after.db") as after:
        assert after.counts() == counts
        assert list(after.iter_documents()) == sorted(docs, key=lambda d: d.child.id)


def test_a_target_holding_children_is_refused_untouched(
    tmp_path: Path, arcadedb_target: dict[str, Any], docs: list[EcomapDocument]
) -> None:
    with EmbeddedStore(tmp_path / "a.db") as source:
        source.replace_many(docs[:3])
    with Neo4jStore(**arcadedb_target) as neo:
        neo.replace(docs[10])
    run = migrate("--from", f"embedded:{tmp_path / 'a.db'}", "--to", "neo4j",
                  cwd=tmp_path, target=arcadedb_target)
    assert run.returncode == 1
    assert "already holds children" in run.stderr
    with Neo4jStore(**arcadedb_target) as neo:
        assert [d.child.id for d in neo.iter_documents()] == [docs[10].child.id]


@pytest.mark.parametrize("spec", ["postgres:x", "embedded::memory:"])
def test_an_unknown_store_is_a_usage_error(
    tmp_path: Path, arcadedb_target: dict[str, Any], spec: str
) -> None:
    run = migrate("--from", spec, "--to", "neo4j", cwd=tmp_path, target=arcadedb_target)
    assert run.returncode == 2
    assert "--from" in run.stderr or "store" in run.stderr


def test_verification_finds_a_child_whose_network_differs(
    tmp_path: Path, arcadedb_target: dict[str, Any], docs: list[EcomapDocument]
) -> None:
    with EmbeddedStore(tmp_path / "s.db") as source, Neo4jStore(**arcadedb_target) as neo:
        source.replace_many(docs[:5])
        assert copy_store(source, neo, batch=2) == 5
        assert verify_copy(source, neo, date(2025, 6, 30)).ok
        changed = docs[2].model_dump(mode="json")
        changed["observations"] = changed["observations"][:-1]
        neo.replace(parse_document(changed))
        found = verify_copy(source, neo, date(2025, 6, 30))
        assert not found.ok
        assert found.children_checked == 5
        assert any("counts differ" in p for p in found.problems)
        assert any(repr(docs[2].child.id) in p for p in found.problems)
