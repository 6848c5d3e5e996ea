"""Figures by item, department, level and period, computed by SQL aggregates.

Over the applications submitted in ``[start, end)``: applications, acceptance rate (accepted
÷ accepted or refused), on-time rate (decided by the deadline ÷ decided with a deadline),
mean processing days (submission to decision, calendar days), visits saved (a hall
application takes two visits) and ratings (count, mean, bad ones).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.identity.roles import Actor
from plugins.services import access
from plugins.services.actions import BASELINE_VISITS
from plugins.services.followups import BAD_RATING
from plugins.services.models import Application, Item

A = Application


def _seconds(session: Session, start: Any, end: Any) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return func.date_part("epoch", end - start)


def _measures(session: Session) -> list[Any]:
    decided_with_due = (A.decided_at.is_not(None)) & (A.due_at.is_not(None))
    return [
        func.count(A.id).label("applications"),
        func.count(A.accepted_at).label("accepted"),
        func.sum(case((A.status == "refused", 1), else_=0)).label("refused"),
        func.sum(case((decided_with_due, 1), else_=0)).label("decided"),
        func.sum(case((decided_with_due & (A.decided_at <= A.due_at), 1), else_=0))
        .label("on_time"),
        func.avg(case((A.decided_at.is_not(None), _seconds(session, A.submitted_at, A.decided_at)),
                      else_=None)).label("mean_seconds"),
        func.sum(case((A.visits.is_not(None), BASELINE_VISITS - A.visits), else_=0))
        .label("visits_saved"),
        func.count(A.rating).label("ratings"),
        func.avg(A.rating).label("mean_rating"),
        func.sum(case((A.rating <= BAD_RATING, 1), else_=0)).label("bad_ratings"),
    ]


def _row(r: Any) -> dict[str, Any]:
    accepted, refused = r.accepted or 0, r.refused or 0
    decided, on_time = r.decided or 0, r.on_time or 0
    return {
        "applications": r.applications or 0,
        "accepted": accepted,
        "refused": refused,
        "acceptance_rate": (round(accepted / (accepted + refused), 4)
                            if accepted + refused else None),
        "decided": decided,
        "on_time": on_time,
        "on_time_rate": round(on_time / decided, 4) if decided else None,
        "mean_processing_days": round(float(r.mean_seconds) / 86400, 2) if r.mean_seconds else None,
        "visits_saved": int(r.visits_saved or 0),
        "ratings": r.ratings or 0,
        "mean_rating": round(float(r.mean_rating), 2) if r.mean_rating is not None else None,
        "bad_ratings": int(r.bad_ratings or 0),
    }


def compute(
    session: Session, actor: Actor, *, start: dt.datetime, end: dt.datetime,
    item_code: str | None = None, department_code: str | None = None, level: str | None = None,
) -> dict[str, Any]:
    """Totals and breakdowns by item, department and level, within ``actor``'s scope."""
    base = select(*_measures(session)).where(
        A.submitted_at >= start, A.submitted_at < end, access.scope_clause(actor))
    if item_code:
        base = base.where(A.item_code == item_code)
    if department_code:
        base = base.where(A.department_code == department_code)
    if level:
        base = base.where(A.level == level)
    out: dict[str, Any] = {"start": start, "end": end, "totals": _row(session.execute(base).one())}
    for key, col in (("by_item", A.item_code), ("by_department", A.department_code),
                     ("by_level", A.level)):
        rows = session.execute(base.add_columns(col.label("key")).group_by(col)
                               .order_by(func.count(A.id).desc(), col)).all()
        out[key] = [{"key": r.key, **_row(r)} for r in rows]
    return out


def top_items(
    session: Session, n: int = 10, *, start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """The most requested items (submitted applications, in ``[start, end)`` when given)."""
    stmt = (select(A.item_code, Item.name_zh, Item.name_en, func.count(A.id).label("n"))
            .join(Item, Item.code == A.item_code).where(A.submitted_at.is_not(None)))
    if start is not None:
        stmt = stmt.where(A.submitted_at >= start)
    if end is not None:
        stmt = stmt.where(A.submitted_at < end)
    rows = session.execute(
        stmt.group_by(A.item_code, Item.name_zh, Item.name_en)
        .order_by(func.count(A.id).desc(), A.item_code).limit(n)
    ).all()
    return [{"code": r.item_code, "name": {"zh": r.name_zh, "en": r.name_en},
             "applications": r.n} for r in rows]
