"""Read models for the pages: the drawable ecomap, a two-date diff, measures, dashboards."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ecomap.model import Category, Status

LineName = Literal["stressful", "strong", "normal", "tenuous", "unrated"]
ArrowName = Literal["both", "towards_child", "away_from_child", "none"]


class TieDrawing(BaseModel):
    tie: str
    started: str | None
    line: LineName
    arrows: ArrowName
    strength: float | None = Field(description="0-100, 1 decimal; null when unrated.")
    components: dict[str, float] | None = Field(description="C, F, S, R, D, K (MEASURES.md).")
    trusted: bool | None
    closeness: int | None
    ring: int = Field(ge=1, le=4, description="1 = innermost (very close) … 4 = unrated.")
    observed_on: str | None
    observed_by: str | None


class MemberDrawing(TieDrawing):
    id: str
    name: str
    category: Category
    role: str | None
    adult: bool
    paid: bool


class LinkDrawing(TieDrawing):
    between: tuple[str, str]


class ChildHeader(BaseModel):
    id: str
    name: str
    status: Status | None
    team: str | None
    birth_date: str | None


class EcomapPublic(BaseModel):
    """A child's ecomap on a date, ready to draw."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "child": {
                        "id": "c-ava",
                        "name": "Ava",
                        "status": "looked_after",
                        "team": "North",
                        "birth_date": "2012-04-01",
                    },
                    "at": "2024-12-31",
                    "perspective": "combined",
                    "members": [
                        {
                            "id": "p-gran",
                            "name": "Maureen",
                            "category": "family",
                            "role": "grandparent",
                            "adult": True,
                            "paid": False,
                            "tie": "t1",
                            "started": "2012-04-01",
                            "line": "strong",
                            "arrows": "both",
                            "strength": 81.2,
                            "components": {
                                "C": 1.0,
                                "F": 0.75,
                                "S": 0.5,
                                "R": 1.0,
                                "D": 1.0,
                                "K": 0.0,
                            },
                            "trusted": True,
                            "closeness": 3,
                            "ring": 1,
                            "observed_on": "2024-01-10",
                            "observed_by": "child",
                        }
                    ],
                    "links": [],
                }
            ]
        }
    )

    child: ChildHeader
    at: str
    perspective: Literal["combined", "child", "worker"]
    members: list[MemberDrawing]
    links: list[LinkDrawing] = Field(description="Person-person ties among the members.")


class Change(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    field: str
    from_: Any = Field(alias="from")
    to: Any


class MemberChange(BaseModel):
    id: str
    name: str
    tie: str
    strength_change: float | None
    changes: list[Change]


class LostMember(MemberDrawing):
    ended: str | None
    end_reason: str | None


class LostLink(LinkDrawing):
    ended: str | None
    end_reason: str | None


class DiffPublic(BaseModel):
    """What changed between two dates."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "child": "c-ava",
                    "from": "2024-01-01",
                    "to": "2024-12-31",
                    "perspective": "combined",
                    "gained": [],
                    "lost": [],
                    "changed": [
                        {
                            "id": "p-gran",
                            "name": "Maureen",
                            "tie": "t1",
                            "strength_change": 8.5,
                            "changes": [{"field": "line", "from": "normal", "to": "strong"}],
                        }
                    ],
                    "unchanged": 6,
                    "links_gained": [],
                    "links_lost": [],
                    "meetings": [],
                    "commitments": [],
                }
            ]
        },
    )

    child: str
    from_: str = Field(alias="from")
    to: str
    perspective: Literal["combined", "child", "worker"]
    gained: list[MemberDrawing]
    lost: list[LostMember]
    changed: list[MemberChange]
    unchanged: int
    links_gained: list[LinkDrawing]
    links_lost: list[LostLink]
    meetings: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Meetings held in between, each with `words` (docs/meetings.md).")
    commitments: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Commitments whose state changed in between (new ones from no state), "
                    "each with `from`, `to` and `words`.")


class TieMeasure(BaseModel):
    model_config = ConfigDict(extra="allow")

    member: str
    strength: float | None
    line: LineName
    trusted: bool | None
    components: dict[str, float] | None


class MeasuresPublic(BaseModel):
    """One child's measures on a date, exactly the MEASURES.md shape."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "child": "c-ava",
                    "at": "2024-12-31",
                    "perspective": "combined",
                    "window_days": 365,
                    "network": {"size": 1, "trusted_adults": 1},
                    "continuity": {"retention": 1.0},
                    "concordance": {"trust_agreement": None, "unseen_trusted": []},
                    "plans": {"meetings": 0, "last_meeting": None, "commitments_open": 0},
                    "ties": [
                        {
                            "member": "p-gran",
                            "strength": 81.2,
                            "line": "strong",
                            "trusted": True,
                            "components": {
                                "C": 1.0,
                                "F": 0.75,
                                "S": 0.5,
                                "R": 1.0,
                                "D": 1.0,
                                "K": 0.0,
                            },
                        }
                    ],
                }
            ]
        },
    )

    child: str
    at: str
    perspective: Literal["combined", "child", "worker"]
    window_days: int
    network: dict[str, Any]
    continuity: dict[str, Any]
    concordance: dict[str, Any]
    plans: dict[str, Any]
    ties: list[TieMeasure]


class MeasuresHistory(BaseModel):
    """The child's measures at month ends, oldest first (the last entry is ``at``)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"child": "c-ava", "perspective": "combined", "data": [], "count": 0}]
        }
    )

    child: str
    perspective: Literal["combined", "child", "worker"]
    data: list[MeasuresPublic]
    count: int
