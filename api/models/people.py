"""People in a child's network: create (with the tie to the child), update, public row."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from api.models.children import Name
from api.models.common import Body
from ecomap.model import Category, IsoDate, Person, Slug

PersonId = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")
]


class PersonBase(Body):
    name: Name
    category: Category
    role: Slug | None = Field(
        None, description="Optional slug, e.g. `grandparent`, `social_worker`."
    )
    adult: StrictBool | None = Field(None, description="Default: true except for friends.")
    paid: StrictBool | None = Field(None, description="Default: true for professionals and carers.")


class PersonCreate(PersonBase):
    """Someone new in the child's network; the service makes their id."""

    tie_to_child: StrictBool = Field(
        True, description="Also add a tie between the child and this person."
    )
    started: IsoDate | None = Field(None, description="When the tie to the child began.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Maureen",
                    "category": "family",
                    "role": "grandparent",
                    "started": "2012-04-01",
                }
            ]
        }
    )


class PersonLink(Body):
    """Someone already known (a sibling's grandmother, a social worker): found with
    `GET /api/people`, linked into this child's network as the same person, not copied."""

    id: PersonId = Field(description="A person you can see (`GET /api/people`).")
    tie_to_child: StrictBool = Field(
        True, description="Also add a tie between the child and this person."
    )
    started: IsoDate | None = Field(None, description="When the tie to the child began.")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"id": "p-3f9c0a1b2c4d", "started": "2024-02-01"}]}
    )


class PersonUpdate(Body):
    """Only the fields sent change; the change shows in every network the person is in."""

    name: Name | None = None
    category: Category | None = None
    role: Slug | None = None
    adult: StrictBool | None = None
    paid: StrictBool | None = None

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"role": "kinship_carer", "category": "carer"}]}
    )


#: The people models' example: a grandmother as everyone who can see her sees her.
GRAN_EXAMPLE: dict[str, Any] = {
    "id": "p-gran", "name": "Maureen", "category": "family", "role": "grandparent",
    "adult": True, "paid": False,
}


class PersonPublic(BaseModel):
    """A person as everyone who can see them sees them."""

    model_config = ConfigDict(json_schema_extra={"examples": [GRAN_EXAMPLE]})

    id: str
    name: str
    category: Category
    role: str | None
    adult: bool
    paid: bool


class PersonListed(PersonPublic):
    """A person as found to link or change, with the version a change must name."""

    model_config = ConfigDict(json_schema_extra={"examples": [{**GRAN_EXAMPLE, "version": 37}]})

    version: int = Field(
        description="The person's version: the revision that wrote their details. Send it "
        "back in `If-Match` to change them (`PATCH /api/people/{id}`)."
    )


class PersonAdded(PersonPublic):
    """A person added to (or linked into) a child's network."""

    model_config = ConfigDict(json_schema_extra={
        "examples": [{**GRAN_EXAMPLE, "tie": "t-3f9c0a1b2c4d", "version": 4}]})

    tie: str | None = Field(None, description="The tie to the child made with the person, if any.")
    version: int = Field(description="The child's document version after the write.")


class PersonChanged(BaseModel):
    """The outcome of a person edit: one revision, every network that has them changed."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "person": {
                        "id": "sw-17",
                        "name": "Sam Okafor",
                        "category": "professional",
                        "role": "social_worker",
                        "adult": True,
                        "paid": True,
                        "version": 912,
                    },
                    "revision": 912,
                    "children": 44,
                    "versions": {"c-ava": 8},
                }
            ]
        }
    )

    person: PersonListed
    revision: int = Field(description="The revision that made the change.")
    children: int = Field(description="How many children's networks have the person.")
    versions: dict[str, int] = Field(
        description="The new version of each of those children on your caseload."
    )


def person_listed(person: Person, version: int) -> PersonListed:
    return PersonListed(**person_public(person).model_dump(), version=version)


def person_public(person: Person) -> PersonPublic:
    return PersonPublic(
        id=person.id,
        name=person.name,
        category=person.category,
        role=person.role,
        adult=person.adult,
        paid=person.paid,
    )


class YoungPersonNew(Body):
    """Someone a young person names: a new person tied to them from today."""

    name: Name
    category: Category
    closeness: Annotated[int, Field(ge=1, le=3, strict=True)] | None = None
    trusted: StrictBool | None = None

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "Kez", "category": "friend", "closeness": 3}]}
    )
