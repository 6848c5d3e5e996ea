"""``jinzhi simulate``: run, compare, size — from the command line."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

from core.cli import Context, build_cli, main
from core.config import Config
from core.plugins import make_plugin_manager
from simulator import scenarios
from simulator.inputs import prepare
from simulator.sizing import size

FAST = ["--horizon-days", "3", "-n", "2", "--workers", "1", "-q"]


@pytest.fixture(scope="module")
def cli():
    pm = make_plugin_manager()
    return build_cli(pm), pm


def invoke(cli, tmp_path, *args):
    group, pm = cli
    result = CliRunner().invoke(group, ["simulate", *args],
                                obj=Context(Config.load(instance_path=tmp_path), pm))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_run_writes_json_table_and_plots(cli, tmp_path):
    out = invoke(cli, tmp_path, "demo", "--out", str(tmp_path / "o"), *FAST)
    assert "on time" in out and "by district" in out and "staff pool" in out
    data = json.loads((tmp_path / "o" / "result.json").read_text("utf-8"))
    assert data["replications"] == 2 and data["mode"] == "capacity"
    for png in ("backlog.png", "utilisation.png", "close_time.png"):
        assert (tmp_path / "o" / png).read_bytes()[:4] == b"\x89PNG"


def test_run_is_the_default_subcommand(cli, tmp_path):
    a = invoke(cli, tmp_path, "demo", "--out", str(tmp_path / "a"), "--no-plots", *FAST)
    b = invoke(cli, tmp_path, "run", "demo", "--out", str(tmp_path / "b"), "--no-plots", *FAST)
    assert a.splitlines()[:6] == b.splitlines()[:6]


def test_compare_shows_both_with_intervals(cli, tmp_path):
    out = invoke(cli, tmp_path, "compare", "demo", "demo", "--out", str(tmp_path / "c"), *FAST)
    assert "on-time close rate" in out and "±" in out
    assert (tmp_path / "c" / "compare.txt").exists()


def test_size_finds_staff_for_the_target(cli, tmp_path):
    out = invoke(cli, tmp_path, "size", "demo", "--target", "0.9", "--pool",
                 "department.city_management", "--pool", "clerk.district",
                 "--out", str(tmp_path / "s"), *FAST)
    assert "department.city_management" in out and "needed" in out
    toml = (tmp_path / "s" / "staff.toml").read_text("utf-8")
    assert "[staff.clerk.district]" in toml and "per_area = " in toml


def test_sizing_is_minimal(cli):
    _, pm = cli
    sc = replace(scenarios.load("demo"), horizon_days=4, warmup_days=1, replications=3)
    found = size(sc, prepare(sc, pm), 0.9, ["clerk.district"], executor="serial")
    p = found["pools"]["clerk.district"]
    assert p["on_time_after"] >= 0.9
    if p["after"] > 1:  # one fewer misses the target
        less = sc.with_staff("clerk.district", per_area=p["after"] - 1)
        again = size(less, prepare(less, pm), 0.9, ["clerk.district"], executor="serial")
        assert again["pools"]["clerk.district"]["on_time_before"] < 0.9


def test_errors_are_one_line(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("JINZHI_INSTANCE", str(tmp_path))
    with pytest.raises(SystemExit) as e:
        main(["simulate", "no-such-scenario"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no scenario file") and err.count("\n") == 1


def test_run_in_system_mode(cli, tmp_path):
    out = invoke(cli, tmp_path, "demo", "--mode", "system", "--out", str(tmp_path / "sys"),
                 "--horizon-days", "0.5", "--warmup-days", "0", "-q", "--no-plots")
    assert "platform:" in out and "ops/s" in out and "grid.report" in out
    data = json.loads((tmp_path / "sys" / "result.json").read_text("utf-8"))
    assert data["mode"] == "system" and data["database"]["grid"]["reported"] > 0


def test_size_normal_and_rainstorm_side_by_side(cli, tmp_path):
    out = invoke(cli, tmp_path, "size", "demo", "demo_rainstorm", "--target", "0.9",
                 "--pool", "commander.community", "--pool", "grid_worker",
                 "--out", str(tmp_path / "nr"), "--horizon-days", "10", "--warmup-days", "2",
                 "-n", "2", "--workers", "1", "-q")
    head = next(line for line in out.splitlines() if line.startswith("staff pool"))
    assert "needed: demo" in head and "needed: demo_rainstorm" in head
    assert "all pools at community level" in out
    rows = {line.split()[0]: line for line in out.splitlines()
            if line.startswith(("grid_worker", "commander.community"))}
    assert set(rows) == {"grid_worker", "commander.community"}
    assert (tmp_path / "nr" / "sizing.txt").read_text("utf-8").startswith("target: 90%")
    for name in ("demo", "demo_rainstorm"):
        assert "[staff.grid_worker]" in (tmp_path / "nr" / name / "staff.toml").read_text()


def test_the_rainstorm_brings_more_flood_reports(cli, tmp_path):
    out = invoke(cli, tmp_path, "compare", "demo", "demo_rainstorm", "--out",
                 str(tmp_path / "cr"), "--horizon-days", "10", "--warmup-days", "2",
                 "-n", "2", "--workers", "1", "-q")
    arrived = next(line for line in out.splitlines() if line.startswith("events arrived"))
    a, b = (float(x.replace(",", "")) for x in arrived.split()[2:5:2])
    assert b > a
