"""The synthetic workforce: teams of professionals shared across caseloads of children.

Children are dealt into units of :data:`UNIT_SIZE` consecutive children, one team
each; a unit's social workers, IRO, personal advisers, family support workers,
teachers and health staff serve all of its children, so the same person (same id,
same name and attributes) appears in many documents — about 16 children per
social worker at any one time. A unit depends only on (authority, seed, unit number),
so any child can be generated without the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from random import Random
from typing import Any

from ecomap.names import given_name, surname

UNIT_SIZE = 96
"""Children per unit (five social workers' caseloads, ~16 children each at a time)."""

TEAMS: tuple[str, ...] = ("North", "South", "East", "West", "Leaving Care")
LEAVING_CARE = "Leaving Care"
_TEAM_WEIGHTS = (0.23, 0.23, 0.22, 0.22, 0.10)

# role -> (id prefix, how many in a unit)
STAFF: dict[str, tuple[str, int]] = {
    "social_worker": ("sw", 5),
    "iro": ("iro", 1),
    "personal_adviser": ("pa", 5),
    "family_support_worker": ("fsw", 2),
    "teacher": ("tch", 10),
    "camhs_practitioner": ("camhs", 2),
    "youth_worker": ("yw", 2),
    "health_visitor": ("hv", 1),
    "school_nurse": ("sn", 1),
}
PRIMARY_SCHOOLS = 6
"""Teachers 0-5 of a unit work in primary schools, the rest in secondary schools."""

Person = dict[str, Any]


def authority_code(authority: str) -> str:
    """A short id prefix for an authority's name.

    >>> authority_code("Westmere"), authority_code("St. Ives-on-Sea")
    ('wes', 'sti')
    """
    letters = "".join(c for c in authority.lower() if c.isascii() and c.isalnum())
    return letters[:3] or "la"


@dataclass(frozen=True, slots=True)
class Unit:
    """One team's share of the workforce, serving :data:`UNIT_SIZE` children."""

    number: int
    team: str
    staff: dict[str, tuple[Person, ...]]

    def pool(self, role: str) -> tuple[Person, ...]:
        """The unit's professionals with ``role``."""
        return self.staff[role]


@lru_cache(maxsize=8)
def unit(authority: str, seed: int, number: int) -> Unit:
    """The workforce of unit ``number`` (deterministic; cached while children stream by).

    >>> u = unit("Westmere", 1, 0)
    >>> u == unit("Westmere", 1, 0), len(u.pool("social_worker"))
    (True, 5)
    >>> u.pool("social_worker")[0]["id"]
    'wes-sw0000-0'
    """
    rng = Random(f"{authority}/{seed}/unit/{number}")
    team = rng.choices(TEAMS, _TEAM_WEIGHTS)[0]
    code = authority_code(authority)
    staff: dict[str, tuple[Person, ...]] = {}
    for role, (prefix, count) in STAFF.items():
        staff[role] = tuple(
            {
                "id": f"{code}-{prefix}{number:04d}-{k}",
                "name": f"{given_name(rng, adult=True)} {surname(rng)}",
                "category": "professional",
                "role": role,
            }
            for k in range(count)
        )
    return Unit(number=number, team=team, staff=staff)
