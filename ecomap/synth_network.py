"""One synthetic child's network: the life story, the people, the ties, the observations.

Used by :mod:`ecomap.synth`; dates are ordinals until the record is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from random import Random
from typing import Any

from ecomap.model import Status
from ecomap.names import given_name, surname
from ecomap.synth_history import (
    HISTORY_DAYS,
    STATUS_WEIGHTS,
    Placement,
    Spell,
    age_days,
    change_dates,
    iso,
    placements,
    schools,
    spells,
    years,
)
from ecomap.synth_journey import journey
from ecomap.synth_meetings import synth_meetings
from ecomap.synth_ratings import TieProfile
from ecomap.synth_workforce import (
    LEAVING_CARE,
    PRIMARY_SCHOOLS,
    UNIT_SIZE,
    Person,
    Unit,
    authority_code,
    unit,
)

_WORKER_CHANGES_PER_YEAR: dict[str, float] = {
    "looked_after": 1.25,
    "child_in_need": 0.8,
    "child_protection": 0.9,
    "care_leaver": 0.8,
}
_COMMUNITY_ROLES = ("neighbour", "coach", "faith_leader", "club_leader")
_FAMILY_EXTRAS = ("aunt_uncle", "cousin", "grandparent")


@dataclass(slots=True)
class ChildTie:
    id: str
    member: str
    role: str
    started: int | None
    ended: int | None
    end_reason: str | None
    profile: TieProfile

    def active(self, t: int) -> bool:
        started, ended = self.started, self.ended
        return (started is None or started <= t) and (ended is None or ended > t)


class ChildNetwork:
    """Builds one child's network, history and observations."""

    def __init__(self, index: int, seed: int, as_at: date, authority: str) -> None:
        self.rng = Random(f"{authority}/{seed}/child/{index}")
        self.meetings_rng = Random(f"{authority}/{seed}/meetings/{index}")
        # the journey draws apart, so status and team episodes left the networks as they were
        self.journey_rng = Random(f"{authority}/{seed}/journey/{index}")
        self.authority, self.seed = authority, seed
        self.unit: Unit = unit(authority, seed, index // UNIT_SIZE)
        self.id = f"{authority_code(authority)}-c{index:06d}"
        self.as_at = as_at.toordinal()
        self.start = self.as_at - HISTORY_DAYS
        self.people: list[Person] = []
        self.member_ids: set[str] = set()
        self.ties: list[ChildTie] = []
        self.links: list[dict[str, Any]] = []
        self.episodes: list[dict[str, Any]] = []
        self.roles: dict[str, list[ChildTie]] = {}
        self.moves: list[int] = []
        self.current_carers: list[ChildTie] = []
        self.parents: list[ChildTie] = []
        self.surname = surname(self.rng)
        self.birth = self.opened = self.as_at
        self.at_home = True

    # -- people and ties -------------------------------------------------------------

    def _tie_id(self) -> str:
        return f"{self.id}-t{len(self.ties) + len(self.links):02d}"

    def person(self, category: str, role: str | None, name: str, *, adult: bool = True) -> Person:
        p: Person = {
            "id": f"{self.id}-p{len(self.people):02d}",
            "name": name,
            "category": category,
        }
        if role is not None:
            p["role"] = role
        if adult != (category != "friend"):
            p["adult"] = adult  # only where it differs from the category's default
        return p

    def join(
        self,
        member: Person,
        started: int | None,
        ended: int | None = None,
        end_reason: str | None = None,
        *,
        profile_role: str | None = None,
    ) -> ChildTie:
        """A child tie to ``member`` (added to the people on first use)."""
        if member["id"] not in self.member_ids:
            self.member_ids.add(member["id"])
            self.people.append(member)
        role = profile_role or member.get("role") or member["category"]
        tie = ChildTie(
            id=self._tie_id(),
            member=member["id"],
            role=role,
            started=started,
            ended=ended,
            end_reason=end_reason if ended is not None else None,
            profile=TieProfile.draw(self.rng, role, adult=_is_adult(member)),
        )
        self.ties.append(tie)
        self.roles.setdefault(role, []).append(tie)
        return tie

    def link(self, a: str, b: str, started: int | None, ended: int | None = None,
             end_reason: str | None = None) -> None:
        """A person-person tie, kept only if it lasts at least a day."""
        if started is not None and ended is not None and ended <= started:
            return
        tie: dict[str, Any] = {"id": self._tie_id(), "between": [a, b]}
        if started is not None:
            tie["started"] = iso(started)
        if ended is not None:
            tie["ended"] = iso(ended)
            if end_reason:
                tie["end_reason"] = end_reason
        self.links.append(tie)

    def adult_name(self, family: bool = False) -> str:
        last = self.surname if family and self.rng.random() < 0.7 else surname(self.rng)
        return f"{given_name(self.rng, adult=True)} {last}"

    def staff_spells(self, role: str, start: int, end: int | None, per_year: float,
                     end_reason: str = "worker_changed") -> list[ChildTie]:
        """Ties to a run of the unit's ``role`` professionals, changing ``per_year``."""
        first = max(start, self.start - self.rng.randint(0, 400))
        if end is not None and first >= end - 14:
            return []
        changes = change_dates(self.rng, first, end if end is not None else self.as_at, per_year)
        pool = list(self.unit.pool(role))
        self.rng.shuffle(pool)
        out = []
        for i, spell in enumerate(spells(first, changes, end)):
            reason = "worker_changed" if i < len(changes) else end_reason
            out.append(self.join(pool[i % len(pool)], spell.start, spell.end, reason))
        return out

    # -- the life story --------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        rng = self.rng
        status: Status = (
            "care_leaver" if self.unit.team == LEAVING_CARE
            else rng.choices([s for s, _ in STATUS_WEIGHTS], [w for _, w in STATUS_WEIGHTS])[0]
        )
        self.status = status
        self.birth = self.as_at - age_days(rng, status)
        in_care = status in ("looked_after", "care_leaver")
        self.at_home = not in_care
        left = self.birth + years(18) if status == "care_leaver" else None
        if in_care:
            until = left or self.as_at
            care_days = max(30, int(rng.expovariate(1 / 3) * 365))
            opened = until - min(until - self.birth - 1, care_days)
        else:
            longest = min(self.as_at - self.birth, 1000 if status != "early_help" else 600)
            opened = self.as_at - rng.randint(min(30, longest), longest)
        self.opened = opened
        self.workers(status, opened, left)
        if in_care:
            self.care(opened, left)
        self.education()
        self.family()
        self.fill()
        self.person_links()
        # transfers come from teams the authority has: those of the first four units and
        # of the units up to this one (never a team of a unit not yet made)
        known = sorted({unit(self.authority, self.seed, k).team
                        for k in range(max(self.unit.number + 1, 4))} - {LEAVING_CARE})
        self.episodes += journey(self.journey_rng, status=status, team=self.unit.team,
                                 opened=opened, as_at=self.as_at, birth=self.birth, left=left,
                                 teams=known)
        record: dict[str, Any] = {
            "format": "ecomap/1",
            "child": {
                "id": self.id,
                "name": f"{given_name(rng, adult=False)} {self.surname}",
                "birth_date": iso(self.birth),
                "status": status,
                "team": self.unit.team,
            },
            "people": self.people,
            "ties": [self.tie_record(t) for t in self.ties] + self.links,
            "observations": self.observations(),
            "episodes": self.episodes,
        }
        meetings = synth_meetings(record, self.meetings_rng, date.fromordinal(opened),
                                  date.fromordinal(self.as_at))
        if meetings:  # the canonical form has no "meetings" key when there are none
            record["meetings"] = meetings
        return record

    def workers(self, status: Status, opened: int, left: int | None) -> None:
        if status == "early_help":
            self.staff_spells("family_support_worker", opened, None, 0.3)
            return
        sw_end = left if status == "care_leaver" else None
        self.staff_spells("social_worker", opened, sw_end, _WORKER_CHANGES_PER_YEAR[status])
        if status in ("looked_after", "care_leaver"):
            iro = self.rng.choice(self.unit.pool("iro"))
            started = max(opened, self.start - self.rng.randint(0, 700))
            if left is None or left > started + 14:
                self.join(iro, started, left, "other")
        if left is not None:
            adviser_from = max(self.birth + years(16) + self.rng.randint(0, 300), opened)
            self.staff_spells("personal_adviser", adviser_from, None, 0.35)

    def care(self, entered: int, left: int | None) -> None:
        rng = self.rng
        history = placements(rng, entered, left, birth=self.birth,
                             history_start=self.start, as_at=self.as_at)
        self.moves = [p.spell.start for p in history if not p.first and p.spell.start > self.start]
        many = len(history) > 3
        previous: list[ChildTie] = []
        for placement in history:
            reason = "entered_care" if placement.first else "placement_move"
            self.episodes.append(_episode("placement", placement.spell, reason))
            previous = self.carers(placement, 1 if many or rng.random() < 0.45 else 2, left)
        self.current_carers = previous

    def carers(self, placement: Placement, count: int, left: int | None) -> list[ChildTie]:
        spell = placement.spell
        out = []
        for _ in range(count):
            carer = self.person("carer", placement.kind,
                                self.adult_name(family=placement.kind == "kinship_carer"))
            end, reason = spell.end, "moved_placement"
            if left is not None and spell.end == left:
                # Leaving care: a third keep in touch with their last carers.
                end, reason = (None, "other") if self.rng.random() < 0.35 else (left, "other")
            out.append(self.join(carer, spell.start, end, reason))
        if len(out) == 2:
            self.link(out[0].member, out[1].member, None)
        return out

    def education(self) -> None:
        rng = self.rng
        teachers = self.unit.pool("teacher")
        spells_ = schools(rng, birth=self.birth, history_start=self.start, as_at=self.as_at,
                          moves=self.moves, primary=PRIMARY_SCHOOLS, total=len(teachers))
        for school in spells_:
            self.episodes.append(_episode("school", school.spell, school.reason))
            self.join(teachers[school.school], school.spell.start, school.spell.end,
                      school.end_reason)
        if self.as_at - self.birth < years(5):
            self.join(rng.choice(self.unit.pool("health_visitor")),
                      max(self.birth + 14, self.start - rng.randint(0, 300)))

    def dated(self, earliest: int) -> int | None:
        """A start date for a tie formed in the last few years, not before ``earliest``."""
        low = max(earliest, self.start - 900)
        high = self.as_at - 20
        return self.rng.randint(low, high) if low < high else None

    def ending(self, started: int) -> int:
        """An end date in the history window, after ``started``, before "as at"."""
        return self.rng.randint(min(max(started, self.start) + 1, self.as_at), self.as_at)

    def family(self) -> None:
        rng = self.rng
        home = self.at_home
        parent_role = "parent" if home else "birth_parent"
        for chance, at_home in ((0.93, 0.9), (0.62, 0.55)):
            if rng.random() < chance:
                role = "parent" if home and rng.random() < at_home else "birth_parent"
                started = None if rng.random() < 0.1 else self.birth
                ended, reason = None, None
                if not home and rng.random() < 0.06:
                    ended, reason = self.ending(self.birth), "safeguarding"
                parent = self.person("family", parent_role, self.adult_name(family=True))
                self.parents.append(self.join(parent, started, ended, reason, profile_role=role))
        if home and rng.random() < 0.15:
            step = self.person("family", "step_parent", self.adult_name())
            self.join(step, self.birth + rng.randint(0, self.as_at - self.birth))
        for _ in range(rng.choices((0, 1, 2, 3), (0.15, 0.35, 0.35, 0.15))[0]):
            gran = self.person("family", "grandparent", self.adult_name(family=True))
            ended, reason = None, None
            if rng.random() < 0.03:
                ended, reason = self.ending(self.birth), "death"
            self.join(gran, None if rng.random() < 0.05 else self.birth, ended, reason)
        age = self.as_at - self.birth
        for _ in range(rng.choices((0, 1, 2, 3, 4), (0.2, 0.3, 0.25, 0.15, 0.1))[0]):
            sibling_age = max(30, age + rng.randint(-years(8), years(8)))
            adult = sibling_age >= years(18)
            last = self.surname if rng.random() < 0.7 else surname(rng)
            sibling = self.person("family", "sibling",
                                  f"{given_name(rng, adult=False)} {last}", adult=adult)
            self.join(sibling, max(self.birth, self.as_at - sibling_age))
        for _ in range(rng.choices((0, 1, 2), (0.55, 0.30, 0.15))[0]):
            self.join(self.person("family", "aunt_uncle", self.adult_name(family=True)),
                      None if rng.random() < 0.2 else self.birth)
        if not home and rng.random() < 0.06:
            # Family finding: relatives traced in the last two years.
            for _ in range(rng.randint(8, 14)):
                role = rng.choice(_FAMILY_EXTRAS)
                self.join(self.person("family", role, self.adult_name(family=True)),
                          self.as_at - rng.randint(30, 700))

    def fill(self) -> None:
        """Friends, community, volunteers and more professionals up to a plausible size."""
        rng = self.rng
        target = min(26, max(7, round(rng.gauss(15.5, 4.5))))
        age = self.as_at - self.birth
        kinds = ("friend", "community", "volunteer", "family", "professional")
        weights = (0.55, 0.16, 0.10, 0.07, 0.12)
        for _ in range(60):
            if len(self.people) >= target:
                return
            kind = rng.choices(kinds, weights)[0]
            if kind == "friend" and age >= years(5):
                name = given_name(rng, adult=False)
                self.fill_tie(self.person("friend", None, name, adult=False),
                              self.birth + years(4), unknown=0.08)
            elif kind == "community" and age >= years(3):
                role = rng.choice(_COMMUNITY_ROLES)
                self.fill_tie(self.person("community", role, self.adult_name()), self.birth)
            elif kind == "volunteer" and age >= years(6):
                roles = ["mentor", "befriender"] + ([] if self.at_home else ["independent_visitor"])
                role = rng.choice(roles)
                self.fill_tie(self.person("volunteer", role, self.adult_name()),
                              self.birth + years(6))
            elif kind == "family":
                role = rng.choice(("aunt_uncle", "cousin"))
                self.join(self.person("family", role, self.adult_name(family=True)),
                          None if rng.random() < 0.3 else self.birth)
            elif kind == "professional":
                role = rng.choice(("camhs_practitioner", "youth_worker", "school_nurse"))
                member = rng.choice(self.unit.pool(role))
                if member["id"] not in self.member_ids:
                    self.fill_tie(member, max(self.opened, self.birth + years(5)), ended_chance=0.3)
        while len(self.people) < 7:
            self.join(self.person("family", rng.choice(("aunt_uncle", "cousin")),
                                  self.adult_name(family=True)), None)

    def fill_tie(self, member: Person, earliest: int, *, unknown: float = 0.0,
                 ended_chance: float = 0.12) -> None:
        rng = self.rng
        started = self.dated(earliest)
        if started is None:
            return
        ended, reason = None, None
        later_moves = [m for m in self.moves if m > started]
        if later_moves and rng.random() < 0.5:
            ended, reason = later_moves[0], "moved_placement"
        elif rng.random() < ended_chance and started + 60 < self.as_at - 1:
            ended, reason = rng.randint(started + 60, self.as_at - 1), "by_choice"
        self.join(member, None if rng.random() < unknown else started, ended, reason)

    # -- ties among members, and observations ----------------------------------------

    def person_links(self) -> None:
        rng = self.rng
        parents = self.parents
        if len(parents) == 2:
            a, b = parents
            if rng.random() < 0.55:
                self.link(a.member, b.member, None, self.ending(self.birth - 1), "by_choice")
            else:
                self.link(a.member, b.member, None)
        for gran in self.roles.get("grandparent", [])[:3]:
            if parents:
                self.link(gran.member, parents[0].member, None)
            if self.current_carers and rng.random() < 0.25:
                carer = self.current_carers[0]
                self.link(gran.member, carer.member, carer.started)
        siblings = self.roles.get("sibling", [])[:3]
        for i, a in enumerate(siblings):
            for b in siblings[i + 1:]:
                self.link(a.member, b.member, _latest(a.started, b.started))
        for worker in self.roles.get("social_worker", []):
            others = [*self.roles.get("foster_carer", []), *self.roles.get("kinship_carer", []),
                      *self.roles.get("residential_key_worker", []), *parents[:1]]
            for other in others:
                started = _latest(worker.started, other.started)
                ended = _earliest(worker.ended, other.ended)
                reason = ("worker_changed" if ended is not None and ended == worker.ended
                          else other.end_reason)
                self.link(worker.member, other.member, started, ended, reason)
        friends = self.roles.get("friend", [])
        for a, b in pairwise(friends):
            if rng.random() < 0.25:
                ended = _earliest(a.ended, b.ended)
                self.link(a.member, b.member, _latest(a.started, b.started), ended,
                          "by_choice" if ended is not None else None)

    def tie_record(self, tie: ChildTie) -> dict[str, Any]:
        record: dict[str, Any] = {"id": tie.id, "between": [self.id, tie.member]}
        if tie.started is not None:
            record["started"] = iso(tie.started)
        if tie.ended is not None:
            record["ended"] = iso(tie.ended)
            if tie.end_reason:
                record["end_reason"] = tie.end_reason
        return record

    def observations(self) -> list[dict[str, Any]]:
        """Quarterly reviews: the worker rates each active child tie; most children
        old enough to say give their own view within a fortnight."""
        rng = self.rng
        out: list[dict[str, Any]] = []
        child_view = rng.random() < 0.93
        since = max(self.start, self.opened)
        days = [self.start + quarter * 91 + rng.randint(3, 88)
                for quarter in range(HISTORY_DAYS // 91)]
        if since > self.start:  # a case opened in the window is first reviewed within a month
            days = sorted({min(self.as_at, since + rng.randint(1, 28)), *days})
        for day in days:
            if day < since or day > self.as_at:
                continue
            on = iso(day)
            active = [t for t in self.ties if t.active(day)]
            for tie in active:
                tie.profile.drift(rng)
            for tie in active:
                if rng.random() < 0.95:
                    out.append(tie.profile.observe(rng, tie.id, on, "worker"))
            if child_view and day - self.birth >= years(4):
                own = min(self.as_at, day + rng.randint(0, 14))
                on = iso(own)
                for tie in active:
                    if tie.active(own) and rng.random() < 0.85:
                        out.append(tie.profile.observe(rng, tie.id, on, "child"))
        return out


def _latest(a: int | None, b: int | None) -> int | None:
    """The later of two start dates; unknown if either is unknown."""
    return None if a is None or b is None else max(a, b)


def _earliest(a: int | None, b: int | None) -> int | None:
    """The earlier of two end dates; None means "not ended"."""
    if a is None:
        return b
    return a if b is None else min(a, b)


def _is_adult(person: Person) -> bool:
    adult: bool = person.get("adult", person["category"] != "friend")
    return adult


def _episode(kind: str, spell: Spell, reason: str | None) -> dict[str, Any]:
    """An episode record in the canonical form (no nulls)."""
    record = {"kind": kind, "start": iso(spell.start)}
    if spell.end is not None:
        record["end"] = iso(spell.end)
    if reason is not None:
        record["reason"] = reason
    return record
