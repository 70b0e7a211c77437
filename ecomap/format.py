"""Reading, validating and writing ``ecomap/1`` documents as JSON and JSON Lines."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, NamedTuple

from pydantic import ValidationError

from ecomap.episodes import episode_breaches
from ecomap.errors import Breach, DocumentInvalid
from ecomap.format_meetings import meeting_breaches, meetings_clean, raw_meetings
from ecomap.model import CATEGORIES, EcomapDocument, Person
from ecomap.raw import raw_date, raw_id, raw_items

__all__ = [
    "Breach",
    "DocumentInvalid",
    "document_to_jsonable",
    "dump_document",
    "json_path",
    "parse_document",
    "read_documents",
    "validate_document",
    "write_jsonl",
]

_SECTIONS = (
    "$", "format", "child", "people", "ties", "observations", "episodes", "meetings",
)

# adult/paid as the model fills them in from the category, so the writer can leave
# them out exactly when the reader would put the same value back.
_PERSON_DEFAULTS: dict[str, dict[str, bool]] = {
    category: {
        "adult": (p := Person.model_validate({"id": "x", "name": "x", "category": category})).adult,
        "paid": p.paid,
    }
    for category in CATEGORIES
}


def json_path(loc: Sequence[int | str]) -> str:
    """Write a location as a JSON path; the document itself is ``$``.

    >>> json_path(("ties", 1, "ended"))
    'ties[1].ended'
    >>> json_path(())
    '$'
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "$"


# --------------------------------------------------------------------------- rules


class _TieFacts(NamedTuple):
    at: int
    id: str | None
    ends: tuple[str | None, ...] | None
    started: date | None
    ended: date | None


@dataclass(frozen=True)
class _Facts:
    """What the cross-document rules look at, read from a model or leniently from raw
    data (so they can run, and report, even when field validation failed)."""

    child_id: str | None
    people: list[tuple[int, str | None]]
    ties: list[_TieFacts]
    observations: list[tuple[int, str | None, date | None]]
    episodes: list[tuple[int, date | None, date | None]]


def _facts_from_raw(data: Mapping[str, Any]) -> _Facts:
    child = data.get("child")
    ties = []
    for i, t in raw_items(data.get("ties")):
        between = t.get("between")
        ends = tuple(raw_id(e) for e in between) if isinstance(between, list | tuple) else None
        ties.append(
            _TieFacts(i, raw_id(t.get("id")), ends, raw_date(t.get("started")),
                      raw_date(t.get("ended")))
        )
    return _Facts(
        child_id=raw_id(child.get("id")) if isinstance(child, Mapping) else None,
        people=[(i, raw_id(p.get("id"))) for i, p in raw_items(data.get("people"))],
        ties=ties,
        observations=[
            (i, raw_id(o.get("tie")), raw_date(o.get("on")))
            for i, o in raw_items(data.get("observations"))
        ],
        episodes=[
            (i, raw_date(e.get("start")), raw_date(e.get("end")))
            for i, e in raw_items(data.get("episodes"))
        ],
    )


def _facts_from_model(doc: EcomapDocument) -> _Facts:
    return _Facts(
        child_id=doc.child.id,
        people=[(i, p.id) for i, p in enumerate(doc.people)],
        ties=[_TieFacts(i, t.id, t.between, t.started, t.ended) for i, t in enumerate(doc.ties)],
        observations=[(i, o.tie, o.on) for i, o in enumerate(doc.observations)],
        episodes=[(i, e.start, e.end) for i, e in enumerate(doc.episodes)],
    )


def _model_is_clean(doc: EcomapDocument) -> bool:
    """Whether a built document keeps every rule of :func:`_cross_breaches`.

    The same rules, answered yes or no without collecting facts or messages: the
    common case (a valid document, on import checked twice: by the reader and by the
    store) stays cheap; a ``False`` goes to :func:`_cross_breaches` for the report.
    """
    child_id = doc.child.id
    people = [p.id for p in doc.people]
    known = set(people)
    if len(known) != len(people) or child_id in known:
        return False
    known.add(child_id)
    started: dict[str, date | None] = {}
    for t in doc.ties:
        a, b = t.between
        if t.id in started or a == b or a not in known or b not in known:
            return False
        if t.started is not None and t.ended is not None and t.ended < t.started:
            return False
        started[t.id] = t.started
    for o in doc.observations:
        if o.tie not in started:
            return False
        tie_started = started[o.tie]
        if tie_started is not None and o.on < tie_started:
            return False
    if not all(e.end is None or e.end >= e.start for e in doc.episodes):
        return False
    if not meetings_clean(doc):
        return False
    return not episode_breaches(doc)


