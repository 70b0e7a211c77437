"""The young person's own page: read their map (no notes), add their own view of it.

Authenticated by their link only: `Authorization: Link <token>`, or the `ecomap_link`
cookie that opening `/trust/<token>` sets. Nothing else is reachable with a link.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from api.auth.principal import Principal
from api.child_access import WRITE_RESPONSES, IfMatch, required_version
from api.deps import AuditorDep, CurrentLink, StoreDep, TodayDep
from api.editing import Edit, edit, etag, load, new_id
from api.errors import ERROR_RESPONSES, ApiError, ErrorDetail
from api.models.people import PersonAdded, YoungPersonNew
from api.models.records import ObservationPublic, YoungObservation
from ecomap.model import EcomapDocument
from ecomap.young_person import OwnMap, young_person_view
from graph.base import GraphStore

router = APIRouter(
    prefix="/api/me", tags=["young person"], responses={**ERROR_RESPONSES, **WRITE_RESPONSES}
)


def _edit(
    store: GraphStore, child_id: str, if_match: str | None, change: Edit, link: Principal
) -> tuple[int, EcomapDocument]:
    """A young person's change: ``If-Match`` required (the map's ``ETag``), one revision
    made by their link; a closed record takes no more answers."""
    required_version(if_match)
    if store.is_closed(child_id):
        raise ApiError(409, "this record is closed", code="closed")
    return edit(store, child_id, if_match, change, actor=link.actor)


@router.get("/map", response_model=OwnMap, summary="My map")
def my_map(
    link: CurrentLink, store: StoreDep, auditor: AuditorDep, today: TodayDep, response: Response
) -> OwnMap:
    """The people in your life today and your own latest answers about each of them (how
    close, how often you see them, what they help with, whether you trust them) — only
    yours: nothing an adult recorded, no scores, no ties between other people."""
    assert link.child_id is not None
    version, doc = load(store, link.child_id, None)
    auditor.record(link, "young_person.map.read", child_id=link.child_id)
    etag(response, version)
    return young_person_view(doc, today)


@router.post(
    "/observations",
    response_model=ObservationPublic,
    status_code=201,
    summary="Say how close someone is",
)
def my_observation(
    body: YoungObservation,
    link: CurrentLink,
    store: StoreDep,
    auditor: AuditorDep,
    today: TodayDep,
    response: Response,
    if_match: IfMatch = None,
) -> ObservationPublic:
    """Closeness, contact, support and trust for one of your ties, recorded as yours today."""
    child_id = link.child_id
    assert child_id is not None
    observation = {
        **body.model_dump(mode="json", exclude_none=True),
        "on": today.isoformat(),
        "by": "child",
    }
    index = -1

    def change(data: dict[str, Any]) -> dict[str, str]:
        nonlocal index
        tie = next((t for t in data.get("ties", []) if t["id"] == body.tie), None)
        if tie is None or child_id not in tie["between"]:
            raise ApiError(
                422,
                "that is not one of your ties",
                details=[ErrorDetail(field="tie", message="is not one of your ties")],
            )
        observations = data.setdefault("observations", [])
        observations.append(observation)
        index = len(observations) - 1
        return {f"observations[{index}]": ""}

    version, _ = _edit(store, child_id, if_match, change, link)
    auditor.record(link, "young_person.observation.create", child_id=child_id, target=body.tie)
    etag(response, version)
    return ObservationPublic(tie=body.tie, on=today, by="child", index=index, version=version)


@router.post("/people", response_model=PersonAdded, status_code=201, summary="Add someone")
def my_person(
    body: YoungPersonNew,
    link: CurrentLink,
    store: StoreDep,
    auditor: AuditorDep,
    today: TodayDep,
    response: Response,
    if_match: IfMatch = None,
) -> PersonAdded:
    """Someone new in your life: added with a tie to you from today, and how close they
    are and whether you trust them if you say."""
    child_id = link.child_id
    assert child_id is not None
    person_id, tie_id = new_id("p"), new_id("t")

    def change(data: dict[str, Any]) -> dict[str, str]:
        people = data.setdefault("people", [])
        people.append({"id": person_id, "name": body.name, "category": body.category})
        ties = data.setdefault("ties", [])
        ties.append({"id": tie_id, "between": [child_id, person_id], "started": today.isoformat()})
        renames = {f"people[{len(people) - 1}]": ""}
        if body.closeness is not None or body.trusted is not None:
            obs: dict[str, Any] = {"tie": tie_id, "on": today.isoformat(), "by": "child"}
            if body.closeness is not None:
                obs["closeness"] = body.closeness
            if body.trusted is not None:
                obs["trusted"] = body.trusted
            data.setdefault("observations", []).append(obs)
        return renames

    version, doc = _edit(store, child_id, if_match, change, link)
    auditor.record(link, "young_person.person.create", child_id=child_id, target=person_id)
    etag(response, version)
    person = next(p for p in doc.people if p.id == person_id)
    return PersonAdded(
        id=person.id,
        name=person.name,
        category=person.category,
        role=None,
        adult=person.adult,
        paid=person.paid,
        tie=tie_id,
        version=version,
    )
