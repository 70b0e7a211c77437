"""Bulk import of JSON Lines (streamed, a result per document) and bulk export."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from typing import IO, Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict

from api.audit import Auditor
from api.auth.principal import Principal
from api.deps import AuditorDep, CurrentUser, SettingsDep, StoreDep, require_role
from api.errors import ERROR_RESPONSES, ApiError, ErrorDetail, ErrorResponse, breach_details
from ecomap.errors import DocumentInvalid
from ecomap.format import dump_document, parse_document
from ecomap.model import Status
from graph.base import DocumentConflict, GraphStore

router = APIRouter(prefix="/api", tags=["import and export"], responses=ERROR_RESPONSES)

_CHUNK = 200


class ImportRow(BaseModel):
    """One line of the import's answer (JSON Lines, one per document, then a summary)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"line": 1, "child": "c-ava", "status": "imported", "version": 1, "errors": []}
            ]
        }
    )

    line: int | None
    child: str | None
    status: Literal["imported", "rejected", "done"]
    version: int | None = None
    errors: list[ErrorDetail] = []
    imported: int | None = None
    rejected: int | None = None


def _results(
    store: GraphStore, spool: IO[bytes], who: Principal, auditor: Auditor
) -> Iterator[str]:
    imported = rejected = 0
    try:
        spool.seek(0)
        for number, raw in enumerate(spool, start=1):
            if not raw.strip():
                continue
            row: ImportRow
            try:
                doc = parse_document(raw, source=f"line {number}")
                # an admin's bulk import may update shared people (one revision names
                # every child who has them); its revisions' actor says where it came from
                version = store.replace(doc, actor=f"import:{who.actor}", update_people=True)
            except DocumentInvalid as exc:
                row = ImportRow(
                    line=number,
                    child=_child_id(raw),
                    status="rejected",
                    errors=breach_details(exc.breaches),
                )
            except DocumentConflict as exc:
                row = ImportRow(
                    line=number,
                    child=exc.child_id,
                    status="rejected",
                    errors=breach_details(exc.breaches),
                )
            else:
                row = ImportRow(line=number, child=doc.child.id, status="imported", version=version)
                auditor.record(who, "import", child_id=doc.child.id)
            if row.status == "imported":
                imported += 1
            else:
                rejected += 1
            yield row.model_dump_json(exclude_none=True) + "\n"
        yield (
            ImportRow(
                line=None, child=None, status="done", imported=imported, rejected=rejected
            ).model_dump_json(exclude_none=True)
            + "\n"
        )
    finally:
        spool.close()


def _child_id(raw: bytes) -> str | None:
    try:
        data: Any = json.loads(raw)
        cid = data["child"]["id"]
    except (ValueError, KeyError, TypeError):
        return None
    return cid if isinstance(cid, str) else None


@router.post(
    "/import",
    response_class=StreamingResponse,
    summary="Bulk import (JSON Lines)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-ndjson": {
                    "schema": {"type": "string"},
                    "example": '{"format": "ecomap/1", "child": {"id": "c-1", "name": "A"}}\n',
                }
            },
        }
    },
    responses={
        200: {
            "content": {"application/x-ndjson": {"schema": ImportRow.model_json_schema()}},
            "description": "A result per document, then a summary line.",
        },
        415: {
            "model": ErrorResponse,
            "description": "The body is not sent as `application/x-ndjson` (or "
            "`application/json`): a browser form cannot import (docs/security.md).",
        },
    },
)
async def import_documents(
    request: Request, user: CurrentUser, store: StoreDep, settings: SettingsDep, auditor: AuditorDep
) -> StreamingResponse:
    """Admins load children's documents, one `ecomap/1` document per line. Each document
    is stored whole or not at all (re-importing replaces that child's network); the answer
    streams one result per line, naming each bad field, then a summary."""
    require_role(user, "admin")
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by _results
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > settings.max_import_bytes:
            spool.close()
            raise ApiError(413, f"imports are limited to {settings.max_import_bytes} bytes")
        spool.write(chunk)
    if size == 0:
        spool.close()
        raise ApiError(
            422,
            "the body is empty: send one ecomap/1 document per line",
            details=[ErrorDetail(field="$", message="is empty")],
        )
    return StreamingResponse(
        _results(store, spool, user, auditor), media_type="application/x-ndjson"
    )


def _documents(store: GraphStore, ids: list[str], include_closed: bool) -> Iterator[str]:
    for start in range(0, len(ids), _CHUNK):
        # each chunk is read in one go (one thread), then written out
        docs = list(store.iter_documents(ids[start : start + _CHUNK],
                                         include_closed=include_closed))
        for doc in docs:
            yield dump_document(doc) + "\n"


@router.get(
    "/export",
    response_class=StreamingResponse,
    summary="Bulk export (JSON Lines)",
    responses={
        200: {
            "content": {"application/x-ndjson": {}},
            "description": "One `ecomap/1` document per line.",
        }
    },
)
def export_documents(
    user: CurrentUser,
    store: StoreDep,
    auditor: AuditorDep,
    team: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[Status | None, Query()] = None,
    include_closed: Annotated[bool, Query(
        description="Closed records too (an `ecomap/1` document does not say it is closed).")
    ] = False,
) -> StreamingResponse:
    """Admins export every open child's document (or a team's / status's); closed records
    too with `include_closed`. A document holds the current record only, not its history
    or whether it is closed: to move or back up a whole store, history and closed flags
    included, use `ecomap migrate` (docs/record.md, "Migration")."""
    require_role(user, "admin")
    ids = [c.id for c in store.children(team=team, status=status,
                                        include_closed=include_closed).data]
    auditor.record(user, "export", target=team)
    return StreamingResponse(
        _documents(store, ids, include_closed),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="ecomap.jsonl"'},
    )
