"""Simulated time: the virtual clock and the working calendar in simulation hours."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from core.calendar import WorkingCalendar
from core.clock import Clock
from simulator.world import Schedule, SimCalendar, VirtualClock, World

CAL = WorkingCalendar.load()
START = dt.datetime(2025, 9, 22, tzinfo=CAL.tz)  # a Monday before the National Day holiday
H = dt.timedelta(hours=1)


def test_virtual_clock_follows_the_environment():
    world = World(START, SimCalendar(CAL, START, 10))
    clock: Clock = world.clock
    assert clock.now() == START
    world.env.run(until=30.5)
    assert clock.now() == START + dt.timedelta(hours=30.5)
    assert clock.now().tzinfo is dt.UTC
    assert world.clock.hours(START + 5 * H) == 5


def test_virtual_clock_needs_an_aware_start():
    with pytest.raises(ValueError):
        VirtualClock(World(START, SimCalendar(CAL, START, 1)).env, dt.datetime(2025, 1, 1))


def test_deadlines_match_the_core_calendar():
    sim = SimCalendar(CAL, START, 150)
    rng = random.Random(5)
    for _ in range(3000):
        t = rng.uniform(0, 24 * 100)
        if rng.random() < 0.3:
            t = round(t * 2) / 2  # exactly on period boundaries too
        at = START + t * H
        hours = rng.choice([0.5, 1, 2, 4, 7, 20, rng.uniform(0, 40)])
        days = rng.randint(0, 20)
        assert sim.add_working_hours(t, hours) == pytest.approx(
            (CAL.add_working_hours(at, hours) - START) / H, abs=1e-6)
        assert sim.add_working_days(t, days) == pytest.approx(
            (CAL.add_working_days(at, days) - START) / H, abs=1e-6)


def test_deadline_units():
    sim = SimCalendar(CAL, START, 30)
    assert sim.deadline(10.0, 5, "hours") == 15.0
    assert sim.deadline(0.0, 1, "working_hours") == 10.0  # Monday 09:00-10:00
    assert sim.deadline(0.0, 0, "working_days") == 17.5  # Monday's end


def test_schedule_pauses_work_off_duty():
    s = Schedule.from_intervals([(8, 12), (14, 18), (32, 36)])
    assert s.work_end(9, 2) == 11
    assert s.work_end(11, 2) == 15  # an hour before lunch, an hour after
    assert s.work_end(20, 1) == 33  # the next morning
    assert s.worked(13) == 4 and s.worked(40) == 12
    assert s.work_end(35, 5) == float("inf")  # beyond the schedule
    assert Schedule().work_end(3, 2) == 5


def test_daily_periods_and_night_shifts():
    sim = SimCalendar(CAL, START, 10)
    night = sim.periods_schedule([(20.0, 32.0)], "all")  # 20:00-08:00
    assert night.on_duty(2.0) and night.on_duty(21.0) and not night.on_duty(12.0)
    weekdays = sim.periods_schedule([(8.0, 18.0)], "working")
    assert weekdays.on_duty(24 * 4 + 9) and not weekdays.on_duty(24 * 5 + 9)  # Fri, Sat


@pytest.mark.parametrize("limit", [(2.0, "working_hours"), (0.5, "working_hours"),
                                   (20.0, "working_hours"), (0, "working_days"),
                                   (3, "working_days"), (24.0, "hours")])
def test_fixed_limits_give_the_same_deadlines(limit):
    sim = SimCalendar(CAL, START, 150)
    due = sim.limit(*limit)
    rng = random.Random(9)
    times = sorted(rng.uniform(0, 24 * 100) for _ in range(2000))
    times += [round(t * 2) / 2 for t in times[:500]]  # on period boundaries too
    for t in times:
        assert due(t) == pytest.approx(sim.deadline(t, *limit), abs=1e-9), t
