"""One opening for every request about one child: authorise, then load, audit, version.

``child_access(action)`` is the dependency twenty handlers share: it checks the caller may
touch the child (refusals audited), and gives the handler a :class:`ChildAccess` that
reads the record (now, or ``as_recorded``), edits it as one revision made by the caller,
writes the audit row and sets the ``ETag``. Writes need ``If-Match`` (428 without it) and
may say why in the ``X-Reason`` header (kept with the revision). docs/record.md, "Through
the API and the command line", states these rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Response

from api.audit import Auditor
from api.auth.principal import Principal
from api.deps import AccountsDep, AuditorDep, CurrentUser, StoreDep, require_child
from api.editing import Edit, edit, etag, parse_if_match
from api.errors import ApiError, ErrorDetail, ErrorResponse
from ecomap.model import EcomapDocument
from graph.base import AsRecorded, GraphStore, RevisionNotFound, VersionConflict

IF_MATCH = "If-Match"
REASON_HEADER = "X-Reason"

IfMatch = Annotated[
    str | None,
    Header(
        description='The version you loaded (`"3"`, from the `ETag`). Required on every write '
        "to a child: without it 428, with a stale one 409."
    ),
]
ReasonHeader = Annotated[
    str | None,
    Header(
        alias=REASON_HEADER,
        max_length=500,
        description="Why (optional): kept with the revision and shown in the child's history.",
    ),
]
AsRecordedQ = Annotated[
    str | None,
    Query(
        max_length=40,
        description="As the store held it then: a revision number, or a UTC time "
        "(`2026-09-30T23:59:59Z`: the latest revision at or before it). Default: now.",
    ),
]

#: Documented on every write to a child.
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorResponse,
        "description": "Stale `If-Match`: the body and ETag give the current version.",
    },
    428: {"model": ErrorResponse, "description": "No `If-Match`: send the version you loaded."},
}


def parse_as_recorded(value: str | None) -> AsRecorded:
    """A revision number, or an ISO time (``Z`` or an offset; a time without one is UTC).

    >>> parse_as_recorded("12"), parse_as_recorded(None)
    (12, None)
    >>> parse_as_recorded("2026-09-30T23:59:59Z")
    datetime.datetime(2026, 9, 30, 23, 59, 59, tzinfo=datetime.timezone.utc)
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ApiError(
            422,
            "as_recorded must be a revision number or a date and time",
            details=[ErrorDetail(field="as_recorded", message="is not a revision or a time")],
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def resolve_as_recorded(store: GraphStore, value: str | None) -> AsRecorded:
    """``as_recorded`` checked against the store (422 naming it for an unknown revision)."""
    wanted = parse_as_recorded(value)
    if wanted is None:
        return None
    try:
        store.revision_at(wanted)
    except RevisionNotFound as exc:
        raise ApiError(
            422, str(exc), details=[ErrorDetail(field="as_recorded", message=str(exc))]
        ) from exc
    return wanted


def required_version(if_match: str | None) -> int:
    """The version ``If-Match`` names; 428 naming the header when it is absent.

    >>> required_version('"4"')
    4
    """
    version = parse_if_match(if_match)
    if version is None:
        raise ApiError(
            428,
            "send If-Match with the version you loaded (the ETag), so no change is lost",
            details=[ErrorDetail(field=IF_MATCH, message="is required")],
        )
    return version


@dataclass
class ChildAccess:
    """An authorised request about one child."""

    child_id: str
    user: Principal
    store: GraphStore
    auditor: Auditor
    response: Response
    action: str
    if_match: str | None
    reason: str | None

    def audit(self, action: str | None = None, *, target: str | None = None) -> None:
        self.auditor.record(self.user, action or self.action, child_id=self.child_id,
                            target=target)

    def read(self, as_recorded: str | None = None) -> tuple[int, EcomapDocument]:
        """The child's version and document (as recorded then, if asked), audited; the
        ``ETag`` is set for the current record only (only that can be written back)."""
        wanted = resolve_as_recorded(self.store, as_recorded)
        version = self.store.version(self.child_id, as_recorded=wanted)
        doc = self.store.get(self.child_id, as_recorded=wanted)
        self.audit()
        if wanted is None:
            etag(self.response, version)
        return version, doc

    def expected_version(self) -> int:
        """The ``If-Match`` version (428 without it); 409 at once if it is stale."""
        wanted = required_version(self.if_match)
        current = self.store.version(self.child_id)
        if wanted != current:
            raise VersionConflict(self.child_id, wanted, current)
        return wanted

    def refuse_if_closed(self) -> None:
        if self.store.is_closed(self.child_id):
            raise ApiError(
                409, "this record is closed: an admin can reopen it", code="closed"
            )

    def written(self, version: int, *, target: str | None = None) -> None:
        """After a write: the audit row and the new ``ETag``."""
        self.audit(target=target)
        etag(self.response, version)

    def edit(self, change: Edit, *, target: str | None = None) -> tuple[int, EcomapDocument]:
        """Apply ``change`` to the current document as one revision by the caller
        (``If-Match`` required), audited; returns the new version and document."""
        required_version(self.if_match)
        self.refuse_if_closed()
        version, doc = edit(
            self.store, self.child_id, self.if_match, change,
            actor=self.user.actor, reason=self.reason,
        )
        self.written(version, target=target)
        return version, doc


def child_access(action: str) -> Callable[..., ChildAccess]:
    """The dependency for ``action`` on the path's child: a worker allocated to the
    child (refusals audited as ``denied``)."""

    def dependency(
        child_id: str,
        user: CurrentUser,
        store: StoreDep,
        accounts: AccountsDep,
        auditor: AuditorDep,
        response: Response,
        if_match: IfMatch = None,
        reason: ReasonHeader = None,
    ) -> ChildAccess:
        require_child(user, child_id, accounts, auditor, action)
        return ChildAccess(child_id, user, store, auditor, response, action, if_match, reason)

    return dependency


def Access(action: str) -> Any:
    """``access: Annotated[ChildAccess, Access("child.read")]`` in a handler."""
    return Depends(child_access(action))
