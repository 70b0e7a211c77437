"""Admin: query the audit log (ids only; it never holds names or notes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AccountsDep, CurrentUser, require_role
from api.errors import ERROR_RESPONSES
from api.models.accounts import AuditEntryPublic
from api.models.common import IsoMoment, Listing

router = APIRouter(prefix="/api", tags=["admin"], responses=ERROR_RESPONSES)


@router.get("/audit", response_model=Listing[AuditEntryPublic], summary="Query the audit log")
def read_audit(
    user: CurrentUser,
    accounts: AccountsDep,
    actor: Annotated[
        str | None, Query(max_length=100, description="Username or `link:<id>`.")
    ] = None,
    child_id: Annotated[str | None, Query(max_length=128)] = None,
    action: Annotated[str | None, Query(max_length=64, description="e.g. `tie.end`.")] = None,
    since: Annotated[IsoMoment | None, Query(description="From this moment (inclusive).")] = None,
    until: Annotated[IsoMoment | None, Query(description="Before this moment.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Listing[AuditEntryPublic]:
    """Newest first. Reading the log is not itself logged per entry."""
    require_role(user, "admin")
    entries, total = accounts.audit(
        actor=actor,
        child_id=child_id,
        action=action,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    return Listing(data=[AuditEntryPublic(**vars(e)) for e in entries], count=total)
