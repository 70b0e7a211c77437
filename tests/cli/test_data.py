"""``ecomap import``, ``export`` and ``synth`` through the installed console script."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from api.cli import app
from ecomap.format import parse_document, read_documents
from ecomap.model import EcomapDocument
from ecomap.synth import synthesize
from graph.embedded import EmbeddedStore

_SCRIPT = Path(sys.executable).with_name("ecomap")
ECOMAP = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "api.cli"]


def run(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real ``ecomap`` command in ``cwd`` (no ``.env`` there, wide terminal)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("ECOMAP_", "NEO4J_"))}
    environ.update({"COLUMNS": "200", "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"})
    environ.update(env or {})
    return subprocess.run(
        [*ECOMAP, *args], cwd=cwd, input=stdin, capture_output=True, text=True,
        encoding="utf-8", env=environ, timeout=240, check=False,
    )


def documents(path: Path) -> list[EcomapDocument]:
    out = []
    for result in read_documents(path):
        assert isinstance(result, EcomapDocument), result
        out.append(result)
    return out


@pytest.fixture(scope="module")
def synthetic_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 synthetic children written by ``ecomap synth``."""
    folder = tmp_path_factory.mktemp("synth")
    done = run("synth", "--children", "30", "--seed", "5", "--out", "children.jsonl", cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder / "children.jsonl"


# ---------------------------------------------------------------------- help


def test_help_for_every_command(tmp_path: Path) -> None:
    """The installed command lists every command; each one's help (in this process,
    through Click's runner: the same app, without a process start per command) says how
    to use it."""
    from typer.testing import CliRunner

    top = run("--help", cwd=tmp_path)
    assert top.returncode == 0, top.stderr
    names = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert {"import", "export", "synth"} <= set(names)
    runner = CliRunner()
    helps = {}
    for name in names:
        assert name in top.stdout
        done = runner.invoke(app, [name, "--help"], prog_name="ecomap", env={"COLUMNS": "200"})
        assert done.exit_code == 0, (name, done.output)
        assert f"Usage: ecomap {name}" in done.output
        helps[name] = done.output
    assert "--store" in helps["import"]
    assert "--child" in helps["export"]
    assert "--children" in helps["synth"]


def test_python_dash_m_runs_the_same_app(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "synth", "--help"], cwd=tmp_path,
        capture_output=True, text=True, encoding="utf-8", timeout=120, check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: ecomap synth" in done.stdout


# ---------------------------------------------------------------------- synth


def test_synth_is_the_library_generator(synthetic_file: Path, tmp_path: Path) -> None:
    assert documents(synthetic_file) == list(synthesize(30, seed=5))
    to_stdout = run("synth", "--children", "30", "--seed", "5", cwd=tmp_path)
    assert to_stdout.returncode == 0, to_stdout.stderr
    assert to_stdout.stdout == synthetic_file.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["synth", "--children", "0"], "--children"),
        (["synth", "--children", "-5", "--seed", "1"], "--children"),
        (["synth", "--children", "2", "--as-at", "31/12/2025"], "--as-at"),
        (["import", "missing.jsonl", "--store", "x.db"], "FILE"),
        (["import", "-", "--batch-size", "0", "--store", "x.db"], "--batch-size"),
        (["export", "--store", "no-such.db"], "--store"),
    ],
)
def test_bad_flags_name_the_flag(args: list[str], flag: str, tmp_path: Path) -> None:
    done = run(*args, cwd=tmp_path, stdin="")
    assert done.returncode == 2
    assert f"'{flag}'" in done.stderr
    assert not (tmp_path / "x.db").exists()


# ---------------------------------------------------------------------- round trip


