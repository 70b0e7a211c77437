"""Which shared people a caller may see, link and change.

People are shared across children (a grandmother of siblings, a social worker with a
caseload), so a person id is a key into other children's networks. A worker sees the
people in their caseload's networks and every professional; an admin sees everyone. A
request naming a person the caller may not see gets the same 422 whether or not the id
exists, so ids cannot be probed. Changing a person is for an admin, or a worker with at
least one child on their caseload whose network has the person (docs/record.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from api.accounts import Accounts
from api.auth.principal import Principal
from api.errors import ApiError, ErrorDetail
from ecomap.model import EcomapDocument, Person
from graph.base import GraphStore

NO_SUCH_PERSON = "no such person among the people you can see"


def visible_people(
    store: GraphStore,
    accounts: Accounts,
    user: Principal,
    *,
    ids: Sequence[str] | None = None,
    search: str | None = None,
    limit: int | None = 50,
) -> list[Person]:
    """The people ``user`` may see (of ``ids``, matching ``search``), ordered by id."""
    if user.role == "admin":
        return store.people(ids=ids, search=search, limit=limit)
    caseload = accounts.caseload(user.actor) if user.role == "worker" else []
    found = {p.id: p for p in store.people(ids=ids, search=search, category="professional",
                                           limit=limit)}
    if caseload:
        found.update(
            (p.id, p)
            for p in store.people(ids=ids, search=search, of_children=caseload, limit=limit)
        )
    people = sorted(found.values(), key=lambda p: p.id)
    return people[:limit] if limit is not None else people


def require_visible(
    store: GraphStore, accounts: Accounts, user: Principal, ids: dict[str, str]
) -> None:
    """422 naming each field whose person id (``{field: id}``) the caller may not see."""
    if not ids:
        return
    seen = {p.id for p in visible_people(store, accounts, user, ids=sorted(set(ids.values())),
                                         limit=None)}
    unseen = [field for field, pid in ids.items() if pid not in seen]
    if unseen:
        raise ApiError(
            422,
            NO_SUCH_PERSON,
            details=[ErrorDetail(field=field, message=NO_SUCH_PERSON) for field in unseen],
        )


def new_people(before: EcomapDocument, after: EcomapDocument) -> dict[str, str]:
    """``{"people[i]": id}`` for each person ``after`` names that ``before`` does not."""
    known = {p.id for p in before.people}
    return {f"people[{i}]": p.id for i, p in enumerate(after.people) if p.id not in known}


def may_change_person(
    store: GraphStore, accounts: Accounts, user: Principal, person_id: str
) -> list[str]:
    """The children whose current network has the person, if ``user`` may change them
    (admin, or a worker allocated to one of those children); else 422 as for an unseen
    person (a visible professional outside the caseload gets 403)."""
    children = store.person_children([person_id]).get(person_id, [])
    if user.role == "admin" and children:
        return children
    if user.role == "worker" and children:
        caseload = set(accounts.caseload(user.actor))
        if caseload.intersection(children):
            return children
        if visible_people(store, accounts, user, ids=[person_id]):
            raise ApiError(
                403, "only a worker of a child whose network has this person may change them"
            )
    if user.role not in ("admin", "worker"):
        raise ApiError(403, "this needs the admin or worker role")
    raise ApiError(422, NO_SUCH_PERSON, details=[ErrorDetail(field="person_id",
                                                             message=NO_SUCH_PERSON)])
