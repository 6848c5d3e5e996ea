"""The working calendar: working days, deadlines, working hours and the shipped holiday data."""

from __future__ import annotations

import datetime as dt
import logging
import math
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calendar import DEFAULT_PATH, WorkingCalendar
from core.errors import InvalidInput

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar.load()


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=SH)


# -- working days -----------------------------------------------------------------------------


def test_weekend_is_skipped(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(dt.date(2026, 3, 7))  # Saturday
    assert cal.add_working_days(at(2026, 3, 6, 10), 1) == at(2026, 3, 9, 17, 30)  # Fri → Mon
    assert cal.add_working_days(at(2026, 3, 7, 10), 1) == at(2026, 3, 9, 17, 30)  # Sat → Mon


def test_spring_festival_2026(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(dt.date(2026, 2, 14))  # make-up Saturday
    assert cal.is_working_day(dt.date(2026, 2, 28))  # make-up Saturday
    rest = [dt.date(2026, 2, 15) + dt.timedelta(days=i) for i in range(9)]
    assert not any(cal.is_working_day(d) for d in rest)
    start = at(2026, 2, 13, 10)  # Friday before the holiday
    assert cal.add_working_days(start, 1) == at(2026, 2, 14, 17, 30)
    assert cal.add_working_days(start, 2) == at(2026, 2, 24, 17, 30)
    assert cal.add_working_days(start, 7) == at(2026, 3, 2, 17, 30)  # via Saturday 2/28
    assert cal.working_hours_between(at(2026, 2, 13, 9), at(2026, 2, 24, 9)) == 14.0


def test_national_day_2025(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(dt.date(2025, 9, 28))  # make-up Sunday
    assert not cal.is_working_day(dt.date(2025, 10, 8))
    assert cal.is_working_day(dt.date(2025, 10, 11))  # make-up Saturday
    start = at(2025, 9, 30, 10)
    assert cal.add_working_days(start, 1) == at(2025, 10, 9, 17, 30)
    assert cal.add_working_days(start, 3) == at(2025, 10, 11, 17, 30)


def test_zero_days_is_end_of_this_or_next_working_day(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(at(2026, 3, 2, 10), 0) == at(2026, 3, 2, 17, 30)
    assert cal.add_working_days(at(2026, 3, 2, 18), 0) == at(2026, 3, 3, 17, 30)
    assert cal.add_working_days(at(2026, 3, 7, 10), 0) == at(2026, 3, 9, 17, 30)


def test_shipped_data_matches_the_official_notices(cal: WorkingCalendar) -> None:
    # (weekdays off, make-up weekend days, working days in the year) per State Council notice
    expected = {2024: (19, 8, 251), 2025: (18, 5, 248), 2026: (19, 6, 248)}
    for year, counts in expected.items():
        assert cal.covers(year)
        n = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
        days = [dt.date(year, 1, 1) + dt.timedelta(days=i) for i in range(n)]
        off = sum(d.weekday() < 5 and not cal.is_working_day(d) for d in days)
        make_up = sum(d.weekday() >= 5 and cal.is_working_day(d) for d in days)
        assert (off, make_up, sum(map(cal.is_working_day, days))) == counts, year
    assert not cal.covers(2023)


# -- working hours ----------------------------------------------------------------------------


def test_hours_cross_lunch_and_night(cal: WorkingCalendar) -> None:
    assert cal.add_working_hours(at(2026, 3, 2, 11), 2) == at(2026, 3, 2, 14, 30)
    assert cal.add_working_hours(at(2026, 3, 2, 11), 1) == at(2026, 3, 2, 12)
    assert cal.add_working_hours(at(2026, 3, 2, 12, 30), 1) == at(2026, 3, 2, 14, 30)
    assert cal.add_working_hours(at(2026, 3, 2, 17), 1) == at(2026, 3, 3, 9, 30)
    assert cal.add_working_hours(at(2026, 3, 6, 17), 1) == at(2026, 3, 9, 9, 30)  # Fri → Mon
    assert cal.add_working_hours(at(2026, 3, 2, 7), 0.5) == at(2026, 3, 2, 9, 30)
    assert cal.add_working_hours(at(2026, 3, 2, 12, 30), 0) == at(2026, 3, 2, 13, 30)
    assert cal.add_working_hours(at(2026, 3, 2, 9), 14) == at(2026, 3, 3, 17, 30)
    assert cal.working_hours_between(at(2026, 3, 2, 8), at(2026, 3, 2, 20)) == 7.0
    assert cal.working_hours_between(at(2026, 3, 3, 10), at(2026, 3, 2, 10)) == -7.0


def test_any_timezone_in_calendar_timezone_out(cal: WorkingCalendar) -> None:
    start = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # 09:00 in Tianjin
    end = cal.add_working_hours(start, 1)
    assert end == at(2026, 3, 2, 10)
    assert end.utcoffset() == dt.timedelta(hours=8)


def test_elapsed_fraction(cal: WorkingCalendar) -> None:
    start = at(2026, 3, 2, 9)
    deadline = cal.add_working_hours(start, 4)
    assert deadline == at(2026, 3, 2, 14, 30)
    assert cal.elapsed_fraction(start, deadline, at(2026, 3, 2, 8)) == 0.0
    assert cal.elapsed_fraction(start, deadline, at(2026, 3, 2, 12)) == 0.75
    assert cal.elapsed_fraction(start, deadline, at(2026, 3, 2, 13)) == 0.75  # lunch
    assert cal.elapsed_fraction(start, deadline, at(2026, 3, 2, 13, 54)) == pytest.approx(0.85)
    assert cal.elapsed_fraction(start, deadline, deadline) == 1.0
    assert cal.elapsed_fraction(start, deadline, at(2026, 3, 3, 9, 30)) == pytest.approx(1.875)
    # A Friday deadline stays at 1.0 over the weekend: only working time counts.
    friday = at(2026, 3, 6, 17, 30)
    assert cal.elapsed_fraction(at(2026, 3, 6, 9), friday, at(2026, 3, 7, 12)) == 1.0
    assert cal.elapsed_fraction(friday, friday, at(2026, 3, 9, 10)) == math.inf
    with pytest.raises(InvalidInput, match="before the start"):
        cal.elapsed_fraction(deadline, start, deadline)


# -- refused input ----------------------------------------------------------------------------


def test_naive_datetime_refused(cal: WorkingCalendar) -> None:
    naive = dt.datetime(2026, 3, 2, 9)
    for call in (
        lambda: cal.add_working_days(naive, 1),
        lambda: cal.add_working_hours(naive, 1),
        lambda: cal.working_hours_between(at(2026, 3, 2), naive),
        lambda: cal.elapsed_fraction(at(2026, 3, 2), at(2026, 3, 3), naive),
        lambda: cal.is_working_day(naive),
    ):
        with pytest.raises(InvalidInput, match="no timezone"):
            call()


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_bad_day_counts_refused(cal: WorkingCalendar, bad: object) -> None:
    with pytest.raises(InvalidInput, match="days must be"):
        cal.add_working_days(at(2026, 3, 2), bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [-0.5, math.inf, math.nan])
def test_bad_hours_refused(cal: WorkingCalendar, bad: float) -> None:
    with pytest.raises(InvalidInput, match="hours must be"):
        cal.add_working_hours(at(2026, 3, 2), bad)


GOOD = """\
timezone: Asia/Shanghai
working_periods: ["09:00-12:00", "13:30-17:30"]
years:
  2026:
    holidays: {春节: [2026-02-15, 2026-02-23]}
    workdays: [2026-02-14]
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Asia/Shanghai", "Asia/Tianjin", "unknown timezone"),
        ('"13:30-17:30"', '"13:30-11:30"', "not a valid span"),
        ('"13:30-17:30"', '"11:30-17:30"', "overlaps"),
        ('"13:30-17:30"', "13:30", "HH:MM-HH:MM"),
        ("[2026-02-14]", "[2026-02-16]", "is a Monday"),
        ("[2026-02-14]", "[2026-02-15]", "both as a holiday and as a workday"),
        ("[2026-02-15, 2026-02-23]", "[2026-02-23, 2026-02-15]", "not a span"),
        ("[2026-02-15, 2026-02-23]", "[2026-02-15, 2026-02-31]", "not valid YAML"),
        ("[2026-02-15, 2026-02-23]", '["2026-02-15", "2026-02-31"]', "not a date"),
        ("workdays:", "workday:", "unknown key 'workday'"),
        ("  2026:", "  twenty:", "not a year"),
        ("years:", "years: [", "not valid YAML"),
    ],
)
def test_bad_data_file_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in GOOD
    path = tmp_path / "calendar.yaml"
    path.write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(InvalidInput, match=message) as info:
        WorkingCalendar.load(path)
    assert str(path) in info.value.message


def test_good_and_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert WorkingCalendar.load(path).is_working_day(dt.date(2026, 2, 14))
    with pytest.raises(InvalidInput, match="cannot read calendar file"):
        WorkingCalendar.load(tmp_path / "missing.yaml")


def test_year_without_data_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    cal = WorkingCalendar.load(DEFAULT_PATH)  # a fresh instance, not the shared one
    with caplog.at_level(logging.WARNING, logger="core.calendar"):
        assert cal.is_working_day(dt.date(2030, 10, 1))  # a Tuesday: weekends only
        assert not cal.is_working_day(dt.date(2030, 10, 5))
        cal.add_working_days(at(2030, 12, 30), 5)
    warnings = [r for r in caplog.records if "2030" in r.getMessage()]
    assert len(warnings) == 1
    assert not cal.covers(2030)


# -- properties -------------------------------------------------------------------------------

ZONES = st.sampled_from([SH, dt.UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")])


@settings(max_examples=300, deadline=None)
@given(
    a=st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2027, 6, 30), timezones=ZONES),
    hours=st.floats(0, 2000, allow_nan=False, allow_infinity=False),
)
def test_add_then_measure_round_trips(a: dt.datetime, hours: float) -> None:
    cal = WorkingCalendar.load()
    end = cal.add_working_hours(a, hours)
    assert end >= a
    assert end.tzinfo is cal.tz
    assert abs(cal.working_hours_between(a, end) - hours) < 1e-6


@settings(max_examples=200, deadline=None)
@given(
    a=st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2026, 12, 1), timezones=ZONES),
    days=st.integers(1, 60),
)
def test_deadline_in_days_ends_a_working_day(a: dt.datetime, days: int) -> None:
    cal = WorkingCalendar.load()
    end = cal.add_working_days(a, days)
    assert cal.is_working_day(end.date()) and end.time() == dt.time(17, 30)
    first = a.astimezone(cal.tz).date() + dt.timedelta(days=1)
    between = [first + dt.timedelta(days=i) for i in range((end.date() - first).days + 1)]
    assert sum(cal.is_working_day(d) for d in between) == days
