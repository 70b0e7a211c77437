"""Who is asking: a signed-in user (worker, leader, admin) or a young person's link."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PrincipalRole = Literal["worker", "leader", "admin", "young_person"]


@dataclass(frozen=True)
class Principal:
    """The caller of a request, as the audit log names them (ids only)."""

    actor: str
    role: PrincipalRole
    team: str | None = None
    child_id: str | None = None
    link_id: str | None = None

    @property
    def is_link(self) -> bool:
        return self.role == "young_person"
