"""Lists of events — always filtered to what the actor may see — and each role's inbox.

Paging is by offset over an indexed order (``reported_at`` with the id as tie-breaker): the
scope filters (district / street / community / grid / department) each have an index that
starts with the scope column and ends with ``reported_at``, so a page costs an index range
scan, not a sort, at millions of rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import Session

from core.areas.codes import Level, level_of
from core.contracts import Page
from core.errors import InvalidInput
from core.identity.roles import Actor, Role
from plugins.grid import access, present
from plugins.grid.escalation import CLOCKED
from plugins.grid.models import GridEvent, GridWhistleCall
from plugins.grid.taxonomy import Taxonomy
from plugins.grid.views import EventView
from plugins.grid.workflow import OPEN, STATUSES, WORKING

SORTS: dict[str, tuple[Any, ...]] = {
    "-reported_at": (GridEvent.reported_at.desc(), GridEvent.id.desc()),
    "reported_at": (GridEvent.reported_at, GridEvent.id),
    "due_at": (GridEvent.due_at.is_(None), GridEvent.due_at, GridEvent.id),
    "-due_at": (GridEvent.due_at.is_(None), GridEvent.due_at.desc(), GridEvent.id.desc()),
    "status": (GridEvent.status, GridEvent.reported_at.desc(), GridEvent.id.desc()),
    "-id": (GridEvent.id.desc(),),
}
SORT_ALIASES = {"-reported": "-reported_at", "reported": "reported_at", "due": "due_at",
                "-due": "-due_at"}
MAX_PER_PAGE = 500


def filters(
    taxonomy: Taxonomy, actor: Actor, now: dt.datetime, *,
    status: str | Sequence[str] | None = None, item_code: str | None = None,
    category: str | None = None, area_code: str | None = None,
    department_code: str | None = None, overdue: bool | None = None, q: str | None = None,
    mine: bool = False, open_only: bool = False, escalated: bool | None = None,
) -> list[ColumnElement[bool]]:
    """The WHERE terms of a list (scope first); ``InvalidInput`` for a bad filter."""
    wanted = ([status] if isinstance(status, str) else list(status)) if status else []
    bad = [s for s in wanted if s not in STATUSES]
    if bad:
        raise InvalidInput(f"unknown status {bad[0]!r}",
                           fields={"status": f"one of {', '.join(STATUSES)}"})
    only_open = open_only or overdue is True or (bool(wanted) and set(wanted) <= set(OPEN))
    where: list[ColumnElement[bool]] = [access.scope_clause(actor, only_open)]
    if wanted:
        where.append(GridEvent.status.in_(wanted))
    if item_code:
        where.append(GridEvent.item_code == item_code)
    if category:
        where.append(GridEvent.category == category)
    if area_code:
        try:
            where.append(access.area_clause(area_code, only_open))
        except InvalidInput as e:
            raise InvalidInput(e.message, fields={"area_code": e.message}) from None
    if department_code:
        where.append(GridEvent.department_code == department_code)
    if overdue is not None:
        late = GridEvent.status.in_(CLOCKED) & (GridEvent.due_at < now)
        where.append(late if overdue else ~late)  # NULL-safe: due_at only on open events
    if mine:
        where.append(_mine(actor))
    if open_only:
        where.append(GridEvent.status.in_(OPEN))
    if escalated is not None:
        where.append(GridEvent.escalation_level > 0 if escalated
                     else GridEvent.escalation_level == 0)
    if q and q.strip():
        where.append(_search(taxonomy, q.strip()))
    return where


def _mine(actor: Actor) -> ColumnElement[bool]:
    mine = access.mine_clause(actor)
    return mine if mine is not None else GridEvent.id.is_(None)


def _search(taxonomy: Taxonomy, q: str) -> ColumnElement[bool]:
    eid = access.parse_id(q)
    if eid is not None:
        return GridEvent.id == eid
    items = [c for c, i in taxonomy.items.items()
             if q in i.name or q.lower() in i.name_en.lower() or q == c or q in i.keywords]
    like = f"%{q.replace('%', '').replace('_', '')}%"
    terms: list[ColumnElement[bool]] = [GridEvent.description.like(like),
                                        GridEvent.address.like(like)]
    if items:
        terms.append(GridEvent.item_code.in_(items))
    return or_(*terms)


def page_of(session: Session, actor: Actor, taxonomy: Taxonomy, now: dt.datetime,
            tz: dt.tzinfo, where: list[ColumnElement[bool]], sort: str = "-reported_at",
            page: int = 1, per_page: int = 50, count: bool = True) -> Page[EventView]:
    sort = SORT_ALIASES.get(sort, sort)
    if sort not in SORTS:
        raise InvalidInput(f"unknown sort {sort!r}", fields={"sort": f"one of {', '.join(SORTS)}"})
    page = max(1, int(page))
    per_page = min(max(1, int(per_page)), MAX_PER_PAGE)
    rows = session.scalars(select(GridEvent).where(*where).order_by(*SORTS[sort])
                           .offset((page - 1) * per_page).limit(per_page)).all()
    if count:
        total = session.scalar(select(func.count()).select_from(GridEvent).where(*where)) or 0
    else:
        total = (page - 1) * per_page + len(rows)
    items = present.views(session, rows, actor, taxonomy, now, tz)
    return Page(items, total, page, per_page)


# ── inboxes ──────────────────────────────────────────────────────────────────────────────


def boxes(actor: Actor, now: dt.datetime) -> dict[str, list[ColumnElement[bool]]]:
    """Each inbox of ``actor``'s role: name → extra WHERE terms (scope is added later)."""
    late = [GridEvent.status.in_(CLOCKED), GridEvent.due_at < now]
    out: dict[str, list[ColumnElement[bool]]] = {}
    if actor.has_role(Role.COMMANDER):
        out["to_register"] = [GridEvent.status == "reported"]
        out["to_dispatch"] = [GridEvent.status == "registered"]
        out["to_handle"] = [GridEvent.status.in_(("dispatched", "handling")),
                            GridEvent.department_code.is_(None)]
        out["to_close"] = [GridEvent.status == "verified"]
        out["to_approve"] = [GridEvent.status.in_(WORKING),
                              GridEvent.pending_request.is_not(None)]
        level = level_of(actor.scope_code) if actor.scope_code else Level.CITY
        if level < Level.COMMUNITY:
            out["escalated"] = [GridEvent.status.in_(OPEN),
                                GridEvent.escalation_level >= int(Level.COMMUNITY - level)]
        out["overdue"] = late
    elif actor.has_role(Role.HANDLER):
        mine = GridEvent.department_code == actor.department_code
        out["to_accept"] = [mine, GridEvent.status == "dispatched"]
        out["handling"] = [mine, GridEvent.status == "handling"]
        out["whistles"] = [exists().where(
            GridWhistleCall.event_id == GridEvent.id,
            GridWhistleCall.department_code == actor.department_code,
            GridWhistleCall.acted_at.is_(None))]
        out["overdue"] = [mine, *late]
    elif actor.has_role(Role.GRID_WORKER):
        out["to_verify"] = [GridEvent.status == "handled"]
        out["mine"] = [_mine(actor), GridEvent.status.in_(OPEN)]
        out["overdue"] = late
    elif actor.role is Role.CITIZEN:
        out["mine"] = [_mine(actor)]
    else:
        out["overdue"] = late
    return out
