"""Capacity mode against queueing theory: M/M/c (Erlang C) and Little's law."""

from __future__ import annotations

import pytest

from simulator import runner, scenarios, stats
from simulator.inputs import prepare
from simulator.summary import summarise

LAM, MU, C = 4.0, 1.0, 5  # offered load 4 on 5 servers: ρ = 0.8


def mmc(**over) -> scenarios.Scenario:
    data = {
        "name": "mmc", "model": "queues", "seed": 11, "horizon_days": 120, "warmup_days": 5,
        "replications": 20,
        "queues": [{"name": "q", "servers": C, "arrivals_per_hour": LAM,
                    "service": {"dist": "exponential", "mean": 1 / MU}}],
    }
    data.update(over)
    return scenarios.parse(data)


@pytest.fixture(scope="module")
def mmc_result():
    sc = mmc()
    reps = runner.run(sc, prepare(sc), executor="serial")
    return reps, summarise(sc, reps)["queues"]["q"]


def test_mean_wait_matches_erlang_c(mmc_result):
    _, q = mmc_result
    wq = stats.mmc_wait(LAM, MU, C)
    assert q["mean_wait"]["n"] == 20
    assert q["mean_wait"]["low"] <= wq <= q["mean_wait"]["high"], (q["mean_wait"], wq)


def test_probability_of_waiting_matches_erlang_c(mmc_result):
    _, q = mmc_result
    pw = stats.erlang_c(C, LAM / MU)
    assert q["p_wait"]["low"] <= pw <= q["p_wait"]["high"], (q["p_wait"], pw)


def test_utilisation_is_the_offered_load_per_server(mmc_result):
    _, q = mmc_result
    assert q["utilisation"]["mean"] == pytest.approx(LAM / (MU * C), rel=0.02)


def test_littles_law_holds_on_the_simulated_data(mmc_result):
    reps, _ = mmc_result
    for r in reps:
        q = r["queues"]["q"]
        assert q["mean_in_system"] == pytest.approx(q["arrival_rate"] * q["mean_sojourn"],
                                                    rel=0.01)
        assert q["mean_in_queue"] == pytest.approx(q["arrival_rate"] * q["mean_wait"], rel=0.01)


def test_a_network_of_many_queues_behaves_like_its_parts():
    sc = mmc(horizon_days=40, replications=3, queues=[{
        "name": "q", "servers": 2, "copies": 200, "arrivals_per_hour": 1.0,
        "service": {"dist": "exponential", "mean": 1.0}}])
    q = summarise(sc, runner.run(sc, prepare(sc), executor="serial"))["queues"]["q"]
    assert q["servers"] == 400
    assert q["p_wait"]["mean"] == pytest.approx(stats.erlang_c(2, 1.0), abs=0.02)
    assert q["mean_wait"]["mean"] == pytest.approx(stats.mmc_wait(1.0, 1.0, 2), rel=0.1)


def test_t_quantiles_and_erlang_c_reference_values():
    assert stats.t_quantile(0.975, 9) == pytest.approx(2.2622, abs=1e-4)
    assert stats.t_quantile(0.975, 1) == pytest.approx(12.7062, abs=1e-3)
    assert stats.erlang_c(10, 9.0) == pytest.approx(0.66873, abs=1e-5)
    assert stats.erlang_c(1, 0.5) == pytest.approx(0.5)
