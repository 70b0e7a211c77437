"""The import's fast path (ecomap/format_fast.py) agrees with the model path: on random
documents, valid and broken, both accept the same, build equal documents and report
the same breaches; the fast checker never accepts what the model rejects."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from ecomap import format as fmt
from ecomap.errors import DocumentInvalid
from ecomap.format import dump_document, read_documents
from ecomap.format_fast import (
    build_checked,
    checked,
    is_certainly_valid,
    parse_line,
    read_documents_fast,
)
from ecomap.model import EcomapDocument
from ecomap.synth import synthesize

ROOT = Path(__file__).resolve().parents[2]

# Mostly good values, with the bad ones each rule is about (and some it is not about).
GOOD_DATES = ["2019-03-01", "2020-02-29", "2021-06-15", "2022-01-01", "2023-12-31"]
BAD_DATES = ["1899-12-31", "1900-01-01", "2199-12-31", "2200-01-01", "2021-02-29",
             "2021-2-01", "2021-02-01T00:00:00", "\uff12\uff10\uff12\uff11-02-01",
             "2021-02-01\n", "20210201", 20210201, "", None, 2021.5]
IDS = ["c", "p1", "p2", "p3", "t1", "t2", "t3"]
BAD_TEXT = ["", "a\x00b", "tab\there", "new\nline", "nb\u00a0sp", "\u200bzw", 7, None, True,
            "\x7f", "é", "a\u2028b"]


def sometimes(draw: st.DrawFn, good: Any, bad: st.SearchStrategy[Any], p_bad: float) -> Any:
    """``good`` most of the time; a value from ``bad`` with probability ``p_bad``."""
    if p_bad and draw(st.floats(0, 1)) < p_bad:
        return draw(bad)
    return good


@st.composite
def raw_documents(draw: st.DrawFn, broken: bool = True) -> dict[str, Any]:
    """A decoded JSON document: its ids, references and dates may clash, and with
    ``broken`` any value may be swapped for a bad one (often none is)."""
    p_bad = draw(st.sampled_from([0.0, 0.0, 0.02, 0.1, 0.3])) if broken else 0.0
    bad_any = st.sampled_from([*BAD_DATES, *BAD_TEXT, -1, 0, 4, 5, 1.0, "2", False, [], {}])

    def pick(good: Any, bad: st.SearchStrategy[Any] = bad_any) -> Any:
        return sometimes(draw, good, bad, p_bad)

    def maybe(obj: dict[str, Any], key: str, good: st.SearchStrategy[Any]) -> None:
        if draw(st.booleans()):
            obj[key] = pick(draw(good))

    date = st.sampled_from(GOOD_DATES)
    child: dict[str, Any] = {"id": pick("c"), "name": pick(draw(st.sampled_from(["Ava", "Zoë"])))}
    maybe(child, "birth_date", date)
    maybe(child, "status", st.sampled_from(["looked_after", "child_in_need", None]))
    maybe(child, "team", st.sampled_from(["North", "South", None]))
    people = []
    for i in range(draw(st.integers(0, 4))):
        person: dict[str, Any] = {
            "id": pick(draw(st.sampled_from(IDS[1:4])) if p_bad else f"p{i + 1}"),
            "name": pick(draw(st.sampled_from(["Gran", "Sam O", "Jo"]))),
            "category": pick(draw(st.sampled_from(
                ["family", "carer", "friend", "community", "volunteer", "professional"]))),
        }
        maybe(person, "role", st.sampled_from(["social_worker", "teacher", "Teacher", None]))
        maybe(person, "adult", st.booleans())
        maybe(person, "paid", st.booleans())
        people.append(person)
    ends = ["c", *(p["id"] for p in people)]
    ties = []
    for i in range(draw(st.integers(0, 4))):
        tie: dict[str, Any] = {
            "id": pick(draw(st.sampled_from(IDS[4:])) if p_bad else f"t{i + 1}"),
            "between": pick([draw(st.sampled_from(ends)), draw(st.sampled_from(ends))]),
        }
        maybe(tie, "started", date)
        maybe(tie, "ended", date)
        maybe(tie, "end_reason", st.sampled_from(["moved_placement", "by_choice", None]))
        ties.append(tie)
    observations = []
    for _ in range(draw(st.integers(0, 6))):
        obs: dict[str, Any] = {
            "tie": pick(draw(st.sampled_from([t["id"] for t in ties] or ["t1"]))),
            "on": pick(draw(date)),
            "by": pick(draw(st.sampled_from(["child", "worker", "carer", "family", "other"]))),
        }
        maybe(obs, "closeness", st.integers(1, 3))
        maybe(obs, "contact", st.integers(0, 4))
        maybe(obs, "critical", st.integers(1, 3))
        maybe(obs, "direction", st.sampled_from(["both", "to_child", "from_child"]))
        maybe(obs, "trusted", st.booleans())
        maybe(obs, "note", st.sampled_from(["seen weekly", "two\nlines", "tab\tbed", None]))
        if draw(st.booleans()):
            obs["support"] = pick({k: pick(draw(st.integers(1, 3))) for k in
                                   draw(st.sets(st.sampled_from(
                                       ["emotional", "practical", "informational"])))})
        observations.append(obs)
    episodes = []
    for _ in range(draw(st.integers(0, 2))):
        episode: dict[str, Any] = {"kind": pick(draw(st.sampled_from(["placement", "school"]))),
                                   "start": pick(draw(date))}
        maybe(episode, "end", date)
        maybe(episode, "reason", st.sampled_from(["entered_care", "Moved", None]))
        episodes.append(episode)
    doc: dict[str, Any] = {"format": pick("ecomap/1"), "child": pick(child), "people": people,
                           "ties": ties, "observations": observations, "episodes": episodes}
    for key in ("people", "ties", "observations", "episodes"):
        if not doc[key] and draw(st.booleans()):
            del doc[key]
    if p_bad and draw(st.floats(0, 1)) < p_bad:
        doc[draw(st.sampled_from(["extra", "meetings", "child", "people"]))] = draw(bad_any)
    return doc


BAD_VALUES = [*BAD_DATES, *BAD_TEXT, -1, 0, 1, 3, 4, 5, 1.0, "2", False, [], {}, ["c", "c"],
              "ecomap/2", "Child", "social worker", "looked-after"]


@st.composite
def one_breach(draw: st.DrawFn) -> dict[str, Any]:
    """A document of good values with one place changed: a value swapped for a bad one,
    a key taken away, or a key added (the usual shape of a rejected document)."""
    doc = draw(raw_documents(broken=False))
    places: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            places.extend((node, key) for key in node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            places.extend((node, i) for i in range(len(node)))
            for value in node:
                walk(value)

    walk(doc)
    # a field name first, then one place it appears: each rule gets its share
    name = draw(st.sampled_from(sorted({str(key) for _, key in places})))
    container, key = draw(st.sampled_from([p for p in places if str(p[1]) == name]))
    action = draw(st.sampled_from(["swap", "swap", "swap", "drop", "add"]))
    if action == "swap":
        container[key] = draw(st.one_of(st.sampled_from(BAD_VALUES), st.integers(-1, 6)))
    elif action == "drop":
        del container[key]
    elif isinstance(container, dict):
        container[draw(st.sampled_from(["extra", "name", "note", "kind", "tie"]))] = draw(
            st.sampled_from(BAD_VALUES))
    return doc


def same_result(a: EcomapDocument | DocumentInvalid, b: EcomapDocument | DocumentInvalid
                ) -> None:
    if isinstance(a, DocumentInvalid) or isinstance(b, DocumentInvalid):
        assert isinstance(a, DocumentInvalid) and isinstance(b, DocumentInvalid), (a, b)
        assert (a.source, a.location, a.breaches) == (b.source, b.location, b.breaches)
        return
    assert a == b
    assert set_fields(a) == set_fields(b)


def set_fields(model: BaseModel) -> Any:
    """Which fields were given, all the way down (what ``exclude_unset`` would keep)."""
    return model.model_dump(exclude_unset=True)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.one_of(raw_documents(), one_breach()))
@example(raw={"format": "ecomap/1", "child": {"id": "c", "name": "A"}})
def test_fast_and_model_paths_agree(raw: dict[str, Any]) -> None:
    line = json.dumps(raw, ensure_ascii=False).encode("utf-8")
    model = fmt._line_result(4, line.decode("utf-8"))
    same_result(parse_line(4, line), model)
    if is_certainly_valid(raw):
        assert isinstance(model, EcomapDocument)  # never laxer than the model
        same_result(build_checked(raw), model)
    if checked(copy.deepcopy(raw)) is not None:  # the raw checker neither
        assert isinstance(model, EcomapDocument)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=raw_documents(broken=False))
def test_valid_documents_take_the_fast_path(raw: dict[str, Any]) -> None:
    """Of documents with only good values, the checker accepts every one the model does
    (and rejects those the cross-document rules break): the fast path is the common
    path, not a formality."""
    model = fmt._line_result(1, json.dumps(raw))
    assert is_certainly_valid(raw) == isinstance(model, EcomapDocument), model
    assert (checked(copy.deepcopy(raw)) is not None) == isinstance(model, EcomapDocument)


def test_synthetic_and_fixture_documents_take_the_fast_path() -> None:
    docs = list(synthesize(40, 3))
    docs += [fmt.parse_document(p.read_text()) for p in sorted((ROOT / "fixtures").glob("*.json"))]
    plain = [d for d in docs if not d.meetings]
    assert len(plain) >= 40
    for doc in plain:
        raw = orjson.loads(dump_document(doc))
        assert is_certainly_valid(raw), doc.child.id
        assert build_checked(raw) == doc


def test_a_document_with_meetings_goes_the_model_way_and_is_kept() -> None:
    path = next(iter(sorted((ROOT / "fixtures" / "meetings").glob("*.json"))), None)
    if path is None:
        pytest.fail("fixtures/meetings has no document")
    doc = fmt.parse_document(path.read_text())
    line = dump_document(doc).encode()
    assert not is_certainly_valid(orjson.loads(line))  # a field the checker does not know
    assert parse_line(1, line) == doc


BASE = {"format": "ecomap/1", "child": {"id": "c", "name": "C", "birth_date": "2010-01-01"},
        "people": [{"id": "p", "name": "P", "category": "family", "role": "gran"}],
        "ties": [{"id": "t", "between": ["c", "p"], "started": "2020-01-01"}],
        "observations": [{"tie": "t", "on": "2021-01-01", "by": "child", "closeness": 2,
                          "contact": 3, "critical": 1, "trusted": True,
                          "support": {"emotional": 2}, "direction": "both", "note": "ok"}],
        "episodes": [{"kind": "placement", "start": "2020-01-01", "reason": "entered_care"}]}
EDGES: list[tuple[str, Any]] = [
    ("observations.0.contact", 5), ("observations.0.contact", -1), ("observations.0.contact", 0),
    ("observations.0.contact", 4), ("observations.0.closeness", 0),
    ("observations.0.closeness", 4), ("observations.0.closeness", True),
    ("observations.0.closeness", 2.0), ("observations.0.critical", 3),
    ("observations.0.trusted", "yes"), ("observations.0.trusted", 1),
    ("observations.0.support.emotional", 4), ("observations.0.support.kindness", 2),
    ("observations.0.direction", "up"), ("observations.0.by", "teacher"),
    ("observations.0.on", "2019-12-31"), ("observations.0.on", "2020-01-01"),
    ("observations.0.tie", "t9"), ("observations.0.note", "a\x01b"),
    ("ties.0.ended", "2019-12-31"), ("ties.0.ended", "2020-01-01"), ("ties.0.between", ["c"]),
    ("ties.0.between", ["p", "p"]), ("ties.0.end_reason", "moved"),
    ("people.0.id", "c"), ("people.0.category", "pet"), ("people.0.adult", None),
    ("people.0.role", "Gran"), ("people.0.role", "g" * 65), ("people.0.role", "g" * 64),
    ("child.birth_date", "2010-13-01"), ("child.status", "adopted"), ("child.name", ""),
    ("child.team", 3), ("episodes.0.kind", "status"), ("episodes.0.end", "2019-01-01"),
    ("format", "ecomap/2"), ("meetings", []), ("people", None),
]


@pytest.mark.parametrize(("path", "value"), EDGES)
def test_each_rule_at_its_edge(path: str, value: Any) -> None:
    raw = json.loads(json.dumps(BASE))
    *parents, last = path.split(".")
    node = raw
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value
    line = json.dumps(raw).encode()
    model = fmt._line_result(1, line.decode())
    same_result(parse_line(1, line), model)
    if is_certainly_valid(raw):
        assert isinstance(model, EcomapDocument)
    if checked(json.loads(line)) is not None:
        assert isinstance(model, EcomapDocument)


STREAMS = [
    b'{"format":"ecomap/1","child":{"id":"a","name":"A"}}\n\n{oops\n'
    b'{"format":"ecomap/1","child":{"id":"b","name":"B"},"ties":[{"id":"t","between":["b","x"]}]}\n'
    b'\xff\xfe\n   \n{"format":"ecomap/1","child":{"id":"c","name":"C"}}',
    b'\xef\xbb\xbf{"format":"ecomap/1","child":{"id":"a","name":"A"}}\r\n\xc2\xa0\n[1]\n',
    b'\n\n{\n "format": "ecomap/1",\n "child": {"id": "a", "name": "A"}\n}\n',
    b'[{"format":"ecomap/1","child":{"id":"a","name":"A"}}, {"format": "x"}]',
    b'{"format":"ecomap/1","child":{"id":"a","name":"A","birth_date":NaN}}\n',
    b"",
    b"\n\n",
]


@pytest.mark.parametrize("data", STREAMS)
def test_streams_read_the_same(data: bytes) -> None:
    fast = list(read_documents_fast(io.BytesIO(data)))
    model = list(read_documents(io.BytesIO(data)))
    assert len(fast) == len(model)
    for a, b in zip(fast, model, strict=True):
        same_result(a, b)
