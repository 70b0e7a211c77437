"""A child's record over record time: revisions, restore, close, reopen and erase.

Nothing here loses history: restoring writes a new revision equal to an old one;
closing keeps the record whole (it leaves listings and dashboards until an admin
reopens it). Only erasing removes a record, for one made in error: an admin's
action that needs a reason, is audited, and says what it removed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.child_access import (
    WRITE_RESPONSES,
    Access,
    ChildAccess,
    IfMatch,
    required_version,
)
from api.deps import AccountsDep, AuditorDep, CurrentUser, StoreDep, require_role
from api.editing import etag
from api.errors import ERROR_RESPONSES, ApiError, ErrorDetail
from api.models.children import ChildPublic, child_public
from api.models.common import Listing
from api.models.revisions import ErasedPublic, ReasonBody, RestoreBody, RevisionPublic
from api.record_history import revision_entries
from graph.base import ChildNotFound, GraphStore, RevisionNotFound, VersionConflict

router = APIRouter(prefix="/api/children", tags=["record"], responses=ERROR_RESPONSES)

_ONE = {"revisions": "revision", "people": "person", "ties": "tie",
        "observations": "observation", "episodes": "episode"}


@router.get(
    "/{child_id}/revisions",
    response_model=Listing[RevisionPublic],
    summary="The record's history",
)
def list_revisions(
    access: Annotated[ChildAccess, Access("revisions.read")],
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Listing[RevisionPublic]:
    """Every write to the child's record, newest first: who, when, why, and what changed
    in plain words. Read any of them with `as_recorded=<revision>`."""
    entries, count = revision_entries(access.store, access.child_id, limit=limit, offset=offset)
    access.audit()
    return Listing(data=entries, count=count)


@router.post(
    "/{child_id}/restore",
    response_model=ChildPublic,
    summary="Restore an earlier revision",
    responses=WRITE_RESPONSES,
)
def restore(
    body: RestoreBody, access: Annotated[ChildAccess, Access("child.restore")]
) -> ChildPublic:
    """Write a new revision whose record equals the record as at `revision`. History only
    grows: the revisions in between stay, and this one can be undone the same way.
    People shared with other children keep their current details (change a person with
    `PATCH /api/people/{id}`)."""
    expected = access.expected_version()
    access.refuse_if_closed()
    try:
        version = access.store.restore(
            access.child_id, body.revision, actor=access.user.actor, reason=body.reason,
            expected_version=expected,
        )
    except (ChildNotFound, RevisionNotFound) as exc:
        message = (
            "the record did not exist at that revision"
            if isinstance(exc, ChildNotFound) else str(exc)
        )
        raise ApiError(
            422, message, details=[ErrorDetail(field="revision", message=message)]
        ) from exc
    access.written(version, target=str(body.revision))
    return child_public(access.store.get(access.child_id), version)


@router.delete(
    "/{child_id}",
    status_code=204,
    summary="Close a child's record",
    responses=WRITE_RESPONSES,
)
def close_child(access: Annotated[ChildAccess, Access("child.close")]) -> Response:
    """Close the record (a case ended, a child moved away): it leaves every listing and
    the dashboard and stays whole — readable by the child's workers, with its history —
    until an admin reopens it. Say why in `X-Reason`. Nothing is deleted; records made
    in error are erased by an admin (`POST /{id}/erase`)."""
    expected = access.expected_version()
    access.refuse_if_closed()
    version = access.store.close_record(
        access.child_id, actor=access.user.actor, reason=access.reason,
        expected_version=expected,
    )
    access.written(version)
    return Response(status_code=204, headers={"ETag": f'"{version}"'})


def _admin_expected(store: GraphStore, child_id: str, if_match: str | None) -> int:
    wanted = required_version(if_match)
    current = store.version(child_id)
    if wanted != current:
        raise VersionConflict(child_id, wanted, current)
    return wanted


@router.post(
    "/{child_id}/reopen",
    response_model=ChildPublic,
    summary="Reopen a closed record (admin)",
    responses=WRITE_RESPONSES,
)
def reopen_child(
    child_id: str,
    body: ReasonBody,
    user: CurrentUser,
    store: StoreDep,
    auditor: AuditorDep,
    response: Response,
    if_match: IfMatch = None,
) -> ChildPublic:
    """Bring a closed record back into listings and dashboards, as it was."""
    require_role(user, "admin")
    expected = _admin_expected(store, child_id, if_match)
    if not store.is_closed(child_id):
        raise ApiError(409, "this record is open", code="open")
    version = store.reopen_record(
        child_id, actor=user.actor, reason=body.reason, expected_version=expected
    )
    auditor.record(user, "child.reopen", child_id=child_id)
    etag(response, version)
    return child_public(store.get(child_id), version)


@router.post(
    "/{child_id}/erase",
    response_model=ErasedPublic,
    summary="Erase a record made in error (admin)",
    responses=WRITE_RESPONSES,
)
def erase_child(
    child_id: str,
    body: ReasonBody,
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    if_match: IfMatch = None,
) -> ErasedPublic:
    """Remove the child's record and its whole history (for a record made for the wrong
    child, or in error): not for ending a case — close the record for that, since
    looked-after children's records are kept until their 75th birthday. Needs a reason;
    the child's allocations and links go too; the audit log and a revision record that
    it happened and how much was removed."""
    require_role(user, "admin")
    _admin_expected(store, child_id, if_match)
    erased = store.erase(child_id, actor=user.actor, reason=body.reason)
    accounts.forget_child(child_id)
    auditor.record(user, "child.erase", child_id=child_id)
    removed = {
        "revisions": erased.revisions,
        "people": erased.people,
        "ties": erased.ties,
        "observations": erased.observations,
        "episodes": erased.episodes,
    }
    said = ", ".join(f"{n} {kind if n != 1 else _ONE[kind]}" for kind, n in removed.items())
    return ErasedPublic(
        child=child_id, revision=store.revision(), removed=removed,
        message=f"erased {child_id}: {said}",
    )
