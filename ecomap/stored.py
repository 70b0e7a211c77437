"""Reading back what a store holds: a record kept under earlier rules stays readable.

FORMAT.md has gained field rules over time: no control characters in text, and dates
between 1900-01-01 and 2199-12-31 (:data:`LATER_RULES`). A record a store accepted before
such a rule existed must not become unreadable when the service is upgraded: that would
lose it. So the stores read every record through :func:`stored`: today's rules first
(the usual case, and as fast as before); if the only breaches are of rules added later,
the record is given back with its values exactly as stored. Any other breach is a fault
and raises as before.

Writes check every rule on what they bring (docs/record.md, "Rules added later"): an
edit may keep such a value where the record already holds it (:func:`kept`), so a
worker's or a young person's change to something else still saves; a new or changed
value must meet today's rules, and is refused naming the field. :func:`later_breaches`
lists the values a record still needs putting right (``ecomap check``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ecomap.errors import Breach
from ecomap.model import CONTROL_CHARACTERS, EARLIEST_DATE, LATEST_DATE

__all__ = ["LATER_RULES", "kept", "later_breaches", "stored"]

#: The pydantic error types of the rules FORMAT.md gained after records were stored.
LATER_RULES: frozenset[str] = frozenset({"control_characters", "date_range"})

M = TypeVar("M", bound=BaseModel)
_ABSENT = object()
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
Loc = Sequence[int | str]


def stored(model: type[M], data: Any) -> M:
    """``data`` (as a store read it: JSON values, or dates) as ``model``, under today's
    rules or, when it breaks only :data:`LATER_RULES`, with its values as stored.

    >>> from ecomap.model import Person
    >>> p = stored(Person, {"id": "p1", "name": "Gran\\x07", "category": "family"})
    >>> p.name
    'Gran\\x07'
    >>> try:
    ...     stored(Person, {"id": "p1", "name": "Gran\\x07", "category": "aunt"})
    ... except ValidationError as exc:
    ...     print([e["type"] for e in exc.errors()])
    ['control_characters', 'literal_error']
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if any(e["type"] not in LATER_RULES for e in errors):
            raise
    stand_in = data
    for e in errors:
        stand_in = _put(stand_in, e["loc"], _stand_in(e["type"], e["input"]))
    built = model.model_validate(stand_in)
    for e in errors:
        built = _put(built, e["loc"], _as_stored(e["type"], e["input"]))
    return built


def kept(model: type[M], data: Any, before: BaseModel | None) -> M:
    """``data`` (a write: JSON values) as ``model`` under today's rules, except that a
    value breaking one of :data:`LATER_RULES` passes where ``before`` (the record as
    stored) holds that same value at the same place. Raises pydantic's
    ``ValidationError`` (every breach) otherwise.

    >>> from ecomap.model import Person
    >>> before = stored(Person, {"id": "p1", "name": "Gran\\x07", "category": "family"})
    >>> kept(Person, {"id": "p1", "name": "Gran\\x07", "category": "carer"}, before).name
    'Gran\\x07'
    >>> try:
    ...     kept(Person, {"id": "p1", "name": "Nan\\x07", "category": "family"}, before)
    ... except ValidationError as exc:
    ...     print(exc.errors()[0]["loc"], exc.errors()[0]["type"])
    ('name',) control_characters
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        old = before.model_dump(mode="json") if before is not None else {}
        if any(e["type"] not in LATER_RULES or _at(old, e["loc"]) != _as_json(e["input"])
               for e in exc.errors(include_url=False)):
            raise
    return stored(model, data)


def later_breaches(record: BaseModel) -> list[Breach]:
    """Where ``record`` breaks a rule added after it was stored (empty for a record
    that meets today's rules), each with the message a write would give.

    >>> from ecomap.model import Person
    >>> later_breaches(stored(Person, {"id": "p1", "name": "Gran\\x07", "category": "family"}))
    [Breach(path='name', message='must not contain control characters')]
    """
    from ecomap.format import json_path

    try:
        type(record).model_validate(record.model_dump(mode="json", by_alias=True))
    except ValidationError as exc:
        return [Breach(json_path(e["loc"]), e["msg"])
                for e in exc.errors(include_url=False) if e["type"] in LATER_RULES]
    return []


def _stand_in(kind: str, value: Any) -> Any:
    """A value meeting today's rule in place of ``value``, for validating the rest:
    control characters become U+FFFD (lengths kept); a date is moved to the nearer
    bound (order kept).

    >>> _stand_in("control_characters", "a\\x00b"), _stand_in("date_range", "0001-01-01")
    ('a\\ufffdb', datetime.date(1900, 1, 1))
    """
    if kind == "control_characters":
        return _CONTROL.sub("\ufffd", value)
    return EARLIEST_DATE if _as_stored(kind, value) < EARLIEST_DATE else LATEST_DATE


def _as_stored(kind: str, value: Any) -> Any:
    """The stored value as the model holds it (a date, not its text)."""
    if kind == "date_range" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _at(data: Any, loc: Loc) -> Any:
    """The plain value at ``loc`` in ``data`` (``_ABSENT`` if there is none)."""
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return _ABSENT
    return data


def _as_json(value: Any) -> Any:
    """A value as a record's JSON form holds it (a date as its text)."""
    return value.isoformat() if isinstance(value, date) else value


def _put(node: Any, loc: Loc, value: Any) -> Any:
    """A copy of ``node`` (plain data or built models: dicts, models, lists, tuples) with
    ``value`` at ``loc``.

    >>> _put({"a": [1, (2, 3)]}, ("a", 1, 0), 9)
    {'a': [1, (9, 3)]}
    """
    if not loc:
        return value
    head, rest = loc[0], loc[1:]
    if isinstance(node, BaseModel):
        return node.model_copy(update={str(head): _put(getattr(node, str(head)), rest, value)})
    if isinstance(node, Mapping):
        return {**node, head: _put(node[head], rest, value)}
    items = list(node)
    items[int(head)] = _put(items[int(head)], rest, value)
    return tuple(items) if isinstance(node, tuple) else items
