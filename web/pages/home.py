"""The home page: sign in, then a worker's caseload or a leader's way to the dashboard."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from web.pages.shell import page

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home() -> HTMLResponse:
    """Sign-in form and, once signed in, the list of children the user may open."""
    return page("home")
