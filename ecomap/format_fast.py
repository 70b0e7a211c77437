"""The import's fast path: FORMAT.md's rules checked on the raw JSON structure, and the
document then built without validating it a second time.

The pydantic model (:mod:`ecomap.model`) with :func:`ecomap.format.validate_document`
stays the contract and the only error reporter. :func:`is_certainly_valid` answers
``True`` only for a document it can prove keeps every rule, in the shapes it knows
(the fields and episode kinds listed here). For anything else, a breach or a shape it
does not know (a field added to the model later, a value it does not parse itself),
it answers ``False`` and the caller goes the model's way, so a rejected document gets
exactly the model's report, and a document the model would take is never lost. The
checker may be stricter than the model, never laxer; the property test
``tests/ecomap/test_format_fast.py`` holds it to that on random documents, valid and
invalid, and checks that the built document equals the model's.

Measured (bench/ANALYSIS.md): on synthetic documents (~19 people, 24 ties, 150
observations, 31 KB) orjson parses in ~0.27 ms, but checking and building the model
objects in Python costs more than pydantic-core's whole ``model_validate_json`` (Rust):
pydantic is not the slow part. The import therefore still reads through the model;
this checker is the half of the fast path that pays off once the store can take rows
built straight from the raw structure (no model objects at all), after the record
store's new write path.

Stricter than the model today, so safe either way while the rules grow: dates must be
within 1900-01-01..2199-12-31 and text must be printable (``str.isprintable``: no
control, format or separator characters but the space; tab and newline allowed in a
note).

>>> raw = {"format": "ecomap/1", "child": {"id": "c", "name": "C"},
...        "people": [{"id": "p", "name": "P", "category": "friend"}],
...        "ties": [{"id": "t", "between": ["c", "p"], "started": "2024-01-01"}],
...        "observations": [{"tie": "t", "on": "2024-02-01", "by": "child", "closeness": 3}]}
>>> is_certainly_valid(raw)
True
>>> build_checked(raw).people[0].adult  # the model's default for a friend
False
>>> is_certainly_valid({**raw, "ties": [{"id": "t", "between": ["c", "c"]}]})
False
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import IO, Any, TypeVar, cast

import orjson
from pydantic import BaseModel

from ecomap import format as fmt
from ecomap.errors import DocumentInvalid
from ecomap.model import (
    CATEGORIES,
    MEETING_KINDS,
    PARTICIPATION_CODES,
    PROGRESS_STATES,
    STATUSES,
    Child,
    EcomapDocument,
    Episode,
    Observation,
    Person,
    Support,
    Tie,
)

__all__ = ["build_checked", "checked", "is_certainly_valid", "json_lines", "parse_line",
           "read_documents_fast"]

_FIRST, _LAST = date(1900, 1, 1), date(2199, 12, 31)
_SLUG = re.compile(r"[a-z][a-z0-9_]{0,63}")
_DIGITS = frozenset("0123456789")

_DOCUMENT_KEYS = frozenset({"format", "child", "people", "ties", "observations", "episodes"})
_CHILD_KEYS = frozenset({"id", "name", "birth_date", "status", "team"})
_PERSON_KEYS = frozenset({"id", "name", "category", "role", "adult", "paid"})
_TIE_KEYS = frozenset({"id", "between", "started", "ended", "end_reason"})
_OBSERVATION_KEYS = frozenset(
    {"tie", "on", "by", "closeness", "contact", "support", "critical", "direction", "trusted",
     "note"})
_SUPPORT_KEYS = frozenset({"emotional", "practical", "informational"})
_EPISODE_KEYS = frozenset({"kind", "start", "end", "reason", "status", "team"})

_STATUSES = frozenset(STATUSES)
_CATEGORIES = frozenset(CATEGORIES)
_END_REASONS = frozenset(
    {"moved_placement", "worker_changed", "by_choice", "death", "safeguarding", "other"})
_PERSPECTIVES = frozenset({"child", "worker", "carer", "family", "other"})
_DIRECTIONS = frozenset({"both", "to_child", "from_child"})
_EPISODE_KINDS = frozenset({"placement", "school", "status", "team"})


class _Breach(Exception):
    """Not certainly valid: the caller goes the model's way."""


