"""Simulated time: a SimPy environment whose clock counts hours from the scenario's start.

``VirtualClock`` implements ``core.clock.Clock`` so the real platform can run under it.
``SimCalendar`` turns the core ``WorkingCalendar`` into fast arithmetic on simulation hours
(a bisection, never a loop over days); ``Schedule`` is when one staff pool is on duty.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from heapq import heappop, heappush
from typing import Any

import simpy

from core.calendar import WorkingCalendar

HOUR = dt.timedelta(hours=1)


class VirtualClock:
    """``now()`` is the scenario's start plus the environment's simulated hours (UTC)."""

    def __init__(self, env: simpy.Environment, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("VirtualClock needs an aware start datetime")
        self.env = env
        self.start = start.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self.start + dt.timedelta(hours=self.env.now)

    def hours(self, at: dt.datetime) -> float:
        """Simulation hours of an aware datetime."""
        return (at - self.start) / HOUR


@dataclass(frozen=True)
class Schedule:
    """On-duty intervals ``[starts[i], ends[i])`` in hours; ``starts=None`` is always on duty.

    Work is counted only while on duty: ``work_end(t, h)`` is when ``h`` hours of on-duty
    time have passed since ``t`` (a start off duty begins at the next interval).
    """

    starts: tuple[float, ...] | None = None
    ends: tuple[float, ...] = ()
    done: tuple[float, ...] = ()  # on-duty hours up to ends[i]

    @classmethod
    def from_intervals(cls, intervals: Sequence[tuple[float, float]]) -> Schedule:
        starts: list[float] = []
        ends: list[float] = []
        for s, e in sorted(intervals):
            if e <= s:
                continue
            if ends and s <= ends[-1]:  # touching or overlapping: merge
                ends[-1] = max(ends[-1], e)
            else:
                starts.append(s)
                ends.append(e)
        done, acc = [], 0.0
        for s, e in zip(starts, ends, strict=True):
            acc += e - s
            done.append(acc)
        return cls(tuple(starts), tuple(ends), tuple(done))

    @property
    def always(self) -> bool:
        return self.starts is None

    def worked(self, t: float) -> float:
        """On-duty hours from the first interval up to ``t``."""
        if self.starts is None:
            return t
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0.0
        end = self.ends[i]
        return self.done[i] - (end - t if end > t else 0.0)

    def work_end(self, t: float, hours: float) -> float:
        """The instant at which ``hours`` of on-duty time have passed since ``t``."""
        if self.starts is None:
            return t + hours
        return self.end_at(self.worked(t) + hours, t, hours == 0)

    def end_at(self, target: float, t: float, idle: bool = False) -> float:
        """The instant after ``t`` at which ``worked`` reaches ``target`` (``idle``: nothing
        to do, so an off-duty ``t`` moves to the next interval's start)."""
        i = bisect_left(self.done, target)
        if i < len(self.done) and idle and self.ends[i] <= t:
            i += 1  # off duty and nothing to do: the next interval's start
        if i >= len(self.done):
            return math.inf  # beyond the schedule's horizon
        end = self.ends[i] - (self.done[i] - target)
        return end if end > t else t

    def segment(self, t: float) -> tuple[float, float, float] | None:
        """The on-duty interval holding ``t`` as (start, end, worked at its start), or None
        off duty: inside it ``worked(t)`` is plain arithmetic (see ``Pool``)."""
        if self.starts is None:
            return None
        i = bisect_right(self.starts, t) - 1
        if i < 0 or t >= self.ends[i]:
            return None
        return self.starts[i], self.ends[i], self.done[i] - (self.ends[i] - self.starts[i])

    def on_duty(self, t: float) -> bool:
        if self.starts is None:
            return True
        i = bisect_right(self.starts, t) - 1
        return i >= 0 and t < self.ends[i]


class SimCalendar:
    """The working calendar over a horizon, in simulation hours from ``start``.

    Built from a core ``WorkingCalendar`` (its working days and periods), so deadlines match
    ``add_working_hours`` / ``add_working_days`` of the real platform.
    """

    def __init__(self, calendar: WorkingCalendar, start: dt.datetime, days: int) -> None:
        self.start = start
        local = start.astimezone(calendar.tz)
        self.first_day = local.date()
        midnight = dt.datetime.combine(self.first_day, dt.time(), calendar.tz)
        self.offset = (midnight - start) / HOUR  # hours of the first local midnight (≤ 0)
        periods = [(_h(s), _h(e)) for s, e in calendar.working_periods]
        self.last_end = periods[-1][1]
        self.days = days
        ords, intervals = [], []
        for n in range(days + 1):
            d = self.first_day + dt.timedelta(days=n)
            if calendar.is_working_day(d):
                ords.append(n)
                base = self.offset + 24.0 * n
                intervals.extend((base + s, base + e) for s, e in periods)
        self.workdays = tuple(ords)  # day numbers (0 = the start's local date) that are working
        self._workday_set = frozenset(ords)
        self.schedule = Schedule.from_intervals(intervals)

    def day_of(self, t: float) -> int:
        return math.floor((t - self.offset) / 24.0)

    def hour_of_day(self, t: float) -> float:
        return (t - self.offset) % 24.0

    def weekday(self, t: float) -> int:
        return (self.first_day.weekday() + self.day_of(t)) % 7

    def is_working_day(self, day: int) -> bool:
        return day in self._workday_set

    def add_working_hours(self, t: float, hours: float) -> float:
        return self.schedule.work_end(t, hours)

    def add_working_days(self, t: float, days: int) -> float:
        """End of the last period of the ``days``-th working day after t's day (see core)."""
        day = self.day_of(t)
        sec_end = self.offset + 24.0 * day + self.last_end
        i = bisect_right(self.workdays, day)
        if days == 0:
            if day in self._workday_set and t < sec_end:
                return sec_end
            j = i
        else:
            j = i + days - 1
        if j >= len(self.workdays):
            return math.inf
        return self.offset + 24.0 * self.workdays[j] + self.last_end

    def deadline(self, t: float, value: float, unit: str) -> float:
        """``t`` plus a time limit in ``working_hours``, ``working_days`` or ``hours``."""
        if unit == "working_hours":
            return self.schedule.work_end(t, value)
        if unit == "working_days":
            return self.add_working_days(t, int(value))
        return t + value

    def limit(self, value: float, unit: str) -> Callable[[float], float]:
        """``deadline`` with the limit fixed, as a function of ``t`` that remembers the
        on-duty interval (working hours) or the answer per day (working days) it last
        used: the capacity model asks the same few limits millions of times."""
        if unit == "working_hours":
            sched, seg = self.schedule, [0.0, 0.0]

            def hours(t: float) -> float:
                if seg[0] <= t < seg[1] and t + value <= seg[1]:
                    return t + value
                found = sched.segment(t)
                if found is not None:
                    seg[0], seg[1] = found[0], found[1]
                    if t + value <= seg[1]:
                        return t + value
                return sched.work_end(t, value)

            return hours
        if unit == "working_days":
            memo: dict[int, float] = {}
            days, off, last = int(value), self.offset, self.last_end

            def working_days(t: float) -> float:
                day = math.floor((t - off) / 24.0)
                key = day * 2 + (t >= off + 24.0 * day + last)
                due = memo.get(key)
                if due is None:
                    due = memo[key] = self.add_working_days(t, days)
                return due

            return working_days
        return lambda t: t + value

    def periods_schedule(self, periods: Sequence[tuple[float, float]], days: str) -> Schedule:
        """On-duty intervals for daily ``periods`` (hours after midnight, end may pass 24)
        on ``days`` = ``"all"`` or ``"working"`` days."""
        intervals = []
        for n in range(-1, self.days + 1):
            if days == "working" and n not in self._workday_set:
                continue
            base = self.offset + 24.0 * n
            intervals.extend((base + s, base + e) for s, e in periods)
        return Schedule.from_intervals(sorted(intervals))

    def to_datetime(self, t: float) -> dt.datetime:
        return self.start + dt.timedelta(hours=t)


def _h(t: dt.time) -> float:
    if t == dt.time(23, 59, 59, 999999):
        return 24.0
    return t.hour + t.minute / 60 + t.second / 3600


def at(env: simpy.Environment, delay: float, fn: Callable[[Any], None], value: Any = None) -> None:
    """Call ``fn(value)`` after ``delay``: one entry ``(time, NORMAL, id, fn, value)`` in
    SimPy's event queue, with no ``Timeout`` and no event object (they were half the cost of
    a scheduled step in the capacity model). ``run`` below calls them; SimPy's own events in
    the same queue (four-element entries) still go through ``env.step``."""
    heappush(env._queue, (env._now + delay, 1, next(env._eid), fn, value))


def run(env: simpy.Environment, until: float) -> None:
    """``env.run(until=until)`` for queues holding ``at`` entries. As in SimPy, events at
    ``until`` itself are left for later."""
    q = env._queue
    while q and q[0][0] < until:
        entry = heappop(q)
        if len(entry) == 5:
            env._now = entry[0]
            entry[3](entry[4])
        else:
            heappush(q, entry)
            env.step()
    if env._now < until:
        env._now = until


class World:
    """A SimPy environment, its virtual clock and calendar; ``call`` schedules a callback."""

    def __init__(self, start: dt.datetime, calendar: SimCalendar) -> None:
        self.env = simpy.Environment()
        self.clock = VirtualClock(self.env, start)
        self.calendar = calendar

    @property
    def now(self) -> float:
        return self.env.now

    def run(self, until: float) -> None:
        """Run the model up to ``until`` hours (see the module's ``run``)."""
        run(self.env, until)

    def call(self, delay: float, fn: Callable[[Any], None], arg: Any = None) -> None:
        """Call ``fn(arg)`` after ``delay`` hours: one entry in SimPy's event queue and no
        process (see ``at``)."""
        at(self.env, delay, fn, arg)
