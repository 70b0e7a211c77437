"""The columns files beside an embedded store (docs/scale.md, "The snapshot"): a whole
current read is answered from the file when it holds the latest revision, and from the
rows otherwise; a stale, damaged or foreign file is never read as the current state;
erasing a child removes the files. Mirrors graph/embedded/snapshots.py (the random-edit
contract tests in test_cohort_packed.py and test_plans_packed.py also run on a file
store, reading through the files after every step)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomap.measures.plans_cohort import PlanTables
from ecomap.measures.tables import CohortTables
from graph.embedded import EmbeddedStore, snapshots
from tests.ecomap.measures.test_packed_plans import assert_same_plans
from tests.graph.edits import KIDS, POOL, apply_edit, edit_steps
from tests.graph.test_contract import assert_same_cohort
from tests.graph.test_plans_packed import MEETING, with_meetings

ACTOR = "tester"


def _fill(store: EmbeddedStore, count: int = 6) -> None:
    for i in range(count):
        store.replace(with_meetings(f"c-{i}", ["p", "q", "r"][: i % 4], i % 2 == 0,
                                    [(i % 12 + 1, i % 8, [([0], 3, ["done"])])]), actor=ACTOR)


def _rows_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the stores' row reads of the current state fail (so a passing read came from
    the columns files)."""
    def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError("read the rows")

    monkeypatch.setattr("graph.embedded.cohort.packed_cohort_tables", refuse)
    monkeypatch.setattr("graph.embedded.plans.packed_plan_tables", refuse)


def _assert_current(store: EmbeddedStore) -> None:
    docs = list(store.iter_documents())
    assert_same_cohort(store.cohort_tables(), CohortTables.from_documents(docs))
    assert_same_plans(store.plan_tables(), PlanTables.from_documents(docs))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "ecomap.db"


def test_a_whole_read_writes_the_files_and_the_next_reader_maps_them(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with EmbeddedStore(db) as store:
        _fill(store)
        _assert_current(store)
        assert all(snapshots.path_for(str(db), kind).exists() for kind in snapshots.KINDS)
        assert (snapshots.path_for(str(db), "cohort").stat().st_mode & 0o077) == 0
    with EmbeddedStore(db) as again:  # another process, in effect
        _rows_refused(monkeypatch)
        _assert_current(again)
        with pytest.raises(AssertionError, match="read the rows"):  # the refusal is real
            again.cohort_tables(["c-1"])


def test_after_a_write_the_file_is_stale_and_not_read_as_it_is(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with EmbeddedStore(db) as store:
        _fill(store)
        before = store.cohort_tables()
        store.replace(with_meetings("c-9", ["p"], True, [(2, 1, [([0], 4, ["agreed"])])]),
                      actor=ACTOR)
        after = store.cohort_tables()  # not the file: it holds the revision before
        assert "c-9" in after.child_ids and "c-9" not in before.child_ids
        _assert_current(store)
        store.close_record("c-1", actor=ACTOR)
        assert "c-1" not in store.cohort_tables().child_ids
        _assert_current(store)
        _rows_refused(monkeypatch)  # rewritten for this revision by the reads above
        _assert_current(store)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "other store"])
def test_a_damaged_or_foreign_file_is_not_read(db: Path, tmp_path: Path, damage: str) -> None:
    with EmbeddedStore(db) as store:
        _fill(store)
        store.cohort_tables()
        path = snapshots.path_for(str(db), "cohort")
        data = path.read_bytes()
        if damage == "garbage":
            path.write_bytes(b"\x00" * 100 + data[100:])
        elif damage == "truncated":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "empty":
            path.write_bytes(b"")
        else:  # another store's file at this path: same revision number, another time
            other = tmp_path / "other" / "ecomap.db"
            with EmbeddedStore(other) as elsewhere:
                _fill(elsewhere, 3)
                elsewhere.replace(with_meetings("z-1", [], False, []), actor=ACTOR)
                elsewhere.replace(with_meetings("z-2", [], False, []), actor=ACTOR)
                elsewhere.replace(with_meetings("z-3", [], False, []), actor=ACTOR)
                elsewhere.cohort_tables()
                assert elsewhere.revision() == store.revision()
            path.write_bytes(snapshots.path_for(str(other), "cohort").read_bytes())
        _assert_current(store)
        assert path.read_bytes() == data  # written again, whole


def test_erasing_a_child_removes_the_files(db: Path) -> None:
    with EmbeddedStore(db) as store:
        _fill(store)
        _assert_current(store)
        store.erase("c-2", actor=ACTOR, reason="asked to")
        assert not any(snapshots.path_for(str(db), k).exists() for k in snapshots.KINDS)
        assert "c-2" not in store.cohort_tables().child_ids
        _assert_current(store)


