"""Static files, and plotly.js served from the installed ``plotly`` package (no CDN)."""

from __future__ import annotations

from pathlib import Path

import plotly
from fastapi import APIRouter
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent.parent / "static"
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"

router = APIRouter()


def static_files() -> StaticFiles:
    """The ``web/static`` folder, for the app to mount at ``/static``."""
    return StaticFiles(directory=STATIC)


@router.get("/vendor/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js exactly as the installed python ``plotly`` package ships it."""
    return FileResponse(
        PLOTLY_JS,
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )
