"""Request and response bodies for meetings, commitments, progress (docs/meetings.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.models.common import Body
from api.models.people import PersonId
from ecomap.model import IsoDate, MeetingKind, Participation, Perspective, ProgressState

What = Annotated[str, Field(min_length=1, max_length=500)]
Note = Annotated[str, Field(max_length=4000)]
People = Annotated[list[PersonId], Field(max_length=200)]


class CommitmentCreate(Body):
    """One part of a plan: what will happen (in the child's words where given), who
    holds it (person ids; none when the child holds it) and by when."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"what": "Tea at gran's every Sunday", "who": ["p-gran"], "by": "2025-06-30"}]})

    what: What
    who: People = Field(default_factory=list)
    by: IsoDate | None = None


class MeetingCreate(Body):
    """A meeting as held: who was invited and came, how the child took part, the plan."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "family_group_conference",
                    "on": "2025-03-10",
                    "invited": ["p-gran", "p-pat", "sw-17"],
                    "attended": ["p-gran", "p-pat"],
                    "participation": "PN1",
                    "plan": [{"what": "Tea at gran's every Sunday", "who": ["p-gran"],
                              "by": "2025-06-30"}],
                }
            ]
        }
    )

    kind: MeetingKind
    on: IsoDate
    invited: People = Field(default_factory=list)
    attended: People = Field(default_factory=list)
    participation: Participation | None = None
    note: Note | None = None
    plan: Annotated[list[CommitmentCreate], Field(max_length=50)] = Field(default_factory=list)


class MeetingUpdate(Body):
    """A correction: only the fields sent change (null removes participation or note)."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"participation": "PN2", "attended": ["p-gran", "p-pat"]}]})

    kind: MeetingKind | None = None
    on: IsoDate | None = None
    invited: People | None = None
    attended: People | None = None
    participation: Participation | None = None
    note: Note | None = None


class CommitmentUpdate(Body):
    """Change what a commitment says, who holds it, or by when (null clears ``by``)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"by": "2025-07-31"}]})

    what: What | None = None
    who: People | None = None
    by: IsoDate | None = None


class ProgressCreate(Body):
    """A commitment's state from a date, from one perspective."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"on": "2025-07-01", "state": "done", "by": "worker"}]}
    )

    on: IsoDate
    state: ProgressState
    by: Perspective = "worker"


class MeetingWritten(BaseModel):
    """What a write made or changed, and the record's new version (the new ETag)."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "m-3f9c0a1b2c4d", "commitments": ["k-0b1c2d3e4f5a"], "version": 7}]})

    id: str
    commitments: list[str] = Field(default_factory=list)
    version: int


class MeetingsPublic(BaseModel):
    """The child's meetings (oldest first) and the words to show for kinds and codes."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "child": "c-ava", "version": 7,
        "meetings": [{"id": "m-1", "kind": "family_group_conference", "on": "2025-03-10",
                      "invited": ["p-gran"], "attended": ["p-gran"], "participation": "PN1",
                      "plan": [{"id": "k-1", "what": "Tea at gran's every Sunday",
                                "who": ["p-gran"], "by": "2025-06-30", "progress": []}]}],
        "status": {"commitments": {"k-1": {"state": "agreed", "open": True, "on_track": True,
                                           "child_answer": None}},
                   "holders": {"p-gran": True}},
        "participation_words": {"PN1": "came and spoke for themselves"},
        "kind_words": {"family_group_conference": "family group conference"}}]})

    child: str
    version: int
    meetings: list[dict[str, object]]
    status: dict[str, object] = Field(
        description="Where each commitment stands today and who holds one "
        "(ecomap.meetings.plan_status)."
    )
    participation_words: dict[str, str]
    kind_words: dict[str, str]


class HelpingItem(BaseModel):
    """One open commitment of the young person's latest plan."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "k-1", "what": "Tea at gran's every Sunday", "who": ["Maureen"],
         "answer": "a_bit", "answered_on": "2025-05-01"}]})

    id: str
    what: str
    who: list[str]
    answer: Literal["yes", "a_bit", "no"] | None
    answered_on: str | None


class HelpingPublic(BaseModel):
    """"Who is helping with what": no notes, no other perspectives, no scores."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"data": [
        {"id": "k-1", "what": "Tea at gran's every Sunday", "who": ["Maureen"],
         "answer": None, "answered_on": None}], "count": 1}]})

    data: list[HelpingItem]
    count: int


class HelpingAnswer(Body):
    """Is this happening? ``yes``, ``a_bit`` or ``no`` (recorded as your view today)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"answer": "yes"}]})

    answer: Literal["yes", "a_bit", "no"]