def test_a_file_is_not_kept_when_a_write_came_in_between(db: Path) -> None:
    with EmbeddedStore(db) as store:
        _fill(store)
        tables = store.cohort_tables()
        snapshots.path_for(str(db), "cohort").unlink()
        key = {"revision": 1, "at_us": 0, "packed": 2}
        from ecomap.measures.columns_file import cohort_snapshot

        snapshots.save(str(db), "cohort", cohort_snapshot(tables, key), lambda: False)
        # no file, no temporary left behind
        assert [p.name for p in db.parent.iterdir() if "columns" in p.name] == []


def test_memory_stores_and_partial_reads_write_no_file(db: Path) -> None:
    with EmbeddedStore(db) as store:
        _fill(store)
        store.cohort_tables(["c-1", "c-2"])
        store.cohort_tables(include_closed=True)
        store.plan_tables(["c-1"])
        assert not any(p.name.endswith(".columns") for p in db.parent.iterdir())


# ------------------------------------------------------------------ after a write: patched


def _whole_reads_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading every current child's packed rows fail; reads of named children (the
    changed ones a patch reads) still work."""
    import graph.embedded.cohort
    import graph.embedded.plans

    for module, name in ((graph.embedded.cohort, "packed_cohort_tables"),
                         (graph.embedded.plans, "packed_plan_tables")):
        real = getattr(module, name)

        def named_only(conn: Any, ids: Any, *rest: Any, _real: Any = real) -> Any:
            if ids is None:
                raise AssertionError("read every child")
            return _real(conn, ids, *rest)

        monkeypatch.setattr(module, name, named_only)


def _edits(store: EmbeddedStore) -> list[Any]:
    """One of each kind of write a patch must follow (each a revision of its own)."""
    from ecomap.model import Person

    return [
        lambda: store.replace(with_meetings("c-30", ["q"], True, [(3, 2, [([0], 5, [])])]),
                              actor=ACTOR),  # a new child, put in among the others
        lambda: store.replace(with_meetings("c-2", ["p", "r", "s"], False, []),
                              actor=ACTOR),  # a child's network and plans changed
        lambda: store.close_record("c-3", actor=ACTOR),  # leaves the current cohort
        lambda: store.reopen_record("c-3", actor=ACTOR),  # and comes back
        lambda: store.update_person(Person(id="p", name="P", category="professional",
                                           role="social_worker"), actor=ACTOR),
        lambda: store.restore("c-2", 3, actor=ACTOR),  # as first written
        lambda: store.replace(with_meetings("c-00", [], False, []), actor=ACTOR),  # first
    ]


def test_after_each_kind_of_write_the_stale_file_is_patched_not_reread(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with EmbeddedStore(db) as store:
        _fill(store)
        _assert_current(store)  # the files, for the revision before the edits
        for edit in _edits(store):
            edit()
            with monkeypatch.context() as patched:
                _whole_reads_refused(patched)
                _assert_current(store)  # the stale files, patched
                _rows_refused(patched)
                _assert_current(store)  # ... and written for this revision


def test_a_file_several_revisions_behind_is_patched(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with EmbeddedStore(db) as store:
        _fill(store)
        _assert_current(store)
        for edit in _edits(store):
            edit()
        with monkeypatch.context() as patched:
            _whole_reads_refused(patched)
            _assert_current(store)


def _whole_reads_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import graph.embedded.cohort

    real = graph.embedded.cohort.packed_cohort_tables
    whole: list[str] = []

    def counted(conn: Any, ids: Any, *rest: Any) -> Any:
        if ids is None:
            whole.append("cohort")
        return real(conn, ids, *rest)

    monkeypatch.setattr(graph.embedded.cohort, "packed_cohort_tables", counted)
    return whole


def test_a_file_of_another_store_or_too_far_behind_is_read_again_whole(
        db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ecomap.measures.columns_patch as columns_patch

    with EmbeddedStore(db) as store:
        _fill(store)
        other = tmp_path / "other" / "ecomap.db"
        with EmbeddedStore(other) as elsewhere:  # revision 2 there, at another time
            _fill(elsewhere, 2)
            elsewhere.cohort_tables()
        path = snapshots.path_for(str(db), "cohort")
        path.write_bytes(snapshots.path_for(str(other), "cohort").read_bytes())
        whole = _whole_reads_counted(monkeypatch)
        _assert_current(store)
        assert whole == ["cohort"]
        store.replace(with_meetings("c-1", ["r"], True, []), actor=ACTOR)
        store.replace(with_meetings("c-4", ["r"], True, []), actor=ACTOR)
        monkeypatch.setattr(columns_patch, "MIN_CHANGED", 1)  # two changed of six: too many
        _assert_current(store)
        assert whole == ["cohort", "cohort"]
        store.replace(with_meetings("c-1", ["q"], True, []), actor=ACTOR)
        _assert_current(store)  # one: patched
        assert whole == ["cohort", "cohort"]


def test_the_children_changed_since_a_revision(db: Path) -> None:
    from ecomap.model import Person

    with EmbeddedStore(db) as store:
        _fill(store, 4)  # revisions 1-4: c-0 .. c-3; p is in c-1, c-2 and c-3
        conn = store._conn()
        conn.execute("BEGIN")
        found = snapshots.key(conn)
        conn.execute("COMMIT")
        store.update_person(Person(id="p", name="P", category="friend"), actor=ACTOR)
        store.close_record("c-0", actor=ACTOR)
        conn.execute("BEGIN")
        wanted = snapshots.key(conn)
        try:
            sharing = sorted(store.person_children(["p"])["p"])
            assert snapshots.changed_since(conn, found, wanted, 100) == sorted(
                {"c-0", *sharing})
            assert snapshots.changed_since(conn, found, wanted, 1) is None  # over the limit
            empty = {**found, "revision": 0, "at_us": 0}  # the state every store starts from
            assert snapshots.changed_since(conn, empty, wanted, 100) == [
                "c-0", "c-1", "c-2", "c-3"]
            for unsure in ({**found, "at_us": found["at_us"] + 1},  # another store's
                           {**found, "packed": -1}, {**found, "schema": 0},
                           {**found, "revision": wanted["revision"]}, {}):
                assert snapshots.changed_since(conn, unsure, wanted, 100) is None
        finally:
            conn.execute("COMMIT")


def test_a_patched_file_is_not_kept_when_a_write_came_in_between(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tables still hold the state read (from the patched bytes); the file is left
    as it was, and the next read patches it for the newer state."""
    with EmbeddedStore(db) as store:
        _fill(store)
        _assert_current(store)
        store.replace(with_meetings("c-1", ["r"], True, []), actor=ACTOR)
        expected = CohortTables.from_documents(store.iter_documents())
        stale = snapshots.path_for(str(db), "cohort").read_bytes()
        real_save = snapshots.save

        def write_first(*args: Any) -> bool:
            store.replace(with_meetings("c-2", ["r"], False, []), actor=ACTOR)
            return real_save(*args)

        with monkeypatch.context() as racing:
            racing.setattr(snapshots, "save", write_first)
            assert_same_cohort(store.cohort_tables(), expected)
        assert snapshots.path_for(str(db), "cohort").read_bytes() == stale
        with monkeypatch.context() as patched:
            _whole_reads_refused(patched)
            _assert_current(store)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(edit_steps(st.tuples(
    st.just("write"), st.sampled_from(KIDS), st.lists(st.sampled_from(POOL), unique=True,
                                                     max_size=3),
    st.booleans(), st.lists(MEETING, max_size=2), st.integers(0, 1)), max_size=4)),
    min_size=1, max_size=3))