def _text(value: object) -> str:
    """A non-empty, printable string."""
    if type(value) is not str or not value or not value.isprintable():
        raise _Breach
    return value


def _optional_text(value: object) -> str | None:
    if value is None:
        return None
    if type(value) is not str or not value.isprintable():
        raise _Breach
    return value


def _note(value: object) -> str | None:
    if value is None:
        return None
    if type(value) is not str or not value.replace("\t", "").replace("\n", "").isprintable():
        raise _Breach
    return value


_DAYS: dict[str, date] = {}  # every good date string seen (at most 109,573 of them)


def _day(value: object) -> date:
    """A ``YYYY-MM-DD`` string of ASCII digits naming a real date in the allowed range."""
    if type(value) is str:
        known = _DAYS.get(value)
        if known is not None:
            return known
    if (type(value) is not str or len(value) != 10 or value[4] != "-" or value[7] != "-"
            or not _DIGITS.issuperset(value[:4] + value[5:7] + value[8:])):
        raise _Breach
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _Breach from None
    if not _FIRST <= day <= _LAST:
        raise _Breach
    _DAYS[value] = day
    return day


def _optional_day(value: object) -> date | None:
    return None if value is None else _day(value)


def _choice(value: object, allowed: frozenset[str]) -> str:
    if type(value) is not str or value not in allowed:
        raise _Breach
    return value


def _optional_choice(value: object, allowed: frozenset[str]) -> str | None:
    return None if value is None else _choice(value, allowed)


def _slug(value: object) -> str | None:
    if value is None:
        return None
    if type(value) is not str or not _SLUG.fullmatch(value):
        raise _Breach
    return value


def _rating(value: object, low: int, high: int) -> int | None:
    if value is None:
        return None
    if type(value) is not int or not low <= value <= high:
        raise _Breach
    return value


def _flag(value: object) -> bool | None:
    if value is None or type(value) is bool:
        return value
    raise _Breach


def _object(value: object, keys: frozenset[str]) -> dict[str, Any]:
    if type(value) is not dict or not keys.issuperset(value):
        raise _Breach
    return cast(dict[str, Any], value)


def _list(value: object) -> list[Any]:
    if type(value) is not list:
        raise _Breach
    return value


M = TypeVar("M", bound=BaseModel)

_Defaults = tuple[tuple[str, Any, Callable[[], Any] | None], ...]
_DEFAULTS: dict[type[BaseModel], _Defaults] = {}


def _defaults(cls: type[BaseModel]) -> _Defaults:
    """Each field of ``cls`` in order, with its default value or default factory."""
    found = _DEFAULTS.get(cls)
    if found is None:
        found = tuple(
            (name, field.default, cast(Callable[[], Any] | None, field.default_factory))
            for name, field in cls.__pydantic_fields__.items()
        )
        _DEFAULTS[cls] = found
    return found


def _make(cls: type[M], given: dict[str, Any], values: dict[str, Any]) -> M:
    """A model from checked values, as ``model_construct`` makes it (defaults filled in,
    the given keys as its set fields), without its per-call overhead."""
    made = cls.__new__(cls)
    fields = {
        name: values[name] if name in values else factory() if factory else default
        for name, default, factory in _defaults(cls)
    }
    object.__setattr__(made, "__dict__", fields)
    object.__setattr__(made, "__pydantic_fields_set__", set(given))
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made


def _child(raw: object) -> Child:
    c = _object(raw, _CHILD_KEYS)
    values = {"id": _text(c.get("id")), "name": _text(c.get("name")),
              "birth_date": _optional_day(c.get("birth_date")),
              "status": _optional_choice(c.get("status"), _STATUSES),
              "team": _optional_text(c.get("team"))}
    return _make(Child, c, values)


def _person(raw: object) -> Person:
    p = _object(raw, _PERSON_KEYS)
    category = _choice(p.get("category"), _CATEGORIES)
    adult = p.get("adult", category != "friend")
    paid = p.get("paid", category in ("professional", "carer"))
    if type(adult) is not bool or type(paid) is not bool:
        raise _Breach
    values = {"id": _text(p.get("id")), "name": _text(p.get("name")), "category": category,
              "role": _slug(p.get("role")), "adult": adult, "paid": paid}
    # the model's before-validator sets adult and paid, so they always count as given
    return _make(Person, {**p, "adult": adult, "paid": paid}, values)


