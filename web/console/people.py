"""Who did it, for people: the audit trail and an event's reporter keep a login
(``commander.d1``); the console shows that account's display name, role and unit instead.
The login itself is shown to admins only (they manage the accounts)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.areas.models import Area
from core.identity.models import Account, Department
from web.i18n import localized


@dataclass(frozen=True, slots=True)
class Someone:
    """An account as the timeline names it."""

    username: str
    name: str
    role: str
    unit: str  # the department, or the area the account works in; "" when none


def lookup(session: Session, usernames: Iterable[str | None]) -> dict[str, Someone]:
    """The accounts behind ``usernames`` (unknown names and the system are left out)."""
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    rows = session.execute(
        select(Account.username, Account.display_name, Account.role, Department.name,
               Department.name_en, Area.name, Area.name_en)
        .outerjoin(Department, Department.code == Account.department_code)
        .outerjoin(Area, Area.code == Account.scope_code)
        .where(Account.username.in_(sorted(wanted)))
    )
    out = {}
    for username, display, role, dept, dept_en, area, area_en in rows:
        if dept:
            unit = localized({"name": dept, "name_en": dept_en})
        elif area:
            unit = localized({"name": area, "name_en": area_en})
        else:
            unit = ""
        if unit and (unit in display or role == "citizen"):
            unit = ""  # "和平区指挥员" already says where; a citizen has no unit
        out[username] = Someone(username, display or username, role, unit)
    return out



def department_name(session: Session, code: str | None) -> str | None:
    """A department's name in the page's language (the grid API gives the Chinese name)."""
    return department_names(session, [code]).get(code or "") if code else None


def department_names(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """``code → name`` in the page's language, one query for a list of departments."""
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    rows = session.execute(select(Department.code, Department.name, Department.name_en)
                           .where(Department.code.in_(wanted)))
    return {code: localized({"name": name, "name_en": name_en}) for code, name, name_en in rows}
