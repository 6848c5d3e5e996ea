"""The periodic tick: overdue events escalate one level up (community → street → district →
city), and whistle calls not answered in time are marked late.

An event escalates when its current stage's deadline has passed, and again each time that
stage's time limit runs out once more, up to the city. Automatic escalation does not change
the event's version, so a form open on someone's screen stays valid.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from core import audit
from core.areas.codes import ancestor_at
from core.contracts import DomainEvent
from core.identity.roles import SYSTEM
from core.platform import Platform
from plugins.grid import deadlines, taxonomy
from plugins.grid.models import GridEvent, GridWhistleCall
from plugins.grid.views import ESCALATION_LEVELS
from plugins.grid.workflow import STATUSES

CLOCKED = tuple(s for s, stage in deadlines.STAGE_OF_STATUS.items() if stage)
TOP = len(ESCALATION_LEVELS) - 1


def area_of(ev: GridEvent) -> str | None:
    """The area whose commander the event is escalated to (None: not escalated)."""
    if not ev.escalation_level:
        return None
    return ancestor_at(ev.grid_code, ESCALATION_LEVELS[min(ev.escalation_level, TOP)])


def tick(session: Session, now: dt.datetime) -> dict[str, int]:
    """Escalate what is overdue and mark late whistle calls; returns the counts."""
    return {"grid.escalated": escalate_overdue(session, now),
            "grid.whistle_calls_late": mark_late_calls(session, now)}


def escalate_overdue(session: Session, now: dt.datetime) -> int:
    platform = Platform.of(session)
    items = taxonomy.load(platform.pm).items
    rows = session.execute(
        select(GridEvent.id, GridEvent.item_code, GridEvent.status, GridEvent.escalation_level,
               GridEvent.grid_code, GridEvent.due_at)
        .where(GridEvent.status.in_(CLOCKED), GridEvent.due_at < now,
               GridEvent.escalation_level < TOP,
               or_(GridEvent.next_escalation_at.is_(None), GridEvent.next_escalation_at <= now))
        .order_by(GridEvent.id)
    ).all()
    if not rows:
        return 0
    params = []
    for eid, item_code, status, level, grid, due in rows:
        stage = deadlines.STAGE_OF_STATUS[status]
        item = items.get(item_code)
        nxt = (deadlines.deadline(platform.calendar, now, item.limits[stage])
               if item and stage else now + dt.timedelta(days=1))
        target = ancestor_at(grid, ESCALATION_LEVELS[level + 1])
        params.append({"b_id": eid, "b_level": level + 1, "b_next": nxt})
        before = {"status": status, "escalation_level": level}
        after = {"status": status, "escalation_level": level + 1, "escalated_to": target,
                 "overdue_since": due, "automatic": True}
        audit.record(session, SYSTEM, "grid.event.escalate", "grid.event", eid, at=now,
                     before=before, after=after, area_code=grid,
                     note=f"{STATUSES[status]['zh']}超时，自动上报至{target} (overdue: escalated)")
        platform.publish(session, DomainEvent("grid.event.escalate", "grid.event", str(eid),
                                              now, SYSTEM.username, area_code=grid, data=after))
    table = GridEvent.__table__
    session.execute(
        update(table).where(table.c.id == bindparam("b_id"))
        .values(escalation_level=bindparam("b_level"), next_escalation_at=bindparam("b_next")),
        params,
    )
    for p in params:  # keep loaded rows in step with the database
        obj = session.identity_map.get(session.identity_key(GridEvent, p["b_id"]))
        if obj is not None:
            session.expire(obj, ["escalation_level", "next_escalation_at"])
    return len(params)


def mark_late_calls(session: Session, now: dt.datetime) -> int:
    result = session.execute(
        update(GridWhistleCall)
        .where(GridWhistleCall.acked_at.is_(None), GridWhistleCall.late.is_(False),
               GridWhistleCall.respond_by < now)
        .values(late=True).execution_options(synchronize_session=False))
    return result.rowcount or 0