def _tie(raw: object) -> Tie:
    t = _object(raw, _TIE_KEYS)
    between = _list(t.get("between"))
    if len(between) != 2:
        raise _Breach
    values = {"id": _text(t.get("id")), "between": (_text(between[0]), _text(between[1])),
              "started": _optional_day(t.get("started")),
              "ended": _optional_day(t.get("ended")),
              "end_reason": _optional_choice(t.get("end_reason"), _END_REASONS)}
    return _make(Tie, t, values)


def _support(raw: object) -> Support | None:
    if raw is None:
        return None
    s = _object(raw, _SUPPORT_KEYS)
    values = {key: _rating(s.get(key), 1, 3) for key in _SUPPORT_KEYS}
    return _make(Support, s, values)


def _observation(raw: object) -> Observation:
    o = _object(raw, _OBSERVATION_KEYS)
    values = {"tie": _text(o.get("tie")), "on": _day(o.get("on")),
              "by": _choice(o.get("by"), _PERSPECTIVES),
              "closeness": _rating(o.get("closeness"), 1, 3),
              "contact": _rating(o.get("contact"), 0, 4),
              "support": _support(o.get("support")),
              "critical": _rating(o.get("critical"), 1, 3),
              "direction": _optional_choice(o.get("direction"), _DIRECTIONS),
              "trusted": _flag(o.get("trusted")), "note": _note(o.get("note"))}
    return _make(Observation, o, values)


_OBSERVATION_FIELDS = ("tie", "on", "by", "closeness", "contact", "support", "critical",
                       "direction", "trusted", "note")


def _observations(items: object) -> list[Observation]:
    """:func:`_observation` for each item, inlined for the common case (most of a
    document is observations); the general function takes whatever is less usual."""
    if tuple(Observation.__pydantic_fields__) != _OBSERVATION_FIELDS:
        return [_observation(o) for o in _list(items)]  # the model changed: go the long way
    out: list[Observation] = []
    new, put = Observation.__new__, object.__setattr__
    days, keys, by_ok = _DAYS, _OBSERVATION_KEYS, _PERSPECTIVES
    for o in _list(items):
        if type(o) is not dict or not keys.issuperset(o):
            raise _Breach
        tie, on, by = o.get("tie"), o.get("on"), o.get("by")
        closeness, contact, critical = o.get("closeness"), o.get("contact"), o.get("critical")
        if (type(tie) is not str or not tie or not tie.isprintable() or type(by) is not str
                or by not in by_ok
                or (closeness is not None and (type(closeness) is not int
                                               or not 1 <= closeness <= 3))
                or (contact is not None and (type(contact) is not int or not 0 <= contact <= 4))
                or (critical is not None and (type(critical) is not int
                                              or not 1 <= critical <= 3))):
            raise _Breach
        day = days.get(on) if type(on) is str else None
        support, direction, trusted, note = (o.get("support"), o.get("direction"),
                                             o.get("trusted"), o.get("note"))
        made = new(Observation)
        put(made, "__dict__", {
            "tie": tie, "on": day if day is not None else _day(on), "by": by,
            "closeness": closeness, "contact": contact,
            "support": None if support is None else _support(support), "critical": critical,
            "direction": None if direction is None else _choice(direction, _DIRECTIONS),
            "trusted": _flag(trusted), "note": None if note is None else _note(note)})
        put(made, "__pydantic_fields_set__", set(o))
        put(made, "__pydantic_extra__", None)
        put(made, "__pydantic_private__", None)
        out.append(made)
    return out


def _episode(raw: object) -> Episode:
    e = _object(raw, _EPISODE_KEYS)
    team = e.get("team")
    values = {"kind": _choice(e.get("kind"), _EPISODE_KINDS), "start": _day(e.get("start")),
              "end": _optional_day(e.get("end")), "reason": _slug(e.get("reason")),
              "status": _optional_choice(e.get("status"), _STATUSES),
              "team": None if team is None else _text(team)}
    return _make(Episode, e, values)


