"""Synthetic tie ratings: how close, how often, what help, per role, drifting quarter to quarter.

Each child tie gets a latent profile drawn from its role (kin and carers closer,
professionals paid and less close, friends not adults); every observation is that
profile seen from one side on one date, with a little noise. The child's view and
the worker's mostly agree, but the worker misses some of the adults a child trusts.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import Any

# role -> (closeness weights 1/2/3, contact 0-4, support emotional/practical/informational,
#          critical weights 1/2/3, share of "both" (else to_child), trust given very close)
_Profile = tuple[tuple[float, float, float], int, tuple[int, int, int],
                 tuple[float, float, float], float, float]

ROLE_PROFILES: dict[str, _Profile] = {
    "birth_parent": ((0.30, 0.40, 0.30), 2, (2, 1, 1), (0.55, 0.30, 0.15), 0.60, 0.45),
    "parent": ((0.12, 0.35, 0.53), 4, (2, 3, 2), (0.55, 0.30, 0.15), 0.70, 0.65),
    "step_parent": ((0.40, 0.40, 0.20), 3, (1, 2, 1), (0.50, 0.30, 0.20), 0.50, 0.30),
    "grandparent": ((0.05, 0.30, 0.65), 3, (3, 2, 2), (0.85, 0.12, 0.03), 0.90, 0.85),
    "sibling": ((0.10, 0.35, 0.55), 3, (2, 1, 1), (0.75, 0.20, 0.05), 0.95, 0.55),
    "aunt_uncle": ((0.25, 0.45, 0.30), 2, (2, 2, 2), (0.85, 0.12, 0.03), 0.85, 0.60),
    "cousin": ((0.35, 0.45, 0.20), 1, (1, 1, 1), (0.90, 0.08, 0.02), 0.90, 0.30),
    "foster_carer": ((0.10, 0.40, 0.50), 4, (3, 3, 3), (0.85, 0.13, 0.02), 0.55, 0.75),
    "kinship_carer": ((0.05, 0.25, 0.70), 4, (3, 3, 2), (0.80, 0.15, 0.05), 0.70, 0.85),
    "residential_key_worker": ((0.25, 0.50, 0.25), 4, (2, 3, 2), (0.85, 0.12, 0.03), 0.40, 0.55),
    "friend": ((0.15, 0.45, 0.40), 4, (2, 1, 1), (0.90, 0.08, 0.02), 0.95, 0.0),
    "neighbour": ((0.45, 0.45, 0.10), 2, (1, 2, 1), (0.92, 0.06, 0.02), 0.70, 0.20),
    "coach": ((0.35, 0.45, 0.20), 3, (2, 1, 2), (0.90, 0.08, 0.02), 0.60, 0.35),
    "faith_leader": ((0.45, 0.40, 0.15), 2, (2, 1, 2), (0.92, 0.06, 0.02), 0.50, 0.30),
    "club_leader": ((0.40, 0.45, 0.15), 3, (1, 1, 2), (0.92, 0.06, 0.02), 0.60, 0.25),
    "mentor": ((0.20, 0.50, 0.30), 2, (2, 2, 3), (0.95, 0.04, 0.01), 0.50, 0.55),
    "independent_visitor": ((0.20, 0.45, 0.35), 2, (3, 1, 2), (0.96, 0.03, 0.01), 0.60, 0.60),
    "befriender": ((0.25, 0.50, 0.25), 2, (2, 1, 2), (0.95, 0.04, 0.01), 0.60, 0.45),
    "social_worker": ((0.35, 0.50, 0.15), 2, (2, 2, 3), (0.88, 0.10, 0.02), 0.30, 0.40),
    "iro": ((0.60, 0.35, 0.05), 1, (1, 1, 2), (0.95, 0.04, 0.01), 0.20, 0.20),
    "personal_adviser": ((0.25, 0.50, 0.25), 2, (2, 3, 3), (0.92, 0.06, 0.02), 0.40, 0.50),
    "family_support_worker": ((0.30, 0.50, 0.20), 3, (2, 3, 2), (0.92, 0.06, 0.02), 0.40, 0.45),
    "teacher": ((0.30, 0.50, 0.20), 3, (1, 1, 3), (0.85, 0.12, 0.03), 0.30, 0.40),
    "camhs_practitioner": ((0.35, 0.45, 0.20), 2, (3, 1, 2), (0.95, 0.04, 0.01), 0.30, 0.40),
    "youth_worker": ((0.30, 0.45, 0.25), 3, (2, 2, 2), (0.93, 0.05, 0.02), 0.50, 0.45),
    "health_visitor": ((0.60, 0.30, 0.10), 1, (1, 2, 3), (0.95, 0.04, 0.01), 0.20, 0.20),
    "school_nurse": ((0.60, 0.30, 0.10), 1, (1, 1, 3), (0.95, 0.04, 0.01), 0.20, 0.20),
}
"""Latent rating profile of each role a synthetic person can have."""

_NOTES: tuple[str, ...] = (
    "Sees them at weekends.",
    "Phone and video calls most days.",
    "Relationship improving since the move.",
    "Contact is supervised.",
    "Would like to see them more often.",
    "Helps with homework.",
    "Went to the review meeting together.",
    "Contact paused for now.",
    "Keeps in touch by text.",
    "Key person at school.",
)


def _pick3(rng: Random, weights: tuple[float, float, float]) -> int:
    """1, 2 or 3 with the given weights."""
    u = rng.random()
    if u < weights[0]:
        return 1
    return 2 if u < weights[0] + weights[1] else 3


def _nudge(rng: Random, value: int, low: int, high: int, chance: float) -> int:
    """``value`` moved one step up or down with probability ``chance``, kept in range."""
    u = rng.random()
    if u >= chance:
        return value
    value += 1 if u < chance / 2 else -1
    return low if value < low else high if value > high else value


@dataclass(slots=True)
class TieProfile:
    """A child tie's latent state: the truth both views see, each with their own noise."""

    closeness: int
    contact: int
    support: tuple[int, int, int]
    critical: int
    both: bool
    trusted: bool
    adult: bool

    @classmethod
    def draw(cls, rng: Random, role: str, *, adult: bool) -> TieProfile:
        """A fresh profile for a tie to someone with ``role``."""
        close_w, contact, support, critical_w, both, trust = ROLE_PROFILES[role]
        closeness = _pick3(rng, close_w)
        trust_chance = trust if closeness == 3 else trust * 0.4 if closeness == 2 else 0.02
        return cls(
            closeness=closeness,
            contact=_nudge(rng, contact, 0, 4, 0.4),
            support=(
                _nudge(rng, support[0], 1, 3, 0.3),
                _nudge(rng, support[1], 1, 3, 0.3),
                _nudge(rng, support[2], 1, 3, 0.3),
            ),
            critical=_pick3(rng, critical_w),
            both=rng.random() < both,
            trusted=adult and rng.random() < trust_chance,
            adult=adult,
        )

    def drift(self, rng: Random) -> None:
        """A quarter passes: closeness and contact may move a step; trust follows closeness."""
        self.closeness = _nudge(rng, self.closeness, 1, 3, 0.12)
        self.contact = _nudge(rng, self.contact, 0, 4, 0.10)
        if self.closeness == 1:
            self.trusted = False
        elif self.adult and self.closeness == 3 and not self.trusted and rng.random() < 0.05:
            self.trusted = True

    def observe(self, rng: Random, tie_id: str, on: str, by: str) -> dict[str, Any]:
        """One observation of the tie on ``on`` from ``by`` (``child`` or ``worker``)."""
        worker = by != "child"
        obs: dict[str, Any] = {
            "tie": tie_id,
            "on": on,
            "by": by,
            "closeness": _nudge(rng, self.closeness, 1, 3, 0.2) if worker else self.closeness,
        }
        if not worker or rng.random() < 0.9:
            obs["contact"] = self.contact
        if rng.random() < 0.9:
            e, p, i = self.support
            obs["support"] = {
                "emotional": _nudge(rng, e, 1, 3, 0.1),
                "practical": _nudge(rng, p, 1, 3, 0.1),
                "informational": _nudge(rng, i, 1, 3, 0.1),
            }
        if rng.random() < 0.92:
            obs["critical"] = self.critical
        obs["direction"] = "both" if self.both else "to_child"
        if self.adult:
            # The adult view misses a quarter of the people a child trusts.
            obs["trusted"] = self.trusted and (not worker or rng.random() < 0.75)
        if rng.random() < 0.02:
            obs["note"] = rng.choice(_NOTES)
        return obs
