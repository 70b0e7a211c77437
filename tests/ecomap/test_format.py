"""Every rule of FORMAT.md, each with a failing example; reading and writing JSON (Lines)."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomap.format import (
    DocumentInvalid,
    document_to_jsonable,
    dump_document,
    parse_document,
    read_documents,
    validate_document,
    write_jsonl,
)
from ecomap.model import EcomapDocument, Tie


def base() -> dict[str, Any]:
    """A small valid document to break one rule at a time."""
    return {
        "format": "ecomap/1",
        "child": {"id": "c-1", "name": "Ava", "birth_date": "2012-04-01",
                  "status": "looked_after", "team": "North"},
        "people": [
            {"id": "p-gran", "name": "Maureen", "category": "family", "role": "grandparent"},
            {"id": "sw-1", "name": "Sam", "category": "professional", "role": "social_worker"},
        ],
        "ties": [
            {"id": "t1", "between": ["c-1", "p-gran"], "started": "2020-01-01"},
            {"id": "t2", "between": ["sw-1", "c-1"], "started": "2023-09-01",
             "ended": "2024-06-30", "end_reason": "worker_changed"},
            {"id": "t3", "between": ["p-gran", "sw-1"], "started": None},
        ],
        "observations": [
            {"tie": "t1", "on": "2024-01-10", "by": "child", "closeness": 3, "contact": 3,
             "support": {"emotional": 3, "practical": 2, "informational": 1},
             "critical": 1, "direction": "both", "trusted": True, "note": "synthetic"},
        ],
        "episodes": [{"kind": "placement", "start": "2023-09-01", "end": None,
                      "reason": "entered_care"}],
    }


def breaches(data: Any, source: str = "test") -> dict[str, str]:
    """The breaches of ``data`` as {path: message}; fails if it parses."""
    with pytest.raises(DocumentInvalid) as caught:
        parse_document(data, source=source)
    return {b.path: b.message for b in caught.value.breaches}


def test_the_base_document_is_valid() -> None:
    doc = parse_document(base())
    assert validate_document(doc) == []
    assert doc.ties[2].started is None


def changed(**edits: Any) -> dict[str, Any]:
    data = base()
    for dotted, value in edits.items():
        target: Any = data
        *parents, last = dotted.split("__")
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(last) if last.isdigit() else last] = value
    return data


# (edit, the breach path expected, a word the message must contain)
RULES = [
    # format is ecomap/1
    (changed(format="ecomap/2"), "format", "ecomap/1"),
    ({k: v for k, v in base().items() if k != "format"}, "format", "required"),
    # unknown fields are errors
    (changed(chlid={}), "chlid", "unknown"),
    (changed(child__nmae="x"), "child.nmae", "unknown"),
    (changed(people__0__age=3), "people[0].age", "unknown"),
    (changed(ties__0__start="2020-01-01"), "ties[0].start", "unknown"),
    (changed(observations__0__mood=2), "observations[0].mood", "unknown"),
    (changed(episodes__0__ending=None), "episodes[0].ending", "unknown"),
    # ids are non-empty strings
    (changed(child__id=""), "child.id", "empty"),
    (changed(people__0__id=""), "people[0].id", "empty"),
    (changed(ties__0__id=""), "ties[0].id", "empty"),
    (changed(observations__0__tie=""), "observations[0].tie", "empty"),
    (changed(people__0__id=7), "people[0].id", "string"),
    # person and tie ids are unique in the document
    (changed(people__1__id="p-gran", ties__1__between=["p-gran", "c-1"],
             ties__2__between=["p-gran", "c-1"]), "people[1].id", "more than once"),
    (changed(ties__1__id="t1"), "ties[1].id", "more than once"),
    # every id a tie or observation names exists
    (changed(ties__0__between=["c-1", "p-nobody"]), "ties[0].between[1]", "p-nobody"),
    (changed(ties__0__between=["c-2", "p-gran"]), "ties[0].between[0]", "c-2"),
    (changed(observations__0__tie="t9"), "observations[0].tie", "t9"),
    # a tie's two ends differ
    (changed(ties__0__between=["p-gran", "p-gran"]), "ties[0].between", "differ"),
    (changed(ties__0__between=["c-1", "p-gran", "sw-1"]), "ties[0].between", "2"),
    # exactly one child per document
    ({k: v for k, v in base().items() if k != "child"}, "child", "required"),
    (changed(child=[base()["child"], base()["child"]]), "child", "dictionary"),
    (changed(people__0__id="c-1", ties__0__between=["c-1", "sw-1"],
             ties__2__between=["sw-1", "c-1"]), "people[0].id", "child's id"),
    # dates are ISO YYYY-MM-DD
    (changed(ties__0__started="2020-1-1"), "ties[0].started", "YYYY-MM-DD"),
    (changed(ties__0__started="2020-02-30"), "ties[0].started", "YYYY-MM-DD"),
    (changed(ties__1__ended="2024-06-30T00:00:00"), "ties[1].ended", "YYYY-MM-DD"),
    (changed(observations__0__on="10/01/2024"), "observations[0].on", "YYYY-MM-DD"),
    (changed(child__birth_date=20120401), "child.birth_date", "YYYY-MM-DD"),
    (changed(episodes__0__start="2023-09"), "episodes[0].start", "YYYY-MM-DD"),
    # ended >= started
    (changed(ties__1__ended="2023-08-31"), "ties[1].ended", "before started"),
    # an observation is not dated before its tie started
    (changed(observations__0__on="2019-12-31"), "observations[0].on", "before its tie"),
    # episode end >= start
    (changed(episodes__0__end="2023-08-31"), "episodes[0].end", "before start"),
    # ratings are within range
    (changed(observations__0__closeness=0), "observations[0].closeness", "greater"),
    (changed(observations__0__closeness=4), "observations[0].closeness", "less"),
    (changed(observations__0__closeness=True), "observations[0].closeness", "integer"),
    (changed(observations__0__closeness="3"), "observations[0].closeness", "integer"),
    (changed(observations__0__contact=5), "observations[0].contact", "less"),
    (changed(observations__0__contact=-1), "observations[0].contact", "greater"),
    (changed(observations__0__critical=4), "observations[0].critical", "less"),
    (changed(observations__0__support__emotional=0), "observations[0].support.emotional",
     "greater"),
    (changed(observations__0__direction="sideways"), "observations[0].direction", "both"),
    (changed(observations__0__by="teacher"), "observations[0].by", "child"),
    # support keys are only the three named
    (changed(observations__0__support={"emotional": 2, "financial": 3}),
     "observations[0].support.financial", "unknown"),
    # enumerations of the other fields
    (changed(people__0__category="neighbour"), "people[0].category", "family"),
    (changed(child__status="adopted"), "child.status", "looked_after"),
    (changed(ties__1__end_reason="retired"), "ties[1].end_reason", "worker_changed"),
    (changed(episodes__0__kind="holiday"), "episodes[0].kind", "placement"),
]


@pytest.mark.parametrize(("data", "path", "word"), RULES,
                         ids=[f"{i:02d}-{r[1]}" for i, r in enumerate(RULES)])
def test_each_rule_names_the_field(data: dict[str, Any], path: str, word: str) -> None:
    found = breaches(data)
    assert path in found, found
    assert word.lower() in found[path].lower()


# Dates the JSON reader must refuse as firmly as the dict one (timestamps, datetimes).
DATES_REFUSED = ["1333238400", "2012-04-01T00:00", "2012-04-01 ", "2012-04-01\n", "20120401",
                 "\uff12\uff10\uff11\uff12-04-01", "+2012-04-01", "0000-01-01", "2012-W14-1", ""]


@pytest.mark.parametrize("value", [*DATES_REFUSED, 1333238400, 2012.5, True, [], {}])
def test_dates_are_only_yyyy_mm_dd_from_json_text_and_from_dicts(value: object) -> None:
    data = changed(child__birth_date=value)
    assert "YYYY-MM-DD" in breaches(data)["child.birth_date"]
    assert breaches(json.dumps(data)) == breaches(data)


@pytest.mark.parametrize(("data", "path", "word"), RULES,
                         ids=[f"{i:02d}-{r[1]}" for i, r in enumerate(RULES)])
def test_json_text_and_lines_report_exactly_what_dicts_do(data: dict[str, Any], path: str,
                                                         word: str) -> None:
    # Text is checked by a faster one-pass reader first; it must accept nothing the
    # reporting path refuses, and what it refuses is reported the same way.
    expected = breaches(data)
    assert breaches(json.dumps(data)) == expected
    assert breaches(json.dumps(data).encode()) == expected
    [result] = read_documents(io.StringIO(json.dumps(data) + "\n"))
    assert isinstance(result, DocumentInvalid)
    assert {b.path: b.message for b in result.breaches} == expected


def test_documents_built_in_code_are_checked_like_parsed_ones() -> None:
    # validate_document answers the common (valid) case by a short check; every
    # cross-document rule broken in a built document must still be reported.
    for data, path, _word in RULES:
        try:
            raw = EcomapDocument.model_validate(data)  # field rules kept
        except ValueError:
            continue
        assert path in {b.path for b in validate_document(raw)}, path
    built = parse_document(base())
    assert validate_document(built) == []
    ends_swapped = built.model_copy(update={"episodes": [
        built.episodes[0].model_copy(update={"end": date(2023, 8, 31)})]})
    assert [b.path for b in validate_document(ends_swapped)] == ["episodes[0].end"]


def test_boundaries_are_allowed() -> None:
    data = changed(ties__1__ended="2023-09-01", observations__0__on="2020-01-01",
                   episodes__0__end="2023-09-01")
    data["observations"].append({"tie": "t3", "on": "2019-01-01", "by": "worker"})
    parse_document(data)  # same-day end, same-day observation, unknown start: all fine


def test_every_breach_is_reported_at_once() -> None:
    data = base()
    data["format"] = "ecomap/0"
    data["colour"] = "blue"
    data["people"].append({"id": "p-gran", "name": "", "category": "family"})
    data["ties"][0]["ended"] = "2019-01-01"
    data["ties"][1]["between"] = ["sw-1", "sw-1"]
    data["ties"].append({"id": "t4", "between": ["c-1", "p-ghost"], "started": "2024-13-01"})
    data["observations"][0].update(closeness=9, support={"emotional": 2, "spiritual": 1})
    data["observations"].append({"tie": "t-none", "on": "2024-01-01", "by": "child"})
    data["episodes"][0]["end"] = "2020-01-01"
    with pytest.raises(DocumentInvalid) as caught:
        parse_document(data, source="line 7")
    err = caught.value
    assert err.source == "c-1" and err.location == "line 7"
    # in document order (unknown top-level fields last), field rules before cross rules
    assert [b.path for b in err.breaches] == [
        "format", "people[2].name", "people[2].id", "ties[0].ended", "ties[1].between",
        "ties[3].started", "ties[3].between[1]", "observations[0].closeness",
        "observations[0].support.spiritual", "observations[1].tie", "episodes[0].end",
        "colour",
    ]
    assert "c-1" in str(err) and "and 7 more" in str(err)


def test_source_is_the_child_id_when_readable_else_the_given_one() -> None:
    data = changed(ties__0__ended="2000-01-01")
    with pytest.raises(DocumentInvalid) as caught:
        parse_document(data, source="line 3")
    assert caught.value.source == "c-1"
    data["child"]["id"] = ""
    with pytest.raises(DocumentInvalid) as caught:
        parse_document(data, source="line 3")
    assert caught.value.source == "line 3"


@pytest.mark.parametrize(("text", "message"), [
    ("{oops", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ('"ecomap/1"', "JSON object"),
    (b"\xff\xfe{}", "UTF-8"),
])
def test_not_a_document(text: str | bytes, message: str) -> None:
    with pytest.raises(DocumentInvalid) as caught:
        parse_document(text, source="upload")
    assert caught.value.source == "upload"
    [breach] = caught.value.breaches
    assert breach.path == "$" and message in breach.message


def test_text_that_is_not_unicode_names_the_field() -> None:
    text = json.dumps(base()).replace('"Maureen"', '"Maur\\ud800een"')
    assert "people[0].name" in breaches(text)


def test_validate_document_checks_documents_built_in_code() -> None:
    doc = parse_document(base())
    broken = doc.model_copy(update={
        "ties": [*doc.ties, Tie(id="t1", between=("c-1", "p-x"))]})
    assert [b.path for b in validate_document(broken)] == ["ties[3].id", "ties[3].between[1]"]


# --------------------------------------------------------------------------- reading


def test_json_lines_with_blank_and_broken_lines() -> None:
    good = dump_document(parse_document(base()))
    other = json.dumps(changed(child__id="c-2", ties__0__between=["c-2", "p-gran"],
                               ties__1__between=["sw-1", "c-2"], ties__0__ended="2000-01-01"))
    stream = io.StringIO(f"{good}\n\n   \n{{broken\n{other}\n[1]\n{good}")
    results = list(read_documents(stream))
    assert [type(r).__name__ for r in results] == [
        "EcomapDocument", "DocumentInvalid", "DocumentInvalid", "DocumentInvalid",
        "EcomapDocument"]
    bad = [r for r in results if isinstance(r, DocumentInvalid)]
    assert [(e.source, e.location) for e in bad] == [
        ("line 4", "line 4"), ("c-2", "line 5"), ("line 6", "line 6")]
    assert [b.path for b in bad[1].breaches] == ["ties[0].ended"]


def test_json_lines_from_bytes_with_a_line_that_is_not_utf8() -> None:
    good = dump_document(parse_document(base())).encode()
    results = list(read_documents(io.BytesIO(b"\xef\xbb\xbf" + good + b"\n\xff\n" + good)))
    assert isinstance(results[0], EcomapDocument) and isinstance(results[2], EcomapDocument)
    assert isinstance(results[1], DocumentInvalid) and results[1].source == "line 2"
    assert "UTF-8" in results[1].breaches[0].message


def test_a_first_line_that_is_broken_does_not_hide_the_rest() -> None:
    good = dump_document(parse_document(base()))
    results = list(read_documents(io.StringIO(f'{{"format": \n{good}\n')))
    assert isinstance(results[0], DocumentInvalid) and results[0].source == "line 1"
    assert isinstance(results[1], EcomapDocument)


def test_pretty_printed_document_file(tmp_path: Path) -> None:
    path = tmp_path / "ava.json"
    path.write_text(json.dumps(base(), indent=2), encoding="utf-8")
    [doc] = list(read_documents(path))
    assert doc == parse_document(base())
    [doc] = list(read_documents(str(path)))
    assert isinstance(doc, EcomapDocument)


def test_pretty_printed_broken_file_is_one_breach_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ava.json"
    path.write_text(json.dumps(base(), indent=2)[:-3], encoding="utf-8")
    [err] = list(read_documents(path))
    assert isinstance(err, DocumentInvalid) and err.source == "ava.json"
    assert err.breaches[0].path == "$" and "line" in err.breaches[0].message


def test_a_json_list_of_documents(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    path.write_text(json.dumps([base(), changed(child__id="")], indent=1), encoding="utf-8")
    good, bad = list(read_documents(path))
    assert isinstance(good, EcomapDocument)
    assert isinstance(bad, DocumentInvalid) and bad.source == "many.json[1]"


def test_empty_input_has_no_documents() -> None:
    assert list(read_documents(io.StringIO(""))) == []
    assert list(read_documents(io.StringIO("\n  \n"))) == []


# --------------------------------------------------------------------------- writing


def test_dump_is_canonical_and_round_trips(fixture_documents: dict[str, EcomapDocument]
                                           ) -> None:
    for doc in fixture_documents.values():
        text = dump_document(doc)
        assert "\n" not in text and "null" not in text
        assert parse_document(text) == doc
        assert parse_document(dump_document(doc, indent=2)) == doc
        assert [o.tie for o in parse_document(text).observations] == [
            o.tie for o in doc.observations]


def test_person_defaults_are_left_out_only_when_they_are_defaults() -> None:
    data = base()
    data["people"] += [
        {"id": "p-f", "name": "F", "category": "friend"},
        {"id": "p-f18", "name": "F", "category": "friend", "adult": True},
        {"id": "p-yw", "name": "Y", "category": "community", "paid": True},
        {"id": "p-fc", "name": "C", "category": "carer", "paid": False},
    ]
    people = document_to_jsonable(parse_document(data))["people"]
    assert people[2:] == [
        {"id": "p-f", "name": "F", "category": "friend"},
        {"id": "p-f18", "name": "F", "category": "friend", "adult": True},
        {"id": "p-yw", "name": "Y", "category": "community", "paid": True},
        {"id": "p-fc", "name": "C", "category": "carer", "paid": False},
    ]


def test_write_jsonl_then_read(fixture_documents: dict[str, EcomapDocument]) -> None:
    docs = list(fixture_documents.values())
    odd = changed(child__name="Line\u2028break\u2029and \u00e9")
    docs.append(parse_document(odd))
    out = io.StringIO()
    assert write_jsonl(docs, out) == len(docs)
    assert out.getvalue().count("\n") == len(docs)
    assert list(read_documents(io.StringIO(out.getvalue()))) == docs


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_valid_document_round_trips(valid_documents: Any, data: st.DataObject) -> None:
    doc: EcomapDocument = data.draw(valid_documents())
    assert parse_document(dump_document(doc)) == doc
    assert parse_document(document_to_jsonable(doc)) == doc
    assert list(read_documents(io.StringIO(dump_document(doc, indent=2)))) == [doc]
    assert validate_document(doc) == []

