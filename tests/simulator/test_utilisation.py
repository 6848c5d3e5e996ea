"""Utilisation of staff pools on shifts: work is counted in the time bucket in which it is
done, so no bucket of any pool is busier than its staff on duty (before, a task's whole
demand counted when it started, and a task started at 17:50 pushed its bucket over 100 %)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.plugins import make_plugin_manager
from simulator import runner, scenarios
from simulator.inputs import prepare
from simulator.scenarios import Hours, Staff
from simulator.summary import summarise

EPS = 1e-6


@pytest.fixture(scope="module")
def busy():
    """The demo city short of staff on short shifts, sampled every half hour."""
    sc = scenarios.load("demo")
    staff = dict(sc.staff)
    shift = Hours("periods", ((8.0, 12.0), (13.5, 17.5)), "all")
    staff["department"] = Staff(per_area=1, hours=shift)
    staff["grid_worker"] = Staff(per_area=1, hours=Hours("periods", ((9.0, 15.0),), "working"))
    sc = replace(sc, staff=staff, horizon_days=4, warmup_days=1, bucket_hours=0.5,
                 events=replace(sc.events, per_day=150), replications=2)
    reps = runner.run(sc, prepare(sc, make_plugin_manager()), executor="serial")
    return sc, reps, summarise(sc, reps)


def test_every_bucket_of_every_pool_is_within_0_and_1(busy):
    _, reps, _ = busy
    seen = 0
    for r in reps:
        for key, series in r["series"]["utilisation"].items():
            for v in series:
                if v is not None:
                    seen += 1
                    assert -EPS <= v <= 1 + EPS, (key, v)
    assert seen > 1000


def test_short_staffed_shift_pools_are_busy_on_duty(busy):
    _, reps, result = busy
    peak = max(v for r in reps for k, s in r["series"]["utilisation"].items()
               if k.startswith("department.") for v in s if v is not None)
    assert peak > 0.99  # saturated at times, yet never above 1
    for key, pool in result["pools"].items():
        u = pool["utilisation"]["mean"]
        assert u is None or -EPS <= u <= 1 + EPS, key


def test_work_done_is_all_the_demand_once_the_pools_are_idle():
    """A task spanning an off-duty night is counted hour by hour as it is worked."""
    import simpy

    from simulator.pools import Pool, PoolStats
    from simulator.world import Schedule, run

    env = simpy.Environment()
    sched = Schedule.from_intervals([(8, 18), (32, 42)])
    st = PoolStats("x", sched, 1, 0.0)
    pool = Pool(env, st, 1)
    pool.submit(None, 4.0, None)  # starts off duty at 0, worked 08:00-12:00
    run(env, 10)
    assert st.work_done(10) == pytest.approx(2.0)
    run(env, 17)
    pool.submit(None, 3.0, None)  # 17:00-18:00, then 08:00-10:00 the next day
    run(env, 20)
    assert st.work_done(20) == pytest.approx(5.0)
    run(env, 50)
    assert st.work_done(50) == pytest.approx(7.0) and st.busy == 0
