"""The young person's "Who I trust" page, opened from the link their worker gave them."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.auth.links import LINK_COOKIE
from api.deps import SettingsDep
from web.pages.shell import page

router = APIRouter()


@router.get("/trust/{token}", response_class=HTMLResponse)
def trust(token: str, settings: SettingsDep) -> HTMLResponse:
    """The page shell. The link is kept as a cookie for ``/api/me`` only (the page's script
    also sends it as ``Authorization: Link``); the API checks it on every call."""
    response = page("trust", token=token)
    response.set_cookie(
        LINK_COOKIE, token, max_age=int(settings.link_days * 86400), path="/api/me",
        httponly=True, samesite="strict", secure=settings.cookie_secure,
    )
    return response
