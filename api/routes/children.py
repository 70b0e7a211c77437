"""Children: list (filters, pagination), create, read, update, delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response

from api.deps import (
    AccountsDep,
    AuditorDep,
    CurrentUser,
    NowDep,
    StoreDep,
    require_child,
    require_role,
)
from api.editing import etag, load, new_id, parse_if_match, save
from api.errors import ERROR_RESPONSES, ApiError, ErrorDetail, ErrorResponse
from api.models.children import ChildCreate, ChildPublic, ChildSummaryPublic, ChildUpdate, Counts
from api.models.common import Listing
from ecomap.model import FORMAT_NAME, EcomapDocument, Status
from graph.base import ChildNotFound

router = APIRouter(prefix="/api/children", tags=["children"], responses=ERROR_RESPONSES)

IfMatch = Annotated[
    str | None,
    Header(description='The version you loaded (`"3"`); a stale one gets 409. Optional.'),
]
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorResponse,
        "description": "Stale `If-Match`: the body and ETag give the current version.",
    }
}


def child_public(doc: EcomapDocument, version: int) -> ChildPublic:
    c = doc.child
    return ChildPublic(
        id=c.id,
        name=c.name,
        birth_date=c.birth_date,
        status=c.status,
        team=c.team,
        version=version,
        counts=Counts(
            people=len(doc.people),
            ties=len(doc.ties),
            observations=len(doc.observations),
            episodes=len(doc.episodes),
        ),
    )


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
) -> Listing[ChildSummaryPublic]:
    """Workers and leaders see the children allocated to them; admins see every child's
    id, team, status and version but not names (they manage allocations)."""
    if user.role == "admin":
        if search is not None:
            raise ApiError(403, "admins do not search children by name")
        page = store.children(team=team, status=status, limit=limit, offset=offset)
        rows = [
            ChildSummaryPublic(id=c.id, name=None, team=c.team, status=c.status, version=c.version)
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
    version, doc = save(store, child_id, data, 0)
    accounts.allocate(user.actor, child_id, now)
    auditor.record(user, "child.create", child_id=child_id)
    etag(response, version)
    response.headers["Location"] = f"/api/children/{child_id}"
    return child_public(doc, version)


@router.get("/{child_id}", response_model=ChildPublic, summary="Read a child")
def read_child(
    child_id: str,
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    response: Response,
) -> ChildPublic:
    """The child's own fields, current version (also the `ETag`) and history size."""
    require_child(user, child_id, accounts, auditor, "child.read")
    version, doc = load(store, child_id, None)
    auditor.record(user, "child.read", child_id=child_id)
    etag(response, version)
    return child_public(doc, version)


@router.patch(
    "/{child_id}", response_model=ChildPublic, summary="Update a child", responses=CONFLICT
)
def update_child(
    child_id: str,
    body: ChildUpdate,
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    response: Response,
    if_match: IfMatch = None,
) -> ChildPublic:
    """Change the child's own fields; only those sent change."""
    require_child(user, child_id, accounts, auditor, "child.update")
    version, doc = load(store, child_id, if_match)
    data = doc.model_dump(mode="json", exclude_none=True)
    changes = body.model_dump(mode="json", exclude_unset=True)
    if changes.get("name", "") is None:
        raise ApiError(
            422,
            "a child must have a name",
            details=[ErrorDetail(field="name", message="cannot be null")],
        )
    for key, value in changes.items():
        if value is None:
            data["child"].pop(key, None)
        else:
            data["child"][key] = value
    new_version, new_doc = save(store, child_id, data, version)
    auditor.record(user, "child.update", child_id=child_id)
    etag(response, new_version)
    return child_public(new_doc, new_version)


@router.delete("/{child_id}", status_code=204, summary="Delete a child", responses=CONFLICT)
def delete_child(
    child_id: str,
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    if_match: IfMatch = None,
) -> Response:
    """Remove the child's whole record (and their allocations and links)."""
    require_child(user, child_id, accounts, auditor, "child.delete")
    current = store.version(child_id)
    expected = parse_if_match(if_match)
    store.delete(child_id, expected_version=expected if expected is not None else current)
    accounts.forget_child(child_id)
    auditor.record(user, "child.delete", child_id=child_id)
    return Response(status_code=204)
