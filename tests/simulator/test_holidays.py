"""Runs past the years of the shipped holiday data warn once, naming the years that fall
back to plain weekends (the official schedules of later years are not invented)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

import pytest

from core.plugins import make_plugin_manager
from simulator import report, runner, scenarios
from simulator.inputs import prepare

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(scope="module")
def pm():
    return make_plugin_manager()


def _late(start: dt.date, days: float):
    return replace(scenarios.load("demo"), start=dt.datetime.combine(start, dt.time(), TZ),
                   horizon_days=days, warmup_days=1, replications=2)


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_one_warning_per_run_naming_the_year(pm, caplog):
    sc = _late(dt.date(2026, 12, 21), 20)
    with caplog.at_level(logging.WARNING):
        result = runner.simulate(sc, prepare(sc, pm), executor="serial")
    messages = _warnings(caplog)
    assert len(messages) == 1, messages
    assert "2027" in messages[0] and "Saturdays and Sundays" in messages[0]
    assert "reaches into it" in messages[0]
    assert result["holidays_missing"] == [2027]
    assert "no public-holiday data for 2027" in report.table(result)


def test_years_reached_only_by_deadlines_are_named_too(pm, caplog):
    sc = _late(dt.date(2026, 11, 2), 5)  # deadlines may run 120 days on, into 2027
    with caplog.at_level(logging.WARNING):
        inputs = prepare(sc, pm)
    messages = _warnings(caplog)
    assert inputs.holidays_missing == (2027,)
    assert len(messages) == 1 and "after the simulated period" in messages[0]


def test_several_years_in_one_warning(pm, caplog):
    sc = _late(dt.date(2027, 11, 1), 90)
    with caplog.at_level(logging.WARNING):
        inputs = prepare(sc, pm)
    messages = _warnings(caplog)
    assert inputs.holidays_missing == (2027, 2028)
    assert len(messages) == 1 and "2027, 2028" in messages[0]


def test_covered_years_do_not_warn(pm, caplog):
    sc = replace(scenarios.load("demo"), horizon_days=3, warmup_days=1)
    with caplog.at_level(logging.WARNING):
        inputs = prepare(sc, pm)
    assert inputs.holidays_missing == () and not _warnings(caplog)


def test_queue_models_only_care_about_the_simulated_period(caplog):
    from simulator.dists import Dist
    from simulator.scenarios import Queue

    sc = replace(scenarios.load("demo"), model="queues", horizon_days=30, warmup_days=1,
                 start=dt.datetime(2026, 11, 2, tzinfo=TZ),
                 queues=(Queue("q", 1, 0.5, Dist("exponential", 1.0)),))
    with caplog.at_level(logging.WARNING):
        inputs = prepare(sc)
    assert inputs.holidays_missing == () and not _warnings(caplog)
