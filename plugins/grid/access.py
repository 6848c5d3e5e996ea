"""Who sees which events, and who may take which part in a case.

Seeing: commanders and admins their area; handlers their department's events and those their
department was summoned to by a whistle; grid workers their grid's and their own reports;
citizens their own reports; the system everything. An event outside that is ``NotFound``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true, union
from sqlalchemy.orm import Session

from core.areas.codes import Level, ancestor_at, contains, level_of
from core.errors import NotFound
from core.identity.roles import Actor, Role
from plugins.grid.models import GridEvent, GridRequest, GridWhistleCall

AREA_COLUMNS = {
    Level.DISTRICT: GridEvent.district_code,
    Level.STREET: GridEvent.street_code,
    Level.COMMUNITY: GridEvent.community_code,
    Level.GRID: GridEvent.grid_code,
}


def area_clause(code: str, open_only: bool = False) -> ColumnElement[bool]:
    """Events inside area ``code`` (any level).

    ``open_only``: the query is about open events, so say it as a range of community codes —
    the index by status and community then finds them directly. Otherwise the area's own
    column, whose index (area, reported_at) serves lists newest first and their counts.
    """
    level = level_of(code)
    if level is Level.CITY:  # one city per installation: all of its events
        return true()
    if open_only and level is not Level.GRID:
        return GridEvent.community_code.between(code.ljust(12, "0"), code.ljust(12, "9"))
    if level is Level.GRID and open_only:
        return and_(GridEvent.grid_code == code, GridEvent.community_code == code[:12])
    return AREA_COLUMNS[level] == code


def scope_clause(actor: Actor, open_only: bool = False) -> ColumnElement[bool]:
    """SQL condition for the events ``actor`` may see, shaped for the indexes: an area is
    one indexed column; "reported by me" is an ``IN`` over the reporter indexes (a plain
    ``OR`` would send planners scanning millions of rows, most reporters being NULL)."""
    if actor.role is Role.SYSTEM:
        return true()
    scope = actor.scope_code
    clauses: list[ColumnElement[bool]] = []
    if scope and actor.has_role(Role.COMMANDER, Role.ADMIN):
        clauses.append(area_clause(scope, open_only))  # they report only inside it
    elif scope and actor.has_role(Role.GRID_WORKER):
        community = ancestor_at(scope, Level.COMMUNITY) or scope
        own = [area_clause(scope)]
        if actor.account_id is not None:
            own.append(GridEvent.reporter_account_id == actor.account_id)
        clauses.append(and_(area_clause(community, open_only), or_(*own)))
    else:
        if actor.department_code and actor.has_role(Role.HANDLER):
            dept = actor.department_code
            clauses.append(GridEvent.department_code == dept)
            clauses.append(GridEvent.id.in_(select(GridWhistleCall.event_id).where(
                GridWhistleCall.department_code == dept)))
        mine = mine_clause(actor)
        if mine is not None:
            clauses.append(mine)
    if not clauses:
        return false()
    return clauses[0] if len(clauses) == 1 else or_(*clauses)


def mine_clause(actor: Actor) -> ColumnElement[bool] | None:
    """Events the actor reported (by account or as a person), as ``id IN (…)``."""
    subs = []
    if actor.account_id is not None:
        subs.append(select(GridEvent.id).where(
            GridEvent.reporter_account_id == actor.account_id))
    if actor.person_id is not None:
        subs.append(select(GridEvent.id).where(
            GridEvent.reporter_person_id == actor.person_id))
    if not subs:
        return None
    return GridEvent.id.in_(subs[0] if len(subs) == 1 else union(*subs))


def may_see(session: Session, actor: Actor, ev: GridEvent) -> bool:
    """The same rule as ``scope_clause``, for one loaded event."""
    if actor.role is Role.SYSTEM:
        return True
    scope = actor.scope_code
    if scope and actor.has_role(Role.COMMANDER, Role.ADMIN):
        return actor.sees(ev.grid_code)
    if scope and actor.has_role(Role.GRID_WORKER):
        community = ancestor_at(scope, Level.COMMUNITY) or scope
        return actor.sees(ev.grid_code) or (
            is_reporter(actor, ev) and contains(community, ev.grid_code))
    if actor.department_code and actor.has_role(Role.HANDLER) and (
            ev.department_code == actor.department_code or summoned(session, actor, ev)):
        return True
    return is_reporter(actor, ev)


def is_reporter(actor: Actor, ev: GridEvent) -> bool:
    return (actor.account_id is not None and ev.reporter_account_id == actor.account_id) or (
        actor.person_id is not None and ev.reporter_person_id == actor.person_id)


def is_staff_viewer(actor: Actor, ev: GridEvent) -> bool:
    """Whether ``actor`` sees the event as staff (reporter contact details included)."""
    if actor.role is Role.SYSTEM:
        return True
    if actor.has_role(Role.HANDLER):
        return True  # it was dispatched or summoned to them: they may need to call back
    return bool(actor.scope_code) and actor.has_role(
        Role.COMMANDER, Role.ADMIN, Role.GRID_WORKER) and actor.sees(ev.grid_code)


def load(session: Session, actor: Actor, event_id: int | str,
         for_update: bool = False) -> GridEvent:
    """The event (id or public reference) if ``actor`` may see it, else ``NotFound``."""
    eid = parse_id(event_id)
    ev = session.get(GridEvent, eid, populate_existing=for_update) if eid else None
    if ev is None or not may_see(session, actor, ev):
        raise NotFound(f"there is no event {event_id} (or it is outside your area)")
    return ev


def parse_id(event_id: int | str) -> int | None:
    """An event id from an id or a public reference ``E20260302-000123``."""
    if isinstance(event_id, int) and not isinstance(event_id, bool):
        return event_id
    text = str(event_id).strip().upper()
    if text.startswith("E") and "-" in text:
        text = text.rsplit("-", 1)[1]
    return int(text) if text.isdigit() else None


# ── who may take part (the ``who`` of each transition) ─────────────────────────────────────


def _commander(session: Session, actor: Actor, ev: GridEvent) -> bool:
    return actor.role is Role.SYSTEM or (actor.has_role(Role.COMMANDER)
                                         and actor.sees(ev.grid_code))


def _handler(session: Session, actor: Actor, ev: GridEvent) -> bool:
    if actor.role is Role.SYSTEM:
        return True
    if ev.department_code is not None:
        return actor.has_role(Role.HANDLER) and actor.department_code == ev.department_code
    area = ev.responsible_area_code or ev.community_code
    return actor.has_role(Role.COMMANDER) and actor.sees(area)  # 属地: the community handles


def _verifier(session: Session, actor: Actor, ev: GridEvent) -> bool:
    if actor.has_role(Role.GRID_WORKER) and actor.sees(ev.grid_code):
        return True
    return _commander(session, actor, ev)


def _reporter(session: Session, actor: Actor, ev: GridEvent) -> bool:
    return actor.role is Role.SYSTEM or (
        actor.has_role(Role.GRID_WORKER) and ev.reporter_account_id == actor.account_id)


def _approver(session: Session, actor: Actor, ev: GridEvent) -> bool:
    """A commander in scope who did not ask for it themselves (four eyes)."""
    if not _commander(session, actor, ev):
        return False
    if actor.role is Role.SYSTEM:
        return True
    req = pending_request(session, ev)
    return req is None or req.requested_by_id != actor.account_id


def _whistler(session: Session, actor: Actor, ev: GridEvent) -> bool:
    if actor.role is Role.SYSTEM:
        return True
    if not (actor.has_role(Role.COMMANDER) and actor.scope_code and actor.sees(ev.grid_code)):
        return False
    return level_of(actor.scope_code) in (Level.DISTRICT, Level.STREET, Level.COMMUNITY)


def _summoned(session: Session, actor: Actor, ev: GridEvent) -> bool:
    if actor.role is Role.SYSTEM:
        return ev.whistle_count > 0
    return actor.has_role(Role.HANDLER) and summoned(session, actor, ev)


WHO: dict[str, Callable[[Session, Actor, GridEvent], bool]] = {
    "commander": _commander,
    "handler": _handler,
    "verifier": _verifier,
    "reporter": _reporter,
    "approver": _approver,
    "whistler": _whistler,
    "summoned": _summoned,
}


def summoned(session: Session, actor: Actor, ev: GridEvent) -> bool:
    if not ev.whistle_count or actor.department_code is None:
        return False
    return session.scalar(select(exists().where(
        GridWhistleCall.event_id == ev.id,
        GridWhistleCall.department_code == actor.department_code))) or False


def pending_request(session: Session, ev: GridEvent) -> GridRequest | None:
    if ev.pending_request is None:
        return None
    return session.scalar(select(GridRequest).where(
        GridRequest.event_id == ev.id, GridRequest.decided_at.is_(None)
    ).order_by(GridRequest.id.desc()).limit(1))


def open_calls(session: Session, ev: GridEvent, department_code: str | None,
               unacked: bool) -> list[GridWhistleCall]:
    """The summoned department's calls on the event not yet acknowledged / acted on."""
    if not ev.whistle_count:
        return []
    cond: list[Any] = [GridWhistleCall.event_id == ev.id]
    if department_code is not None:
        cond.append(GridWhistleCall.department_code == department_code)
    cond.append(GridWhistleCall.acked_at.is_(None) if unacked
                else GridWhistleCall.acted_at.is_(None))
    return list(session.scalars(select(GridWhistleCall).where(and_(*cond))
                                .order_by(GridWhistleCall.id)))
