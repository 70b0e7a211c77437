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
from pydantic_core import PydanticCustomError, core_schema

FORMAT_NAME = "ecomap/1"

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]

Status = Literal["early_help", "child_in_need", "child_protection", "looked_after", "care_leaver"]
Category = Literal["family", "carer", "friend", "community", "volunteer", "professional"]
Perspective = Literal["child", "worker", "carer", "family", "other"]
Direction = Literal["both", "to_child", "from_child"]
EndReason = Literal[
    "moved_placement", "worker_changed", "by_choice", "death", "safeguarding", "other"
]
EpisodeKind = Literal["placement", "school", "status", "team"]

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
#: FORMAT.md: dates lie between these (a year-1 date is a typo, and date arithmetic
#: near ``date.min`` overflows).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
_RANGE_MESSAGE = f"must be between {EARLIEST_DATE} and {LATEST_DATE}"


def _iso_date(value: Any) -> Any:
    """Accept a ``date`` or a ``YYYY-MM-DD`` string only (no datetimes, no timestamps),
    between :data:`EARLIEST_DATE` and :data:`LATEST_DATE`.

    A date out of range is the ``date_range`` error, as in JSON (a rule added after
    records were stored: :mod:`ecomap.stored`).

    >>> _iso_date("0001-01-01")
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.PydanticCustomError: must be between 1900-01-01 and 2199-12-31
    """
    if isinstance(value, str) and _ISO_DATE.match(value):
        value = date.fromisoformat(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        if not EARLIEST_DATE <= value <= LATEST_DATE:
            raise PydanticCustomError("date_range", _RANGE_MESSAGE)
        return value
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
        from_json = core_schema.chain_schema([
            core_schema.custom_error_schema(
                core_schema.chain_schema([
                    core_schema.str_schema(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
                    core_schema.date_schema(),
                ]),
                custom_error_type="date_format",
                custom_error_message=_DATE_MESSAGE,
            ),
            core_schema.custom_error_schema(
                core_schema.date_schema(ge=EARLIEST_DATE, le=LATEST_DATE),
                custom_error_type="date_range",
                custom_error_message=_RANGE_MESSAGE,
            ),
        ])
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

#: Control characters (Unicode category Cc). FORMAT.md: text holds none (they break
#: XML exports and hide text in spreadsheets); notes may hold tab and newline.
#: The control characters as a regular-expression class body (also :mod:`ecomap.stored`).
CONTROL_CHARACTERS = r"\x00-\x1f\x7f-\x9f"
_NO_CONTROL = rf"^[^{CONTROL_CHARACTERS}]*$"
_NOTE_CONTROL = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"
_CONTROL_MESSAGE = "must not contain control characters"
_NOTE_MESSAGE = "must not contain control characters other than tab and newline"


def plain_text(
    *, min_length: int = 0, max_length: int | None = None, note: bool = False
) -> Any:
    """The FORMAT.md text rule as a type annotation: no control characters (``note``:
    tab and newline allowed), checked in Rust with a plain message; lengths optional.

    >>> from pydantic import TypeAdapter, ValidationError
    >>> try:
    ...     TypeAdapter(Annotated[str, plain_text()]).validate_python("a\\x07b")
    ... except ValidationError as exc:
    ...     print(exc.errors()[0]["msg"])
    must not contain control characters
    """
    pattern, message = (_NOTE_CONTROL, _NOTE_MESSAGE) if note else (_NO_CONTROL, _CONTROL_MESSAGE)

    class _Rule:
        @classmethod
        def __get_pydantic_core_schema__(
            cls, source: Any, handler: GetCoreSchemaHandler
        ) -> core_schema.CoreSchema:
            return core_schema.chain_schema([
                core_schema.str_schema(min_length=min_length, max_length=max_length),
                core_schema.custom_error_schema(
                    core_schema.str_schema(pattern=pattern),
                    custom_error_type="control_characters",
                    custom_error_message=message,
                ),
            ])

        @classmethod
        def __get_pydantic_json_schema__(
            cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
        ) -> JsonSchemaValue:
            out: JsonSchemaValue = {"type": "string", "pattern": pattern}
            if min_length:
                out["minLength"] = min_length
            if max_length is not None:
                out["maxLength"] = max_length
            return out

    return _Rule


#: A name or label: no control characters (FORMAT.md).
Text = Annotated[str, plain_text()]
#: A required name: non-empty, no control characters.
Name = Annotated[str, plain_text(min_length=1)]
#: An id: non-empty, no control characters (ids are written into XML exports too).
Id = Annotated[str, plain_text(min_length=1)]
#: Free text (notes): tab and newline allowed, other control characters not.
NoteText = Annotated[str, plain_text(note=True)]
Rating3 = Annotated[int, Field(ge=1, le=3, strict=True)]


class _Strict(BaseModel):
    """Base for every part of the document: unknown fields are errors (usually typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Child(_Strict):
    id: Id
    name: Name
    birth_date: IsoDate | None = None
    status: Status | None = None
    team: Text | None = None


class Person(_Strict):
    """Someone in a child's network. ``adult`` and ``paid`` default from the category."""

    id: Id
    name: Name
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
    note: NoteText | None = None


class Episode(_Strict):
    """A period ``[start, end)`` in the child's life (FORMAT.md, "episodes").

    ``status`` episodes carry the child's stage with the service (the child is *open*
    on a date one covers) and ``team`` episodes the team that held the case; no other
    kind carries either. Whether the kind and its value agree is a rule of the whole
    document (:func:`ecomap.episodes.episode_breaches`), so every breach is reported
    with its path.
    """

    kind: EpisodeKind
    start: IsoDate
    end: IsoDate | None = None
    reason: Slug | None = None
    status: Status | None = None
    team: Annotated[str, StringConstraints(min_length=1)] | None = None

    def covers(self, t: date) -> bool:
        """Whether ``t`` falls in ``[start, end)``.

        >>> Episode(kind="status", status="early_help", start=date(2024, 1, 1),
        ...         end=date(2024, 2, 1)).covers(date(2024, 2, 1))
        False
        """
        return self.start <= t and (self.end is None or self.end > t)


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
    what: Name
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
    note: NoteText | None = None
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

    @model_validator(mode="after")
    def _current_from_episodes(self) -> EcomapDocument:
        """An absent ``child.status``/``child.team`` is taken from the latest-starting
        status/team episode (FORMAT.md); a present one is checked against it by
        :func:`ecomap.format.validate_document`."""
        from ecomap.episodes import current_value

        status = self.child.status or current_value(self.episodes, "status")
        team = self.child.team or current_value(self.episodes, "team")
        if (status, team) == (self.child.status, self.child.team):
            return self
        child = self.child.model_copy(update={"status": status, "team": team})
        object.__setattr__(self, "child", child)
        return self
