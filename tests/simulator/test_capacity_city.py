"""The city model: flows add up, shocks and staff move the KPIs the right way."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from core.errors import InvalidInput
from core.plugins import make_plugin_manager
from simulator import catalog, runner, scenarios
from simulator.inputs import allocate, prepare
from simulator.scenarios import Surge
from simulator.summary import summarise


@pytest.fixture(scope="module")
def pm():
    return make_plugin_manager()


def run(sc, pm, n=2):
    reps = runner.run(replace(sc, replications=n), prepare(sc, pm), executor="serial")
    return reps, summarise(sc, reps)


@pytest.fixture(scope="module")
def demo(pm):
    sc = replace(scenarios.load("demo"), horizon_days=5, warmup_days=1)
    return sc, *run(sc, pm)


def test_items_and_limits_come_from_the_plugins(pm):
    items = catalog.event_items(pm)
    raw = {d["code"]: d for part in pm.hook.catalog_event_items() for d in part or ()}
    assert len(items) == len(raw) >= 230
    one = items[0]
    assert one.limits[2] == (float(raw[one.code]["limits"]["handle"]["value"]),
                             raw[one.code]["limits"]["handle"]["unit"])
    levels = catalog.department_levels(i.department_type for i in items)
    assert levels["community"] == "community" and levels["street_office"] == "street"
    assert levels["city_management"] == "district"


def test_counts_add_up(demo):
    _, reps, result = demo
    for r in reps:
        ev = r["events"]
        assert ev["arrived"] == ev["closed"] + ev["open"]
        assert ev["on_time"] <= ev["closed"]
        assert sum(v["closed"] for v in r["dims"]["district"].values()) == ev["closed"]
        assert sum(v["closed"] for v in r["dims"]["category"].values()) == ev["closed"]
        assert sum(v["arrived"] for v in r["dims"]["category"].values()) == ev["arrived"]
        assert sum(int(n) for n in ev["hist"].values()) == ev["closed"]
        assert r["stages"]["verify"]["done"] <= r["stages"]["handle"]["done"]
        a = r["applications"]
        assert a["decided"] <= a["submitted"]
    assert 0 < result["events"]["on_time_rate"]["mean"] <= 1
    assert result["events"]["p95_hours"]["mean"] >= result["events"]["p50_hours"]["mean"]
    assert len(result["series"]["backlog"]) == len(result["series"]["t"]) > 10


def test_fewer_handlers_mean_later_cases(pm):
    sc = replace(scenarios.load("demo"), horizon_days=5, warmup_days=1)
    _, base = run(sc, pm)
    short = sc.with_staff("department.city_management", per_area=1)
    _, worse = run(short, pm)
    key = "department.city_management"
    assert worse["pools"][key]["utilisation"]["mean"] > base["pools"][key]["utilisation"]["mean"]
    assert worse["pools"][key]["mean_wait"]["mean"] > base["pools"][key]["mean_wait"]["mean"]


def test_a_storm_multiplies_flood_reports(pm):
    calm = replace(scenarios.load("demo"), horizon_days=4, warmup_days=1)
    at = calm.start + dt.timedelta(days=1, hours=14)
    storm = replace(calm, shocks=(Surge("rain", at, at + dt.timedelta(hours=6), 20.0,
                                        tags=("flood",)),))
    _, a = run(calm, pm, 8)  # a handful of flood reports a day: enough replications
    _, b = run(storm, pm, 8)  # that the doubling is not down to chance
    flood_a = a["by"]["category"]["09"]["arrived"]["mean"]
    assert b["by"]["category"]["09"]["arrived"]["mean"] > 2 * flood_a
    others = [c for c in a["by"]["category"] if c != "09"]
    total_a = sum(a["by"]["category"][c]["arrived"]["mean"] for c in others)
    total_b = sum(b["by"]["category"][c]["arrived"]["mean"] for c in others)
    assert total_b == pytest.approx(total_a, rel=0.15)


def test_staff_totals_are_shared_by_load():
    assert allocate(10, [1, 1, 2], 1) == [3, 3, 4]
    assert sum(allocate(29000, [float(i % 7 + 1) for i in range(5607)], 1)) == 29000
    assert allocate(2, [5, 1, 1], 1) == [1, 1, 1]  # the minimum wins over the total


def test_unknown_names_in_a_scenario_are_reported(pm):
    sc = scenarios.load("demo")
    bad = replace(sc, events=replace(sc.events, categories={"99": 1.0}))
    with pytest.raises(InvalidInput, match="no event category '99'"):
        prepare(bad, pm)


def test_memory_follows_the_backlog_not_the_cases(demo):
    _, reps, _ = demo
    r = reps[0]
    assert "hist" in r["events"] and isinstance(r["events"]["hist"], dict)
    assert r["pools_created"] < 500  # pools are made when first used
