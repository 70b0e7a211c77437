"""Shared people: find them to link into a network, and change them in the open.

A person (a grandmother of siblings, a social worker with a caseload) is one record
shared by every child whose network has them. Changing them names the person's version
(``If-Match``), so two people changing them at once cannot silently undo each other; the
change is one revision that lists every such child, writes an audit row for each, and
moves each child's version, so a stale editor of any of them gets 409 instead of undoing
the change.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response
from pydantic import ValidationError

from api.child_access import IF_MATCH, REASON_HEADER, WRITE_RESPONSES, required_version
from api.deps import AccountsDep, AuditorDep, CurrentUser, StoreDep, require_role
from api.errors import ERROR_RESPONSES, ApiError, ErrorDetail, validation_details
from api.models.common import Listing
from api.models.people import PersonChanged, PersonListed, PersonUpdate, person_listed
from api.people_access import may_change_person, visible_people
from ecomap.model import Person
from ecomap.stored import kept
from graph.base import PersonConflict, PersonNotFound

router = APIRouter(prefix="/api/people", tags=["people"], responses=ERROR_RESPONSES)


@router.get("", response_model=Listing[PersonListed], summary="Find people to link")
def list_people(
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    search: Annotated[
        str | None, Query(min_length=1, max_length=100, description="Id or name contains.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Listing[PersonListed]:
    """People already in your caseload's networks, and professionals: link one into a
    child's network (`POST /api/children/{id}/people/link`) rather than copying them.
    Admins see everyone. No child is named."""
    require_role(user, "worker", "admin")
    people = visible_people(store, accounts, user, search=search, limit=None)
    auditor.record(user, "people.search")
    shown = people[:limit]
    versions = store.person_versions([p.id for p in shown])
    return Listing(data=[person_listed(p, versions[p.id]) for p in shown if p.id in versions],
                   count=len(people))


@router.patch("/{person_id}", response_model=PersonChanged, summary="Change a person",
              responses=WRITE_RESPONSES)
def update_person(
    person_id: str,
    body: PersonUpdate,
    user: CurrentUser,
    store: StoreDep,
    accounts: AccountsDep,
    auditor: AuditorDep,
    response: Response,
    if_match: Annotated[str | None, Header(
        description='The person\'s version you loaded (`"37"`: `version` from '
        "`GET /api/people`, or the `ETag`): without it 428, with a stale one 409.")] = None,
    reason: Annotated[str | None, Header(alias=REASON_HEADER, max_length=500)] = None,
) -> PersonChanged:
    """Change a person's details (only the fields sent) in every network they are in:
    for an admin, or a worker with a child on their caseload whose network has them.
    `If-Match` names the person's version the change was made on: if someone changed
    them since, 409 and the current version (the `ETag`), and nothing changes. One
    revision; an audit row and a new version for each child whose network has the
    person. A person you cannot see gets 422 whether or not the id exists."""
    children = may_change_person(store, accounts, user, person_id)
    expected = required_version(if_match)
    changes = body.model_dump(mode="json", exclude_unset=True)
    for required in ("name", "category"):
        if required in changes and changes[required] is None:
            raise ApiError(
                422,
                f"a person must have a {required}",
                details=[ErrorDetail(field=required, message="cannot be null")],
            )
    current = store.people(ids=[person_id], limit=1)[0]
    data: dict[str, Any] = current.model_dump(mode="json")
    if "category" in changes:  # adult/paid default from the category unless sent
        data.pop("adult", None)
        data.pop("paid", None)
        data.update(
            {k: v for k, v in (("adult", current.adult), ("paid", current.paid))
             if k not in changes and _explicit(current, k)}
        )
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    try:  # a value stored before a rule existed may stay as it is (docs/record.md)
        person = kept(Person, data, current)
    except ValidationError as exc:
        raise ApiError(422, "the person's details break the format's rules",
                       details=validation_details(exc.errors())) from exc
    try:
        revision = store.update_person(person, actor=user.actor, reason=reason,
                                       expected_version=expected)
    except PersonNotFound as exc:  # gone from every network since the check above
        raise ApiError(422, "no such person among the people you can see") from exc
    except PersonConflict as exc:
        raise ApiError(
            409, "the person's details changed since you loaded them: reload and retry",
            code="version_conflict",
            details=[ErrorDetail(field=IF_MATCH, message=f"current version is {exc.current}")],
            headers={"ETag": f'"{exc.current}"'},
        ) from exc
    version = revision.number if person != current else expected
    response.headers["ETag"] = f'"{version}"'
    for child_id in revision.children:
        auditor.record(user, "person.update", child_id=child_id, target=person_id)
    mine = set(accounts.caseload(user.actor)) if user.role == "worker" else set()
    versions = {c: store.version(c) for c in revision.children if c in mine}
    return PersonChanged(
        person=person_listed(person, version),
        revision=revision.number,
        children=len(revision.children or children),
        versions=versions,
    )


def _explicit(person: Person, field: str) -> bool:
    """Whether ``adult``/``paid`` differ from what the person's category would give."""
    default = Person.model_validate({"id": "x", "name": "x", "category": person.category})
    return bool(getattr(person, field) != getattr(default, field))
