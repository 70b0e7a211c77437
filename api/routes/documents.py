"""A child's whole ``ecomap/1`` document: get (as at a date), replace."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response

from api.deps import AccountsDep, AuditorDep, CurrentUser, StoreDep, require_child
from api.editing import etag, load, save
from api.errors import ERROR_RESPONSES
from api.routes.children import CONFLICT, IfMatch
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
    child_id: str,
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    response: Response,
    at: Annotated[
        IsoDate | None, Query(description="As it stood on this date (default: all of it).")
    ] = None,
) -> EcomapDocument:
    """The child's network over time as an ``ecomap/1`` document; with ``at``, as it was
    known on that date. The ``ETag`` is the version to send back in ``If-Match``."""
    require_child(user, child_id, accounts, auditor, "document.read")
    version, doc = load(store, child_id, None)
    auditor.record(user, "document.read", child_id=child_id)
    etag(response, version)
    return document_as_at(doc, at) if at is not None else doc


@router.put(
    "/{child_id}/document",
    response_model=EcomapDocument,
    summary="Replace the document",
    response_model_exclude_none=True,
    responses={**_SHOWN, **CONFLICT},
)
def put_document(
    child_id: str,
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    response: Response,
    body: Annotated[dict[str, Any], Body(openapi_examples={"ava": {"value": _EXAMPLE}})],
    if_match: IfMatch = None,
) -> EcomapDocument:
    """Replace the child's whole network. Every breach of the format's rules is reported
    at once (422, each with its JSON path); nothing is stored unless all is well."""
    require_child(user, child_id, accounts, auditor, "document.replace")
    version, _ = load(store, child_id, if_match)
    new_version, doc = save(store, child_id, body, version)
    auditor.record(user, "document.replace", child_id=child_id)
    etag(response, new_version)
    return doc
