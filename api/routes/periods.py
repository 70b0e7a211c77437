"""A child's stages with the service and the teams that held the case: list, add, end and
correct status and team periods (FORMAT.md ``status``/``team`` episodes).

Each write is a read-modify-replace of the whole document (:func:`api.editing.edit`),
so the format's rules hold: periods of one kind never overlap, and the child's current
status and team are re-read from the latest periods.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from api.child_access import WRITE_RESPONSES, IfMatch, ReasonHeader, required_version
from api.deps import AccountsDep, AuditorDep, CurrentUser, StoreDep, require_child
from api.editing import edit, etag
from api.errors import ERROR_RESPONSES, ApiError, ErrorDetail
from api.models.periods import PeriodCreate, PeriodEnd, PeriodList, PeriodPublic, PeriodUpdate
from ecomap.model import EcomapDocument

router = APIRouter(
    prefix="/api/children", tags=["network"], responses={**ERROR_RESPONSES, **WRITE_RESPONSES}
)

DATED = ("status", "team")


def periods(doc: EcomapDocument) -> list[PeriodPublic]:
    """The document's status and team periods with their index, oldest first."""
    found = [
        PeriodPublic(index=i, kind=e.kind, status=e.status, team=e.team, start=e.start,
                     end=e.end, reason=e.reason)
        for i, e in enumerate(doc.episodes) if e.kind in DATED
    ]
    return sorted(found, key=lambda p: (p.start, p.kind, p.index))


def _dated(data: dict[str, Any], index: int) -> dict[str, Any]:
    episodes = data.get("episodes", [])
    if not 0 <= index < len(episodes) or episodes[index]["kind"] not in DATED:
        raise ApiError(404, "no such status or team period in this child's record")
    episode: dict[str, Any] = episodes[index]
    return episode


def _recompute_current(data: dict[str, Any]) -> None:
    """Let the child's current status and team be read again from the periods."""
    for kind in DATED:
        if any(e["kind"] == kind for e in data.get("episodes", [])):
            data["child"].pop(kind, None)


@router.get("/{child_id}/periods", response_model=PeriodList, summary="Status and team periods")
def list_periods(
    child_id: str, user: CurrentUser, store: StoreDep, accounts: AccountsDep,
    auditor: AuditorDep, response: Response,
) -> PeriodList:
    """The child's stages (early help, in need, protection, looked after, care leaver) and
    the teams that held the case, oldest first; gaps between status periods are when the
    case was closed."""
    require_child(user, child_id, accounts, auditor, "periods.read")
    version, doc = store.version(child_id), store.get(child_id)
    etag(response, version)
    found = periods(doc)
    return PeriodList(data=found, count=len(found), version=version)


@router.post("/{child_id}/periods", response_model=PeriodPublic, status_code=201,
             summary="Add a status or team period")
def add_period(
    child_id: str, body: PeriodCreate, user: CurrentUser, store: StoreDep,
    accounts: AccountsDep, auditor: AuditorDep, response: Response, if_match: IfMatch = None,
    reason: ReasonHeader = None,
) -> PeriodPublic:
    """A new stage or team from ``start``. An open period of the same kind that began
    earlier is ended on ``start`` (the case moved on); anything else that overlaps is a
    422 naming ``start``."""
    require_child(user, child_id, accounts, auditor, "period.create")
    value = body.status if body.kind == "status" else body.team
    other = "team" if body.kind == "status" else "status"
    if value is None or getattr(body, other) is not None:
        raise ApiError(422, f"a {body.kind} period carries its {body.kind} only", details=[
            ErrorDetail(field=body.kind if value is None else other,
                        message="is required" if value is None else f"not for a {body.kind}"),
        ])
    episode = body.model_dump(mode="json", exclude_none=True)
    placed: list[int] = []

    def change(data: dict[str, Any]) -> dict[str, str]:
        episodes = data.setdefault("episodes", [])
        for e in episodes:
            if e["kind"] == body.kind and "end" not in e and e["start"] < episode["start"]:
                e["end"] = episode["start"]
        episodes.append(episode)
        placed.append(len(episodes) - 1)
        _recompute_current(data)
        return {f"episodes[{placed[0]}]": ""}

    required_version(if_match)  # 428 without If-Match (issue 10)
    version, doc = edit(store, child_id, if_match, change, actor=user.actor, reason=reason)
    auditor.record(user, "period.create", child_id=child_id)
    etag(response, version)
    return next(p for p in periods(doc) if p.index == placed[0])


@router.post("/{child_id}/periods/{index}/end", response_model=PeriodPublic,
             summary="End a status or team period")
def end_period(
    child_id: str, index: int, body: PeriodEnd, user: CurrentUser, store: StoreDep,
    accounts: AccountsDep, auditor: AuditorDep, response: Response, if_match: IfMatch = None,
    reason: ReasonHeader = None,
) -> PeriodPublic:
    """The period ends on ``end`` (a status period ending with none after it: the case
    closed)."""
    require_child(user, child_id, accounts, auditor, "period.end")

    def change(data: dict[str, Any]) -> dict[str, str]:
        _dated(data, index)["end"] = body.end.isoformat()
        return {f"episodes[{index}]": ""}

    required_version(if_match)  # 428 without If-Match (issue 10)
    version, doc = edit(store, child_id, if_match, change, actor=user.actor, reason=reason)
    auditor.record(user, "period.end", child_id=child_id)
    etag(response, version)
    return next(p for p in periods(doc) if p.index == index)


@router.patch("/{child_id}/periods/{index}", response_model=PeriodPublic,
              summary="Correct a status or team period")
def correct_period(
    child_id: str, index: int, body: PeriodUpdate, user: CurrentUser, store: StoreDep,
    accounts: AccountsDep, auditor: AuditorDep, response: Response, if_match: IfMatch = None,
    reason: ReasonHeader = None,
) -> PeriodPublic:
    """Replace the fields given (a wrong date, a wrong stage or team)."""
    require_child(user, child_id, accounts, auditor, "period.update")
    given = body.model_dump(mode="json", exclude_unset=True)

    def change(data: dict[str, Any]) -> dict[str, str]:
        episode = _dated(data, index)
        for key, value in given.items():
            if value is None:
                episode.pop(key, None)
            else:
                episode[key] = value
        _recompute_current(data)
        return {f"episodes[{index}]": ""}

    required_version(if_match)  # 428 without If-Match (issue 10)
    version, doc = edit(store, child_id, if_match, change, actor=user.actor, reason=reason)
    auditor.record(user, "period.update", child_id=child_id)
    etag(response, version)
    return next(p for p in periods(doc) if p.index == index)
