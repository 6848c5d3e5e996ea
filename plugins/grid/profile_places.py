"""A place's grid figures for its profile (grid, community, street, district): events by item
with a monthly trend over the last twelve months, and the overdue work (open events past
their current stage's deadline), the most overdue first.

Every query is an index range: the area's own column with ``reported_at`` (items and trend:
``ix_grid_event_grid`` / ``_stats`` / ``_street`` / ``_district``), and open events by
status, community and deadline (overdue: ``ix_grid_event_open``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.contracts import ProfileSection
from core.identity.roles import Actor
from core.platform import Platform
from plugins.grid import access, profile_rows, taxonomy
from plugins.grid.escalation import CLOCKED
from plugins.grid.models import GridEvent

MONTHS = 12
ITEMS = 20  # items listed (the busiest); the summary counts them all
ROWS = 10


def sections(session: Session, code: str, viewer: Actor) -> list[ProfileSection]:
    return [items_and_trend(session, code), overdue(session, code, viewer)]


def month_starts(now: dt.datetime, tz: dt.tzinfo, months: int = MONTHS) -> list[dt.datetime]:
    """The starts (local midnight on the 1st, as aware datetimes) of the last ``months``
    months, this one last, and the start of the next month after it."""
    local = now.astimezone(tz)
    y, m = local.year, local.month
    out = []
    for back in range(months - 1, -2, -1):
        yy, mm = divmod((y * 12 + m - 1) - back, 12)
        out.append(dt.datetime(yy, mm + 1, 1, tzinfo=tz))
    return out


def items_and_trend(session: Session, code: str) -> ProfileSection:
    """Events reported in the area over the last ``MONTHS`` months: by item (each with its
    monthly counts) and in all (the trend). One grouped query."""
    platform = Platform.of(session)
    tax = taxonomy.load(platform.pm)
    bounds = month_starts(platform.now(), platform.tz)
    bucket = case(*((GridEvent.reported_at < b, i) for i, b in enumerate(bounds[1:-1])),
                  else_=len(bounds) - 2)
    stmt = (select(GridEvent.item_code, bucket, func.count())
            .where(access.area_clause(code), GridEvent.reported_at >= bounds[0],
                   GridEvent.reported_at < bounds[-1])
            .group_by(GridEvent.item_code, bucket))
    per_item: dict[str, list[int]] = defaultdict(lambda: [0] * MONTHS)
    for item_code, i, n in session.execute(stmt):
        per_item[item_code][int(i)] += int(n)
    trend = [sum(counts[i] for counts in per_item.values()) for i in range(MONTHS)]
    months = [f"{b:%Y-%m}" for b in bounds[:-1]]
    busiest = sorted(per_item.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    rows = tuple(_item_row(tax, item_code, counts) for item_code, counts in busiest[:ITEMS])
    return ProfileSection(
        key="grid.items", title="事项分布与趋势 Events by item and trend", order=42,
        summary={"from": months[0], "to": months[-1], "events": sum(trend),
                 "items": len(per_item), "months": months, "trend": trend},
        rows=rows)


def _item_row(tax: taxonomy.Taxonomy, item_code: str, counts: list[int]) -> dict[str, Any]:
    item = tax.items.get(item_code)
    return {"item_code": item_code, "item": item.name if item else item_code,
            "events": sum(counts), "trend": list(counts)}


def overdue(session: Session, code: str, viewer: Actor) -> ProfileSection:
    """Open events in the area past their current stage's deadline (a backlog has none),
    counted, and the ``ROWS`` most overdue."""
    platform = Platform.of(session)
    tax = taxonomy.load(platform.pm)
    now = platform.now()
    where = (GridEvent.status.in_(CLOCKED), access.area_clause(code, open_only=True),
             GridEvent.due_at < now)
    total = session.scalar(select(func.count()).select_from(GridEvent).where(*where)) or 0
    found = session.scalars(select(GridEvent).where(*where)
                            .order_by(GridEvent.due_at, GridEvent.id).limit(ROWS)).all() \
        if total else []
    rows = tuple({**profile_rows.row(viewer, ev, tax, now, platform.tz, session),
                  "due_at": ev.due_at, "hours_overdue": round((now - ev.due_at).total_seconds()
                                                              / 3600, 1)}
                 for ev in found if ev.due_at is not None)
    return ProfileSection(
        key="grid.overdue", title="超期未办 Overdue work", order=43,
        summary={"overdue": int(total), "shown": len(rows)}, rows=rows)
