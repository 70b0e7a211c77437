"""A child's whole ``ecomap/1`` document: get (as at a date), replace."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from api.child_access import WRITE_RESPONSES, Access, AsRecordedQ, ChildAccess
from api.deps import AccountsDep
from api.editing import checked_document, save
from api.errors import ERROR_RESPONSES
from api.people_access import new_people, require_visible
from ecomap.model import EcomapDocument, IsoDate
from ecomap.view import document_as_at

router = APIRouter(prefix="/api/children", tags=["documents"], responses=ERROR_RESPONSES)

_EXAMPLE = {
    "format": "ecomap/1",
    "child": {
        "id": "c-ava",
        "name": "Ava",
        "birth_date": "2012-04-01",
        "status": "looked_after",
        "team": "North",
    },
    "people": [{"id": "p-gran", "name": "Maureen", "category": "family", "role": "grandparent"}],
    "ties": [{"id": "t1", "between": ["c-ava", "p-gran"], "started": "2012-04-01"}],
    "observations": [
        {
            "tie": "t1",
            "on": "2024-01-10",
            "by": "child",
            "closeness": 3,
            "contact": 3,
            "trusted": True,
        }
    ],
    "episodes": [{"kind": "placement", "start": "2023-09-01", "reason": "entered_care"}],
}

_SHOWN: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {"example": _EXAMPLE}}, "description": "The document."}
}


@router.get(
    "/{child_id}/document",
    response_model=EcomapDocument,
    responses=_SHOWN,
    summary="Get the document",
    response_model_exclude_none=True,
)
def get_document(
    access: Annotated[ChildAccess, Access("document.read")],
    at: Annotated[
        IsoDate | None, Query(description="As it stood on this date (default: all of it).")
    ] = None,
    as_recorded: AsRecordedQ = None,
) -> EcomapDocument:
    """The child's network over time as an ``ecomap/1`` document; with ``at``, as it was
    known on that date (valid time); with ``as_recorded``, as the store held it at that
    revision or time (record time); both may be given. The ``ETag`` (current record only)
    is the version to send back in ``If-Match``."""
    _, doc = access.read(as_recorded)
    return document_as_at(doc, at) if at is not None else doc


@router.put(
    "/{child_id}/document",
    response_model=EcomapDocument,
    summary="Replace the document",
    response_model_exclude_none=True,
    responses={**_SHOWN, **WRITE_RESPONSES},
)
def put_document(
    access: Annotated[ChildAccess, Access("document.replace")],
    accounts: AccountsDep,
    body: Annotated[dict[str, Any], Body(openapi_examples={"ava": {"value": _EXAMPLE}})],
) -> EcomapDocument:
    """Replace the child's whole network (`If-Match` required). Every breach of the
    format's rules is reported at once (422, each with its JSON path); nothing is stored
    unless all is well. People already in the network keep their details (change a
    person with `PATCH /api/people/{id}`); a person not yet in it must be one you can see
    (`GET /api/people`) — add someone new with `POST /people`."""
    expected = access.expected_version()
    access.refuse_if_closed()
    current = access.store.get(access.child_id)
    doc = checked_document(body, access.child_id, current)
    if doc.child.id == access.child_id:  # else `save` names child.id
        require_visible(access.store, accounts, access.user, new_people(current, doc))
    new_version, doc = save(
        access.store, access.child_id, body, expected, actor=access.user.actor,
        reason=access.reason, before=current,
    )
    access.written(new_version)
    return doc
