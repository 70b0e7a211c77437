"""The import's fast path: FORMAT.md's rules checked on a document's raw JSON structure
(decoded by orjson), without building model objects.

The pydantic model (:mod:`ecomap.model`) with :func:`ecomap.format.validate_document`
stays the contract and the only error reporter. :func:`checked` answers with the
document only when it can prove that it keeps every rule, in the shapes it knows (the
fields and kinds listed here); for anything else, a breach or a shape it does not know
(a field added to the model later, a value it does not read itself), it answers
``None`` and the caller goes the model's way, so a rejected document gets exactly the
model's report, and a document the model would take is never lost. The checker may be
stricter than the model, never laxer: ``tests/ecomap/test_format_fast.py`` holds it to
that on random documents, valid and broken, and ``tests/graph/test_bulk.py`` checks that
what the store makes of its output equals what it makes of the model.

Measured (bench/RESULTS.md, "Import"): on synthetic documents (~16 people, 24 ties,
121 observations, 26 KB) orjson parses in ~0.3 ms and this check takes ~0.3-0.4 ms;
building model objects, by pydantic-core or by hand, cost more than both together.

Stricter than the model today, so safe either way while the rules grow: dates must be
within 1900-01-01..2199-12-31 and text must be printable (``str.isprintable``: no
control, format or separator characters but the space; tab and newline allowed in a
note); booleans must be JSON booleans.

>>> raw = {"format": "ecomap/1", "child": {"id": "c", "name": "C"},
...        "people": [{"id": "p", "name": "P", "category": "friend"}],
...        "ties": [{"id": "t", "between": ["c", "p"], "started": "2024-01-01"}],
...        "observations": [{"tie": "t", "on": "2024-02-01", "by": "child", "closeness": 3}]}
>>> checked(raw)["people"][0]["adult"]  # the model's default for a friend
False
>>> checked({**raw, "ties": [{"id": "t", "between": ["c", "c"]}]}) is None
True
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import IO, Any, cast

import orjson

from ecomap.model import (
    CATEGORIES,
    MEETING_KINDS,
    PARTICIPATION_CODES,
    PROGRESS_STATES,
    STATUSES,
)

__all__ = ["checked", "json_lines"]

_FIRST, _LAST = date(1900, 1, 1), date(2199, 12, 31)
_SLUG = re.compile(r"[a-z][a-z0-9_]{0,63}")
_DIGITS = frozenset("0123456789")

_DOCUMENT_KEYS = frozenset(
    {"format", "child", "people", "ties", "observations", "episodes", "meetings"})
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


def _object(value: object, keys: frozenset[str]) -> dict[str, Any]:
    if type(value) is not dict or not keys.issuperset(value):
        raise _Breach
    return cast(dict[str, Any], value)


def _list(value: object) -> list[Any]:
    if type(value) is not list:
        raise _Breach
    return value


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


# --------------------------------------------------------------------------- the checker

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
    d = _object(raw, _DOCUMENT_KEYS)
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
    support_keys, directions = _SUPPORT_KEYS, _DIRECTIONS
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
        if tie_started is not None and on < tie_started:  # type: ignore[operator]  # on: text
            raise _Breach
        support, direction, trusted, note = (o.get("support"), o.get("direction"),
                                             o.get("trusted"), o.get("note"))
        if support is not None:
            if type(support) is not dict or not support_keys.issuperset(support):
                raise _Breach
            for value in support.values():
                if value is not None and (type(value) is not int or not 1 <= value <= 3):
                    raise _Breach
        if ((direction is not None and (type(direction) is not str
                                        or direction not in directions))
                or (trusted is not None and type(trusted) is not bool)):
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
