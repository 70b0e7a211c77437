"""``ecomap migrate`` between the embedded store and a real Bolt server, both ways, with
the whole history."""

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
from graph.base import GraphStore
from graph.embedded import EmbeddedStore
from graph.neo4j import Neo4jStore

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


@pytest.mark.bolt
def test_embedded_to_neo4j_and_back_keeps_everything(
    tmp_path: Path, arcadedb_target: dict[str, Any], docs: list[EcomapDocument]
) -> None:
    with EmbeddedStore(tmp_path / "before.db") as source:
        assert source.replace_many(docs, actor="import:test").rejected == []
        counts = source.counts()

    there = migrate("--from", f"embedded:{tmp_path / 'before.db'}", "--to", "neo4j",
                    "--at", AT, "--batch", "7", cwd=tmp_path, target=arcadedb_target)
    assert there.returncode == 0, there.stderr
    assert f"copied 1 revisions: 30 children ({counts.people} people, {counts.ties} ties" in (
        there.stdout)
    assert (f"verified: revisions and counts equal; 30 children's documents, versions and "
            f"measures on {AT}") in there.stdout
    with Neo4jStore(**arcadedb_target) as neo:
        assert neo.counts() == counts
        assert list(neo.iter_documents()) == sorted(docs, key=lambda d: d.child.id)

    back = migrate("--from", f"neo4j:{arcadedb_target['uri']}", "--to",
                   f"embedded:{tmp_path / 'after.db'}", cwd=tmp_path, target=arcadedb_target)
    assert back.returncode == 0, back.stderr
    with EmbeddedStore(tmp_path / "after.db") as after:
        assert after.counts() == counts
        assert list(after.iter_documents()) == sorted(docs, key=lambda d: d.child.id)


@pytest.mark.bolt
def test_a_target_holding_children_is_refused_untouched(
    tmp_path: Path, arcadedb_target: dict[str, Any], docs: list[EcomapDocument]
) -> None:
    with EmbeddedStore(tmp_path / "a.db") as source:
        source.replace_many(docs[:3], actor="import:test")
    with Neo4jStore(**arcadedb_target) as neo:
        neo.replace(docs[10], actor="import:test")
    run = migrate("--from", f"embedded:{tmp_path / 'a.db'}", "--to", "neo4j",
                  cwd=tmp_path, target=arcadedb_target)
    assert run.returncode == 1
    assert "already holds children or revisions" in run.stderr
    with Neo4jStore(**arcadedb_target) as neo:
        assert [d.child.id for d in neo.iter_documents()] == [docs[10].child.id]


@pytest.mark.bolt
@pytest.mark.parametrize("spec", ["postgres:x", "embedded::memory:"])
def test_an_unknown_store_is_a_usage_error(
    tmp_path: Path, arcadedb_target: dict[str, Any], spec: str
) -> None:
    run = migrate("--from", spec, "--to", "neo4j", cwd=tmp_path, target=arcadedb_target)
    assert run.returncode == 2
    assert "--from" in run.stderr or "store" in run.stderr


@pytest.mark.bolt
def test_verification_finds_a_child_whose_network_differs(
    tmp_path: Path, arcadedb_target: dict[str, Any], docs: list[EcomapDocument]
) -> None:
    with EmbeddedStore(tmp_path / "s.db") as source, Neo4jStore(**arcadedb_target) as neo:
        source.replace_many(docs[:5], actor="import:test")
        assert copy_store(source, neo, batch=2) == 1
        assert verify_copy(source, neo, date(2025, 6, 30)).ok
        changed = docs[2].model_dump(mode="json")
        changed["observations"] = changed["observations"][:-1]
        neo.replace(parse_document(changed), actor="u-test")
        found = verify_copy(source, neo, date(2025, 6, 30))
        assert not found.ok
        assert found.children_checked == 5
        assert any("counts differ" in p for p in found.problems)
        assert any(repr(docs[2].child.id) in p for p in found.problems)


def _history(store: GraphStore, docs: list[EcomapDocument]) -> None:
    """Edits, a person edit, a close, a restore and an erase, each its own revision."""
    store.replace_many(docs[:6], actor="import:history.jsonl")
    first = docs[0]
    store.replace(first.model_copy(update={"observations": first.observations[:1]}),
                  actor="u-worker", reason="ratings entered twice")
    shared = docs[1].people[0]
    store.update_person(shared.model_copy(update={"name": "Renamed"}), actor="u-admin")
    store.close_record(docs[2].child.id, actor="u-admin", reason="moved away")
    store.restore(first.child.id, 1, actor="u-lead", reason="undo")
    store.erase(docs[5].child.id, actor="u-admin", reason="made in error")


def _recorded(store: GraphStore) -> list[Any]:
    """Every revision, and every child's record, version and closed flag after each."""
    out: list[Any] = list(store.revisions())
    for n in range(store.revision() + 1):
        out.append([(c, list(store.iter_documents([c.id], as_recorded=n, include_closed=True)))
                    for c in store.children(as_recorded=n, include_closed=True).data])
    return out


def test_copy_store_keeps_the_whole_history(docs: list[EcomapDocument]) -> None:
    with EmbeddedStore.memory() as source, EmbeddedStore.memory() as target:
        _history(source, docs)
        assert copy_store(source, target, batch=4) == source.revision() == 6
        assert _recorded(target) == _recorded(source)
        assert verify_copy(source, target, date(2025, 6, 30)).ok


def test_a_record_stored_before_a_later_rule_is_copied_as_stored(
        docs: list[EcomapDocument]) -> None:
    """docs/record.md, "Rules added later": the copy keeps the control character."""
    from tests.graph.tamper import tamper

    with EmbeddedStore.memory() as source, EmbeddedStore.memory() as target:
        source.replace(docs[0], actor="t")
        person = docs[0].people[0]
        tamper(source, "UPDATE people SET name = :name WHERE id = :id AND rev_to = OPEN", "",
               id=person.id, name=person.name + "\x00")
        assert copy_store(source, target) == 1
        assert target.get(docs[0].child.id).people[0].name == person.name + "\x00"
        assert verify_copy(source, target, date(2025, 6, 30)).ok


@pytest.mark.bolt
def test_the_whole_history_goes_to_neo4j_and_back(
    tmp_path: Path, arcadedb_target: dict[str, Any], docs: list[EcomapDocument]
) -> None:
    with EmbeddedStore(tmp_path / "history.db") as source:
        _history(source, docs)
        want = _recorded(source)
    there = migrate("--from", f"embedded:{tmp_path / 'history.db'}", "--to", "neo4j",
                    cwd=tmp_path, target=arcadedb_target)
    assert there.returncode == 0, there.stderr
    with Neo4jStore(**arcadedb_target) as neo:
        assert _recorded(neo) == want
    back = migrate("--from", f"neo4j:{arcadedb_target['uri']}", "--to",
                   f"embedded:{tmp_path / 'back.db'}", cwd=tmp_path, target=arcadedb_target)
    assert back.returncode == 0, back.stderr
    with EmbeddedStore(tmp_path / "back.db") as again:
        assert _recorded(again) == want
