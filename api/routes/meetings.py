"""Meetings, plans and progress of a child: list, add, correct; commitments; progress.

Same role rules as the rest of the child's record (``Access``: a worker allocated to
the child); every write is one revision by the caller, ``If-Match`` required, audited.
The edits themselves are :mod:`ecomap.meeting_edits` (pure); the whole document is
validated on every write (FORMAT.md rules, breaches named by the request's fields).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel

from api.child_access import WRITE_RESPONSES, Access, ChildAccess
from api.deps import TodayDep
from api.editing import new_id
from api.errors import ERROR_RESPONSES, ApiError, ErrorDetail
from api.models.meetings import (
    CommitmentCreate,
    CommitmentUpdate,
    MeetingCreate,
    MeetingsPublic,
    MeetingUpdate,
    MeetingWritten,
    ProgressCreate,
)
from ecomap import meeting_edits
from ecomap.meeting_edits import KIND_WORDS, PARTICIPATION_WORDS, NotFound
from ecomap.meetings import plan_status
from ecomap.model import EcomapDocument

router = APIRouter(
    prefix="/api/children", tags=["meetings"], responses={**ERROR_RESPONSES, **WRITE_RESPONSES}
)


def _write(access: ChildAccess, change: Any, target: str) -> tuple[int, EcomapDocument]:
    def guarded(data: dict[str, Any]) -> dict[str, str]:
        try:
            renames: dict[str, str] = change(data)
        except NotFound as exc:
            raise ApiError(404, str(exc)) from exc
        return renames

    return access.edit(guarded, target=target)


def _changes(body: BaseModel, what: str, required: tuple[str, ...]) -> dict[str, Any]:
    """The fields a correction sets; 422 naming the field if it would clear a required one."""
    changes = body.model_dump(mode="json", exclude_unset=True)
    for name in required:
        if name in changes and changes[name] is None:
            raise ApiError(422, f"a {what} must have {name!r}",
                           details=[ErrorDetail(field=name, message="cannot be null")])
    return changes


@router.get("/{child_id}/meetings", response_model=MeetingsPublic, summary="List meetings")
def list_meetings(
    access: Annotated[ChildAccess, Access("meetings.read")],
    today: TodayDep,
) -> MeetingsPublic:
    """The child's meetings with their plans and progress, oldest first, and the plain
    words for each kind and participation code."""
    version, doc = access.read()
    meetings = sorted(doc.meetings, key=lambda m: m.on)
    return MeetingsPublic(
        child=doc.child.id,
        version=version,
        meetings=[m.model_dump(mode="json", exclude_none=True) for m in meetings],
        status=plan_status(doc, today),
        participation_words=dict(PARTICIPATION_WORDS),
        kind_words=dict(KIND_WORDS),
    )


def _commitment(body: CommitmentCreate) -> dict[str, Any]:
    return {"id": new_id("k"), **body.model_dump(mode="json", exclude_none=True)}


@router.post(
    "/{child_id}/meetings", response_model=MeetingWritten, status_code=201,
    summary="Record a meeting",
)
def add_meeting(
    body: MeetingCreate,
    access: Annotated[ChildAccess, Access("meeting.create")],
) -> MeetingWritten:
    """Record a meeting as held, with its plan (each commitment gets an id)."""
    meeting = body.model_dump(mode="json", exclude_none=True, exclude={"plan"})
    meeting_id = new_id("m")
    plan = [_commitment(k) for k in body.plan]
    version, _ = _write(
        access,
        lambda data: meeting_edits.add_meeting(data, {"id": meeting_id, **meeting, "plan": plan}),
        meeting_id,
    )
    return MeetingWritten(id=meeting_id, commitments=[k["id"] for k in plan], version=version)


@router.patch(
    "/{child_id}/meetings/{meeting_id}", response_model=MeetingWritten,
    summary="Correct a meeting",
)
def correct_meeting(
    meeting_id: str,
    body: MeetingUpdate,
    access: Annotated[ChildAccess, Access("meeting.update")],
) -> MeetingWritten:
    """Correct who came, how the child took part, the date or kind, or the note."""
    changes = _changes(body, "meeting", ("kind", "on"))
    version, _ = _write(
        access, lambda data: meeting_edits.correct_meeting(data, meeting_id, changes), meeting_id
    )
    return MeetingWritten(id=meeting_id, version=version)


@router.post(
    "/{child_id}/meetings/{meeting_id}/commitments", response_model=MeetingWritten,
    status_code=201, summary="Add a commitment",
)
def add_commitment(
    meeting_id: str,
    body: CommitmentCreate,
    access: Annotated[ChildAccess, Access("commitment.create")],
) -> MeetingWritten:
    """Add a commitment to a meeting's plan."""
    commitment = _commitment(body)
    version, _ = _write(
        access, lambda data: meeting_edits.add_commitment(data, meeting_id, commitment),
        commitment["id"],
    )
    return MeetingWritten(id=meeting_id, commitments=[commitment["id"]], version=version)


@router.patch(
    "/{child_id}/commitments/{commitment_id}", response_model=MeetingWritten,
    summary="Update a commitment",
)
def update_commitment(
    commitment_id: str,
    body: CommitmentUpdate,
    access: Annotated[ChildAccess, Access("commitment.update")],
) -> MeetingWritten:
    """Change what a commitment says, who holds it, or by when."""
    changes = _changes(body, "commitment", ("what", "who"))
    version, doc = _write(
        access, lambda data: meeting_edits.update_commitment(data, commitment_id, changes),
        commitment_id,
    )
    meeting = next(m.id for m in doc.meetings if any(k.id == commitment_id for k in m.plan))
    return MeetingWritten(id=meeting, commitments=[commitment_id], version=version)


@router.post(
    "/{child_id}/commitments/{commitment_id}/progress", response_model=MeetingWritten,
    status_code=201, summary="Record progress",
)
def add_progress(
    commitment_id: str,
    body: ProgressCreate,
    access: Annotated[ChildAccess, Access("progress.create")],
) -> MeetingWritten:
    """Record whether a commitment is happening: in progress, done, not done, dropped."""
    entry = body.model_dump(mode="json")
    version, doc = _write(
        access, lambda data: meeting_edits.add_progress(data, commitment_id, entry),
        commitment_id,
    )
    meeting = next(m.id for m in doc.meetings if any(k.id == commitment_id for k in m.plan))
    return MeetingWritten(id=meeting, commitments=[commitment_id], version=version)
