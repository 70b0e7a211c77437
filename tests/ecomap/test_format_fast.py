"""The import's fast checker (ecomap/format_fast.py) agrees with the model: on random
documents, valid and broken, it never accepts what the model rejects, and of documents
with good values it accepts every one the model does. (What the store makes of what it
accepts, and the rejection reports, are compared in tests/graph/test_bulk.py.)"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ecomap import format as fmt
from ecomap.format import dump_document
from ecomap.format_fast import checked
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


def model_takes(raw: dict[str, Any]) -> bool:
    """Whether the model path reads ``raw`` (as a JSON Lines line) as a valid document."""
    line = json.dumps(raw, ensure_ascii=False)
    return isinstance(fmt._line_result(4, line), EcomapDocument)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.one_of(raw_documents(), one_breach()))
@example(raw={"format": "ecomap/1", "child": {"id": "c", "name": "A"}})
def test_the_checker_is_never_laxer_than_the_model(raw: dict[str, Any]) -> None:
    if checked(copy.deepcopy(raw)) is not None:
        assert model_takes(raw)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=raw_documents(broken=False))
def test_valid_documents_take_the_fast_path(raw: dict[str, Any]) -> None:
    """Of documents with only good values, the checker accepts every one the model does
    (and rejects those the cross-document rules break): the fast path is the common
    path, not a formality."""
    assert (checked(copy.deepcopy(raw)) is not None) == model_takes(raw)


def test_synthetic_and_fixture_documents_take_the_fast_path() -> None:
    docs = list(synthesize(40, 3)) + list(synthesize(10, 4, meetings=True))
    docs += [fmt.parse_document(p.read_text(encoding="utf-8"))
             for p in sorted(ROOT.glob("fixtures/**/*.json"))]
    assert sum(bool(d.meetings) for d in docs) >= 5
    for doc in docs:
        assert checked(orjson.loads(dump_document(doc))) is not None, doc.child.id


def test_the_checker_completes_what_the_model_fills_in() -> None:
    doc = checked({"format": "ecomap/1", "child": {"id": "c", "name": "C"},
                   "people": [{"id": "p", "name": "P", "category": "carer"}],
                   "meetings": [{"id": "m", "kind": "other", "on": "2024-01-01",
                                 "plan": [{"id": "k", "what": "tea"}]}]})
    assert doc is not None
    assert (doc["people"][0]["adult"], doc["people"][0]["paid"]) == (True, True)
    assert doc["ties"] == doc["observations"] == doc["episodes"] == []
    meeting = doc["meetings"][0]
    assert meeting["invited"] == meeting["attended"] == []
    assert meeting["plan"][0]["who"] == meeting["plan"][0]["progress"] == []


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
    assert checked(json.loads(json.dumps(BASE))) is not None
    raw = json.loads(json.dumps(BASE))
    *parents, last = path.split(".")
    node = raw
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value
    if checked(copy.deepcopy(raw)) is not None:
        assert model_takes(raw)
