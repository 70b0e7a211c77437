"""The import's fast path (graph/embedded/bulk.py) writes exactly what the model path
writes: the same rows (``rows.to_rows``), packed cohort columns (``packed.pack``) and
packed plan columns (``packed_plans.pack_plans``) for every document the model accepts,
the same report for every one it rejects; on synthetic documents (with meetings), the
fixtures, and random documents."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomap import format as fmt
from ecomap.errors import DocumentInvalid
from ecomap.format import dump_document, read_documents
from ecomap.format_fast import checked, json_lines
from ecomap.measures.packed import pack
from ecomap.measures.packed_plans import pack_plans
from ecomap.model import EcomapDocument
from ecomap.synth import synthesize
from graph.embedded import EmbeddedStore
from graph.embedded.bulk import (
    Prepared,
    Rejected,
    decode_chunk,
    encode_chunk,
    prepare_line,
    prepare_lines,
)
from graph.embedded.rows import CHILD_TABLES, to_rows
from tests.ecomap.test_format_fast import BAD_VALUES, GOOD_DATES, raw_documents

ROOT = Path(__file__).resolve().parents[2]


def same_as_model(lineno: int, line: bytes) -> Prepared | Rejected:
    """``prepare_line`` of the line, checked against the model path's result."""
    fast = prepare_line(lineno, line)
    model = fmt._line_result(lineno, line.decode("utf-8"))
    if isinstance(model, DocumentInvalid):
        assert isinstance(fast, Rejected), fast
        assert (fast.source, fast.location, fast.breaches) == (
            model.source, model.location, model.breaches)
    else:
        assert isinstance(fast, Prepared), fast
        assert fast.rows == to_rows(model)
        assert fast.packed == pack(model)
        assert fast.plans == pack_plans(model)
    return fast


def test_synthetic_documents_with_meetings_and_the_fixtures_take_the_fast_path() -> None:
    docs = list(synthesize(30, 5)) + list(synthesize(30, 6, meetings=True))
    docs += [fmt.parse_document(p.read_text(encoding="utf-8"))
             for p in sorted(ROOT.glob("fixtures/**/*.json"))]
    assert sum(bool(d.meetings) for d in docs) >= 20
    for i, doc in enumerate(docs, start=1):
        line = dump_document(doc).encode("utf-8")
        assert checked(orjson.loads(line)) is not None, doc.child.id  # not the model's way
        assert isinstance(same_as_model(i, line), Prepared)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """``raw_documents`` (people, ties, observations, episodes; good and bad values) with
    status and team episodes and meetings added, their values sometimes bad."""
    doc = draw(raw_documents())
    child = doc.get("child")
    p_bad = draw(st.sampled_from([0.0, 0.0, 0.05, 0.2]))

    def pick(good: Any) -> Any:
        return draw(st.sampled_from(BAD_VALUES)) if draw(st.floats(0, 1)) < p_bad else good

    given = doc.get("people")
    people = [p.get("id") for p in given if isinstance(p, dict)] if isinstance(given, list) else []
    refs = st.sampled_from([*people, "c", "nobody"] if people else ["c", "nobody"])
    if isinstance(child, dict) and draw(st.booleans()):
        episodes = doc.setdefault("episodes", [])
        for kind, values in (("status", ["looked_after", "child_in_need"]),
                             ("team", ["North", "South"])):
            for _ in range(draw(st.integers(0, 2))):
                episode = {"kind": kind, "start": pick(draw(st.sampled_from(GOOD_DATES))),
                           kind: pick(draw(st.sampled_from(values)))}
                if draw(st.booleans()):
                    episode["end"] = pick(draw(st.sampled_from(GOOD_DATES)))
                episodes.append(episode)
            if draw(st.booleans()):
                child[kind] = pick(draw(st.sampled_from(values)))
    meetings = []
    for i in range(draw(st.integers(0, 2))):
        meeting: dict[str, Any] = {
            "id": pick(draw(st.sampled_from([f"m{i}", "m0"]))),
            "kind": pick(draw(st.sampled_from(["family_group_conference", "other"]))),
            "on": pick(draw(st.sampled_from(GOOD_DATES))),
        }
        for key in ("invited", "attended"):
            if draw(st.booleans()):
                meeting[key] = pick(draw(st.lists(refs, max_size=3)))
        if draw(st.booleans()):
            meeting["participation"] = pick(draw(st.sampled_from(["PN1", "PN7", None])))
        if draw(st.booleans()):
            meeting["note"] = pick(draw(st.sampled_from(["went well", "a\nb", None])))
        plan = []
        for j in range(draw(st.integers(0, 2))):
            commitment: dict[str, Any] = {"id": pick(draw(st.sampled_from([f"k{i}{j}", "k00"]))),
                                          "what": pick("tea on Sundays")}
            if draw(st.booleans()):
                commitment["who"] = pick(draw(st.lists(refs, max_size=2)))
            if draw(st.booleans()):
                commitment["by"] = pick(draw(st.sampled_from([*GOOD_DATES, None])))
            if draw(st.booleans()):
                commitment["progress"] = [
                    {"on": pick(draw(st.sampled_from(GOOD_DATES))),
                     "state": pick(draw(st.sampled_from(["done", "in_progress"]))),
                     **({"by": pick("worker")} if draw(st.booleans()) else {})}
                    for _ in range(draw(st.integers(0, 2)))]
            plan.append(commitment)
        if plan or draw(st.booleans()):
            meeting["plan"] = plan
        meetings.append(meeting)
    if meetings or draw(st.booleans()):
        doc["meetings"] = meetings
    return doc


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=documents())
def test_fast_rows_and_packed_columns_equal_the_models(raw: dict[str, Any]) -> None:
    line = json.dumps(raw, ensure_ascii=False).encode("utf-8")
    same_as_model(2, line)
    if checked(json.loads(line)) is not None:  # never laxer than the model
        assert isinstance(fmt._line_result(2, line.decode("utf-8")), EcomapDocument)


