"""One JSON error shape for every failure: ``{"error": {code, message, details}}``.

The shape and :class:`ApiError` live in :mod:`api.error_shape` (no web framework, so
services outside the app can raise them); they are re-exported here with the handlers
that turn every failure into a response."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import DatabaseUnavailable, ServiceUnavailable, SessionExpired
from starlette.exceptions import HTTPException as StarletteHTTPException

# re-exported (``X as X``): routes import the shape from here, with its handlers
from api.error_shape import ApiError as ApiError
from api.error_shape import ErrorBody as ErrorBody
from api.error_shape import ErrorDetail as ErrorDetail
from api.error_shape import ErrorResponse as ErrorResponse
from api.error_shape import code_for
from ecomap.format import DocumentInvalid
from graph.base import Breach, ChildNotFound, DocumentConflict, StoreError, VersionConflict

log = logging.getLogger("ecomap.api")
#: Driver errors meaning the Neo4j server cannot be reached or serve, not a bad request.
NEO4J_FAULTS = (ServiceUnavailable, SessionExpired, DatabaseUnavailable)


def error_response(
    status: int,
    message: str,
    *,
    code: str | None = None,
    details: Sequence[ErrorDetail] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A response in the one error shape."""
    body = ErrorResponse(
        error=ErrorBody(
            code=code or code_for(status), message=message, details=list(details)
        )
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def breach_details(breaches: Sequence[Breach]) -> list[ErrorDetail]:
    """Store/format breaches as error details (path → field)."""
    return [ErrorDetail(field=b.path or "$", message=b.message) for b in breaches]


def _loc_field(loc: Sequence[Any]) -> str:
    """``("body", "people", 0, "name")`` → ``people[0].name``; ``("query", "x")`` → ``x``."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "$"


def validation_details(errors: Sequence[Any]) -> list[ErrorDetail]:
    """pydantic/FastAPI validation errors as error details, one per bad field."""
    details = []
    for err in errors:
        loc = err.get("loc", ()) if isinstance(err, dict) else ()
        msg = err.get("msg", "is invalid") if isinstance(err, dict) else str(err)
        details.append(ErrorDetail(field=_loc_field(loc), message=str(msg)))
    return details


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into the error shape."""

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(
            exc.status, exc.message, code=exc.code, details=exc.details, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = validation_details(exc.errors())
        return error_response(
            422, f"the request has {_plural(len(details), 'invalid field')}", details=details
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
        return error_response(exc.status_code, message, headers=headers or None)

    @app.exception_handler(DocumentInvalid)
    async def _document(request: Request, exc: DocumentInvalid) -> JSONResponse:
        details = breach_details(exc.breaches)
        return error_response(
            422,
            f"the document breaks {_plural(len(details), 'rule')}; nothing was stored",
            details=details,
        )

    @app.exception_handler(ChildNotFound)
    async def _missing(request: Request, exc: ChildNotFound) -> JSONResponse:
        return error_response(404, "no such child")

    @app.exception_handler(VersionConflict)
    async def _conflict(request: Request, exc: VersionConflict) -> JSONResponse:
        return conflict_response(exc.current)

    @app.exception_handler(DocumentConflict)
    async def _clash(request: Request, exc: DocumentConflict) -> JSONResponse:
        # The store's messages may name the clashing ids, whose they are or which details
        # differ: answer with the field and a fixed sentence, so no one learns of another
        # child's data (docs/security.md).
        details = [ErrorDetail(field=b.path or "$", message=clash_message(b.path))
                   for b in exc.breaches]
        return error_response(
            422,
            "the document clashes with what is stored; nothing was stored",
            code="document_conflict",
            details=details,
        )

    @app.exception_handler(StoreError)
    async def _store(request: Request, exc: StoreError) -> JSONResponse:
        log.error("store error %s on %s", type(exc).__name__, request.url.path)
        return store_fault_response(request.method, "the store did not answer")

    @app.exception_handler(sqlite3.DatabaseError)
    async def _sqlite(request: Request, exc: sqlite3.DatabaseError) -> JSONResponse:
        reason = sqlite_fault(exc)
        if reason is None:
            log.exception("unexpected error on %s %s", request.method, request.url.path)
            return error_response(500, "internal error")
        log.error("store fault %s on %s", getattr(exc, "sqlite_errorname", "?"), request.url.path)
        return store_fault_response(request.method, reason)

    async def _neo4j(request: Request, exc: Exception) -> JSONResponse:
        log.error("store fault %s on %s", type(exc).__name__, request.url.path)
        return store_fault_response(request.method, "the Neo4j database is not answering")

    for kind in NEO4J_FAULTS:
        app.add_exception_handler(kind, _neo4j)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal error")


def clash_message(path: str) -> str:
    """What to say about a field that clashes with data stored for other children: a
    fixed sentence per kind of field, never the store's own words.

    >>> clash_message("ties[3].id")
    'is already in use: choose another id'
    >>> clash_message("people[2]")[:40]
    'this person is already recorded with oth'
    """
    if path.startswith("people"):
        return ("this person is already recorded with other details: a child's record may "
                "link them but not change them; change a shared person's details with the "
                "person edit")
    return "is already in use: choose another id"


#: SQLite's result codes (``sqlite_errorname``, never the message text) that mean the
#: disk or the file, not the request, is at fault — and what to tell people.
_SQLITE_FAULTS = (
    ("SQLITE_FULL", "the disk is full"),
    ("SQLITE_READONLY", "the database file is read-only"),
    ("SQLITE_IOERR", "the disk failed to read or write"),
    ("SQLITE_CANTOPEN", "the database file cannot be opened"),
    ("SQLITE_BUSY", "the database is busy"),
    ("SQLITE_LOCKED", "the database is busy"),
    ("SQLITE_CORRUPT", "the database file is damaged"),
    ("SQLITE_NOTADB", "the database file is damaged"),
)
RETRY_AFTER_SECONDS = 30


def sqlite_fault(exc: sqlite3.Error) -> str | None:
    """What a SQLite error says about the disk or file, or None if it is not such a fault.

    >>> err = sqlite3.OperationalError("database or disk is full")
    >>> err.sqlite_errorname = "SQLITE_FULL"
    >>> sqlite_fault(err)
    'the disk is full'
    >>> err.sqlite_errorname = "SQLITE_READONLY_DBMOVED"
    >>> sqlite_fault(err)
    'the database file is read-only'
    >>> err.sqlite_errorname = "SQLITE_CONSTRAINT_UNIQUE"
    >>> sqlite_fault(err) is None
    True
    """
    name = getattr(exc, "sqlite_errorname", None) or ""
    return next((why for code, why in _SQLITE_FAULTS if name.startswith(code)), None)


def store_fault_response(method: str, reason: str) -> JSONResponse:
    """503 for a store that cannot read or write: what failed, and to try again
    (``Retry-After``). Each write is one transaction, so a failed save stored nothing."""
    action = "read" if method in ("GET", "HEAD") else "save"
    return error_response(
        503,
        f"could not {action}: {reason}. Try again later; if it goes on, tell whoever runs "
        "the service",
        details=[ErrorDetail(field="store", message=reason)],
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method the schema documents for ``path`` (one route per method in FastAPI, so
    Starlette's own ``Allow`` names only the first)."""
    patterns: list[tuple[re.Pattern[str], list[str]]] | None = getattr(
        app.state, "allow_patterns", None)
    if patterns is None:
        patterns = [
            (re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(p)) + "$"),
             [m.upper() for m in ops])
            for p, ops in app.openapi()["paths"].items()
        ]
        app.state.allow_patterns = patterns
    return sorted({m for rx, methods in patterns if rx.match(path) for m in methods})


def conflict_response(current: int | None) -> JSONResponse:
    """409 for a stale write: the body and the ``ETag`` header give the current version."""
    headers = {"ETag": f'"{current}"'} if current is not None else None
    return error_response(
        409,
        "the child's record changed since you loaded it: reload and retry",
        code="version_conflict",
        details=[ErrorDetail(field="If-Match", message=f"current version is {current}")],
        headers=headers,
    )


# Documented on every route so the OpenAPI schema describes the error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": desc}
    for status, desc in (
        (400, "The body could not be read (e.g. not valid JSON)."),
        (401, "Not signed in, or the link is expired or revoked."),
        (403, "Signed in, but this role or allocation does not allow it."),
        (404, "No such resource."),
        (413, "The body is over the size limit."),
        (422, "Invalid input: each bad field is named."),
        (503, "The store cannot read or write now (disk full, read-only): try again later."),
    )
}