def _build(raw: object) -> EcomapDocument:
    d = _object(raw, _DOCUMENT_KEYS)
    if d.get("format") != "ecomap/1" or "child" not in d:
        raise _Breach
    values: dict[str, Any] = {
        "format": "ecomap/1", "child": _child(d["child"]),
        "people": [_person(p) for p in _list(d.get("people", []))],
        "ties": [_tie(t) for t in _list(d.get("ties", []))],
        "observations": _observations(d.get("observations", [])),
        "episodes": [_episode(e) for e in _list(d.get("episodes", []))],
    }
    child = values["child"]
    for episode in values["episodes"]:  # the model takes an absent current value from the
        if getattr(child, episode.kind, "") is None:  # status/team episodes: its way
            raise _Breach
    doc = _make(EcomapDocument, d, values)
    if not fmt._model_is_clean(doc):  # the cross-document rules, as the model path runs them
        raise _Breach
    return doc


def build_checked(raw: object) -> EcomapDocument:
    """The document ``raw`` holds, checked here and built without pydantic validation.

    Raises ``ValueError`` if :func:`is_certainly_valid` would say ``False``.
    """
    try:
        return _build(raw)
    except _Breach:
        raise ValueError("not certainly valid: check it with ecomap.format") from None


def is_certainly_valid(raw: object) -> bool:
    """Whether ``raw`` (decoded JSON) certainly keeps every FORMAT.md rule (see above)."""
    try:
        _build(raw)
    except _Breach:
        return False
    return True


def parse_line(lineno: int, line: bytes) -> EcomapDocument | DocumentInvalid:
    """One JSON Lines line as :func:`ecomap.format.read_documents` reads it: through the
    fast path when it can, else through the model (identical results either way)."""
    try:
        return _build(orjson.loads(line))
    except (orjson.JSONDecodeError, _Breach):
        pass
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return fmt._line_result(lineno, exc)
    return fmt._line_result(lineno, text.lstrip("\ufeff") if lineno == 1 else text)


def json_lines(fp: IO[bytes]) -> Iterator[tuple[int, bytes]] | io.BytesIO:
    """A binary stream's documents as :func:`ecomap.format.read_documents` finds them:
    the numbered non-blank lines of JSON Lines (the first non-blank line is a JSON object
    by itself), else the whole stream (one pretty-printed document, or a list) for
    ``read_documents`` to read.
    """
    head: list[bytes] = []
    for line in fp:
        head.append(line)
        if line.strip():
            break
    first = head[-1] if head else b""
    body = first[3:] if first.startswith(b"\xef\xbb\xbf") else first
    try:
        alone = type(orjson.loads(body)) is dict
    except orjson.JSONDecodeError:
        alone = False
    if not alone:
        return io.BytesIO(b"".join(head) + fp.read())
    return _numbered(itertools.chain(head, fp))


