"""The ecomap/1 document as pydantic models: child, people, ties, observations, episodes,
meetings (with their plans and progress).

Field-level rules (types, ranges, enumerations, unknown fields) live here; the
rules that span the document (ids exist, dates in order, one child) are checked by
:func:`ecomap.format.validate_document`, which reports every breach at once.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

FORMAT_NAME = "ecomap/1"

Id = Annotated[str, StringConstraints(min_length=1, strip_whitespace=False)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]

Status = Literal["early_help", "child_in_need", "child_protection", "looked_after", "care_leaver"]
Category = Literal["family", "carer", "friend", "community", "volunteer", "professional"]
Perspective = Literal["child", "worker", "carer", "family", "other"]
Direction = Literal["both", "to_child", "from_child"]
EndReason = Literal[
    "moved_placement", "worker_changed", "by_choice", "death", "safeguarding", "other"
]
EpisodeKind = Literal["placement", "school"]

STATUSES: tuple[Status, ...] = (
    "early_help", "child_in_need", "child_protection", "looked_after", "care_leaver",
)
CATEGORIES: tuple[Category, ...] = (
    "family", "carer", "friend", "community", "volunteer", "professional",
)
SUPPORT_TYPES: tuple[str, ...] = ("emotional", "practical", "informational")
SOCIAL_WORKER_ROLE = "social_worker"

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_MESSAGE = "must be a date written YYYY-MM-DD"


def _iso_date(value: Any) -> Any:
    """Accept a ``date`` or a ``YYYY-MM-DD`` string only (no datetimes, no timestamps)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        return date.fromisoformat(value)
    raise ValueError(_DATE_MESSAGE)


def _isoformat(value: date) -> str:
    return value.isoformat()


