"""The ecomap editor a worker uses while drawing with a child."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from web.pages.shell import page

router = APIRouter()


@router.get("/children/{child_id}", response_class=HTMLResponse)
def editor(child_id: str) -> HTMLResponse:
    """The editor shell for one child; its script loads the map from the API."""
    return page("editor", child_id=child_id)
