"""Blowing the whistle (吹哨报到): a community, street or district summons departments to an
event with a response deadline; each department reports in (报到) and then acts. Their
response times are kept on ``grid_whistle_call`` for the statistics and the timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.calendar import WorkingCalendar
from core.errors import InvalidInput, InvalidTransition
from core.identity.models import Department
from core.identity.roles import Actor, Role
from plugins.grid import access
from plugins.grid.models import GridEvent, GridWhistle, GridWhistleCall


def blow(session: Session, actor: Actor, ev: GridEvent, values: Mapping[str, Any],
         now: dt.datetime, calendar: WorkingCalendar) -> GridWhistle:
    """Summon ``values["departments"]`` to respond within ``values["hours"]``."""
    codes: list[str] = values["departments"]
    known = set(session.scalars(select(Department.code).where(Department.code.in_(codes))))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise InvalidInput(f"there is no department {', '.join(unknown)}",
                           fields={"departments": f"unknown: {', '.join(unknown)}"})
    hours = values["hours"]
    respond_by = (calendar.add_working_hours(now, hours) if values.get("working_time")
                  else now + dt.timedelta(hours=hours))
    whistle = GridWhistle(
        event_id=ev.id, area_code=actor.scope_code or ev.community_code,
        district_code=ev.district_code, community_code=ev.community_code,
        reason=values["reason"], blown_by=actor.username, blown_at=now, respond_by=respond_by)
    session.add(whistle)
    session.flush()
    for code in codes:
        session.add(GridWhistleCall(whistle_id=whistle.id, event_id=ev.id, department_code=code,
                                    respond_by=respond_by, late=False))
    ev.whistle_count += 1
    return whistle


def _call(session: Session, actor: Actor, ev: GridEvent, unacked: bool) -> GridWhistleCall:
    dept = None if actor.role is Role.SYSTEM else actor.department_code
    calls = access.open_calls(session, ev, dept, unacked=unacked)
    if not calls:  # pragma: no cover - guarded before the effect runs
        raise InvalidTransition("your department has no open whistle call on this event")
    return calls[0]


def ack(session: Session, actor: Actor, ev: GridEvent, now: dt.datetime) -> GridWhistleCall:
    """报到: the department acknowledges; late if after the response deadline."""
    call = _call(session, actor, ev, unacked=True)
    call.acked_at, call.acked_by = now, actor.username
    call.late = call.late or now > call.respond_by
    return call


def act(session: Session, actor: Actor, ev: GridEvent, now: dt.datetime,
        note: str) -> GridWhistleCall:
    """The department reports what it did (reporting in first if it had not)."""
    call = _call(session, actor, ev, unacked=False)
    if call.acked_at is None:
        call.acked_at, call.acked_by = now, actor.username
        call.late = call.late or now > call.respond_by
    call.acted_at, call.acted_by, call.note = now, actor.username, note
    return call
