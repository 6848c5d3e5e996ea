"""Core's fallback implementations, registered like any plugin and marked ``trylast``.

A firstresult hook therefore always has an answer, and any plugin can override it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from core.areas.locate import Location
from core.contracts import Party, Route
from core.hookspecs import hookimpl
from core.identity import accounts, registry
from core.identity.roles import Actor


@hookimpl(trylast=True)
def identity_authenticate(session: Session, username: str, password: str) -> Actor | None:
    return accounts.authenticate(session, username, password)


@hookimpl(trylast=True)
def identity_resolve(session: Session, kind: str, number: str) -> Party | None:
    return registry.resolve(session, kind, number)


@hookimpl(trylast=True)
def events_route(session: Session, item: Mapping[str, Any], location: Location) -> Route:
    return Route(
        department_code=None,
        area_code=location.community,
        reason="no department is responsible: the community handles it (属地兜底)",
    )