def test_synth_import_export_round_trip(synthetic_file: Path, tmp_path: Path) -> None:
    store = tmp_path / "la.db"
    done = run("import", str(synthetic_file), "--store", str(store), "--progress", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("imported 30, rejected 0")
    assert "importing children.jsonl" in done.stderr  # the bar goes to stderr, not stdout
    exported = run("export", "--store", str(store), "--out", "back.jsonl", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert documents(tmp_path / "back.jsonl") == documents(synthetic_file)

    one = documents(synthetic_file)[7]
    single = run("export", "--store", str(store), "--child", one.child.id, cwd=tmp_path)
    assert single.returncode == 0, single.stderr
    assert parse_document(single.stdout) == one
    to_stdout = run("export", "--store", str(store), cwd=tmp_path)
    assert to_stdout.stdout == (tmp_path / "back.jsonl").read_text(encoding="utf-8")


def test_export_leaves_closed_records_out_unless_asked(synthetic_file: Path,
                                                       tmp_path: Path) -> None:
    """A document does not say it is closed, so the default export is the open records;
    --include-closed adds the closed ones (docs/record.md, "Migration")."""
    from graph.embedded import EmbeddedStore

    store = tmp_path / "la.db"
    assert run("import", str(synthetic_file), "--store", str(store), cwd=tmp_path).returncode == 0
    docs = documents(synthetic_file)
    closed = docs[3].child.id
    with EmbeddedStore(store) as db:
        db.close_record(closed, actor="t", reason="case ended")

    open_only = run("export", "--store", str(store), cwd=tmp_path)
    everyone = run("export", "--store", str(store), "--include-closed", cwd=tmp_path)

    assert open_only.returncode == everyone.returncode == 0, open_only.stderr
    assert [parse_document(line).child.id for line in open_only.stdout.splitlines()] == [
        d.child.id for d in docs if d.child.id != closed]
    assert everyone.stdout == synthetic_file.read_text(encoding="utf-8")


def test_import_from_stdin_into_the_default_store(synthetic_file: Path, tmp_path: Path) -> None:
    store = tmp_path / "from-env.db"
    text = synthetic_file.read_text(encoding="utf-8")
    done = run("import", "-", cwd=tmp_path, stdin=text, env={"ECOMAP_DB": str(store)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("imported 30, rejected 0 (from stdin")
    assert store.is_file()
    back = run("export", cwd=tmp_path, env={"ECOMAP_DB": str(store)})
    assert back.stdout == text


def test_import_a_pretty_printed_document(tmp_path: Path) -> None:
    fixture = Path(__file__).resolve().parents[2] / "fixtures" / "foster-care-after-move.json"
    done = run("import", str(fixture), "--store", "f.db", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("imported 1, rejected 0")


def test_reimport_is_idempotent(synthetic_file: Path, tmp_path: Path) -> None:
    for _ in range(2):
        done = run("import", str(synthetic_file), "--store", "la.db", "--batch-size", "7",
                   cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    back = run("export", "--store", "la.db", cwd=tmp_path)
    assert back.stdout == synthetic_file.read_text(encoding="utf-8")


# ---------------------------------------------------------------------- rejection


def test_rejected_documents_name_the_field_and_change_nothing(
    synthetic_file: Path, tmp_path: Path
) -> None:
    store = str(tmp_path / "la.db")
    assert run("import", str(synthetic_file), "--store", store, cwd=tmp_path).returncode == 0
    before = run("export", "--store", store, cwd=tmp_path).stdout

    lines = synthetic_file.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[3])
    broken["child"]["name"] = "Zephyrine Quillfeather"  # must never be printed
    broken["ties"][0]["started"] = "2025-01-10"
    broken["ties"][0]["ended"] = "2024-01-10"
    broken["observations"][0]["note"] = "a private note"
    clash = json.loads(lines[4])  # valid alone, but its tie ids belong to another child
    old_id, clash["child"]["id"] = clash["child"]["id"], "wes-c999999"
    for tie in clash["ties"]:
        tie["between"] = ["wes-c999999" if end == old_id else end for end in tie["between"]]
    clash["child"]["name"] = "Zephyrine Quillfeather"
    (tmp_path / "bad.jsonl").write_text(
        "\n".join([json.dumps(broken), "{not json", json.dumps(clash)]) + "\n", encoding="utf-8"
    )

    done = run("import", "bad.jsonl", "--store", store, cwd=tmp_path)
    assert done.returncode == 1
    out = done.stdout
    assert out.startswith("imported 0, rejected 3")
    assert f"{broken['child']['id']} (line 1): ties[0].ended:" in out
    assert "line 2: $: not valid JSON" in out
    assert "wes-c999999: ties[0].id:" in out
    assert "Zephyrine" not in out + done.stderr
    assert "private note" not in out + done.stderr
    assert run("export", "--store", store, cwd=tmp_path).stdout == before
    missing = run("export", "--store", store, "--child", "wes-c999999", cwd=tmp_path)
    assert missing.returncode == 2
    assert "'--child'" in missing.stderr


def test_good_documents_beside_a_bad_one_are_imported(
    synthetic_file: Path, tmp_path: Path
) -> None:
    lines = synthetic_file.read_text(encoding="utf-8").splitlines()
    bad = json.loads(lines[0])
    bad["people"][0]["categroy"] = "family"
    text = "\n".join([json.dumps(bad), *lines[1:]]) + "\n"
    done = run("import", "-", "--store", "la.db", cwd=tmp_path, stdin=text)
    assert done.returncode == 1
    assert done.stdout.startswith("imported 29, rejected 1")
    assert "people[0].categroy" in done.stdout
    back = run("export", "--store", "la.db", cwd=tmp_path)
    assert back.stdout == "\n".join(lines[1:]) + "\n"


# ---------------------------------------------------------------------- collector


def test_import_holds_the_cycle_collector_and_gives_it_back() -> None:
    import gc

    from api.cli.importing import _import_gc

    assert gc.isenabled()
    with pytest.raises(RuntimeError), _import_gc():
        assert not gc.isenabled()
        raise RuntimeError("an import that fails")
    assert gc.isenabled()
    gc.disable()
    try:
        with _import_gc():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


# ---------------------------------------------------------------------- workers


def test_parsing_here_or_in_workers_imports_and_reports_the_same(
    synthetic_file: Path, tmp_path: Path
) -> None:
    lines = synthetic_file.read_text(encoding="utf-8").splitlines()
    bad = json.loads(lines[2])
    bad["observations"][1]["closeness"] = 7
    text = "\n".join([*lines[:2], json.dumps(bad), "[oops", *lines[3:]]) + "\n"
    (tmp_path / "mixed.jsonl").write_text(text, encoding="utf-8")
    outcomes = []
    for workers in ("0", "2"):
        done = run("import", "mixed.jsonl", "--store", f"w{workers}.db", "--workers", workers,
                   "--batch-size", "8", cwd=tmp_path)
        assert done.returncode == 1, done.stderr
        with EmbeddedStore(tmp_path / f"w{workers}.db") as store:
            stored = list(store.iter_documents())
        outcomes.append((done.stdout.replace(f"w{workers}.db", "DB"), stored))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0].startswith("imported 29, rejected 2")
    assert f"{bad['child']['id']} (line 3): observations[1].closeness:" in outcomes[0][0]
    assert "line 4: $: not valid JSON" in outcomes[0][0]
    assert outcomes[0][1] == [d for i, d in enumerate(documents(synthetic_file)) if i != 2]


def test_an_interrupted_import_keeps_whole_children_and_says_how_many(tmp_path: Path) -> None:
    """Ctrl-C while the worker parses and this process writes: the batch in flight is
    undone, every committed child is whole, and the summary counts exactly those."""
    import signal
    import sqlite3
    import time

    from ecomap.format import write_jsonl

    docs = list(synthesize(200, 11))
    with open(tmp_path / "many.jsonl", "w", encoding="utf-8") as fp:
        write_jsonl(docs, fp)
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("ECOMAP_", "NEO4J_"))}
    with subprocess.Popen(
        [*ECOMAP, "import", "many.jsonl", "--store", "i.db", "--batch-size", "10",
         "--workers", "1"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**environ, "COLUMNS": "200"}) as importer:
        deadline = time.monotonic() + 120
        while True:  # wait for the first committed batch, then interrupt
            assert time.monotonic() < deadline, "the import never committed"
            if (tmp_path / "i.db").exists():
                with contextlib.closing(sqlite3.connect(tmp_path / "i.db", timeout=30)) as db:
                    found = db.execute("SELECT name FROM sqlite_master WHERE name = "
                                       "'revisions'").fetchone()
                    if found and db.execute("SELECT count(*) FROM revisions").fetchone()[0]:
                        break
            time.sleep(0.01)
        importer.send_signal(signal.SIGINT)
        out, err = importer.communicate(timeout=120)
    assert importer.returncode == 130, (out, err)
    assert "interrupted" in err
    with EmbeddedStore(tmp_path / "i.db") as store:
        stored = list(store.iter_documents())
    assert 10 <= len(stored) < len(docs)
    assert out.startswith(f"imported {len(stored)}, rejected 0")
    by_id = {d.child.id: d for d in docs}
    assert all(d == by_id[d.child.id] for d in stored)
