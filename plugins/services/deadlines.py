"""Time limits: the promised limit runs on the working calendar from acceptance (受理);
a supplement request (补正) stops the clock until the applicant answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_

from plugins.services.models import Application

RUNNING = ("accepted", "under_review")  # the clock runs only in these states


def due(calendar: Any, start: dt.datetime, working_days: int) -> dt.datetime:
    """The deadline ``working_days`` working days after ``start``."""
    return calendar.add_working_days(start, working_days)


def working_days_between(calendar: Any, start: dt.datetime, end: dt.datetime) -> int:
    """Working days after ``start``'s day up to and including ``end``'s day (local dates)."""
    first, last = _local_date(calendar, start), _local_date(calendar, end)
    n, day = 0, first + dt.timedelta(days=1)
    while day <= last:
        n += 1 if calendar.is_working_day(day) else 0
        day += dt.timedelta(days=1)
    return n


def start_clock(app: Application, calendar: Any, now: dt.datetime, promised: int) -> None:
    app.due_at = due(calendar, now, promised)
    app.overdue = False


def pause(app: Application, now: dt.datetime) -> None:
    app.paused_at = now


def resume(app: Application, calendar: Any, now: dt.datetime) -> int:
    """Restart the clock; the deadline moves by the working days the clock stood still."""
    if app.paused_at is None:
        return 0
    days = working_days_between(calendar, app.paused_at, now)
    if app.due_at is not None and days:
        app.due_at = due(calendar, app.due_at, days)
    app.paused_days = (app.paused_days or 0) + days
    app.paused_at = None
    return days


def is_overdue(app: Application, now: dt.datetime) -> bool:
    return app.status in RUNNING and app.due_at is not None and now > app.due_at


def overdue_clause(now: dt.datetime) -> Any:
    """SQL condition for applications past their deadline with the clock running."""
    return and_(Application.status.in_(RUNNING), Application.due_at < now)


def _local_date(calendar: Any, at: dt.datetime) -> dt.date:
    tz = getattr(calendar, "tz", None)
    return at.astimezone(tz).date() if tz is not None else at.date()
