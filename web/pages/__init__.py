"""The pages a worker, a young person and a leader open, as one FastAPI router.

Every page is a small HTML shell; its script fetches the JSON API in the browser, so a
page and its JSON route report the same numbers (compute once, render twice). The app
factory mounts :data:`router` and :func:`static_files` at ``/static``.
"""

from __future__ import annotations

from fastapi import APIRouter

from web.pages import assets, dashboard, editor, home, trust
from web.pages.assets import static_files

router = APIRouter(include_in_schema=False)
for _module in (home, editor, trust, dashboard, assets):
    router.include_router(_module.router)

__all__ = ["router", "static_files"]
