"""System mode: the simulated day really goes through the plugins and into the database."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from core.clock import FrozenClock
from core.platform import Platform
from plugins.grid import api as grid
from simulator import scenarios, system


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    out = tmp_path_factory.mktemp("system")
    sc = replace(scenarios.load("demo"), horizon_days=1, warmup_days=0, replications=1)
    result = system.run(sc, out=out, record=True)
    return sc, out, result


def test_events_are_in_the_database(day):
    _sc, _out, result = day
    grid_db = result["database"]["grid"]
    ev = result["events"]
    # every report the model made is stored; the ones still being handled on the spot are not
    assert grid_db["reported"] >= ev["arrived"]["mean"] - 5
    assert grid_db["reported"] > 20
    assert grid_db["closed"] == ev["closed"]["mean"]
    assert grid_db["self_handled"] <= grid_db["closed"]


def test_platform_figures_are_recorded(day):
    _, _, result = day
    pl = result["platform"]
    assert pl["operations"] > 50 and pl["ops_per_second"] > 0
    assert pl["latency"]["grid.report"]["count"] > 0
    assert pl["latency"]["grid.register"]["p95_ms"] >= pl["latency"]["grid.register"]["p50_ms"]
    assert pl["errors"].get("grid.report", 0) == 0
    assert pl["simulator_seconds"] < pl["wall_seconds"]


def test_the_virtual_clock_stamps_the_records(day):
    sc, out, _result = day
    p = system.open_platform(sc, f"sqlite:///{out / 'system.sqlite'}", out)
    with p.session() as s:
        from core.identity.roles import SYSTEM

        events = grid.list_events(s, SYSTEM, per_page=200)
        times = [e.reported_at for e in events.items]
        assert times and min(times) >= sc.start and max(times) <= sc.start.replace(day=3)
        from plugins.services.models import Application  # test-only look at the table

        n = s.scalar(select(func.count()).select_from(Application)
                     .where(Application.status != "draft"))
    assert n > 0


def test_replay_in_a_plain_loop(day, tmp_path):
    sc, _, result = day
    fresh = system.open_platform(sc, None, tmp_path)
    p = Platform(fresh.config, pm=fresh.pm, engine=fresh.engine, clock=FrozenClock(sc.start))
    loop = system.replay(p, result["calls"])
    assert loop["operations"] == result["platform"]["operations"]
    assert loop["errors"].get("grid.report", 0) == 0


def test_every_application_is_submitted(day):
    _, _, result = day
    failed = result["application_failures"]
    assert failed == {"count": 0, "by_reason": {}}
    assert result["database"]["grid"]["reported"] > 0


def test_failed_applications_are_reported_by_reason(tmp_path, monkeypatch):
    # a generator that leaves every form empty: nothing can be submitted, and the result
    # says why, grouped by operation and first error
    monkeypatch.setattr(system, "form_answers", lambda data: {})
    sc = replace(scenarios.load("demo"), horizon_days=0.5, warmup_days=0, replications=1)
    result = system.run(sc, out=tmp_path)
    failed = result["application_failures"]
    assert failed["count"] > 0
    assert sum(failed["by_reason"].values()) == failed["count"]
    assert all(k.startswith("services.submit: ") for k in failed["by_reason"])
    from simulator import report

    assert "applications not submitted" in report.table(result)
