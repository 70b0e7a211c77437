"""Editing a child's network piece by piece: people, ties, observations, episodes.

Each write is a read-modify-replace of the child's whole document through
``store.replace(doc, expected_version=...)``: atomic, validated, version-checked.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from api.deps import AccountsDep, AuditorDep, CurrentUser, StoreDep, require_child
from api.editing import edit, etag, new_id
from api.errors import ERROR_RESPONSES, ApiError, ErrorDetail
from api.models.people import PersonCreate, PersonPublic, PersonUpdate
from api.models.records import EpisodeCreate, EpisodePublic, ObservationCreate, ObservationPublic
from api.models.ties import TieCreate, TieEnd, TiePublic
from api.routes.children import CONFLICT, IfMatch
from ecomap.model import EcomapDocument

router = APIRouter(
    prefix="/api/children", tags=["network"], responses={**ERROR_RESPONSES, **CONFLICT}
)


def _find(items: list[dict[str, Any]], item_id: str, what: str) -> dict[str, Any]:
    for item in items:
        if item.get("id") == item_id:
            return item
    raise ApiError(404, f"no such {what} in this child's network")


def _person_public(
    doc: EcomapDocument, person_id: str, tie: str | None, version: int
) -> PersonPublic:
    person = next(p for p in doc.people if p.id == person_id)
    return PersonPublic(
        id=person.id,
        name=person.name,
        category=person.category,
        role=person.role,
        adult=person.adult,
        paid=person.paid,
        tie=tie,
        version=version,
    )


@router.post(
    "/{child_id}/people", response_model=PersonPublic, status_code=201, summary="Add a person"
)
def add_person(
    child_id: str,
    body: PersonCreate,
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    response: Response,
    if_match: IfMatch = None,
) -> PersonPublic:
    """Add someone to the child's network and (by default) a tie from the child to them."""
    require_child(user, child_id, accounts, auditor, "person.create")
    person_id = body.id or new_id("p")
    tie_id = new_id("t") if body.tie_to_child else None
    person = body.model_dump(
        mode="json", exclude_none=True, exclude={"id", "tie_to_child", "started"}
    )

    def change(data: dict[str, Any]) -> dict[str, str]:
        people = data.setdefault("people", [])
        if any(p["id"] == person_id for p in people) or person_id == child_id:
            raise ApiError(
                409,
                "that person is already in this network",
                code="exists",
                details=[ErrorDetail(field="id", message="is already used here")],
            )
        people.append({"id": person_id, **person})
        if tie_id is not None:
            tie: dict[str, Any] = {"id": tie_id, "between": [child_id, person_id]}
            if body.started is not None:
                tie["started"] = body.started.isoformat()
            data.setdefault("ties", []).append(tie)
            return {f"people[{len(people) - 1}]": "", f"ties[{len(data['ties']) - 1}]": ""}
        return {f"people[{len(people) - 1}]": ""}

    version, doc = edit(store, child_id, if_match, change)
    auditor.record(user, "person.create", child_id=child_id, target=person_id)
    etag(response, version)
    return _person_public(doc, person_id, tie_id, version)


@router.patch(
    "/{child_id}/people/{person_id}", response_model=PersonPublic, summary="Update a person"
)
def update_person(
    child_id: str,
    person_id: str,
    body: PersonUpdate,
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    response: Response,
    if_match: IfMatch = None,
) -> PersonPublic:
    """Change a person's fields (shared people change in every network they are in)."""
    require_child(user, child_id, accounts, auditor, "person.update")
    changes = body.model_dump(mode="json", exclude_unset=True)
    for required in ("name", "category"):
        if required in changes and changes[required] is None:
            raise ApiError(
                422,
                f"a person must have a {required}",
                details=[ErrorDetail(field=required, message="cannot be null")],
            )

    def change(data: dict[str, Any]) -> dict[str, str]:
        people = data.get("people", [])
        person = _find(people, person_id, "person")
        for key, value in changes.items():
            if value is None:
                person.pop(key, None)
            else:
                person[key] = value
        return {f"people[{people.index(person)}]": ""}

    version, doc = edit(store, child_id, if_match, change)
    auditor.record(user, "person.update", child_id=child_id, target=person_id)
    etag(response, version)
    return _person_public(doc, person_id, None, version)


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
    child_id: str,
    body: TieCreate,
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    response: Response,
    if_match: IfMatch = None,
) -> TiePublic:
    """A tie between the child and a person, or between two people of the network."""
    require_child(user, child_id, accounts, auditor, "tie.create")
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

    version, doc = edit(store, child_id, if_match, change)
    auditor.record(user, "tie.create", child_id=child_id, target=tie_id)
    etag(response, version)
    return _tie_public(doc, tie_id, version)


@router.post("/{child_id}/ties/{tie_id}/end", response_model=TiePublic, summary="End a tie")
def end_tie(
    child_id: str,
    tie_id: str,
    body: TieEnd,
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    response: Response,
    if_match: IfMatch = None,
) -> TiePublic:
    """Record that a relationship ended, when and why. Nothing is erased: the ecomap on
    earlier dates still shows it."""
    require_child(user, child_id, accounts, auditor, "tie.end")

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

    version, doc = edit(store, child_id, if_match, change)
    auditor.record(user, "tie.end", child_id=child_id, target=tie_id)
    etag(response, version)
    return _tie_public(doc, tie_id, version)


@router.post(
    "/{child_id}/observations",
    response_model=ObservationPublic,
    status_code=201,
    summary="Add an observation",
)
def add_observation(
    child_id: str,
    body: ObservationCreate,
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    response: Response,
    if_match: IfMatch = None,
) -> ObservationPublic:
    """How a tie looked on a date, from one perspective. Appended: order is kept."""
    require_child(user, child_id, accounts, auditor, "observation.create")
    observation = body.model_dump(mode="json", exclude_none=True)
    index = -1

    def change(data: dict[str, Any]) -> dict[str, str]:
        nonlocal index
        observations = data.setdefault("observations", [])
        observations.append(observation)
        index = len(observations) - 1
        return {f"observations[{index}]": ""}

    version, _ = edit(store, child_id, if_match, change)
    auditor.record(user, "observation.create", child_id=child_id, target=body.tie)
    etag(response, version)
    return ObservationPublic(tie=body.tie, on=body.on, by=body.by, index=index, version=version)


@router.post(
    "/{child_id}/episodes", response_model=EpisodePublic, status_code=201, summary="Add an episode"
)
def add_episode(
    child_id: str,
    body: EpisodeCreate,
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    response: Response,
    if_match: IfMatch = None,
) -> EpisodePublic:
    """A placement or school episode."""
    require_child(user, child_id, accounts, auditor, "episode.create")
    episode = body.model_dump(mode="json", exclude_none=True)

    def change(data: dict[str, Any]) -> dict[str, str]:
        episodes = data.setdefault("episodes", [])
        episodes.append(episode)
        return {f"episodes[{len(episodes) - 1}]": ""}

    version, _ = edit(store, child_id, if_match, change)
    auditor.record(user, "episode.create", child_id=child_id)
    etag(response, version)
    return EpisodePublic(
        kind=body.kind, start=body.start, end=body.end, reason=body.reason, version=version
    )
