"""Editing a child's network piece by piece: people, ties, observations, episodes.

Each write is a read-modify-replace of the child's whole document through
``store.replace``: one revision by the caller, atomic, validated, version-checked
(``If-Match`` required). A person already known is linked, never copied or changed here:
``PATCH /api/people/{id}`` changes a person.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter

from api.child_access import WRITE_RESPONSES, Access, ChildAccess
from api.deps import AccountsDep
from api.editing import new_id
from api.errors import ERROR_RESPONSES, ApiError, ErrorDetail
from api.models.people import PersonAdded, PersonCreate, PersonLink
from api.models.records import EpisodeCreate, EpisodePublic, ObservationCreate, ObservationPublic
from api.models.ties import TieCreate, TieEnd, TiePublic
from api.people_access import require_visible
from ecomap.model import EcomapDocument

router = APIRouter(
    prefix="/api/children", tags=["network"], responses={**ERROR_RESPONSES, **WRITE_RESPONSES}
)


def _find(items: list[dict[str, Any]], item_id: str, what: str) -> dict[str, Any]:
    for item in items:
        if item.get("id") == item_id:
            return item
    raise ApiError(404, f"no such {what} in this child's network")


def _person_added(
    doc: EcomapDocument, person_id: str, tie: str | None, version: int
) -> PersonAdded:
    person = next(p for p in doc.people if p.id == person_id)
    return PersonAdded(
        id=person.id,
        name=person.name,
        category=person.category,
        role=person.role,
        adult=person.adult,
        paid=person.paid,
        tie=tie,
        version=version,
    )


def _tie_to_child(
    data: dict[str, Any], child_id: str, person_id: str, tie_id: str | None, started: Any
) -> dict[str, str]:
    """Add the tie child to person (when asked); the renames for its breaches."""
    if tie_id is None:
        return {}
    tie: dict[str, Any] = {"id": tie_id, "between": [child_id, person_id]}
    if started is not None:
        tie["started"] = started.isoformat()
    data.setdefault("ties", []).append(tie)
    return {f"ties[{len(data['ties']) - 1}]": ""}


@router.post(
    "/{child_id}/people", response_model=PersonAdded, status_code=201, summary="Add a person"
)
def add_person(
    body: PersonCreate,
    access: Annotated[ChildAccess, Access("person.create")],
) -> PersonAdded:
    """Add someone new to the child's network and (by default) a tie from the child to
    them. Someone already known elsewhere is linked instead (`/people/link`)."""
    child_id = access.child_id
    person_id = new_id("p")
    tie_id = new_id("t") if body.tie_to_child else None
    person = body.model_dump(mode="json", exclude_none=True, exclude={"tie_to_child", "started"})

    def change(data: dict[str, Any]) -> dict[str, str]:
        people = data.setdefault("people", [])
        people.append({"id": person_id, **person})
        renames = {f"people[{len(people) - 1}]": ""}
        return {**renames, **_tie_to_child(data, child_id, person_id, tie_id, body.started)}

    version, doc = access.edit(change, target=person_id)
    return _person_added(doc, person_id, tie_id, version)


@router.post(
    "/{child_id}/people/link",
    response_model=PersonAdded,
    status_code=201,
    summary="Link a person already known",
)
def link_person(
    body: PersonLink,
    access: Annotated[ChildAccess, Access("person.link")],
    accounts: AccountsDep,
) -> PersonAdded:
    """Bring someone you can see (`GET /api/people`: your caseload's networks and
    professionals) into this child's network as the same person, with (by default) a tie
    from the child. An id you cannot see gets 422 whether or not it exists."""
    child_id = access.child_id
    require_visible(access.store, accounts, access.user, {"id": body.id})
    person = next(iter(access.store.people(ids=[body.id], limit=1)))
    tie_id = new_id("t") if body.tie_to_child else None

    def change(data: dict[str, Any]) -> dict[str, str]:
        people = data.setdefault("people", [])
        if any(p["id"] == body.id for p in people):
            raise ApiError(
                409,
                "that person is already in this network",
                code="exists",
                details=[ErrorDetail(field="id", message="is already in this network")],
            )
        people.append(person.model_dump(mode="json", exclude_none=True))
        return _tie_to_child(data, child_id, body.id, tie_id, body.started)

    version, doc = access.edit(change, target=body.id)
    return _person_added(doc, body.id, tie_id, version)


def _tie_public(doc: EcomapDocument, tie_id: str, version: int) -> TiePublic:
    tie = next(t for t in doc.ties if t.id == tie_id)
    return TiePublic(
        id=tie.id,
        between=tie.between,
        started=tie.started,
        ended=tie.ended,
        end_reason=tie.end_reason,
        version=version,
    )


@router.post("/{child_id}/ties", response_model=TiePublic, status_code=201, summary="Add a tie")
def add_tie(
    body: TieCreate,
    access: Annotated[ChildAccess, Access("tie.create")],
) -> TiePublic:
    """A tie between the child and a person, or between two people of the network."""
    tie_id = body.id or new_id("t")
    tie = body.model_dump(mode="json", exclude_none=True, exclude={"id"})

    def change(data: dict[str, Any]) -> dict[str, str]:
        ties = data.setdefault("ties", [])
        if any(t["id"] == tie_id for t in ties):
            raise ApiError(
                409,
                "that tie id is already used here",
                code="exists",
                details=[ErrorDetail(field="id", message="is already used here")],
            )
        ties.append({"id": tie_id, **tie})
        return {f"ties[{len(ties) - 1}]": ""}

    version, doc = access.edit(change, target=tie_id)
    return _tie_public(doc, tie_id, version)


@router.post("/{child_id}/ties/{tie_id}/end", response_model=TiePublic, summary="End a tie")
def end_tie(
    tie_id: str,
    body: TieEnd,
    access: Annotated[ChildAccess, Access("tie.end")],
) -> TiePublic:
    """Record that a relationship ended, when and why. Nothing is erased: the ecomap on
    earlier dates still shows it."""

    def change(data: dict[str, Any]) -> dict[str, str]:
        ties = data.get("ties", [])
        tie = _find(ties, tie_id, "tie")
        if tie.get("ended"):
            raise ApiError(
                422,
                "the tie has already ended",
                details=[ErrorDetail(field="ended", message=f"already ended on {tie['ended']}")],
            )
        tie["ended"] = body.ended.isoformat()
        tie["end_reason"] = body.end_reason
        return {f"ties[{ties.index(tie)}]": ""}

    version, doc = access.edit(change, target=tie_id)
    return _tie_public(doc, tie_id, version)


@router.post(
    "/{child_id}/observations",
    response_model=ObservationPublic,
    status_code=201,
    summary="Add an observation",
)
def add_observation(
    body: ObservationCreate,
    access: Annotated[ChildAccess, Access("observation.create")],
) -> ObservationPublic:
    """How a tie looked on a date, from one perspective. Appended: order is kept."""
    observation = body.model_dump(mode="json", exclude_none=True)
    index = -1

    def change(data: dict[str, Any]) -> dict[str, str]:
        nonlocal index
        observations = data.setdefault("observations", [])
        observations.append(observation)
        index = len(observations) - 1
        return {f"observations[{index}]": ""}

    version, _ = access.edit(change, target=body.tie)
    return ObservationPublic(tie=body.tie, on=body.on, by=body.by, index=index, version=version)


@router.post(
    "/{child_id}/episodes", response_model=EpisodePublic, status_code=201, summary="Add an episode"
)
def add_episode(
    body: EpisodeCreate,
    access: Annotated[ChildAccess, Access("episode.create")],
) -> EpisodePublic:
    """A placement or school episode."""
    episode = body.model_dump(mode="json", exclude_none=True)

    def change(data: dict[str, Any]) -> dict[str, str]:
        episodes = data.setdefault("episodes", [])
        episodes.append(episode)
        return {f"episodes[{len(episodes) - 1}]": ""}

    version, _ = access.edit(change)
    return EpisodePublic(
        kind=body.kind, start=body.start, end=body.end, reason=body.reason, version=version
    )