def _cross_breaches(f: _Facts) -> list[Breach]:
    """The rules of FORMAT.md that span the document (ids, references, date order)."""
    out: list[Breach] = []
    person_at: dict[str, int] = {}
    for i, pid in f.people:
        if pid is None:
            continue
        if pid == f.child_id:
            out.append(Breach(f"people[{i}].id",
                              f"{pid!r} is the child's id; a person needs an id of their own"))
        elif pid in person_at:
            out.append(Breach(f"people[{i}].id", f"person id {pid!r} is used more than once "
                                                 f"(first at people[{person_at[pid]}])"))
        else:
            person_at[pid] = i
    known = set(person_at)
    if f.child_id is not None:
        known.add(f.child_id)

    tie_at: dict[str, _TieFacts] = {}
    for t in f.ties:
        if t.id is not None:
            if t.id in tie_at:
                out.append(Breach(f"ties[{t.at}].id", f"tie id {t.id!r} is used more than once "
                                                         f"(first at ties[{tie_at[t.id].at}])"))
            else:
                tie_at[t.id] = t
        if t.ends is not None:
            for k, ref in enumerate(t.ends):
                if ref is not None and ref not in known:
                    out.append(Breach(f"ties[{t.at}].between[{k}]",
                                      f"{ref!r} is neither this document's child nor one of "
                                      "its people"))
            if len(t.ends) == 2 and t.ends[0] is not None and t.ends[0] == t.ends[1]:
                out.append(Breach(f"ties[{t.at}].between",
                                  f"a tie's two ends must differ (both are {t.ends[0]!r})"))
        if t.started is not None and t.ended is not None and t.ended < t.started:
            out.append(Breach(f"ties[{t.at}].ended",
                              f"ended {t.ended} is before started {t.started}"))

    for i, tie_id, on in f.observations:
        if tie_id is None:
            continue
        tie = tie_at.get(tie_id)
        if tie is None:
            out.append(Breach(f"observations[{i}].tie", f"no tie with id {tie_id!r} in this "
                                                        "document"))
        elif on is not None and tie.started is not None and on < tie.started:
            out.append(Breach(f"observations[{i}].on",
                              f"{on} is before its tie {tie_id!r} started ({tie.started})"))

    for i, start, end in f.episodes:
        if start is not None and end is not None and end < start:
            out.append(Breach(f"episodes[{i}].end", f"end {end} is before start {start}"))
    return out


_MESSAGES = {
    "extra_forbidden": "unknown field (check the spelling)",
    "missing": "is required",
    "string_too_short": "must not be empty",
}


def _pydantic_breaches(exc: ValidationError) -> list[Breach]:
    out = []
    for err in exc.errors(include_url=False, include_context=False, include_input=False):
        message = _MESSAGES.get(err["type"]) or err["msg"].removeprefix("Value error, ")
        if err["type"] == "value_error" and not message.startswith("must"):
            message = f"must be a real date written YYYY-MM-DD ({message})"
        out.append(Breach(json_path(err["loc"]), message))
    return out


def _position(breach: Breach) -> tuple[int, int]:
    head, _, rest = breach.path.partition("[")
    head = head.split(".", 1)[0]
    rank = _SECTIONS.index(head) if head in _SECTIONS else len(_SECTIONS)
    index = int(rest.split("]", 1)[0]) if rest[:1].isdigit() else -1
    return rank, index


def _in_document_order(breaches: Iterable[Breach]) -> list[Breach]:
    return sorted(dict.fromkeys(breaches), key=_position)


def validate_document(doc: EcomapDocument) -> list[Breach]:
    """The cross-document rule breaches of an already-built document (empty when valid).

    Field rules are the model's own; this is for documents built in code, which
    pydantic alone cannot check for dangling ids or dates out of order.

    >>> from ecomap.model import Child, Tie
    >>> doc = EcomapDocument(format="ecomap/1", child=Child(id="c", name="C"),
    ...                      ties=[Tie(id="t", between=("c", "nobody"))])
    >>> validate_document(doc)
    [Breach(path='ties[0].between[1]', message="'nobody' is neither this document's child nor one of its people")]
    """  # noqa: E501
    if _model_is_clean(doc):
        return []
    facts = _facts_from_model(doc)
    people = {pid for _, pid in facts.people if pid is not None}
    return _in_document_order([
        *_cross_breaches(facts),
        *meeting_breaches(raw_meetings(doc), people, facts.child_id),
        *episode_breaches(doc),
    ])


