"""The working calendar: working days, working hours, and deadlines counted in them.

Built once from ``core/data/calendar_cn.yaml`` (public holidays 放假 and make-up working days
调休 per year, the working periods of a day) and then only read, so one instance can be shared.
Inputs are timezone-aware datetimes in any zone; results are in the calendar's zone.
Years missing from the data count only Saturday and Sunday as rest days (logged once per year
and process).

Per-year tables of working days are built on first use, so deadline arithmetic costs a few
bisections and a loop over the day's periods, never a loop over minutes.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from numbers import Integral, Real
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from core.errors import InvalidInput

log = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).parent / "data" / "calendar_cn.yaml"

_PERIOD = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_KEYS = {"timezone", "working_periods", "years"}
_WARNED: set[int] = set()  # years without holiday data already logged in this process
_YEAR_KEYS = {"holidays", "workdays"}


class WorkingCalendar:
    """Working days and hours of one jurisdiction. Build it with :meth:`load`."""

    __slots__ = ("_day", "_holidays", "_periods", "_tables", "_tz", "_workdays", "_years")

    def __init__(
        self,
        tz: dt.tzinfo,
        periods: Iterable[tuple[int, int]],
        holidays: Iterable[dt.date],
        workdays: Iterable[dt.date],
        years: Iterable[int],
    ) -> None:
        """``periods`` are (start, end) seconds after local midnight, sorted and disjoint;
        ``holidays``/``workdays`` the rest days and make-up working days of ``years``."""
        self._tz = tz
        self._periods = tuple(periods)
        self._day = float(sum(e - s for s, e in self._periods))
        self._holidays = frozenset(holidays)
        self._workdays = frozenset(workdays)
        self._years = frozenset(years)
        # year -> (sorted ordinals of its working days, the same as a set)
        self._tables: dict[int, tuple[tuple[int, ...], frozenset[int]]] = {}

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path | None = None) -> WorkingCalendar:
        """The calendar in ``path``; without a path the shipped one (parsed once, shared)."""
        if path is None:
            return _shipped()
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InvalidInput(f"cannot read calendar file {path}: {exc.strerror}") from None
        except (yaml.YAMLError, ValueError) as exc:  # ValueError: e.g. 2026-02-31
            raise InvalidInput(f"calendar file {path} is not valid YAML: {exc}") from None
        try:
            return cls.from_mapping(data)
        except InvalidInput as exc:
            raise InvalidInput(f"calendar file {path}: {exc.message}") from None

    @classmethod
    def from_mapping(cls, data: Any) -> WorkingCalendar:
        """A calendar from already-parsed data shaped like ``calendar_cn.yaml``."""
        if not isinstance(data, Mapping):
            raise InvalidInput("expected a mapping with timezone, working_periods and years")
        _no_unknown_keys(data, _KEYS, "top level")
        name = data.get("timezone")
        if not isinstance(name, str):
            raise InvalidInput("timezone must be an IANA name such as Asia/Shanghai")
        try:
            tz = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(f"unknown timezone {name!r}") from None
        periods = _parse_periods(data.get("working_periods"))
        years = data.get("years") or {}
        if not isinstance(years, Mapping):
            raise InvalidInput("years must map a year to its holidays and workdays")
        holidays: set[dt.date] = set()
        workdays: set[dt.date] = set()
        covered: set[int] = set()
        for key, block in years.items():
            year = _parse_year(key)
            covered.add(year)
            rest, work = _parse_year_block(year, block)
            holidays |= rest
            workdays |= work
        clash = sorted(holidays & workdays)
        if clash:
            raise InvalidInput(f"{clash[0]} is listed both as a holiday and as a workday")
        return cls(tz, periods, holidays, workdays, covered)

    # -- days -------------------------------------------------------------------------------

    @property
    def tz(self) -> dt.tzinfo:
        return self._tz

    @property
    def working_periods(self) -> tuple[tuple[dt.time, dt.time], ...]:
        """The working periods of a working day, as local wall-clock times."""
        return tuple((_time(s), _time(e)) for s, e in self._periods)

    def covers(self, year: int) -> bool:
        """True if the data lists the public holidays of ``year``."""
        return year in self._years

    def is_working_day(self, d: dt.date) -> bool:
        """True for a working day (an aware datetime is taken in the calendar's zone)."""
        if isinstance(d, dt.datetime):
            d = self._local(d).date()
        return d.toordinal() in self._table(d.year)[1]

    # -- deadlines --------------------------------------------------------------------------

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """End of the last working period of the ``days``-th working day after start's day.

        ``days=0`` means the end of start's own working day, or of the next working day when
        start is on a rest day or after the day's last period.
        """
        if isinstance(days, bool) or not isinstance(days, Integral) or days < 0:
            raise InvalidInput(f"days must be a whole number ≥ 0, not {days!r}")
        o, year, sec = self._split(start)
        last_end = self._periods[-1][1]
        if days == 0:
            if not (sec < last_end and o in self._table(year)[1]):
                o = self._nth_after(o, year, 1)
        else:
            o = self._nth_after(o, year, int(days))
        return self._at(o, last_end)

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The instant at which ``hours`` of working time have passed since ``start``.

        Only working periods are consumed; a start outside them begins at the next period.
        """
        if isinstance(hours, bool) or not isinstance(hours, Real) or not 0 <= hours < math.inf:
            raise InvalidInput(f"hours must be a finite number ≥ 0, not {hours!r}")
        o, year, sec = self._split(start)
        rest = float(hours) * 3600.0
        if o in self._table(year)[1]:
            for s, e in self._periods:
                if sec < e:
                    begin = max(s, sec)
                    if rest <= e - begin:
                        return self._at(o, begin + rest)
                    rest -= e - begin
        skip = max(math.ceil(rest / self._day) - 1, 0)  # whole working days passed over
        rest -= skip * self._day
        o = self._nth_after(o, year, skip + 1)
        for s, e in self._periods:
            if rest <= e - s:
                return self._at(o, s + rest)
            rest -= e - s
        return self._at(o, self._periods[-1][1])  # rounding left a hair over a full day

    def working_hours_between(self, a: dt.datetime, b: dt.datetime) -> float:
        """Working hours from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
        a, b = self._local(a), self._local(b)
        if b < a:
            return -self.working_hours_between(b, a)
        oa, ya, sa = self._split(a)
        ob, yb, sb = self._split(b)
        used_a = self._used(sa) if oa in self._table(ya)[1] else 0.0
        used_b = self._used(sb) if ob in self._table(yb)[1] else 0.0
        return (self._count(oa, ya, ob, yb) * self._day - used_a + used_b) / 3600.0

    def elapsed_fraction(
        self, start: dt.datetime, deadline: dt.datetime, now: dt.datetime
    ) -> float:
        """Share of the working time from ``start`` to ``deadline`` used up at ``now``.

        0.0 before start, 1.0 at the deadline, above 1.0 once working time past the deadline
        has run (so not yet during the evening or weekend right after it). Colours: < 0.8
        green, ≥ 0.8 yellow, > 1 red. With no working time at all before the deadline the
        result is 0.0 before it, 1.0 at or after it, and ``inf`` once working time has run.
        """
        total = self.working_hours_between(start, deadline)
        used = max(self.working_hours_between(start, now), 0.0)
        if deadline < start:
            raise InvalidInput("the deadline is before the start")
        if total > 0:
            return used / total
        if used > 0:
            return math.inf
        return 1.0 if now >= deadline else 0.0

    # -- internals --------------------------------------------------------------------------

    def _local(self, t: dt.datetime) -> dt.datetime:
        if not isinstance(t, dt.datetime):
            raise InvalidInput(f"expected a datetime, not {type(t).__name__}")
        if t.tzinfo is None or t.utcoffset() is None:
            raise InvalidInput(f"datetime {t.isoformat()} has no timezone; pass an aware one")
        return t.astimezone(self._tz)

    def _split(self, t: dt.datetime) -> tuple[int, int, float]:
        """(day ordinal, year, seconds after midnight) of ``t`` in the calendar's zone."""
        t = self._local(t)
        sec = t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6
        return t.toordinal(), t.year, sec

    def _at(self, ordinal: int, sec: float) -> dt.datetime:
        midnight = dt.datetime.combine(dt.date.fromordinal(ordinal), dt.time(), self._tz)
        return midnight + dt.timedelta(seconds=sec)

    def _used(self, sec: float) -> float:
        """Working seconds of a working day that lie before ``sec``."""
        return sum(min(max(sec - s, 0.0), e - s) for s, e in self._periods)

    def _table(self, year: int) -> tuple[tuple[int, ...], frozenset[int]]:
        table = self._tables.get(year)
        if table is None:
            if year not in self._years and year not in _WARNED:
                _WARNED.add(year)  # once per year and process, however many calendars
                log.warning("no public-holiday data for %d: only Saturdays and Sundays count as "
                            "rest days in %d (no holidays, no make-up working days)", year, year)
            first = dt.date(year, 1, 1).toordinal()
            last = dt.date(year, 12, 31).toordinal()
            days = tuple(o for o in range(first, last + 1) if self._works(dt.date.fromordinal(o)))
            table = self._tables[year] = (days, frozenset(days))
        return table

    def _works(self, d: dt.date) -> bool:
        if d in self._workdays:
            return True
        return d not in self._holidays and d.weekday() < 5

    def _nth_after(self, ordinal: int, year: int, n: int) -> int:
        """Ordinal of the ``n``-th (≥ 1) working day after day ``ordinal`` of ``year``."""
        while True:
            days = self._table(year)[0]
            i = bisect_right(days, ordinal)
            if n <= len(days) - i:
                return days[i + n - 1]
            n -= len(days) - i
            year += 1

    def _count(self, lo: int, lo_year: int, hi: int, hi_year: int) -> int:
        """Number of working days with ordinals in ``[lo, hi)``."""
        total = 0
        for year in range(lo_year, hi_year + 1):
            days = self._table(year)[0]
            total += bisect_left(days, hi) - bisect_left(days, lo)
        return total

    def __repr__(self) -> str:
        years = ", ".join(str(y) for y in sorted(self._years))
        return f"<WorkingCalendar {self._tz} years=[{years}]>"


@functools.cache
def _shipped() -> WorkingCalendar:
    return WorkingCalendar.load(DEFAULT_PATH)


def _time(sec: int) -> dt.time:
    return dt.time(23, 59, 59, 999999) if sec >= 86400 else dt.time(sec // 3600, sec % 3600 // 60)


def _no_unknown_keys(data: Mapping[Any, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise InvalidInput(
            f"unknown key {unknown[0]!r} at {where} (allowed: {', '.join(sorted(allowed))})"
        )


def _parse_periods(raw: Any) -> list[tuple[int, int]]:
    if not isinstance(raw, list) or not raw:
        raise InvalidInput('working_periods must be a non-empty list like "09:00-12:00"')
    periods: list[tuple[int, int]] = []
    for item in raw:
        m = _PERIOD.match(item) if isinstance(item, str) else None
        if m is None:
            raise InvalidInput(f'working period {item!r} is not written as "HH:MM-HH:MM"')
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        start, end = h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60
        if m1 > 59 or m2 > 59 or end > 86400 or start >= end:
            raise InvalidInput(f"working period {item!r} is not a valid span within one day")
        if periods and start < periods[-1][1]:
            raise InvalidInput(f"working period {item!r} overlaps or precedes the one before it")
        periods.append((start, end))
    return periods


def _parse_year(key: Any) -> int:
    year = int(key) if isinstance(key, int | str) and str(key).isdigit() else None
    if year is None or not 1900 <= year <= 9998:
        raise InvalidInput(f"{key!r} under years is not a year")
    return year


def _parse_year_block(year: int, block: Any) -> tuple[set[dt.date], set[dt.date]]:
    """The holidays and make-up working days of one year's block."""
    if not isinstance(block, Mapping):
        raise InvalidInput(f"year {year} must have holidays and workdays")
    _no_unknown_keys(block, _YEAR_KEYS, f"year {year}")
    raw_holidays = block.get("holidays") or {}
    if not isinstance(raw_holidays, Mapping):
        raise InvalidInput(f"holidays of {year} must map a name to a date or [first, last]")
    holidays: set[dt.date] = set()
    for name, span in raw_holidays.items():
        where = f"holiday {name!r} of {year}"
        if isinstance(span, list):
            if len(span) != 2:
                raise InvalidInput(f"{where} must be a date or [first, last]")
            first, last = (_parse_date(x, year, where) for x in span)
        else:
            first = last = _parse_date(span, year, where)
        if not 0 <= (last - first).days <= 31:
            raise InvalidInput(f"{where}: {first} to {last} is not a span of up to 32 days")
        holidays.update(first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    raw_workdays = block.get("workdays") or []
    if not isinstance(raw_workdays, list):
        raise InvalidInput(f"workdays of {year} must be a list of dates")
    workdays: set[dt.date] = set()
    for raw in raw_workdays:
        d = _parse_date(raw, year, f"a workday of {year}")
        if d.weekday() < 5:
            raise InvalidInput(
                f"workday {d} of {year} is a {d:%A}; make-up working days "
                "(调休) are Saturdays or Sundays"
            )
        workdays.add(d)
    return holidays, workdays


def _parse_date(raw: Any, year: int, where: str) -> dt.date:
    if isinstance(raw, str):
        try:
            raw = dt.date.fromisoformat(raw)
        except ValueError:
            raise InvalidInput(f"{where}: {raw!r} is not a date (YYYY-MM-DD)") from None
    if isinstance(raw, dt.datetime) or not isinstance(raw, dt.date):
        raise InvalidInput(f"{where}: {raw!r} is not a date (YYYY-MM-DD)")
    if abs(raw.year - year) > 1:
        raise InvalidInput(f"{where}: {raw} is too far from {year}")
    return raw