def test_random_edits_between_reads_are_patched(tmp_path_factory: pytest.TempPathFactory,
                                                steps: list[tuple[list[Any]]]) -> None:
    """Random runs of writes, closes, reopens, restores, person edits and erases between
    whole reads: wherever a file is left (an erase removes it), the read patches it, with
    the whole-row reads refused, and equals the documents."""
    db = tmp_path_factory.mktemp("patched") / "ecomap.db"
    with EmbeddedStore(db) as store, pytest.MonkeyPatch.context() as monkeypatch:
        for (edits,) in steps:
            for step in edits:
                apply_edit(store, step, lambda op: with_meetings(*op[1:]))
            kept = snapshots.path_for(str(db), "cohort").exists()
            with monkeypatch.context() as refused:
                if kept:
                    _whole_reads_refused(refused)
                _assert_current(store)


def test_an_import_batch_is_patched(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An import's batch (new children written together, a stored child written again,
    a shared person's details changed: every child sharing them repacked) lists every
    child it changes, so the stale file is patched."""
    from ecomap.format import document_to_jsonable, parse_document
    from graph.embedded.bulk import prepare_document

    with EmbeddedStore(db) as store:
        _fill(store)
        _assert_current(store)
        changed = document_to_jsonable(with_meetings("c-2", ["p", "q"], False, []))
        changed["people"][0]["category"] = "professional"  # p: shared with c-1 and c-3
        docs = [with_meetings("c-40", ["r"], True, [(2, 1, [([0], 4, ["done"])])]),
                with_meetings("c-41", [], False, []), parse_document(changed)]
        result = store.import_prepared([prepare_document(d) for d in docs], actor=ACTOR)
        assert sorted(result.imported) == ["c-2", "c-40", "c-41"]
        with monkeypatch.context() as patched:
            _whole_reads_refused(patched)
            _assert_current(store)
