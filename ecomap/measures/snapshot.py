"""One child's document indexed for measuring, and its network as at a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ecomap.measures.effective import View, effective_observation, observations_by_tie
from ecomap.measures.rounding import round_half_even
from ecomap.measures.settings import MeasureSettings
from ecomap.measures.strength import Components, components, raw_strength
from ecomap.model import EcomapDocument, Episode, Observation, Person, Tie


@dataclass(frozen=True)
class TieView:
    """An active child tie on a date: its member, effective observation and strength.

    ``tenths`` is the strength in tenths (an integer, so sums are exact); None
    when the tie is unrated.
    """

    tie: Tie
    member: Person
    observation: Observation | None
    parts: Components | None
    tenths: int | None

    @property
    def strength(self) -> float | None:
        """Strength 0-100 to 1 decimal, None when unrated."""
        return None if self.tenths is None else self.tenths / 10


@dataclass(frozen=True)
class Snapshot:
    """A child's network on ``at`` from ``perspective``: the active child ties."""

    child_id: str
    at: date
    perspective: View
    ties: tuple[TieView, ...]

    @property
    def members(self) -> dict[str, Person]:
        """M(t): the members whose child tie is active, by id."""
        return {view.member.id: view.member for view in self.ties}

    def trusted_adults(self) -> set[str]:
        """Members with ``adult`` true whose effective observation has ``trusted`` true."""
        return {
            v.member.id
            for v in self.ties
            if v.member.adult and v.observation is not None and v.observation.trusted is True
        }


def strength_tenths(parts: Components, settings: MeasureSettings) -> int:
    """Strength rounded to 1 decimal, as an integer number of tenths."""
    return round(round_half_even(raw_strength(parts, settings.weights), 1) * 10)


class DocumentIndex:
    """A document split into the parts the measures read, built once per child.

    The child may stand first or second in a tie's ``between``; ties that do
    not touch the child are person-person ties.

    Examples
    --------
    >>> doc = EcomapDocument.model_validate({"format": "ecomap/1",
    ...     "child": {"id": "c", "name": "C"},
    ...     "people": [{"id": "p", "name": "P", "category": "family"}],
    ...     "ties": [{"id": "t", "between": ["p", "c"], "started": "2024-01-01"}]})
    >>> sorted(DocumentIndex(doc).members_on(date(2024, 1, 1)))
    ['p']
    """

    def __init__(self, doc: EcomapDocument) -> None:
        self.doc = doc
        self.child_id = doc.child.id
        self.people = {p.id: p for p in doc.people}
        self.child_ties: list[tuple[Tie, Person]] = []
        self.person_ties: list[Tie] = []
        for tie in doc.ties:
            a, b = tie.between
            if self.child_id in (a, b):
                other = b if a == self.child_id else a
                if other in self.people:
                    self.child_ties.append((tie, self.people[other]))
            else:
                self.person_ties.append(tie)
        self.observations = observations_by_tie(doc.observations)
        self.placements: list[Episode] = [e for e in doc.episodes if e.kind == "placement"]

    def members_on(self, at: date) -> set[str]:
        """M(t): ids of the members whose child tie is active on ``at``."""
        return {member.id for tie, member in self.child_ties if tie.active_on(at)}

    def snapshot(self, at: date, perspective: View, settings: MeasureSettings) -> Snapshot:
        """The active child ties on ``at`` with effective observations and strengths."""
        views: list[TieView] = []
        for tie, member in self.child_ties:
            if not tie.active_on(at):
                continue
            obs = effective_observation(self.observations.get(tie.id, ()), at, perspective)
            parts = components(obs, tie.started, at, settings.full_years) if obs else None
            tenths = strength_tenths(parts, settings) if parts is not None else None
            views.append(TieView(tie, member, obs, parts, tenths))
        return Snapshot(self.child_id, at, perspective, tuple(views))
