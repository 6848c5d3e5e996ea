"""Roles and the ``Actor``: who is asking, passed to every function that checks permissions."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from core.areas.codes import contains
from core.errors import PermissionDenied


class Role(enum.StrEnum):
    CITIZEN = "citizen"
    GRID_WORKER = "grid_worker"
    COMMANDER = "commander"
    HANDLER = "handler"  # department handler
    CLERK = "clerk"  # service clerk
    ADMIN = "admin"
    SYSTEM = "system"  # jobs: deadline ticks, imports, the simulator's robots

    @property
    def is_staff(self) -> bool:
        return self not in (Role.CITIZEN,)


STAFF_ROLES = frozenset(r for r in Role if r.is_staff and r is not Role.SYSTEM)


@dataclass(frozen=True, slots=True)
class Actor:
    """The person or job acting. Data, not an ORM row: plugins may keep it."""

    account_id: int | None
    username: str
    role: Role
    scope_code: str | None = None
    department_code: str | None = None
    person_id: int | None = None
    extra_roles: frozenset[str] = field(default_factory=frozenset)

    def has_role(self, *roles: Role | str) -> bool:
        names = {str(r) for r in roles}
        return str(self.role) in names or bool(self.extra_roles & names)

    def require_role(self, *roles: Role | str, action: str = "do this") -> None:
        if not self.has_role(*roles):
            allowed = ", ".join(str(r) for r in roles)
            raise PermissionDenied(f"only {allowed} may {action}; you are {self.role}")

    def sees(self, area_code: str) -> bool:
        """Whether ``area_code`` is within this actor's scope (system sees everything)."""
        if self.role is Role.SYSTEM:
            return True
        return self.scope_code is not None and contains(self.scope_code, area_code)

    def require_scope(self, area_code: str) -> None:
        if not self.sees(area_code):
            raise PermissionDenied(f"area {area_code} is outside your scope ({self.scope_code})")


SYSTEM = Actor(account_id=None, username="system", role=Role.SYSTEM)
