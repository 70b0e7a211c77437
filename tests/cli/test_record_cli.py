"""``ecomap history`` and ``ecomap restore`` through the real console script."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecomap.model import EcomapDocument
from graph.embedded import EmbeddedStore
from tests.cli.test_measures_cli import fixture, run


@pytest.fixture()
def edited(tmp_path: Path) -> tuple[Path, EcomapDocument, int]:
    """A store holding c-mia as imported, then one edit by sam: Gran's tie ended."""
    path = tmp_path / "ecomap.db"
    store = EmbeddedStore(path)
    doc = fixture("foster-care-after-move")
    try:
        store.replace(doc, actor="import:fixtures")
        imported = store.revision()
        data = doc.model_dump(mode="json", exclude_none=True)
        tie = next(t for t in data["ties"] if "p-mia-gran" in t["between"])
        tie.update(ended="2025-02-01", end_reason="by_choice")
        store.replace(EcomapDocument.model_validate(data), actor="sam", reason="gran moved away")
    finally:
        store.close()
    return path, doc, imported


def test_history_prints_who_when_why_and_what_changed(
    edited: tuple[Path, EcomapDocument, int],
) -> None:
    path, _, imported = edited
    result = run("history", "c-mia", "--store", str(path))
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[0].startswith(f"revision {imported + 1}  ")
    assert out[0].endswith("sam  (write) — gran moved away")
    assert out[1] == "  - ended tie with Rose: by_choice (2025-02-01)"
    assert out[2].startswith(f"revision {imported}  ") and "import:fixtures" in out[2]
    assert out[3].startswith("  - created the record (10 people")


def test_restore_brings_an_old_revision_back_as_a_new_one(
    edited: tuple[Path, EcomapDocument, int],
) -> None:
    path, doc, imported = edited
    result = run("restore", "c-mia", "--revision", str(imported), "--reason", "ended by mistake",
                 "--store", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"restored c-mia as at revision {imported}: ")
    store = EmbeddedStore(path)
    try:
        assert store.get("c-mia") == doc
        [latest, *_] = store.history("c-mia")
        assert (latest.kind, latest.reason, latest.restored) == ("restore", "ended by mistake",
                                                                 imported)
        assert latest.actor.startswith("cli")
        assert len(store.history("c-mia")) == 3  # nothing erased
    finally:
        store.close()


def test_restore_needs_a_reason_and_a_known_revision(
    edited: tuple[Path, EcomapDocument, int],
) -> None:
    path, _, _ = edited
    missing = run("restore", "c-mia", "--revision", "1", "--store", str(path))
    assert missing.returncode == 2 and "--reason" in missing.stderr
    unknown = run("restore", "c-mia", "--revision", "999", "--reason", "x", "--store", str(path))
    assert unknown.returncode == 1 and "999" in unknown.stderr
    nobody = run("history", "c-nobody", "--store", str(path))
    assert nobody.returncode == 1 and "c-nobody" in nobody.stderr


def test_check_lists_the_records_holding_values_from_before_a_rule(
    edited: tuple[Path, EcomapDocument, int],
) -> None:
    """docs/record.md, "Rules added later": ids and field paths, never a name."""
    from tests.graph.tamper import tamper

    path, _, _ = edited
    clean = run("check", "--store", str(path))
    assert (clean.returncode, clean.stdout) == (0, "")
    assert "0 records hold" in clean.stderr
    with EmbeddedStore(path) as store:
        tamper(store, "UPDATE people SET name = 'Rose\x07' WHERE id = 'p-mia-gran' "
               "AND rev_to = OPEN", "")
        store.close_record("c-mia", actor="t")
        position = [p.id for p in store.get("c-mia").people].index("p-mia-gran")

    found = run("check", "--store", str(path))

    assert found.returncode == 1, found.stderr
    assert found.stdout.splitlines() == [
        f"c-mia  people[{position}].name: must not contain control characters"]
    assert "Rose" not in found.stdout + found.stderr
    assert "1 record holds" in found.stderr
