"""ASGI middleware: request-size limits, an access log without query strings, and
no-store caching for API answers (they carry children's data)."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ApiError, error_response

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
