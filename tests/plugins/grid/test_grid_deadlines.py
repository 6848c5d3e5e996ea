"""Stage deadlines on the working calendar (frozen clock), across a weekend and the 2026
Spring Festival (holiday Feb 15–23, make-up working Saturdays Feb 14 and 28), and colours."""

from __future__ import annotations

import datetime as dt

import pytest
from grid_testdata import ITEM, SLOW_ITEM

from core.identity.roles import SYSTEM
from plugins.grid import api, deadlines
from plugins.grid.taxonomy import Limit

CST = dt.timezone(dt.timedelta(hours=8))
URGENT = "0201"  # 井盖缺失: round-the-clock hours (handle within 2 hours)


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=CST)


def dispatch_at(session, clock, new_event, step, when, item=ITEM):
    clock.set(when)
    ev = new_event(item)
    step(ev, "register", "commander.c1")
    return step(ev, "dispatch", "commander.c1")


def test_the_clock_starts_at_dispatch_and_skips_the_weekend(session, clock, new_event, step):
    ev = dispatch_at(session, clock, new_event, step, at(3, 6, 16))  # a Friday, 16:00
    # 4 working hours: Friday 16:00–17:30 (1.5 h), Monday 09:00–11:30 (2.5 h)
    assert ev.deadlines["handle"] == at(3, 9, 11, 30)
    assert ev.due_at == ev.deadlines["handle"] and ev.dispatched_at == at(3, 6, 16)


def test_a_make_up_saturday_counts_and_the_spring_festival_does_not(session, clock, new_event,
                                                                     step):
    ev = dispatch_at(session, clock, new_event, step, at(2, 13, 16))  # Friday before 春节
    # Friday 1.5 h, then Saturday Feb 14 is a make-up working day (调休): 09:00–11:30
    assert ev.deadlines["handle"] == at(2, 14, 11, 30)
    slow = dispatch_at(session, clock, new_event, step, at(2, 14, 10), SLOW_ITEM)
    # two working days after Saturday Feb 14: the holiday runs to Feb 23 → Tue 24, Wed 25
    assert slow.deadlines["handle"] == at(2, 25, 17, 30)


def test_round_the_clock_items_ignore_the_calendar(session, clock, new_event, step):
    ev = dispatch_at(session, clock, new_event, step, at(2, 15, 22), URGENT)  # holiday, night
    assert ev.deadlines["handle"] == at(2, 16, 0)


def test_colours_green_yellow_red(session, clock, new_event, step, who):
    ev = dispatch_at(session, clock, new_event, step, at(3, 2, 9))  # Monday 09:00, 4 h
    assert ev.deadlines["handle"] == at(3, 2, 14, 30)
    get = lambda: api.get_event(session, SYSTEM, ev.id)  # noqa: E731
    assert get().deadline_colour == "green"
    clock.set(at(3, 2, 13, 50))  # 3.3 of 4 working hours used: 82 %
    assert get().deadline_colour == "yellow" and not get().overdue
    clock.set(at(3, 2, 14, 31))
    assert get().deadline_colour == "red" and get().overdue
    assert [e.id for e in api.list_events(session, who("commander.c1"), overdue=True)] == [
        ev.id]
    assert api.list_events(session, who("commander.c1"), overdue=False).total == 0


def test_the_eighty_percent_point_of_working_days(session):
    cal = session.info["jinzhi.platform"].calendar
    start = at(3, 6, 9)  # Friday 09:00, 2 working days → Tuesday 17:30 (21 working hours)
    limit = Limit(2, "working_days")
    assert deadlines.deadline(cal, start, limit) == at(3, 10, 17, 30)
    warn = deadlines.deadline(cal, start, limit, 0.8)
    assert cal.working_hours_between(start, warn) == pytest.approx(0.8 * 21)


def test_colour_function():
    due, warn, now = at(3, 2, 12), at(3, 2, 11), at(3, 2, 10)
    assert deadlines.colour("handling", due, warn, now) == "green"
    assert deadlines.colour("handling", due, warn, at(3, 2, 11)) == "yellow"
    assert deadlines.colour("handling", due, warn, at(3, 2, 12, 1)) == "red"
    assert deadlines.colour("closed", None, None, now) == "grey"
    assert deadlines.colour("backlog", None, None, now) is None
