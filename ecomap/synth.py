"""Synthetic local authority: realistic ecomap/1 documents, deterministic for a seed, streamed.

Child ``i`` is drawn from its own ``Random`` seeded by (authority, seed, i), and the
professionals it shares with other children come from its unit's workforce
(:mod:`ecomap.synth_workforce`), so documents stream one at a time and any child
can be regenerated alone (:mod:`ecomap.synth_network` builds one child). Names come
only from :mod:`ecomap.names`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import IO, Any

from ecomap.model import EcomapDocument
from ecomap.synth_network import ChildNetwork

DEFAULT_AS_AT = date(2025, 12, 31)
DEFAULT_AUTHORITY = "Westmere"

def synthesize(
    children: int,
    seed: int,
    *,
    as_at: date = DEFAULT_AS_AT,
    authority: str = DEFAULT_AUTHORITY,
    meetings: bool = False,
) -> Iterator[EcomapDocument]:
    """Stream ``children`` synthetic ecomap/1 documents of one local authority.

    Deterministic for (``children``, ``seed``, ``as_at``, ``authority``), and the first
    ``n`` documents do not depend on ``children``. Three years of history end on
    ``as_at``; ids start with a short code of ``authority``. ``meetings`` adds
    meetings and plans (:mod:`ecomap.synth_meetings`); the rest of each document is the
    same either way.

    >>> docs = list(synthesize(3, seed=7))
    >>> [d.child.id for d in docs]
    ['wes-c000000', 'wes-c000001', 'wes-c000002']
    >>> docs == list(synthesize(3, seed=7))
    True
    """
    for record in synthesize_records(children, seed, as_at=as_at, authority=authority,
                                     meetings=meetings):
        yield EcomapDocument.model_validate(record)


def synthesize_records(
    children: int,
    seed: int,
    *,
    as_at: date = DEFAULT_AS_AT,
    authority: str = DEFAULT_AUTHORITY,
    meetings: bool = False,
) -> Iterator[dict[str, Any]]:
    """The same documents as :func:`synthesize`, as plain JSON-ready dicts (unvalidated)."""
    if children < 0:
        raise ValueError("children must be >= 0")
    for index in range(children):
        yield child_record(index, seed, as_at=as_at, authority=authority, meetings=meetings)


def child_record(
    index: int,
    seed: int,
    *,
    as_at: date = DEFAULT_AS_AT,
    authority: str = DEFAULT_AUTHORITY,
    meetings: bool = False,
) -> dict[str, Any]:
    """Child ``index``'s document as a JSON-ready dict (with meetings if asked).

    >>> "meetings" in child_record(0, seed=7), "meetings" in child_record(0, 7, meetings=True)
    (False, True)
    """
    record = ChildNetwork(index, seed, as_at, authority).build()
    if not meetings:
        record.pop("meetings", None)
    return record




def write_synthetic_jsonl(
    fp: IO[str],
    children: int,
    seed: int,
    *,
    as_at: date = DEFAULT_AS_AT,
    authority: str = DEFAULT_AUTHORITY,
    meetings: bool = False,
) -> int:
    """Write the documents of :func:`synthesize` as JSON Lines, fast; return how many.

    The records are built in the canonical form, so the text is exactly what
    ``ecomap.format.write_jsonl(synthesize(...), fp)`` writes, without building models.

    >>> import io
    >>> out = io.StringIO()
    >>> write_synthetic_jsonl(out, 2, seed=7)
    2
    >>> out.getvalue().count("\\n")
    2
    """
    count = 0
    for record in synthesize_records(children, seed, as_at=as_at, authority=authority,
                                     meetings=meetings):
        fp.write(record_line(record))
        count += 1
    return count


def record_line(record: dict[str, Any]) -> str:
    """One record as a line of canonical ecomap/1 JSON Lines (newline included).

    >>> record_line(child_record(0, seed=7))[:40]
    '{"format":"ecomap/1","child":{"id":"wes-'
    """
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
