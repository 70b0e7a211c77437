"""Read-modify-replace of a child's document: version-checked, validated, atomic."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

from fastapi import Response
from pydantic import ValidationError

from api.errors import ApiError, ErrorDetail
from ecomap.errors import Breach, DocumentInvalid
from ecomap.format import parse_document, validate_document
from ecomap.model import EcomapDocument
from ecomap.stored import kept
from graph.base import AsRecorded, GraphStore, VersionConflict

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')

#: Changes the document's JSON form in place; may return ``{document path: body path}``
#: so that breaches in the part the request added are named by the request's fields.
Edit = Callable[[dict[str, Any]], dict[str, str] | None]


def new_id(prefix: str) -> str:
    """A fresh id such as ``p-3f9c0a1b2c4d`` (random; ids are never reused)."""
    return f"{prefix}-{secrets.token_hex(6)}"


def parse_if_match(if_match: str | None) -> int | None:
    """The version an ``If-Match`` header names (``"3"``, ``W/"3"``, ``3``); None if absent
    or ``*``.

    >>> parse_if_match('"3"'), parse_if_match(None), parse_if_match("*")
    (3, None, None)
    """
    if if_match is None or if_match.strip() in ("", "*"):
        return None
    match = _ETAG.match(if_match)
    if match is None:
        raise ApiError(
            422,
            'If-Match must be a version such as "3"',
            details=[ErrorDetail(field="If-Match", message="is not a version")],
        )
    return int(match.group(1))


def etag(response: Response, version: int) -> None:
    response.headers["ETag"] = f'"{version}"'


def load(
    store: GraphStore, child_id: str, if_match: str | None, *, as_recorded: AsRecorded = None
) -> tuple[int, EcomapDocument]:
    """The child's version and document; 409 at once if ``If-Match`` names another version.

    The version is read before the document, so a write landing in between makes the
    later replace fail its version check rather than silently overwrite.
    """
    current = store.version(child_id, as_recorded=as_recorded)
    wanted = parse_if_match(if_match)
    if wanted is not None and wanted != current:
        raise VersionConflict(child_id, wanted, current)
    return current, store.get(child_id, as_recorded=as_recorded)


def checked_document(data: Any, child_id: str, before: EcomapDocument | None) -> EcomapDocument:
    """The document a write brings, every rule checked and every breach reported at once
    (:class:`DocumentInvalid`), except that a value breaking a rule added later passes
    where ``before``, the record as stored, holds it at the same place: an edit to
    something else still saves (:func:`ecomap.stored.kept`; docs/record.md, "Rules added
    later")."""
    try:
        return parse_document(data, source=child_id)
    except DocumentInvalid:
        if before is not None:
            try:
                doc = kept(EcomapDocument, data, before)
            except ValidationError:
                doc = None
            if doc is not None and not validate_document(doc):
                return doc
        raise


def save(
    store: GraphStore,
    child_id: str,
    data: dict[str, Any],
    expected: int,
    *,
    actor: str,
    reason: str | None = None,
    before: EcomapDocument | None = None,
) -> tuple[int, EcomapDocument]:
    """Validate the whole new document (every breach at once → 422;
    :func:`checked_document`, ``before`` being the record as stored) and store it as one
    revision by ``actor`` if the child is still at ``expected`` (else 409). Nothing is
    stored on any error; an existing person's details never change here (the person
    edit does that)."""
    doc = checked_document(data, child_id, before)
    if doc.child.id != child_id:
        raise ApiError(
            422,
            "the document is for another child",
            details=[ErrorDetail(field="child.id", message=f"must be {child_id!r}")],
        )
    version = store.replace(doc, actor=actor, reason=reason, expected_version=expected)
    return version, doc


def edit(
    store: GraphStore,
    child_id: str,
    if_match: str | None,
    change: Edit,
    *,
    actor: str,
    reason: str | None = None,
) -> tuple[int, EcomapDocument]:
    """Load, apply ``change`` to the document's JSON form, validate and store."""
    version, doc = load(store, child_id, if_match)
    data = doc.model_dump(mode="json", exclude_none=True)
    renames = change(data) or {}
    try:
        return save(store, child_id, data, version, actor=actor, reason=reason, before=doc)
    except DocumentInvalid as exc:
        raise DocumentInvalid(exc.source, [_rename(b, renames) for b in exc.breaches]) from exc


def _rename(breach: Breach, renames: dict[str, str]) -> Breach:
    """``observations[12].on`` → ``on`` when the request added ``observations[12]``."""
    for prefix, field in renames.items():
        if breach.path == prefix:
            return Breach(field or "$", breach.message)
        for sep in (".", "["):
            if breach.path.startswith(prefix + sep):
                rest = breach.path[len(prefix) + (1 if sep == "." else 0) :]
                return Breach(
                    f"{field}.{rest}" if field and sep == "." else field + rest, breach.message
                )
    return breach
