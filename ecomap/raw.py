"""Reading values out of a document's raw JSON form, before the model has checked it.

The cross-field rules of docs/ (ids, dates, references) report every breach at once, so
they read the raw structure leniently: a value of the wrong shape reads as absent here
and is reported by the model's own checks.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

__all__ = ["raw_date", "raw_id", "raw_items"]


def raw_id(value: object) -> str | None:
    """A non-empty string id, else None.

    >>> raw_id("p-gran"), raw_id(""), raw_id(3)
    ('p-gran', None, None)
    """
    return value if isinstance(value, str) and value else None


def raw_date(value: object) -> date | None:
    """A date, or an ISO ``YYYY-MM-DD`` string read as one; anything else None.

    >>> raw_date("2024-01-10"), raw_date("2024-1-10"), raw_date("2024-02-30")
    (datetime.date(2024, 1, 10), None, None)
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def raw_items(value: object) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """The objects of a list with their positions, passing over anything else.

    >>> list(raw_items([{"id": "a"}, 3, {"id": "b"}]))
    [(0, {'id': 'a'}), (2, {'id': 'b'})]
    """
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            if isinstance(item, Mapping):
                yield i, item
