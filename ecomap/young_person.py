"""What a young person's link shows: the people in their life and their own answers.

Nothing an adult recorded reaches it — no worker's ratings, line styles, scores or
components, no status, team or birth date, no ties between other people — because a
young person's page is theirs, and a link can be passed on (docs/security.md).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from ecomap.measures.effective import effective_observation, observations_by_tie
from ecomap.model import EcomapDocument


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OwnSupport(_Frozen):
    """What the young person said someone helps with (1 hardly ever ... 3 almost always)."""

    emotional: int | None = None
    practical: int | None = None
    informational: int | None = None


class OwnPerson(_Frozen):
    """Someone in the young person's life and the young person's latest answers about them
    (null where they have not answered)."""

    id: str
    name: str
    tie: str
    closeness: int | None
    contact: int | None
    support: OwnSupport | None
    trusted: bool | None


class OwnChild(_Frozen):
    name: str


class OwnMap(_Frozen):
    """The young person's own page: their name and the people around them."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "child": {"name": "Ava"},
                    "members": [
                        {"id": "p-gran", "name": "Maureen", "tie": "t1", "closeness": 3,
                         "contact": 3, "support": {"emotional": 3, "practical": 2,
                                                   "informational": None},
                         "trusted": True},
                    ],
                }
            ]
        }
    )

    child: OwnChild
    members: list[OwnPerson]


def young_person_view(doc: EcomapDocument, today: date) -> OwnMap:
    """The people with a tie to the child active ``today``, each with the child's own
    latest answers (``by: child``, dated on or before ``today``) and nothing an adult said.

    >>> from ecomap.format import parse_document
    >>> doc = parse_document({"format": "ecomap/1", "child": {"id": "c", "name": "Ava"},
    ...     "people": [{"id": "g", "name": "Gran", "category": "family"},
    ...                {"id": "m", "name": "Mum", "category": "family"}],
    ...     "ties": [{"id": "t1", "between": ["c", "g"]}, {"id": "t2", "between": ["g", "m"]}],
    ...     "observations": [
    ...         {"tie": "t1", "on": "2024-01-01", "by": "worker", "closeness": 1, "critical": 3},
    ...         {"tie": "t1", "on": "2023-06-01", "by": "child", "closeness": 3,
    ...          "trusted": True}]})
    >>> view = young_person_view(doc, date(2024, 6, 1))
    >>> [(m.name, m.closeness, m.trusted) for m in view.members]
    [('Gran', 3, True)]
    """
    child_id = doc.child.id
    by_tie = observations_by_tie(doc.observations)
    tie_of: dict[str, str] = {}
    for tie in doc.ties:
        if child_id in tie.between and tie.active_on(today):
            other = tie.between[1] if tie.between[0] == child_id else tie.between[0]
            tie_of.setdefault(other, tie.id)
    members = []
    for person in doc.people:
        tie_id = tie_of.get(person.id)
        if tie_id is None:
            continue
        own = effective_observation(by_tie.get(tie_id, []), today, "child")
        support = None
        if own is not None and own.support is not None:
            support = OwnSupport(**own.support.model_dump())
        members.append(
            OwnPerson(
                id=person.id,
                name=person.name,
                tie=tie_id,
                closeness=own.closeness if own else None,
                contact=own.contact if own else None,
                support=support,
                trusted=own.trusted if own else None,
            )
        )
    return OwnMap(child=OwnChild(name=doc.child.name), members=members)
