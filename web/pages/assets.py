"""Static files, and the dashboard's plotly.js bundle, served by this app (no CDN).

The bundle is npm's ``plotly.js-cartesian-dist-min`` (bar, histogram and scatter: the
trace types :mod:`web.figures` draws), pinned in ``package.json`` and installed by
``npm ci`` at set-up: 1.5 MB instead of the 4.8 MB full bundle inside the python
``plotly`` package, which is served instead only if the npm package is missing. Its URL
carries the package version, so browsers may keep it for a year (``immutable``); it is
sent gzip-compressed once, from memory, to every client that accepts gzip.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import plotly
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "web" / "static"
PARTIAL = ROOT / "node_modules" / "plotly.js-cartesian-dist-min"
FULL_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"

#: A year: the URL changes whenever the bundle does, so a cached copy is never stale.
IMMUTABLE = "public, max-age=31536000, immutable"

router = APIRouter()


def static_files() -> StaticFiles:
    """The ``web/static`` folder, for the app to mount at ``/static``."""
    return StaticFiles(directory=STATIC)


@dataclass(frozen=True)
class Bundle:
    """One plotly.js file: its bytes as shipped, and gzip-compressed once."""

    path: Path
    raw: bytes
    gzipped: bytes


def pinned_version(package_json: Path = ROOT / "package.json") -> str:
    """The plotly.js partial bundle's version pinned in ``package.json``.

    >>> pinned_version().count(".")
    2
    """
    pins = json.loads(package_json.read_text(encoding="utf-8"))["dependencies"]
    return str(pins[PARTIAL.name])


def bundle_url(version: str | None = None) -> str:
    """The versioned URL a page names the bundle by.

    >>> bundle_url("4.1.1")
    '/vendor/plotly-cartesian-4.1.1.min.js'
    """
    return f"/vendor/plotly-cartesian-{version or pinned_version()}.min.js"


@cache
def plotly_bundle() -> Bundle:
    """The installed partial bundle (the full one if ``npm ci`` has not been run)."""
    path = PARTIAL / "plotly-cartesian.min.js"
    if not path.is_file():
        path = FULL_JS
    raw = path.read_bytes()
    return Bundle(path, raw, gzip.compress(raw, compresslevel=9, mtime=0))


def accepts_gzip(request: Request) -> bool:
    """Whether the client accepts gzip, by the rule :mod:`api.compression`'s middleware
    applies to every other answer (``gzip`` named in ``Accept-Encoding``)."""
    return "gzip" in request.headers.get("accept-encoding", "")


@router.get("/vendor/plotly-cartesian-{version}.min.js")
def plotly_js(version: str, request: Request) -> Response:
    """The plotly.js bundle at its versioned URL, cacheable for a year; 404 for any
    version but the pinned one (an old page must not be handed a different bundle
    under a name it would cache forever)."""
    if version != pinned_version():
        raise HTTPException(status_code=404, detail="no such plotly.js version here")
    bundle = plotly_bundle()
    headers = {"Cache-Control": IMMUTABLE, "Vary": "Accept-Encoding"}
    body = bundle.raw
    if accepts_gzip(request):
        body = bundle.gzipped
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type="text/javascript", headers=headers)
