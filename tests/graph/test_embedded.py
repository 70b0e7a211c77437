"""The embedded SQLite store beyond the contract: files, WAL, migrations, threads, crashes."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from ecomap.format import write_jsonl
from ecomap.model import EcomapDocument
from graph import open_store
from graph.base import StoreError
from graph.embedded import EmbeddedStore
from graph.embedded import schema as sqlite_schema


def test_file_is_created_on_first_use_with_wal(tmp_path: Path,
                                               fixture_documents: dict[str, Any]) -> None:
    path = tmp_path / "not" / "yet" / "ecomap.db"
    assert not path.exists()
    with EmbeddedStore(path) as store:
        assert path.exists()
        store.replace(fixture_documents["foster-care-after-move"], actor="u-test")
        conn = store._conn()
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with EmbeddedStore(path) as reopened:
        assert reopened.get("c-mia") == fixture_documents["foster-care-after-move"]


def test_open_store_picks_the_embedded_store(tmp_path: Path) -> None:
    memory = open_store("embedded", path=":memory:")
    assert isinstance(memory, EmbeddedStore) and memory.path == ":memory:"
    memory.close()
    on_disk = open_store("embedded", path=tmp_path / "x.db")
    assert isinstance(on_disk, EmbeddedStore) and (tmp_path / "x.db").exists()
    on_disk.close()


def test_a_store_of_the_previous_schema_upgrades_in_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its current state becomes revision 1 by ``migration``; versions are kept."""
    path = tmp_path / "old.db"
    before_revisions = sqlite_schema.MIGRATIONS.index(
        next(m for m in sqlite_schema.MIGRATIONS if "CREATE TABLE revisions" in m))
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_schema, "MIGRATIONS", sqlite_schema.MIGRATIONS[:before_revisions])
        patch.setattr(sqlite_schema, "SCHEMA_VERSION", before_revisions)
        EmbeddedStore(path).close()
    with sqlite3.connect(path) as conn:  # rows as the previous store wrote them
        conn.execute("INSERT INTO children VALUES ('c-1', 'Ada', '2012-05-01', "
                     "'looked_after', 'North', 3)")
        conn.execute("INSERT INTO people VALUES ('p-gran', 'Gran', 'family', 'grandparent', 1, 0)")
        conn.execute("INSERT INTO memberships VALUES ('c-1', 'p-gran', 0)")
        conn.execute("INSERT INTO ties VALUES ('t-1', 'c-1', 0, 'c-1', 'p-gran', 'p-gran', "
                     "'2020-01-01', NULL, NULL)")
        conn.execute("INSERT INTO observations VALUES ('c-1', 0, 't-1', '2024-01-01', 'child', "
                     "3, 2, 1, 2, NULL, NULL, 1, 'to_child', 1, NULL)")
        conn.execute('INSERT INTO episodes (child_id, ord, kind, start, "end", reason) '
                     "VALUES ('c-1', 0, 'placement', '2020-01-01', NULL, NULL)")
        conn.execute("UPDATE meta SET revision = 7")
    conn.close()
    with EmbeddedStore(path) as store:
        got = store.get("c-1")
        assert got.model_dump(mode="json", exclude_none=True, exclude={"meetings"}) == {
            "format": "ecomap/1",
            "child": {"id": "c-1", "name": "Ada", "birth_date": "2012-05-01",
                      "status": "looked_after", "team": "North"},
            "people": [{"id": "p-gran", "name": "Gran", "category": "family",
                        "role": "grandparent", "adult": True, "paid": False}],
            "ties": [{"id": "t-1", "between": ["c-1", "p-gran"], "started": "2020-01-01"}],
            "observations": [{"tie": "t-1", "on": "2024-01-01", "by": "child",
                              "closeness": 3, "contact": 2,
                              "support": {"emotional": 2}, "critical": 1,
                              "direction": "to_child",
                              "trusted": True}],
            "episodes": [{"kind": "placement", "start": "2020-01-01"}],
        }
        assert store.version("c-1") == 3
        [revision] = store.history("c-1")
        assert (revision.number, revision.actor, revision.kind, revision.children) == (
            1, "migration", "migration", ("c-1",))
        assert store.get("c-1", as_recorded=1) == got
        assert store.replace(got, actor="u-test") == 4
        assert store.revision() == 2


