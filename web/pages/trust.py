"""The young person's "Who I trust" page, opened from the link their worker gave them."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from web.pages.shell import page

router = APIRouter()


@router.get("/trust/{token}", response_class=HTMLResponse)
def trust(token: str) -> HTMLResponse:
    """The page shell; its script exchanges the link for a session scoped to this child."""
    return page("trust", token=token)
