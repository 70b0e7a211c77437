"""The embedded store's import fast path: documents to rows without model objects.

A JSON Lines line is parsed with orjson and checked on its raw structure
(:func:`ecomap.format_fast.checked`); the store's rows (:func:`rows_from_checked`, exactly
:func:`graph.embedded.rows.to_rows` of the model) and the packed cohort columns
(:func:`ecomap.measures.packed_raw.pack_checked`, exactly ``pack`` of the model) are
then read straight off it. A line the fast checker is not certain of goes the model's
way (:mod:`ecomap.format`), which makes the same rows from the model or reports the
breaches exactly as ``ecomap.format.read_documents`` does: the pydantic model stays the
contract and the only error reporter.

:func:`prepare_lines` is what an import's worker process runs on a chunk of lines: what
it returns (rows, bytes and breaches: plain data) is cheap to send to the writing process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from ecomap import format as fmt
from ecomap.errors import Breach, DocumentInvalid
from ecomap.format_fast import checked
from ecomap.model import EcomapDocument
from graph.embedded.rows import DocumentRows, Row, ids_json

if TYPE_CHECKING:
    from ecomap.measures.packed import PackedChild
    from ecomap.measures.packed_plans import PackedPlans

__all__ = [
    "Prepared",
    "Rejected",
    "decode_chunk",
    "encode_chunk",
    "prepare_chunk",
    "prepare_document",
    "prepare_line",
    "prepare_lines",
    "rows_from_checked",
]


@dataclass(frozen=True)
class Prepared:
    """A valid document as the store writes it: its rows, its packed cohort columns and
    its packed plan columns."""

    rows: DocumentRows
    packed: PackedChild
    plans: PackedPlans


@dataclass(frozen=True)
class Rejected:
    """A document that breaks FORMAT.md, as :class:`~ecomap.errors.DocumentInvalid`
    reports it (``source``: the child id if readable; ``location``: where it was read)."""

    source: str
    location: str
    breaches: list[Breach]


def rows_from_checked(doc: dict[str, Any]) -> DocumentRows:
    """:func:`graph.embedded.rows.to_rows` of the document ``doc`` holds (the output of
    :func:`ecomap.format_fast.checked`), without building it.

    >>> r = rows_from_checked(checked({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "p", "name": "P", "category": "family"}],
    ...     "ties": [{"id": "t", "between": ["p", "c"]}],
    ...     "observations": [{"tie": "t", "on": "2024-02-01", "by": "child",
    ...                       "support": {"practical": 2}}]}))
    >>> r.people, r.owned["ties"]
    ([('p', 'P', 'family', None, True, False)], [('t', 'p', 'c', 'p', None, None, None)])
    >>> r.owned["observations"]
    [('t', '2024-02-01', 'child', None, None, 1, None, 2, None, None, None, None, None)]
    """
    c = doc["child"]
    cid = c["id"]
    people = [(p["id"], p["name"], p["category"], p.get("role"), p["adult"], p["paid"])
              for p in doc["people"]]
    ties = []
    for t in doc["ties"]:
        a, b = t["between"]
        member = b if a == cid else a if b == cid else None
        get = t.get
        ties.append((t["id"], a, b, member, get("started"), get("ended"), get("end_reason")))
    observations = []
    no_support = (0, None, None, None)
    for o in doc["observations"]:  # the hot loop of a bulk import
        get = o.get
        s = get("support")
        support = no_support if s is None else (
            1, s.get("emotional"), s.get("practical"), s.get("informational"))
        observations.append((o["tie"], o["on"], o["by"], get("closeness"), get("contact"),
                             *support, get("critical"), get("direction"), get("trusted"),
                             get("note")))
    meetings: list[Row] = []
    commitments: list[Row] = []
    progress: list[Row] = []
    for m in doc["meetings"]:
        mid = m["id"]
        meetings.append((mid, m["kind"], m["on"], ids_json(m["invited"]),
                         ids_json(m["attended"]), m.get("participation"), m.get("note")))
        for k in m["plan"]:
            kid = k["id"]
            commitments.append((mid, kid, k["what"], ids_json(k["who"]), k.get("by")))
            progress.extend((kid, p["on"], p["state"], p.get("by")) for p in k["progress"])
    return DocumentRows(
        child_id=cid,
        child=(c["name"], c.get("birth_date"), c.get("status"), c.get("team")),
        people=people,
        owned={
            "memberships": [(p[0],) for p in people],
            "ties": ties,
            "observations": observations,
            "episodes": [(e["kind"], e["start"], e.get("end"), e.get("reason"),
                          e.get("status"), e.get("team")) for e in doc["episodes"]],
            "meetings": meetings,
            "commitments": commitments,
            "progress": progress,
        },
    )


def prepare_document(doc: EcomapDocument) -> Prepared:
    """A model's rows and packed columns (the document is valid: checked by the caller)."""
    from ecomap.measures.packed import pack
    from ecomap.measures.packed_plans import pack_plans
    from graph.embedded.rows import to_rows

    return Prepared(to_rows(doc), pack(doc), pack_plans(doc))


