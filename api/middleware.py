"""ASGI middleware: request-size limits, cross-site request refusal (CSRF), an access
log without query strings, and no-store caching for API answers (they carry children's
data)."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ApiError, ErrorDetail, error_response

access_log = logging.getLogger("ecomap.access")


class BodyLimit:
    """Refuse bodies over the limit (413): at once by Content-Length, else while reading."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, import_bytes: int, import_path: str = "/api/import"
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.import_bytes = import_bytes
        self.import_path = import_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.import_bytes if scope["path"] == self.import_path else self.max_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > limit or declared < 0:
                    response = error_response(413, f"the request body is over {limit} bytes")
                    await response(scope, receive, send)
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise ApiError(413, f"the request body is over {limit} bytes")
            return message

        await self.app(scope, limited, send)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: What ``POST /api/import`` reads: JSON Lines (or one JSON document). A browser form can
#: send only urlencoded, multipart or text/plain bodies without a CORS preflight.
IMPORT_TYPES = frozenset({"application/x-ndjson", "application/json"})


def cross_site_reason(method: str, headers: Headers, scheme: str) -> str | None:
    """Why an unsafe request is refused as cross-site, or None to let it through.

    A request carrying ``Authorization`` (a bearer token or a young person's link) is
    never forged by another site: browsers add that header only from our own scripts.
    Otherwise the browser's ``Sec-Fetch-Site`` must say ``same-origin`` (another port of
    the same host is ``same-site``, and refused); a browser too old to send it must send
    an ``Origin`` equal to ours. A request with neither header is not from a browser
    (every browser since 2020 sends one of them on an unsafe request), so no one's
    cookies can have been borrowed: it passes — the rule Go's ``CrossOriginProtection``
    follows.

    >>> h = Headers({"sec-fetch-site": "same-site", "cookie": "ecomap_session=x"})
    >>> cross_site_reason("POST", h, "http")
    'the request came from another site (Sec-Fetch-Site: same-site)'
    >>> cross_site_reason("POST", Headers({"sec-fetch-site": "same-origin"}), "http")
    >>> cross_site_reason("GET", h, "http")
    """
    if method in SAFE_METHODS or "authorization" in headers:
        return None
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        if fetch_site == "same-origin":
            return None
        return f"the request came from another site (Sec-Fetch-Site: {fetch_site[:20]})"
    origin = headers.get("origin")
    if origin is not None:
        own = f"{scheme}://{headers.get('host', '')}"
        if origin == own:
            return None
        return "the request came from another site (Origin does not match)"
    return None


class CrossSiteGuard:
    """Refuse forged cross-site requests (403) and browser-form bodies on import (415).

    Every unsafe request is checked by :func:`cross_site_reason`, so a page on another
    site — or another port of this host — cannot use a signed-in person's cookies to
    import, sign out, make links or edit; ``POST /api/import`` also needs a JSON content
    type. Bearer-token clients are unaffected (docs/security.md)."""

    def __init__(self, app: ASGIApp, *, import_path: str = "/api/import") -> None:
        self.app = app
        self.import_path = import_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        reason = cross_site_reason(scope["method"], headers, scope.get("scheme", "http"))
        if reason is not None:
            response = error_response(403, reason, code="cross_site")
            await response(scope, receive, send)
            return
        if scope["path"] == self.import_path:
            media = headers.get("content-type", "").split(";")[0].strip().lower()
            if media not in IMPORT_TYPES:
                response = error_response(
                    415,
                    "send JSON Lines with Content-Type: application/x-ndjson",
                    details=[ErrorDetail(field="Content-Type", message="must be "
                                         "application/x-ndjson or application/json")],
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class AccessLog:
    """One line per request: method, route template (no query string, no tokens), status,
    milliseconds. Children's ids appear only as ``{child_id}`` placeholders."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        is_api = scope["path"].startswith("/api/")

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                if is_api:
                    headers: list[Any] = list(message.get("headers", []))
                    headers.append((b"cache-control", b"no-store"))
                    headers.append((b"x-content-type-options", b"nosniff"))
                    message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "(unmatched)"
            access_log.info(
                "%s %s %d %.1fms",
                scope["method"],
                template,
                status,
                (time.perf_counter() - started) * 1000,
            )
