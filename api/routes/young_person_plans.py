"""The young person's "Who is helping with what": their latest plan, and "is this happening?".

Authenticated by their link only (as the rest of ``/api/me``). They see the open
commitments of their latest plan in their own words, with who holds each; no notes, no
other perspectives' progress, no scores (:func:`ecomap.meeting_edits.who_is_helping`).
An answer (yes / a bit / no) is recorded as ``by: child`` progress dated today.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from api.child_access import WRITE_RESPONSES, IfMatch, required_version
from api.deps import AuditorDep, CurrentLink, StoreDep, TodayDep
from api.editing import edit, etag, load
from api.errors import ERROR_RESPONSES, ApiError, ErrorDetail
from api.models.meetings import HelpingAnswer, HelpingItem, HelpingPublic
from ecomap.meeting_edits import add_progress, child_answer, who_is_helping

router = APIRouter(
    prefix="/api/me", tags=["young person"], responses={**ERROR_RESPONSES, **WRITE_RESPONSES}
)


@router.get("/helping", response_model=HelpingPublic, summary="Who is helping with what")
def my_plan(
    link: CurrentLink, store: StoreDep, auditor: AuditorDep, today: TodayDep, response: Response
) -> HelpingPublic:
    """The open commitments of your latest plan, who holds each, and your last answer."""
    assert link.child_id is not None
    version, doc = load(store, link.child_id, None)
    auditor.record(link, "young_person.plan.read", child_id=link.child_id)
    etag(response, version)
    items = [HelpingItem(**item) for item in who_is_helping(doc, today)]
    return HelpingPublic(data=items, count=len(items))


@router.post(
    "/helping/{commitment_id}", response_model=HelpingItem, summary="Is this happening?"
)
def my_answer(
    commitment_id: str,
    body: HelpingAnswer,
    link: CurrentLink,
    store: StoreDep,
    auditor: AuditorDep,
    today: TodayDep,
    response: Response,
    if_match: IfMatch = None,
) -> HelpingItem:
    """Say whether one of your plan's commitments is happening: yes, a bit, or no."""
    child_id = link.child_id
    assert child_id is not None
    required_version(if_match)
    if store.is_closed(child_id):
        raise ApiError(409, "this record is closed", code="closed")
    _, current = load(store, child_id, None)
    if commitment_id not in {item["id"] for item in who_is_helping(current, today)}:
        raise ApiError(
            404, "that is not one of the things in your plan",
            details=[ErrorDetail(field="commitment_id", message="is not in your plan")],
        )

    def change(data: dict[str, Any]) -> dict[str, str]:
        renames = add_progress(data, commitment_id, child_answer(body.answer, today))
        return {path: "answer" for path in renames}

    version, doc = edit(store, child_id, if_match, change, actor=link.actor)
    auditor.record(link, "young_person.progress.create", child_id=child_id, target=commitment_id)
    etag(response, version)
    return next(HelpingItem(**i) for i in who_is_helping(doc, today) if i["id"] == commitment_id)