# --------------------------------------------------------------------------- reading


def _json_message(exc: json.JSONDecodeError | UnicodeDecodeError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"


def _valid_json(text: str) -> EcomapDocument | None:
    """The document if ``text`` is a valid one, else ``None`` (nothing is reported).

    The fast path: pydantic parses and checks the JSON in one pass (dates too, in
    Rust), then the cross-document rules run on the model. Whatever fails here is
    parsed again by the reporting path, which finds every breach with its path; the
    two accept exactly the same documents (the slow path is the reference).
    """
    try:
        doc = EcomapDocument.model_validate_json(text)
    except ValidationError:
        return None
    return doc if _model_is_clean(doc) else None


def _from_raw(raw: object, source: str) -> EcomapDocument:
    if not isinstance(raw, Mapping):
        raise DocumentInvalid(source, [Breach("$", "a document must be a JSON object")])
    facts = _facts_from_raw(raw)
    name = facts.child_id or source
    breaches: list[Breach] = []
    doc: EcomapDocument | None = None
    try:
        doc = EcomapDocument.model_validate(raw)
    except ValidationError as exc:
        breaches.extend(_pydantic_breaches(exc))
    breaches.extend(_cross_breaches(facts))
    people = {pid for _, pid in facts.people if pid is not None}
    breaches.extend(meeting_breaches(raw.get("meetings"), people, facts.child_id))
    if doc is not None:
        breaches.extend(episode_breaches(doc))
    if breaches or doc is None:
        raise DocumentInvalid(name, _in_document_order(breaches), location=source)
    return doc


def parse_document(
    data: bytes | str | Mapping[str, Any], *, source: str = "document"
) -> EcomapDocument:
    """Parse and validate one document, reporting every breach at once.

    ``data`` is JSON text (or bytes) or an already-decoded mapping. ``source`` says
    where it came from; the error names the child id instead when it can be read.

    >>> doc = parse_document('{"format": "ecomap/1", "child": {"id": "c-1", "name": "A"}}')
    >>> doc.child.id
    'c-1'
    >>> try:
    ...     parse_document({"format": "ecomap/1", "child": {"id": "c-1", "name": "A"},
    ...                     "ties": [{"id": "t", "between": ["c-1", "c-1"], "sarted": "2024"}]})
    ... except DocumentInvalid as err:
    ...     print(err.source, [b.path for b in err.breaches])
    c-1 ['ties[0].sarted', 'ties[0].between']
    """
    if isinstance(data, bytes | str):
        try:
            text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
            doc = _valid_json(text)
            if doc is not None:
                return doc
            raw = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise DocumentInvalid(source, [Breach("$", _json_message(exc))]) from None
        return _from_raw(raw, source)
    return _from_raw(data, source)


def _result(raw: object, source: str) -> EcomapDocument | DocumentInvalid:
    try:
        return _from_raw(raw, source)
    except DocumentInvalid as err:
        return err


def _line_result(lineno: int, line: str | UnicodeDecodeError) -> EcomapDocument | DocumentInvalid:
    source = f"line {lineno}"
    if isinstance(line, UnicodeDecodeError):
        return DocumentInvalid(source, [Breach("$", _json_message(line))])
    doc = _valid_json(line)
    if doc is not None:
        return doc
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        return DocumentInvalid(source, [Breach("$", _json_message(exc))])
    return _result(raw, source)


def _lines(fp: IO[str] | IO[bytes]) -> Iterator[tuple[int, str | UnicodeDecodeError]]:
    for lineno, line in enumerate(fp, start=1):
        if isinstance(line, bytes):
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield lineno, exc
                continue
        else:
            text = str(line)
        yield lineno, (text.lstrip("\ufeff") if lineno == 1 else text)


def _object_alone(line: str | UnicodeDecodeError) -> bool:
    """Whether the line by itself is a JSON object (a JSON Lines document)."""
    if isinstance(line, UnicodeDecodeError) or not line.strip():
        return False
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False


def _read_stream(
    fp: IO[str] | IO[bytes], name: str
) -> Iterator[EcomapDocument | DocumentInvalid]:
    lines = _lines(fp)
    seen: list[tuple[int, str | UnicodeDecodeError]] = []
    for lineno, line in lines:
        seen.append((lineno, line))
        if isinstance(line, str) and not line.strip():
            continue
        if _object_alone(line):  # JSON Lines (or a one-line document): stream the rest
            yield _line_result(lineno, line)
            for n, more in lines:
                if isinstance(more, UnicodeDecodeError) or more.strip():
                    yield _line_result(n, more)
            return
        break
    else:
        return  # nothing but blank lines: no documents

    # The first line is not a document by itself: one pretty-printed document, or a list.
    seen.extend(lines)
    bad_text = next((n for n, line in seen if isinstance(line, UnicodeDecodeError)), None)
    if bad_text is not None:
        yield DocumentInvalid(name, [Breach("$", f"not UTF-8 text (line {bad_text})")])
        return
    text = "".join(line for _, line in seen if isinstance(line, str))
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        if any(_object_alone(line) for _, line in seen):
            # JSON Lines whose first document line is broken: report line by line.
            for n, line in seen:
                if isinstance(line, UnicodeDecodeError) or line.strip():
                    yield _line_result(n, line)
            return
        yield DocumentInvalid(name, [Breach("$", _json_message(exc))])
        return
    if isinstance(raw, list):
        for i, item in enumerate(raw):
            yield _result(item, f"{name}[{i}]")
    else:
        yield _result(raw, name)


def read_documents(
    src: str | os.PathLike[str] | IO[str] | IO[bytes],
) -> Iterator[EcomapDocument | DocumentInvalid]:
    """Read documents from a path or an open stream, one result per document.

    Accepts one JSON document (or a JSON list of documents) per file, or JSON Lines
    (one document per line; blank lines ignored). A broken document or line is
    yielded as its :class:`DocumentInvalid` (source: the child id if it can be read,
    else ``line N``), never raised, so one bad line does not stop an import. A ``str``
    is a path; the CLI opens ``-`` (stdin) itself.

    >>> import io
    >>> results = list(read_documents(io.StringIO(
    ...     '{"format": "ecomap/1", "child": {"id": "c-1", "name": "A"}}\\n\\n{oops\\n')))
    >>> [getattr(r, "source", None) or r.child.id for r in results]
    ['c-1', 'line 3']
    """
    if isinstance(src, str | os.PathLike):
        path = Path(src)
        with path.open("rb") as fp:
            yield from _read_stream(fp, path.name)
    else:
        yield from _read_stream(src, "document")


# --------------------------------------------------------------------------- writing


def document_to_jsonable(doc: EcomapDocument) -> dict[str, Any]:
    """The canonical ``ecomap/1`` form as plain JSON data.

    Nulls are left out, and so are ``adult``/``paid`` where they equal the category's
    default, and ``meetings`` when there are none (documents without meetings are
    written as before they existed); re-parsing gives an equal model. Observation
    order is kept.

    >>> doc = parse_document({"format": "ecomap/1", "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "p", "name": "P", "category": "friend", "adult": True}]})
    >>> document_to_jsonable(doc)["people"]
    [{'id': 'p', 'name': 'P', 'category': 'friend', 'adult': True}]
    """
    data = doc.model_dump(mode="json", exclude_none=True)
    if not data["meetings"]:
        del data["meetings"]
    for person in data["people"]:
        for key, default in _PERSON_DEFAULTS[person["category"]].items():
            if person[key] == default:
                del person[key]
    return data


def dump_document(doc: EcomapDocument, *, indent: int | None = None) -> str:
    """The document as ``ecomap/1`` JSON text: compact on one line, or indented.

    >>> doc = parse_document({"format": "ecomap/1", "child": {"id": "c", "name": "C"}})
    >>> dump_document(doc)
    '{"format":"ecomap/1","child":{"id":"c","name":"C"},"people":[],"ties":[],"observations":[],"episodes":[]}'
    """
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(
        document_to_jsonable(doc), ensure_ascii=False, indent=indent, separators=separators
    )


def write_jsonl(docs: Iterable[EcomapDocument], fp: IO[str]) -> int:
    """Write documents as JSON Lines (one compact document per line); return how many.

    >>> import io
    >>> out = io.StringIO()
    >>> write_jsonl([parse_document({"format": "ecomap/1",
    ...                              "child": {"id": "c", "name": "C"}})], out)
    1
    >>> [d.child.id for d in read_documents(io.StringIO(out.getvalue()))]
    ['c']
    """
    count = 0
    for doc in docs:
        fp.write(dump_document(doc))
        fp.write("\n")
        count += 1
    return count
