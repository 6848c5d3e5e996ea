"""Who may see and act on an application: the applicant sees their own; clerks, handlers and
admins only their department's (when they have one) and their area's."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, false, or_, select, true
from sqlalchemy.orm import Session

from core.areas.codes import Level, level_of
from core.errors import NotFound
from core.identity.models import Person
from core.identity.roles import Actor, Role
from plugins.services.models import Application, Item

STAFF = (Role.CLERK, Role.HANDLER, Role.ADMIN)


def is_staff(actor: Actor) -> bool:
    return actor.role is Role.SYSTEM or actor.has_role(*STAFF)


def is_applicant(actor: Actor, app: Application) -> bool:
    return actor.person_id is not None and actor.person_id == app.applicant_id


def staff_sees(actor: Actor, area_code: str, department_code: str | None) -> bool:
    if actor.role is Role.SYSTEM:
        return True
    if not actor.has_role(*STAFF) or not actor.sees(area_code):
        return False
    return actor.department_code is None or actor.department_code == department_code


def may_see(actor: Actor, app: Application) -> bool:
    return is_applicant(actor, app) or staff_sees(actor, app.area_code, app.department_code)


def scope_clause(actor: Actor, model: Any = Application) -> Any:
    """SQL condition for the rows of ``model`` (applications, follow-ups) ``actor`` may see."""
    if actor.role is Role.SYSTEM:
        return true()
    clauses = []
    person_col = getattr(model, "applicant_id", None) or getattr(model, "person_id", None)
    if actor.person_id is not None and person_col is not None:
        clauses.append(person_col == actor.person_id)
    if actor.has_role(*STAFF) and actor.scope_code:
        scope = actor.scope_code
        # one city per installation: a city-level scope is no area term
        staff = true() if level_of(scope) is Level.CITY else model.area_code.startswith(scope)
        if actor.department_code is not None:
            staff = staff & (model.department_code == actor.department_code)
        clauses.append(staff)
    return or_(*clauses) if clauses else false()


def _load_statement(extra: tuple[Any, ...], by_ref: bool) -> Any:
    key = (tuple(map(id, extra)), by_ref)
    stmt = _STATEMENTS.get(key)
    if stmt is None:  # building a statement costs more than running it: build each once
        stmt = _STATEMENTS[key] = (
            select(Application, Person, Item.data, *extra)
            .join(Person, Person.id == Application.applicant_id)
            .join(Item, Item.code == Application.item_code)
            .where((Application.ref if by_ref else Application.id) == bindparam("key")))
    return stmt


_STATEMENTS: dict[tuple, Any] = {}


def load(session: Session, actor: Actor, app_id: int | str, *extra: Any) -> Application:
    """The application ``app_id`` (id or reference) if ``actor`` may see it, else ``NotFound``.

    ``extra`` columns (module-level expressions) are read in the same query; their values land
    in ``session.info["services.extra"][app.id]`` (saves a round trip on hot paths).
    """
    by_ref = isinstance(app_id, str) and not app_id.isdigit()
    key = app_id if by_ref else int(app_id)
    found = session.execute(_load_statement(extra, by_ref), {"key": key}).first()
    if found is None or not may_see(actor, found[0]):
        raise NotFound(f"there is no application {app_id} that you can see")
    app, person, item = found[:3]
    if extra:
        session.info.setdefault(EXTRA, {})[app.id] = tuple(found[3:])
    keep(session, person)
    session.info.setdefault(ITEMS, {}).setdefault(app.item_code, item)
    return app


_KEPT = "services.kept"
EXTRA = "services.extra"
ITEMS = "services.items"  # item dicts read in this transaction, by code


def keep(session: Session, obj: object) -> None:
    """Hold a loaded row for the rest of the transaction (the identity map holds it weakly)."""
    session.info.setdefault(_KEPT, []).append(obj)