def _numbered(lines: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    for lineno, line in enumerate(lines, start=1):
        stripped = line.lstrip()
        if not stripped:
            continue
        if stripped[:1] != b"{":  # blank to ecomap.format is str.strip()'s (Unicode) blank
            try:
                if not line.decode("utf-8").strip():
                    continue
            except UnicodeDecodeError:
                pass
        yield lineno, line


def read_documents_fast(
    fp: IO[bytes], *, parse: Callable[[int, bytes], EcomapDocument | DocumentInvalid] = parse_line
) -> Iterator[EcomapDocument | DocumentInvalid]:
    """:func:`ecomap.format.read_documents` for a binary stream, faster on JSON Lines.

    A stream whose first non-blank line is a JSON object by itself is read as JSON
    Lines, line by line through :func:`parse_line`; anything else (one pretty-printed
    document, a list) is handed whole to :func:`ecomap.format.read_documents`.
    """
    lines = json_lines(fp)
    if isinstance(lines, io.BytesIO):
        yield from fmt.read_documents(lines)
        return
    for lineno, line in lines:
        yield parse(lineno, line)


# --------------------------------------------------------------------------- raw checking

_DOCUMENT_KEYS_RAW = _DOCUMENT_KEYS | {"meetings"}
_MEETING_KEYS = frozenset(
    {"id", "kind", "on", "invited", "attended", "participation", "note", "plan"})
_COMMITMENT_KEYS = frozenset({"id", "what", "who", "by", "progress"})
_PROGRESS_KEYS = frozenset({"on", "state", "by"})
_MEETING_KINDS = frozenset(MEETING_KINDS)
_PARTICIPATION = frozenset(PARTICIPATION_CODES)
_PROGRESS_STATES = frozenset(PROGRESS_STATES)


def checked(raw: object) -> dict[str, Any] | None:
    """``raw`` (decoded JSON) if it certainly keeps every FORMAT.md rule, completed in
    place with what the model would fill in; else ``None`` (go the model's way).

    No model object is made: this is the import's hot path (rows and packed columns
    are built from what it returns). Completed means: every list the model defaults is
    present (``people``, ``ties``, ``observations``, ``episodes``, ``meetings``, a
    meeting's ``invited``, ``attended`` and ``plan``, a commitment's ``who`` and
    ``progress``), every person has ``adult`` and ``paid``. Dates stay ``YYYY-MM-DD``
    strings (checked: for them, text order is date order). A child whose ``status`` or
    ``team`` the model would take from its episodes goes the model's way, as does an
    empty child ``team`` (the model reads it as absent).

    >>> doc = checked({"format": "ecomap/1", "child": {"id": "c", "name": "C"},
    ...                "people": [{"id": "p", "name": "P", "category": "friend"}]})
    >>> doc["people"][0]["adult"], doc["people"][0]["paid"], doc["meetings"]
    (False, False, [])
    >>> checked({"format": "ecomap/1", "child": {"id": "c", "name": "C"},
    ...          "people": [{"id": "c", "name": "P", "category": "friend"}]}) is None
    True
    """
    try:
        return _checked(raw)
    except _Breach:
        return None


def _checked(raw: object) -> dict[str, Any]:
    d = _object(raw, _DOCUMENT_KEYS_RAW)
    if d.get("format") != "ecomap/1" or "child" not in d:
        raise _Breach
    c = _object(d["child"], _CHILD_KEYS)
    cid = _text(c.get("id"))
    _text(c.get("name"))
    _optional_day(c.get("birth_date"))
    _optional_choice(c.get("status"), _STATUSES)
    if c.get("team") is not None:
        _text(c["team"])
    people = d.setdefault("people", [])
    known = _check_people(_list(people), cid)
    ties = d.setdefault("ties", [])
    started = _check_ties(_list(ties), known)
    _check_observations(_list(d.setdefault("observations", [])), started)
    _check_episodes(_list(d.setdefault("episodes", [])), c)
    known.discard(cid)
    _check_meetings(_list(d.setdefault("meetings", [])), known)
    return d


def _check_people(people: list[Any], cid: str) -> set[str]:
    """Field rules, defaults filled in; ids unique and not the child's. Returns the ids
    with the child's."""
    known = {cid}
    for p in people:
        p = _object(p, _PERSON_KEYS)
        pid = _text(p.get("id"))
        _text(p.get("name"))
        category = _choice(p.get("category"), _CATEGORIES)
        _slug(p.get("role"))
        adult = p.setdefault("adult", category != "friend")
        paid = p.setdefault("paid", category in ("professional", "carer"))
        if type(adult) is not bool or type(paid) is not bool or pid in known:
            raise _Breach
        known.add(pid)
    return known


def _check_ties(ties: list[Any], known: set[str]) -> dict[str, str | None]:
    """Field rules; ids unique, two different known ends, not ended before started.
    Returns each tie's start (text or None) by id."""
    started: dict[str, str | None] = {}
    for t in ties:
        t = _object(t, _TIE_KEYS)
        tid = _text(t.get("id"))
        between = _list(t.get("between"))
        if len(between) != 2:
            raise _Breach
        a, b = _text(between[0]), _text(between[1])
        start, end = t.get("started"), t.get("ended")
        if start is not None:
            _day(start)
        if end is not None:
            _day(end)
            if start is not None and end < start:
                raise _Breach
        _optional_choice(t.get("end_reason"), _END_REASONS)
        if tid in started or a == b or a not in known or b not in known:
            raise _Breach
        started[tid] = start
    return started


def _check_observations(observations: list[Any], started: dict[str, str | None]) -> None:
    """Field rules (inlined: most of a document is observations); each names a tie of
    the document and is not dated before it started."""
    days, keys, by_ok = _DAYS, _OBSERVATION_KEYS, _PERSPECTIVES
    for o in observations:
        if type(o) is not dict or not keys.issuperset(o):
            raise _Breach
        tie, on, by = o.get("tie"), o.get("on"), o.get("by")
        closeness, contact, critical = o.get("closeness"), o.get("contact"), o.get("critical")
        if (type(tie) is not str or tie not in started or type(by) is not str
                or by not in by_ok
                or (closeness is not None and (type(closeness) is not int
                                               or not 1 <= closeness <= 3))
                or (contact is not None and (type(contact) is not int or not 0 <= contact <= 4))
                or (critical is not None and (type(critical) is not int
                                              or not 1 <= critical <= 3))):
            raise _Breach
        if type(on) is not str or on not in days:
            _day(on)
        tie_started = started[tie]
        if tie_started is not None and cast(str, on) < tie_started:
            raise _Breach
        support, direction, trusted, note = (o.get("support"), o.get("direction"),
                                             o.get("trusted"), o.get("note"))
        if support is not None:
            s = _object(support, _SUPPORT_KEYS)
            for value in s.values():
                _rating(value, 1, 3)
        if direction is not None:
            _choice(direction, _DIRECTIONS)
        if trusted is not None and type(trusted) is not bool:
            raise _Breach
        if note is not None:
            _note(note)


def _check_episodes(episodes: list[Any], child: dict[str, Any]) -> None:
    """Field rules; end not before start; the status and team rules of
    :func:`ecomap.episodes.episode_breaches`, with the child's values given."""
    dated: dict[str, list[tuple[str, int, str | None]]] = {"status": [], "team": []}
    for i, e in enumerate(episodes):
        e = _object(e, _EPISODE_KEYS)
        kind = _choice(e.get("kind"), _EPISODE_KINDS)
        start, end = _day(e.get("start")), e.get("end")
        if end is not None and _day(end) < start:
            raise _Breach
        _slug(e.get("reason"))
        status, team = e.get("status"), e.get("team")
        if status is not None:
            _choice(status, _STATUSES)
        if team is not None:
            _text(team)
        if (kind == "status") != (status is not None) or (kind == "team") != (team is not None):
            raise _Breach  # a dated kind carries its value, and no other kind carries one
        if kind in dated:
            dated[kind].append((e["start"], i, end))
    for kind, spans in dated.items():
        if not spans:
            continue
        latest = max(spans, key=lambda span: (span[0], span[1]))  # a tie: the later one
        if child.get(kind) is None or child[kind] != episodes[latest[1]][kind]:
            raise _Breach  # absent: the model takes it from the episodes (its way)
        spans.sort(key=lambda span: (span[0], span[1]))
        for (_, _, before_end), (after_start, _, _) in itertools.pairwise(spans):
            if before_end is None or before_end > after_start:
                raise _Breach


def _check_meetings(meetings: list[Any], people: set[str]) -> None:
    """Field rules, defaults filled in; the rules of :mod:`ecomap.format_meetings`."""
    meeting_ids: set[str] = set()
    commitment_ids: set[str] = set()
    for m in meetings:
        m = _object(m, _MEETING_KEYS)
        mid = _text(m.get("id"))
        _choice(m.get("kind"), _MEETING_KINDS)
        held = _day(m.get("on"))
        for field in ("invited", "attended"):
            for ref in _list(m.setdefault(field, [])):
                if _text(ref) not in people:
                    raise _Breach
        _optional_choice(m.get("participation"), _PARTICIPATION)
        _note(m.get("note"))
        if mid in meeting_ids:
            raise _Breach
        meeting_ids.add(mid)
        for k in _list(m.setdefault("plan", [])):
            k = _object(k, _COMMITMENT_KEYS)
            kid = _text(k.get("id"))
            _text(k.get("what"))
            for ref in _list(k.setdefault("who", [])):
                if _text(ref) not in people:
                    raise _Breach
            _optional_day(k.get("by"))
            if kid in commitment_ids:
                raise _Breach
            commitment_ids.add(kid)
            last = held
            for p in _list(k.setdefault("progress", [])):
                p = _object(p, _PROGRESS_KEYS)
                on = _day(p.get("on"))
                _choice(p.get("state"), _PROGRESS_STATES)
                _optional_choice(p.get("by"), _PERSPECTIVES)
                if on < last:
                    raise _Breach
                last = on
