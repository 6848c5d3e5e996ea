"""Calibration: estimates from the events a system-mode run stored."""

from __future__ import annotations

from dataclasses import replace

from core.platform import Platform
from simulator import scenarios, system
from simulator.calibrate import calibrate, write_scenario


def test_calibrate_from_stored_events(tmp_path):
    sc = replace(scenarios.load("demo"), horizon_days=2, warmup_days=0, replications=1)
    system.run(sc, out=tmp_path)
    base = system.open_platform(sc, f"sqlite:///{tmp_path / 'system.sqlite'}", tmp_path)
    p = Platform(base.config, pm=base.pm, engine=base.engine)
    est = calibrate(p)
    assert est["events"] > 40
    assert 20 < est["per_day"] < 200
    assert set(est["categories"]) <= {f"0{i}" for i in range(1, 10)}
    assert len(est["hour_profile"]) == 24 and abs(sum(est["hour_profile"]) - 24) < 0.1
    assert "register" in est["stage_hours"]
    out = tmp_path / "calibrated.toml"
    write_scenario(est, scenarios.resolve("demo"), out)
    again = scenarios.load(out)
    assert again.name == "calibrated"
    assert again.events.per_day == round(est["per_day"], 3)
    assert again.staff == scenarios.load("demo").staff