def _versions(path: Path) -> tuple[int, list[int]]:
    with sqlite3.connect(path) as conn:
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        applied = [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY 1")]
    conn.close()
    return user_version, applied


def test_new_database_gets_every_migration_once(tmp_path: Path) -> None:
    path = tmp_path / "ecomap.db"
    EmbeddedStore(path).close()
    expected = list(range(1, len(sqlite_schema.MIGRATIONS) + 1))
    assert _versions(path) == (len(expected), expected)
    EmbeddedStore(path).close()  # reopening applies nothing again
    assert _versions(path) == (len(expected), expected)


def test_later_migrations_are_applied_in_order_on_open(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        fixture_documents: dict[str, EcomapDocument]) -> None:
    path = tmp_path / "ecomap.db"
    with EmbeddedStore(path) as store:
        store.replace(fixture_documents["child-in-need-at-home"], actor="u-test")
    base = len(sqlite_schema.MIGRATIONS)
    monkeypatch.setattr(sqlite_schema, "MIGRATIONS", (
        *sqlite_schema.MIGRATIONS,
        "CREATE TABLE extra_one (x INTEGER);",
        "ALTER TABLE extra_one ADD COLUMN y TEXT; CREATE INDEX extra_one_y ON extra_one (y);",
    ))
    monkeypatch.setattr(sqlite_schema, "SCHEMA_VERSION", base + 2)
    with EmbeddedStore(path) as store:
        assert store.get("c-leo") == fixture_documents["child-in-need-at-home"]
    assert _versions(path) == (base + 2, list(range(1, base + 3)))
    with sqlite3.connect(path) as conn:
        assert [r[1] for r in conn.execute("PRAGMA table_info(extra_one)")] == ["x", "y"]
    conn.close()


def test_a_failed_migration_changes_nothing(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ecomap.db"
    EmbeddedStore(path).close()
    base = len(sqlite_schema.MIGRATIONS)
    monkeypatch.setattr(sqlite_schema, "MIGRATIONS", (
        *sqlite_schema.MIGRATIONS, "CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table;"))
    monkeypatch.setattr(sqlite_schema, "SCHEMA_VERSION", base + 1)
    with pytest.raises(sqlite3.OperationalError):
        EmbeddedStore(path)
    assert _versions(path)[0] == base
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half'"
                            ).fetchone()[0] == 0
    conn.close()


def test_a_database_from_a_newer_ecomap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ecomap.db"
    EmbeddedStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {sqlite_schema.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        EmbeddedStore(path)


def test_a_closed_store_refuses_calls() -> None:
    store = EmbeddedStore.memory()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.counts()


@pytest.mark.parametrize("kind", ["memory", "file"])
def test_threads_read_and_write_at_once(kind: str, tmp_path: Path, synthetic: Any) -> None:
    store = EmbeddedStore.memory() if kind == "memory" else EmbeddedStore(tmp_path / "t.db")
    docs = synthetic(40, seed=3)
    errors: list[BaseException] = []

    def writer(part: list[EcomapDocument]) -> None:
        try:
            for d in part:
                store.replace(d, actor="u-test")
                assert store.get(d.child.id) == d
        except BaseException as exc:  # reported below, on the main thread
            errors.append(exc)

    def reader() -> None:
        try:
            for _ in range(20):
                seen = list(store.iter_documents())
                assert all(d == docs[int(d.child.id[-6:])] for d in seen)
                store.children(team="North")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(docs[i::4],)) for i in range(4)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert list(store.iter_documents()) == docs
    store.close()


_WRITER = textwrap.dedent("""
    import sys
    from ecomap.format import read_documents
    from graph.embedded import EmbeddedStore
    path, first, second = sys.argv[1:4]
    rounds = [list(read_documents(first)), list(read_documents(second))]
    store = EmbeddedStore(path)
    print("ready", flush=True)
    n = 0
    while True:  # alternate the two versions until killed
        store.replace_many(rounds[n % 2], actor="import:crash-test")
        n += 1
""")


@pytest.mark.slow
def test_a_writer_killed_mid_import_leaves_each_child_whole(tmp_path: Path,
                                                           synthetic: Any) -> None:
    path = tmp_path / "crash.db"
    old = synthetic(700, seed=1)
    new = synthetic(700, seed=2)  # same children and tie ids, other content
    assert all(a.child.id == b.child.id and a != b for a, b in zip(old, new, strict=True))
    with EmbeddedStore(path) as store:
        assert store.replace_many(old, actor="u-test").rejected == []
    files = []
    for name, docs in (("new.jsonl", new), ("old.jsonl", old)):
        with open(tmp_path / name, "w", encoding="utf-8") as fp:
            write_jsonl(docs, fp)
        files.append(str(tmp_path / name))

    with subprocess.Popen([sys.executable, "-c", _WRITER, str(path), *files],
                          stdout=subprocess.PIPE, text=True) as writer:
        try:
            assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
            deadline = time.monotonic() + 60
            watch = sqlite3.connect(path, timeout=30)
            while (watch.execute("SELECT max(version) FROM revision_children").fetchone()[0]
                   or 0) < 3:
                assert time.monotonic() < deadline, "the writer never committed"
                time.sleep(0.02)
            watch.close()
            time.sleep(0.15)  # well inside a later batch
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait()
    assert writer.returncode == -signal.SIGKILL

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    with EmbeddedStore(path) as store:
        by_id = {d.child.id: d for d in store.iter_documents()}
        assert sorted(by_id) == [d.child.id for d in old]
        for before, after in zip(old, new, strict=True):
            assert by_id[before.child.id] in (before, after)
        counts = store.counts()
        assert counts.children == len(old)
        assert counts.observations == sum(len(d.observations) for d in by_id.values())
        assert counts.ties == sum(len(d.ties) for d in by_id.values())
        # history intact: every committed revision lists whole children, old or new
        revisions = store.revisions()
        assert [r.number for r in revisions] == list(range(1, store.revision() + 1))
        assert len(revisions) >= 3
        versions = {d.child.id: 0 for d in old}
        pairs = {a.child.id: (a, b) for a, b in zip(old, new, strict=True)}
        for r in revisions:
            assert r.actor == ("u-test" if r.number <= 2 else "import:crash-test")
            for cid in r.children:
                versions[cid] += 1
        for cid in pairs:
            assert store.version(cid) == versions[cid] == len(store.history(cid))
        for r in revisions[-3:]:
            for d in store.iter_documents(as_recorded=r.number):
                assert d in pairs[d.child.id]


def test_two_stores_on_one_file_take_turns(tmp_path: Path, synthetic: Any) -> None:
    """As the API and a CLI import would: separate openers wait on SQLite's lock."""
    path = tmp_path / "shared.db"
    first, second = EmbeddedStore(path), EmbeddedStore(path)
    a, b = synthetic(30, seed=4, prefix="a"), synthetic(30, seed=5, prefix="b")
    errors: list[BaseException] = []

    def load(store: EmbeddedStore, docs: list[EcomapDocument]) -> None:
        try:
            for d in docs[:10]:
                store.replace(d, actor="u-test")
            assert store.replace_many(docs[10:], actor="u-test").rejected == []
        except BaseException as exc:  # reported below, on the main thread
            errors.append(exc)

    threads = [threading.Thread(target=load, args=(first, a)),
               threading.Thread(target=load, args=(second, b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert list(first.iter_documents()) == list(second.iter_documents()) == a + b
    first.close()
    second.close()
