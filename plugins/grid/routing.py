"""The routing table (派单目录): item × area → department, the most specific area winning.

``events_route`` asks every plugin (a district's rule first); ours looks the table up; with
no row, core's default makes the community responsible (属地兜底). The seed creates one
department per department type and district (street offices per street) and a row for each
item in each district pointing at its usual department type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from core import audit
from core.areas.codes import Level, level_of
from core.areas.locate import Location
from core.areas.models import Area
from core.contracts import Route
from core.errors import InvalidInput, NotFound
from core.identity.models import Department
from core.identity.registry import ensure_department
from core.identity.roles import Actor, Role
from core.platform import Platform
from plugins.grid.models import GridRoute
from plugins.grid.taxonomy import Taxonomy, department_types


@dataclass(frozen=True, slots=True)
class RouteView:
    item_code: str
    area_code: str
    department_code: str
    department_name: str | None = None


_LEVELS = ("grid", "community", "street", "district", "city")
_ROUTES = GridRoute.__table__
_LOOKUP = (  # built once, plain Core: the request path only binds values
    select(_ROUTES.c.department_code, _ROUTES.c.area_code)
    .where(_ROUTES.c.item_code == bindparam("item"),
           _ROUTES.c.area_code.in_([bindparam(level) for level in _LEVELS]))
    .order_by(func.length(_ROUTES.c.area_code).desc()).limit(1)
)


def lookup(session: Session, item_code: str, location: Location) -> Route | None:
    """The table's most specific row for the item at ``location``, or None."""
    params = {level: getattr(location, level) for level in _LEVELS}
    row = session.connection().execute(_LOOKUP, {"item": item_code, **params}).first()
    if row is None:
        return None
    return Route(row[0], row[1], f"routing table: item {item_code} in area {row[1]}")


def route(session: Session, item: Mapping[str, Any], location: Location) -> Route:
    """Ask the plugins (``events_route``); core's default always answers."""
    result = Platform.of(session).hook.events_route(session=session, item=item,
                                                    location=location)
    if result is None:  # pragma: no cover - core.defaults always answers
        return Route(None, location.community, "属地兜底")
    return result


def set_route(session: Session, actor: Actor, item_code: str, area_code: str,
              department_code: str, taxonomy: Taxonomy) -> RouteView:
    """Add or change one row (admins only)."""
    actor.require_role(Role.ADMIN, Role.SYSTEM, action="edit the routing table")
    errors: dict[str, str] = {}
    if item_code not in taxonomy.items:
        errors["item_code"] = f"there is no event item {item_code!r}"
    try:
        level_of(area_code)
        if session.get(Area, area_code) is None:
            errors["area_code"] = f"there is no area {area_code}"
    except InvalidInput as e:
        errors["area_code"] = e.message
    dept = session.get(Department, department_code)
    if dept is None:
        errors["department_code"] = f"there is no department {department_code!r}"
    if errors:
        raise InvalidInput("the routing rule is not valid: " + "; ".join(errors.values()),
                           fields=errors)
    platform = Platform.of(session)
    row = session.scalar(select(GridRoute).where(GridRoute.item_code == item_code,
                                                 GridRoute.area_code == area_code))
    before = {"department_code": row.department_code} if row else None
    if row is None:
        row = GridRoute(item_code=item_code, area_code=area_code)
        session.add(row)
    row.department_code = department_code
    row.updated_at = platform.now()
    row.updated_by = actor.username
    session.flush()
    audit.record(session, actor, "grid.route.set", "grid.route", f"{item_code}@{area_code}",
                 at=platform.now(), before=before, after={"department_code": department_code},
                 area_code=area_code)
    return RouteView(item_code, area_code, department_code, dept.name if dept else None)


def delete_route(session: Session, actor: Actor, item_code: str, area_code: str) -> None:
    actor.require_role(Role.ADMIN, Role.SYSTEM, action="edit the routing table")
    row = session.scalar(select(GridRoute).where(GridRoute.item_code == item_code,
                                                 GridRoute.area_code == area_code))
    if row is None:
        raise NotFound(f"there is no routing rule for item {item_code} in area {area_code}")
    platform = Platform.of(session)
    audit.record(session, actor, "grid.route.delete", "grid.route", f"{item_code}@{area_code}",
                 at=platform.now(), before={"department_code": row.department_code},
                 area_code=area_code)
    session.delete(row)
    session.flush()


def routes(session: Session, *, item_code: str | None = None, area_code: str | None = None,
           limit: int = 1000) -> list[RouteView]:
    stmt = (select(GridRoute.item_code, GridRoute.area_code, GridRoute.department_code,
                   Department.name)
            .join(Department, Department.code == GridRoute.department_code)
            .order_by(GridRoute.item_code, GridRoute.area_code).limit(limit))
    if item_code:
        stmt = stmt.where(GridRoute.item_code == item_code)
    if area_code:
        stmt = stmt.where(GridRoute.area_code.startswith(area_code, autoescape=True))
    return [RouteView(*row) for row in session.execute(stmt)]


# ── reference data ───────────────────────────────────────────────────────────────────────


def department_code(area_code: str, dept_type: str) -> str:
    return f"{area_code}.{dept_type}"


def seed_departments(session: Session) -> int:
    """One department per type and district (street offices: per street); idempotent."""
    n = 0
    for level in (Level.DISTRICT, Level.STREET):
        areas = session.execute(select(Area.code, Area.name)
                                .where(Area.level == int(level)).order_by(Area.code)).all()
        for dept_type, spec in department_types().items():
            if spec.get("level", "district") != level.label or "unit" not in spec:
                continue
            for code, name in areas:
                ensure_department(session, department_code(code, dept_type),
                                  f"{name}{spec['unit']['zh']}", dept_type, code,
                                  spec["unit"]["en"])
                n += 1
    session.flush()
    return n


def seed_routes(session: Session, taxonomy: Taxonomy, actor: str = "seed") -> int:
    """A row per item and district (street for street-office items) to its usual
    department; existing rows (an admin's edits) are kept. Returns rows added."""
    existing = {(i, a) for i, a in session.execute(
        select(GridRoute.item_code, GridRoute.area_code))}
    depts = set(session.scalars(select(Department.code)))
    by_level: dict[str, list[str]] = {
        "district": list(session.scalars(select(Area.code).where(
            Area.level == int(Level.DISTRICT)))),
        "street": list(session.scalars(select(Area.code).where(
            Area.level == int(Level.STREET)))),
    }
    now = Platform.of(session).now()
    rows = []
    for item in taxonomy.items.values():
        level = department_types()[item.department_type].get("level", "district")
        for area in by_level.get(level, ()):
            if item.area_code and not area.startswith(item.area_code) \
                    and not item.area_code.startswith(area):
                continue
            dept = department_code(area, item.department_type)
            if (item.code, area) in existing or dept not in depts:
                continue
            rows.append({"item_code": item.code, "area_code": area, "department_code": dept,
                         "updated_at": now, "updated_by": actor})
    if rows:
        session.execute(GridRoute.__table__.insert(), rows)
    return len(rows)


def dispatch_options(session: Session, district_code: str,
                     first: str | None = None) -> list[tuple[str, str]]:
    """``(code, name)`` of the departments an event in ``district_code`` can go to."""
    rows = session.execute(
        select(Department.code, Department.name)
        .where(Department.area_code.startswith(district_code, autoescape=True))
        .order_by(Department.code)
    ).all()
    options = [(c, n) for c, n in rows]
    options.sort(key=lambda o: o[0] != first)
    return options
