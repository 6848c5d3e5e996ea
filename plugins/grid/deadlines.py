"""Stage deadlines on the working calendar, and the green / yellow / red deadline colour.

Each stage (register, dispatch, handle, verify) has the item's limit in working hours,
working days or round-the-clock hours. When a stage starts, its deadline and its 80 % point
(``warn_at``) are stored on the event, so colours and overdue lists are plain comparisons.
"""

from __future__ import annotations

import datetime as dt

from core.calendar import WorkingCalendar
from plugins.grid.models import GridEvent
from plugins.grid.taxonomy import Item, Limit

WARN_SHARE = 0.8

# the stage whose clock runs in each status (None: no clock)
STAGE_OF_STATUS: dict[str, str | None] = {
    "reported": "register",
    "registered": "dispatch",
    "dispatched": "handle",
    "handling": "handle",
    "handled": "verify",
    "verified": "verify",
    "backlog": None,
    "closed": None,
    "not_registered": None,
}


def deadline(calendar: WorkingCalendar, start: dt.datetime, limit: Limit,
             share: float = 1.0) -> dt.datetime:
    """The instant ``share`` of ``limit`` after ``start`` (working time for working units)."""
    if limit.unit == "hours":
        return start + dt.timedelta(hours=limit.value * share)
    if limit.unit == "working_hours":
        return calendar.add_working_hours(start, limit.value * share)
    end = calendar.add_working_days(start, int(limit.value))
    if share >= 1.0:
        return end
    total = calendar.working_hours_between(start, end)
    return calendar.add_working_hours(start, total * share)


def extend(calendar: WorkingCalendar, due: dt.datetime, days: int) -> dt.datetime:
    """A deadline pushed back by ``days`` working days (an approved 延期)."""
    return calendar.add_working_days(due, days) if days else due


def start_stage(ev: GridEvent, item: Item, stage: str, start: dt.datetime,
                calendar: WorkingCalendar) -> dt.datetime:
    """Start ``stage``'s clock at ``start``: store its deadline, ``due_at`` and ``warn_at``."""
    limit = item.limits[stage]
    due = deadline(calendar, start, limit)
    setattr(ev, f"{stage}_due", due)
    ev.due_at = due
    ev.warn_at = deadline(calendar, start, limit, WARN_SHARE)
    return due


def close_due(calendar: WorkingCalendar, handle_due: dt.datetime, item: Item) -> dt.datetime:
    """The overall close deadline: handling's deadline plus the verification limit."""
    return deadline(calendar, handle_due, item.limits["verify"])


def colour(status: str, due_at: dt.datetime | None, warn_at: dt.datetime | None,
           now: dt.datetime) -> str | None:
    """``green``, ``yellow`` (80 % of the stage's time used), ``red`` (overdue), ``grey``
    (finished) or None (no clock: a backlog)."""
    if status in ("closed", "not_registered"):
        return "grey"
    if due_at is None:
        return None
    if now > due_at:
        return "red"
    if warn_at is not None and now >= warn_at:
        return "yellow"
    return "green"