def prepare_line(lineno: int, line: bytes) -> Prepared | Rejected:
    """One JSON Lines line, as :func:`ecomap.format.read_documents` reads it (the same
    documents accepted, the same breaches reported), prepared for the store."""
    from ecomap.measures.packed_plans import pack_plans_checked
    from ecomap.measures.packed_raw import pack_checked

    try:
        raw = orjson.loads(line)
    except orjson.JSONDecodeError:
        raw = None
    doc = checked(raw) if type(raw) is dict else None
    if doc is not None:
        return Prepared(rows_from_checked(doc), pack_checked(doc), pack_plans_checked(doc))
    try:
        text: str | UnicodeDecodeError = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = exc
    if lineno == 1 and isinstance(text, str):
        text = text.lstrip("\ufeff")
    result = fmt._line_result(lineno, text)
    return prepare_document(result) if isinstance(result, EcomapDocument) else rejected(result)


def prepare_lines(lines: Sequence[tuple[int, bytes]]) -> list[Prepared | Rejected]:
    """:func:`prepare_line` of each ``(line number, line)``: one chunk of an import."""
    return [prepare_line(lineno, line) for lineno, line in lines]


def rejected(err: DocumentInvalid) -> Rejected:
    """A reader's rejection as plain data (exceptions do not travel between processes)."""
    return Rejected(err.source, err.location, list(err.breaches))


Chunk = tuple[bytes, list["tuple[PackedChild, PackedPlans] | Prepared | Rejected"]]


def encode_chunk(items: Sequence[Prepared | Rejected]) -> Chunk:
    """Prepared documents as a worker process sends them: the rows of every document
    made on the fast path as one orjson text (a fraction of pickling their tuples), and
    in order, each one's packed cohort and plan columns in its place (or the document
    whole, made on the model's path: its text may hold what orjson does not write, a
    lone surrogate)."""
    fast: list[Any] = []
    rest: list[tuple[PackedChild, PackedPlans] | Prepared | Rejected] = []
    for item in items:
        if isinstance(item, Prepared):
            r = item.rows
            try:
                text = orjson.dumps([r.child_id, r.child, r.people, r.owned])
            except orjson.JSONEncodeError:
                rest.append(item)
                continue
            fast.append(orjson.Fragment(text))
            rest.append((item.packed, item.plans))
        else:
            rest.append(item)
    return orjson.dumps(fast), rest


def decode_chunk(chunk: Chunk) -> list[Prepared | Rejected]:
    """:func:`encode_chunk`'s items back (rows as lists: the writer takes either).

    >>> doc = {"format": "ecomap/1", "child": {"id": "c", "name": "C"}}
    >>> items = prepare_lines([(1, orjson.dumps(doc)), (2, b"{")])
    >>> back = decode_chunk(encode_chunk(items))
    >>> back[0].rows.child_id, back[0].packed == items[0].packed, back[1] == items[1]
    ('c', True, True)
    """
    rows = iter(orjson.loads(chunk[0]))
    out: list[Prepared | Rejected] = []
    for item in chunk[1]:
        if isinstance(item, tuple):
            cid, child, people, owned = next(rows)
            out.append(Prepared(DocumentRows(cid, tuple(child), [tuple(p) for p in people],
                                             owned), *item))
        else:
            out.append(item)
    return out


def prepare_chunk(lines: Sequence[tuple[int, bytes]]) -> Chunk:
    """:func:`prepare_lines` as a worker process sends it back (:func:`encode_chunk`)."""
    return encode_chunk(prepare_lines(lines))
