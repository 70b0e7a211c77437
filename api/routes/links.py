"""Young people's links: a worker makes one for a child on their caseload, and revokes it."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter

from api.deps import (
    AccountsDep,
    AuditorDep,
    CurrentUser,
    NowDep,
    SettingsDep,
    SignerDep,
    StoreDep,
    require_child,
    require_role,
)
from api.errors import ERROR_RESPONSES, ApiError
from api.models.accounts import LinkCreate, LinkPublic, LinkRow
from api.models.common import Listing

router = APIRouter(prefix="/api", tags=["links"], responses=ERROR_RESPONSES)


@router.post(
    "/children/{child_id}/links",
    response_model=LinkPublic,
    status_code=201,
    summary="Make a young person's link",
)
def create_link(
    child_id: str,
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    signer: SignerDep,
    settings: SettingsDep,
    now: NowDep,
    body: LinkCreate | None = None,
) -> LinkPublic:
    """The child's worker makes a signed, expiring link to the child's own page
    (`/trust/<token>`). Whoever holds it can read only this child's map (without notes)
    and add only the child's own observations and people they name."""
    require_role(user, "worker")
    require_child(user, child_id, accounts, auditor, "link.create")
    store.version(child_id)  # 404 if the child is gone
    days = settings.link_days if body is None or body.days is None else body.days
    if days > settings.link_days:
        raise ApiError(422, f"links last at most {settings.link_days:g} days")
    link, token = signer.create(accounts, child_id, user.actor, now, timedelta(days=days))
    auditor.record(user, "link.create", child_id=child_id, target=link.id)
    return LinkPublic(id=link.id, child_id=child_id, url=f"/trust/{token}", expires=link.expires_at)


@router.get("/children/{child_id}/links", response_model=Listing[LinkRow], summary="List links")
def list_links(
    child_id: str, user: CurrentUser, accounts: AccountsDep, auditor: AuditorDep
) -> Listing[LinkRow]:
    """The child's links, revoked and expired ones included (tokens are never shown again)."""
    require_child(user, child_id, accounts, auditor, "links.list")
    rows = [LinkRow(**vars(link)) for link in accounts.links_of(child_id)]
    return Listing(data=rows, count=len(rows))


@router.delete("/links/{link_id}", response_model=LinkRow, summary="Revoke a link")
def revoke_link(
    link_id: str, user: CurrentUser, accounts: AccountsDep, auditor: AuditorDep, now: NowDep
) -> LinkRow:
    """It stops working at once. Workers of the child and admins may revoke."""
    link = accounts.link(link_id)
    if link is None:
        raise ApiError(404, "no such link")
    if user.role != "admin":
        require_child(user, link.child_id, accounts, auditor, "link.revoke")
    accounts.revoke_link(link_id, now)
    auditor.record(user, "link.revoke", child_id=link.child_id, target=link_id)
    revoked = accounts.link(link_id)
    assert revoked is not None
    return LinkRow(**vars(revoked))
