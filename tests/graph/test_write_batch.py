"""The import's batch writer (graph/embedded/write_batch.py) stores exactly what writing
each document on its own does (``write.write_rows`` under a savepoint per document, in
batch order): the same rows, revision ranges, versions, packed columns and the same
report, whatever the batch holds: new children, a child stored before, a child twice,
people shared, a person's details changed, a tie or meeting id another child holds,
text SQLite cannot store, and rejections between them."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from ecomap.model import EcomapDocument
from ecomap.synth import synthesize
from graph.base import DocumentConflict, DocumentInvalid, ImportResult
from graph.embedded import EmbeddedStore, write, write_batch
from graph.embedded.bulk import Prepared, Rejected, prepare_document
from graph.embedded.rows import CHILD_TABLES

TABLES = ["children", "people", "revision_children", "cohort_packed", "plans_packed",
          *(table for table, _ in CHILD_TABLES)]


def one_by_one(conn: sqlite3.Connection, rev: int, batch: Sequence[Prepared | Rejected],
               result: ImportResult, update_people: bool) -> int:
    """The specification: each document on its own, under its own savepoint."""
    stored = 0
    for item in batch:
        if isinstance(item, Rejected):
            result.rejected.append((item.source, item.breaches))
            continue
        conn.execute("SAVEPOINT doc")
        try:
            write.write_rows(conn, rev, item.rows, item.packed, item.plans,
                             expected_version=None, update_people=update_people)
        except (DocumentConflict, DocumentInvalid) as err:
            conn.execute("ROLLBACK TO doc")
            result.rejected.append((item.rows.child_id, err.breaches))
        else:
            result.imported.append(item.rows.child_id)
            stored += 1
        finally:
            conn.execute("RELEASE doc")
    return stored


def _renamed(doc: EcomapDocument, cid: str) -> EcomapDocument:
    """The document as another child's (its own tie, meeting and commitment ids)."""
    return EcomapDocument.model_validate_json(
        doc.model_dump_json().replace(f'"{doc.child.id}', f'"{cid}'))


def batches() -> list[list[Prepared | Rejected]]:
    docs = list(synthesize(10, 3, meetings=True))
    a, b, c, d, e, f, g, h, i, j = docs
    # a person of a's with other details (shared: the professional of another child)
    moved = _renamed(a, "zz-moved")
    assert not moved.people[0].id.startswith("zz-")  # shared with other children
    moved = moved.model_copy(update={"people": [
        moved.people[0].model_copy(update={"name": "Other"}), *moved.people[1:]]})
    thief = _renamed(b, "zz-thief").model_copy(update={"ties": [
        t.model_copy(update={"id": c.ties[0].id}) if k == 0 else t
        for k, t in enumerate(_renamed(b, "zz-thief").ties)]})
    meeting_thief = _renamed(j, "zz-meet")
    if g.meetings:
        meeting_thief = meeting_thief.model_copy(update={"meetings": [
            g.meetings[0].model_copy(update={"plan": []}), *meeting_thief.meetings[1:]]})
    own = next(p for p in thief.people if p.id.startswith("zz-thief"))
    friend = _renamed(e, "zz-friend")  # a person of the refused thief's, now stored
    friend = friend.model_copy(update={"people": [*friend.people, own]})
    prepared = {doc.child.id: prepare_document(doc) for doc in docs}
    bad_text = prepare_document(_renamed(d, "zz-bad"))
    bad_text = replace(bad_text, rows=replace(bad_text.rows,
                                              child=("\ud800", *bad_text.rows.child[1:])))
    no = Rejected("zz-no", "line 3", [])
    return [
        [prepared[x.child.id] for x in (a, b, c)],
        [prepared[d.child.id], prepare_document(thief), prepared[e.child.id], no,
         prepare_document(friend),
         prepared[f.child.id], prepare_document(moved), prepared[g.child.id],
         prepared[f.child.id], bad_text, prepared[h.child.id],
         prepare_document(meeting_thief), prepared[i.child.id]],
        [prepare_document(_renamed(i, "zz-new")), prepared[j.child.id], prepared[a.child.id],
         prepare_document(thief)],
        [no],
    ]


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(path)
    try:
        return {table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
                for table in TABLES}
    finally:
        db.close()


def test_a_batch_is_written_as_each_document_alone(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = []
    for name in ("batch", "alone"):
        if name == "alone":
            monkeypatch.setattr(write_batch, "write_batch", one_by_one)
        with EmbeddedStore(tmp_path / f"{name}.db") as store:
            results = [store.import_prepared(b, actor="import:x")  # type: ignore[arg-type]
                       for b in batches()]
        outcomes.append(([(r.imported, r.rejected, r.revisions) for r in results],
                         _rows(tmp_path / f"{name}.db")))
    (batch_results, batch_rows), (alone_results, alone_rows) = outcomes
    assert batch_results == alone_results
    for table in TABLES:
        assert batch_rows[table] == alone_rows[table], table
    imported, rejected, _ = batch_results[1]
    assert {cid for cid, _ in rejected} >= {"zz-thief", "zz-bad", "zz-no"}
    assert len(imported) >= 7
    assert batch_results[3] == ([], [("zz-no", [])], [])