class _IsoDateRule:
    """The ``YYYY-MM-DD`` rule as a core schema: checked in Rust for JSON text.

    JSON input (``model_validate_json``) never calls Python: a string of exactly
    ``[0-9]{4}-[0-9]{2}-[0-9]{2}`` then a real calendar date (pydantic's own strict
    date alone would also take a digits-only timestamp string). Python input (API
    bodies, documents built in code) keeps :func:`_iso_date`: a ``date`` that is not
    a ``datetime``, or such a string. Both reject datetimes, timestamps and
    ``2012-4-1``.
    """

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        from_json = core_schema.custom_error_schema(
            core_schema.chain_schema([
                core_schema.str_schema(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
                core_schema.date_schema(),
            ]),
            custom_error_type="date_format",
            custom_error_message=_DATE_MESSAGE,
        )
        return core_schema.json_or_python_schema(
            json_schema=from_json,
            python_schema=core_schema.no_info_plain_validator_function(_iso_date),
            serialization=core_schema.plain_serializer_function_ser_schema(
                _isoformat, return_schema=core_schema.str_schema(), when_used="json"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        if handler.mode == "serialization":
            return {"type": "string"}
        return {"type": "string", "format": "date"}


IsoDate = Annotated[date, _IsoDateRule]
Rating3 = Annotated[int, Field(ge=1, le=3, strict=True)]


class _Strict(BaseModel):
    """Base for every part of the document: unknown fields are errors (usually typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Child(_Strict):
    id: Id
    name: Annotated[str, StringConstraints(min_length=1)]
    birth_date: IsoDate | None = None
    status: Status | None = None
    team: str | None = None


class Person(_Strict):
    """Someone in a child's network. ``adult`` and ``paid`` default from the category."""

    id: Id
    name: Annotated[str, StringConstraints(min_length=1)]
    category: Category
    role: Slug | None = None
    adult: bool = True
    paid: bool = False

    @model_validator(mode="before")
    @classmethod
    def _category_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("category"), str):
            data = dict(data)
            data.setdefault("adult", data["category"] != "friend")
            data.setdefault("paid", data["category"] in ("professional", "carer"))
        return data


class Tie(_Strict):
    """A relationship between two ids, active on t when started <= t < ended."""

    id: Id
    between: tuple[Id, Id]
    started: IsoDate | None = None
    ended: IsoDate | None = None
    end_reason: EndReason | None = None

    def active_on(self, t: date) -> bool:
        """Whether the tie is active on ``t`` (FORMAT.md).

        >>> Tie(id="t", between=("a", "b"), started=date(2024, 1, 1),
        ...     ended=date(2024, 6, 1)).active_on(date(2024, 6, 1))
        False
        """
        started_by_t = self.started is None or self.started <= t
        return started_by_t and (self.ended is None or self.ended > t)


class Support(_Strict):
    emotional: Rating3 | None = None
    practical: Rating3 | None = None
    informational: Rating3 | None = None


class Observation(_Strict):
    """How a tie looked on a date, from one perspective; every rating is optional."""

    tie: Id
    on: IsoDate
    by: Perspective
    closeness: Rating3 | None = None
    contact: Annotated[int, Field(ge=0, le=4, strict=True)] | None = None
    support: Support | None = None
    critical: Rating3 | None = None
    direction: Direction | None = None
    trusted: bool | None = None
    note: str | None = None


class Episode(_Strict):
    kind: EpisodeKind
    start: IsoDate
    end: IsoDate | None = None
    reason: Slug | None = None


MeetingKind = Literal[
    "family_group_conference", "family_network_meeting", "lifelong_links",
    "looked_after_review", "protection_conference", "other",
]
Participation = Literal["PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"]
ProgressState = Literal["agreed", "in_progress", "done", "not_done", "dropped"]

MEETING_KINDS: tuple[MeetingKind, ...] = (
    "family_group_conference", "family_network_meeting", "lifelong_links",
    "looked_after_review", "protection_conference", "other",
)
PARTICIPATION_CODES: tuple[Participation, ...] = (
    "PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7",
)
PROGRESS_STATES: tuple[ProgressState, ...] = (
    "agreed", "in_progress", "done", "not_done", "dropped",
)
#: The states in which a commitment is still *open* (MEASURES.md).
OPEN_STATES: frozenset[str] = frozenset({"agreed", "in_progress"})


class Progress(_Strict):
    """A commitment's state from a date on, from one perspective (``by``, optional)."""

    on: IsoDate
    state: ProgressState
    by: Perspective | None = None


class Commitment(_Strict):
    """One part of a plan: what will happen, who committed (person ids), by when.

    ``who`` may be empty when the child themself holds it. A commitment is
    ``agreed`` on its meeting's date until a later ``progress`` entry says otherwise.
    """

    id: Id
    what: Annotated[str, StringConstraints(min_length=1)]
    who: list[Id] = Field(default_factory=list)
    by: IsoDate | None = None
    progress: list[Progress] = Field(default_factory=list)


class Meeting(_Strict):
    """A family group conference, family network meeting or review, and its plan.

    ``attended`` need not be a subset of ``invited`` (people come uninvited);
    ``participation`` is how the child took part (the looked-after return's PN codes).

    >>> m = Meeting.model_validate({"id": "m1", "kind": "family_group_conference",
    ...     "on": "2024-03-01", "invited": ["p-gran"], "attended": ["p-gran"],
    ...     "participation": "PN1", "plan": [{"id": "k1", "what": "Sunday tea",
    ...     "who": ["p-gran"]}]})
    >>> m.plan[0].who, m.plan[0].progress
    (['p-gran'], [])
    """

    id: Id
    kind: MeetingKind
    on: IsoDate
    invited: list[Id] = Field(default_factory=list)
    attended: list[Id] = Field(default_factory=list)
    participation: Participation | None = None
    note: str | None = None
    plan: list[Commitment] = Field(default_factory=list)


class EcomapDocument(_Strict):
    """One child's network over time: the unit of import, export and replacement."""

    format: Literal["ecomap/1"]
    child: Child
    people: list[Person] = Field(default_factory=list)
    ties: list[Tie] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)
    episodes: list[Episode] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)