def test_a_fast_import_is_the_model_import(tmp_path: Path) -> None:
    """The same documents through ``import_prepared`` (rows sent as a worker sends them)
    and through ``replace_many``, then again with some changed (rows compared with the
    stored ones), give the same store: every row, revision ranges, versions, revisions'
    children and packed columns included."""
    docs = list(synthesize(12, 8, meetings=True))
    changed = [*docs[:6], *list(synthesize(12, 9, meetings=True))[6:]]  # other content
    with EmbeddedStore(tmp_path / "fast.db") as fast, EmbeddedStore(tmp_path / "model.db") as slow:
        for round_ in (docs, changed):
            lines = [(i, dump_document(d).encode()) for i, d in enumerate(round_, start=1)]
            prepared = decode_chunk(encode_chunk(prepare_lines(lines)))
            assert all(isinstance(p, Prepared) for p in prepared)
            for part in (prepared[:7], prepared[7:]):
                fast.import_prepared([p for p in part if isinstance(p, Prepared)], actor="i:x")
            slow.replace_many(round_[:7], actor="i:x")
            slow.replace_many(round_[7:], actor="i:x")
        assert list(fast.iter_documents()) == list(slow.iter_documents())
    tables = ["children", "people", "revision_children", "cohort_packed", "plans_packed",
              *(table for table, _ in CHILD_TABLES)]
    fast_db, model_db = (sqlite3.connect(tmp_path / name) for name in ("fast.db", "model.db"))
    for table in tables:  # every row, revision ranges included
        query = f"SELECT * FROM {table} ORDER BY 1, 2, 3"
        assert fast_db.execute(query).fetchall() == model_db.execute(query).fetchall(), table
    fast_db.close()
    model_db.close()


STREAMS = [
    b'{"format":"ecomap/1","child":{"id":"a","name":"A"}}\n\n{oops\n'
    b'{"format":"ecomap/1","child":{"id":"b","name":"B"},"ties":[{"id":"t","between":["b","x"]}]}\n'
    b'\xff\xfe\n   \n{"format":"ecomap/1","child":{"id":"c","name":"C"}}',
    b'\xef\xbb\xbf{"format":"ecomap/1","child":{"id":"a","name":"A"}}\r\n\xc2\xa0\n[1]\n',
    b'\n\n{\n "format": "ecomap/1",\n "child": {"id": "a", "name": "A"}\n}\n',
    b'[{"format":"ecomap/1","child":{"id":"a","name":"A"}}, {"format": "x"}]',
    b'{"format":"ecomap/1","child":{"id":"a","name":"A","birth_date":NaN}}\n',
    b'{"format":"ecomap/1","child":{"id":"a","name":"\\ud800"}}\n',
    b"",
    b"\n\n",
]


@pytest.mark.parametrize("data", STREAMS)
def test_streams_read_as_the_model_reads_them(data: bytes) -> None:
    """JSON Lines go line by line through ``prepare_line``; anything else is the model
    reader's (``json_lines`` hands it back whole): the same documents, the same reports."""
    lines = json_lines(io.BytesIO(data))
    model = list(read_documents(io.BytesIO(data)))
    if isinstance(lines, io.BytesIO):
        assert lines.read() == data
        return
    fast = [prepare_line(lineno, line) for lineno, line in lines]
    assert len(fast) == len(model)
    for a, b in zip(fast, model, strict=True):
        if isinstance(b, DocumentInvalid):
            assert isinstance(a, Rejected)
            assert (a.source, a.location, a.breaches) == (b.source, b.location, b.breaches)
        else:
            assert isinstance(a, Prepared)
            assert (a.rows, a.packed, a.plans) == (to_rows(b), pack(b), pack_plans(b))
