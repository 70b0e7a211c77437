"""Children: list (filters, pagination), create, read, update.

Closing, reopening, erasing and restoring a record are in :mod:`api.routes.records`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.child_access import WRITE_RESPONSES, Access, AsRecordedQ, ChildAccess
from api.deps import AccountsDep, AuditorDep, CurrentUser, NowDep, StoreDep, require_role
from api.editing import etag, new_id, save
from api.errors import ERROR_RESPONSES, ApiError, ErrorDetail, ErrorResponse
from api.models.children import (
    ChildCreate,
    ChildPublic,
    ChildSummaryPublic,
    ChildUpdate,
    child_public,
)
from api.models.common import Listing
from ecomap.model import FORMAT_NAME, Status
from graph.base import ChildNotFound

router = APIRouter(prefix="/api/children", tags=["children"], responses=ERROR_RESPONSES)

@router.get("", response_model=Listing[ChildSummaryPublic], summary="List children")
def list_children(
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    team: Annotated[str | None, Query(max_length=100, description="Only this team.")] = None,
    status: Annotated[Status | None, Query(description="Only this status.")] = None,
    search: Annotated[str | None, Query(max_length=100, description="Id or name contains.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    closed: Annotated[
        bool, Query(description="Admins: list closed records too (to reopen one).")
    ] = False,
) -> Listing[ChildSummaryPublic]:
    """Workers and leaders see the open records of the children allocated to them; admins
    see every child's id, team, status and version but not names (they manage
    allocations), and closed records with `closed=true`."""
    if user.role == "admin":
        if search is not None:
            raise ApiError(403, "admins do not search children by name")
        page = store.children(
            team=team, status=status, limit=limit, offset=offset, include_closed=closed
        )
        rows = [
            ChildSummaryPublic(
                id=c.id, name=None, team=c.team, status=c.status, version=c.version,
                closed=c.closed,
            )
            for c in page.data
        ]
    else:
        caseload = accounts.caseload(user.actor)
        if not caseload:
            return Listing(data=[], count=0)
        page = store.children(
            team=team, status=status, search=search, ids=caseload, limit=limit, offset=offset
        )
        rows = [
            ChildSummaryPublic(
                id=c.id, name=c.name, team=c.team, status=c.status, version=c.version
            )
            for c in page.data
        ]
    auditor.record(user, "children.list")
    return Listing(data=rows, count=page.count)


@router.post(
    "",
    response_model=ChildPublic,
    status_code=201,
    summary="Create a child",
    responses={409: {"model": ErrorResponse, "description": "That id is taken."}},
)
def create_child(
    body: ChildCreate,
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    now: NowDep,
    response: Response,
) -> ChildPublic:
    """A worker creates a child with an empty network; the child joins their caseload."""
    require_role(user, "worker")
    child_id = body.id or new_id("c")
    child: dict[str, Any] = body.model_dump(mode="json", exclude_none=True, exclude={"id"})
    data = {"format": FORMAT_NAME, "child": {"id": child_id, **child}}
    try:
        store.version(child_id)
    except ChildNotFound:
        pass
    else:
        raise ApiError(409, "a child with that id exists", code="exists")
    version, doc = save(store, child_id, data, 0, actor=user.actor)
    accounts.allocate(user.actor, child_id, now)
    auditor.record(user, "child.create", child_id=child_id)
    etag(response, version)
    response.headers["Location"] = f"/api/children/{child_id}"
    return child_public(doc, version)


@router.get("/{child_id}", response_model=ChildPublic, summary="Read a child")
def read_child(
    access: Annotated[ChildAccess, Access("child.read")],
    as_recorded: AsRecordedQ = None,
) -> ChildPublic:
    """The child's own fields, version (also the `ETag`) and history size; with
    `as_recorded`, as the store held them then."""
    version, doc = access.read(as_recorded)
    return child_public(doc, version)


@router.patch(
    "/{child_id}", response_model=ChildPublic, summary="Update a child", responses=WRITE_RESPONSES
)
def update_child(
    body: ChildUpdate,
    access: Annotated[ChildAccess, Access("child.update")],
) -> ChildPublic:
    """Change the child's own fields; only those sent change."""
    changes = body.model_dump(mode="json", exclude_unset=True)
    if changes.get("name", "") is None:
        raise ApiError(
            422,
            "a child must have a name",
            details=[ErrorDetail(field="name", message="cannot be null")],
        )

    def change(data: dict[str, Any]) -> None:
        for key, value in changes.items():
            if value is None:
                data["child"].pop(key, None)
            else:
                data["child"][key] = value

    version, doc = access.edit(change)
    return child_public(doc, version)
