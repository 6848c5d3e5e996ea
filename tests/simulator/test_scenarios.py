"""Scenario files: the shipped ones load, and mistakes are named by their key."""

from __future__ import annotations

import copy

import pytest

from core.errors import InvalidInput
from simulator import scenarios

BASE = {
    "name": "t", "horizon_days": 2,
    "events": {"per_day": 10},
    "staff": {"grid_worker": {"per_area": 1}, "commander": {"per_area": 1},
              "department": {"per_area": 1}},
}


def parse(**changes):
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        target = data
        *path, last = key.split("__")
        for p in path:
            target = target.setdefault(p, {})
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return scenarios.parse(data)


@pytest.mark.parametrize("name", ["demo", "tianjin2020", "rainstorm_week"])
def test_shipped_scenarios_load(name):
    sc = scenarios.load(name)
    assert sc.name and sc.horizon_days > sc.warmup_days
    assert sc.path.endswith(f"{name}.toml")


def test_defaults_and_conversions():
    sc = parse(events__per_year=3650, events__per_day=None)
    assert sc.events.per_day == pytest.approx(10)
    assert sc.horizon == 48 and sc.replications == 10
    assert sc.staff_for("department.gas").per_area == 1
    assert sc.start.utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize(("changes", "message"), [
    ({"horizon_days": None}, "horizon_days is required"),
    ({"bogus": 1}, "unknown key 'bogus'"),
    ({"events__colour": "red"}, "unknown key 'events.colour'"),
    ({"events__self_handle": 1.5}, "events.self_handle is a probability"),
    ({"events__hour_profile": [1, 2]}, "events.hour_profile must be a list of 24"),
    ({"events__escalation": {"community": -1}}, "events.escalation.community"),
    ({"warmup_days": 3}, "warmup_days must be shorter"),
    ({"staff__grid_worker": {"per_area": 1, "total": 5}}, "exactly one of per_area or total"),
    ({"staff__nurse": {"per_area": 1}}, "unknown staff pool"),
    ({"staff__grid_worker": {"per_area": 1, "hours": ["8-18"]}}, "HH:MM-HH:MM"),
    ({"handling": {"handle": {"dist": "weibull", "mean": 1}}}, "handling.handle.dist"),
    ({"handling": {"handle": {"dist": "lognormal", "mean": -1}}}, "handling.handle.mean"),
    ({"model": "queues"}, "needs at least one [[queues]]"),
    ({"shocks": [{"name": "storm", "hours": 6, "multiplier": 3}]}, "shocks[0].at must be"),
    ({"surges": [{"from": "2026-07-01", "to": "2026-06-01", "multiplier": 2}]}, "surges[0]"),
    ({"replications": 0}, "replications must be ≥ 1"),
])
def test_mistakes_are_named(changes, message):
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        target = data
        *path, last = key.split("__")
        for p in path:
            target = target.setdefault(p, {})
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    with pytest.raises(InvalidInput) as e:
        scenarios.parse(data)
    assert message in e.value.message


def test_bad_files_name_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nhorizon_days = [', "utf-8")
    with pytest.raises(InvalidInput, match=r"bad\.toml: not valid TOML"):
        scenarios.load(bad)
    bad.write_text('name = "x"\nhorizon_days = 1\nreplications = "many"\n', "utf-8")
    with pytest.raises(InvalidInput, match=r"bad\.toml: replications must be a whole number"):
        scenarios.load(bad)
    with pytest.raises(InvalidInput, match="shipped scenarios: demo"):
        scenarios.load("no-such-scenario")


def test_with_staff_makes_a_variant():
    sc = parse()
    more = sc.with_staff("grid_worker", per_area=4)
    assert more.staff_for("grid_worker").per_area == 4
    assert sc.staff_for("grid_worker").per_area == 1
