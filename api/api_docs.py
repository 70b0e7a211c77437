"""The API documentation pages, offline: Swagger UI at ``/docs`` and ReDoc at ``/redoc``.

FastAPI's own pages load their scripts from a public CDN at a floating version with no
integrity check. These serve the same tools from the files of the installed, pinned
``fastapi-offline`` package, with no inline script, under the pages' content-security
policy (``ECOMAP_API_DOCS=false`` switches them off).
"""

from __future__ import annotations

import html
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

ASSETS = "/api-docs"

_SWAGGER_INIT = """\
window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({
    url: "%(openapi)s",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
  });
});
"""


def _assets_folder() -> Path:
    return Path(str(files("fastapi_offline") / "static"))


def _page(title: str, head: str, body: str, policy: str) -> HTMLResponse:
    text = (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{html.escape(title)}</title>{head}</head><body>{body}</body></html>\n"
    )
    return HTMLResponse(
        text,
        headers={
            "Content-Security-Policy": policy,
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        },
    )


def install(app: FastAPI, policy: str) -> None:
    """Add ``/docs``, ``/redoc`` and their assets to ``app`` (built with FastAPI's own docs
    off), the pages sent with the content-security ``policy``."""
    openapi = app.openapi_url or "/openapi.json"
    router = APIRouter(include_in_schema=False)
    title = html.escape(app.title)

    @router.get("/docs")
    def swagger() -> HTMLResponse:
        return _page(
            f"{title} — API",
            f'<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">',
            f'<div id="swagger-ui"></div><script src="{ASSETS}/swagger-ui-bundle.js"></script>'
            f'<script src="{ASSETS}/swagger-init.js"></script>',
            policy,
        )

    @router.get(f"{ASSETS}/swagger-init.js")
    def swagger_init() -> Response:
        return Response(
            _SWAGGER_INIT % {"openapi": openapi}, media_type="text/javascript; charset=utf-8"
        )

    @router.get("/redoc")
    def redoc() -> HTMLResponse:
        return _page(
            f"{title} — API",
            "",
            f'<redoc disable-search spec-url="{openapi}"></redoc>'
            f'<script src="{ASSETS}/redoc.standalone.js"></script>',
            policy,
        )

    app.include_router(router)
    app.mount(ASSETS, StaticFiles(directory=_assets_folder()), name="api-docs")
