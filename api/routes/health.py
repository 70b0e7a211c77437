"""Health: is the service up, its store answering, and can it write."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from api.deps import AccountsDep, SettingsDep, StoreDep
from api.errors import ERROR_RESPONSES, ApiError, ErrorDetail, ErrorResponse

router = APIRouter(prefix="/api", tags=["health"], responses=ERROR_RESPONSES)
log = logging.getLogger("ecomap.api")

#: Less free space than this on a database's disk and health reports it cannot write:
#: SQLite needs room for its write-ahead log before a commit can land.
MIN_FREE_BYTES = 4 * 1024 * 1024


class Health(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "ok", "store": "embedded"}]}
    )

    status: Literal["ok"]
    store: Literal["embedded", "neo4j"]


def write_problems(path: str | None, label: str) -> list[ErrorDetail]:
    """Why the database file at ``path`` cannot take a write now (none for memory).

    Checked without writing: the file system is mounted read-only, the file or its
    folder (where SQLite puts its ``-wal`` and ``-shm`` files) refuses writing, or the
    disk is (nearly) full.

    >>> write_problems(":memory:", "store")
    []
    """
    if not path or path == ":memory:":
        return []
    file = Path(path)
    folder = file.parent
    problems: list[str] = []
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            problems.append("its disk is mounted read-only")
        elif not os.access(folder, os.W_OK) or (file.exists() and not os.access(file, os.W_OK)):
            problems.append("the file or its folder is read-only")
        if shutil.disk_usage(folder).free < MIN_FREE_BYTES:
            problems.append("its disk is full")
    except OSError:
        problems.append("its folder cannot be read")
    return [ErrorDetail(field=label, message=f"cannot write: {p}") for p in problems]


@router.get(
    "/health",
    response_model=Health,
    summary="Health check",
    responses={
        503: {
            "model": ErrorResponse,
            "description": "The store is not answering, or it (or the accounts database) "
            "cannot write; the details say what failed.",
        }
    },
)
def health(settings: SettingsDep, store: StoreDep, accounts: AccountsDep) -> Health:
    """No sign-in needed; says nothing about children. 503 if the store does not answer,
    or if the store or the accounts database cannot take a write (a read-only or full
    disk), naming which."""
    try:
        store.children(limit=1)
    except Exception as exc:  # any failure of the store means "not healthy"
        log.error("health: store failed with %s", type(exc).__name__)
        raise ApiError(
            503,
            "the store is not answering",
            details=[ErrorDetail(field="store", message="does not answer a read")],
        ) from exc
    problems = write_problems(getattr(store, "path", None), "store") + write_problems(
        accounts.path, "accounts"
    )
    if problems:
        log.error("health: %s", "; ".join(f"{p.field} {p.message}" for p in problems))
        raise ApiError(503, "the service cannot save changes now", details=problems)
    return Health(status="ok", store=settings.store)
