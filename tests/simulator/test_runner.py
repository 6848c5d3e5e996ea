"""Replications: seeds, determinism and executors."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import replace

import pytest

from core.plugins import make_plugin_manager
from simulator import runner, scenarios
from simulator.inputs import prepare
from simulator.summary import summarise


@pytest.fixture(scope="module")
def small():
    sc = replace(scenarios.load("demo"), horizon_days=3, warmup_days=1, replications=3)
    return sc, prepare(sc, make_plugin_manager())


def _strip(reps):
    return [{k: v for k, v in r.items() if k != "wall_seconds"} for r in reps]


def test_seeds_are_derived_and_distinct():
    assert runner.seeds(1, 4) == runner.seeds(1, 4)
    assert len(set(runner.seeds(1, 4))) == 4
    assert runner.seeds(1, 2) != runner.seeds(2, 2)
    assert runner.seeds(1, 4)[:2] == runner.seeds(1, 2)


def test_same_seed_same_result(small):
    sc, inputs = small
    a = _strip(runner.run(sc, inputs, executor="serial"))
    b = _strip(runner.run(sc, inputs, executor="serial"))
    assert a == b
    sa, sb = summarise(sc, runner.run(sc, inputs, executor="serial")), summarise(sc, a)
    assert sa["events"] == sb["events"] and sa["by"] == sb["by"]


def test_different_seeds_differ(small):
    sc, inputs = small
    a = _strip(runner.run(sc, inputs, executor="serial"))
    b = _strip(runner.run(replace(sc, seed=sc.seed + 1), inputs, executor="serial"))
    assert a != b
    assert [r["events"]["arrived"] for r in a] != [r["events"]["arrived"] for r in b]


def test_any_executor_gives_the_same_result(small):
    sc, inputs = small
    serial = _strip(runner.run(sc, inputs, executor="serial"))
    with ThreadPoolExecutor(2) as pool:
        assert _strip(runner.run(sc, inputs, executor=pool)) == serial
    with ProcessPoolExecutor(2) as pool:
        assert _strip(runner.run(sc, inputs, executor=pool)) == serial


def test_replicate_measures_memory(small):
    sc, inputs = small
    r = runner.replicate(sc, inputs, 0, 5, measure_memory=True)
    assert r["peak_memory_bytes"] > 0 and r["seed"] == 5


def test_parts_merge_into_the_joint_model(small):
    sc, inputs = small
    assert runner.parts(sc, inputs) == ("events", "applications")
    seed = runner.seeds(sc.seed, 1)[0]
    joint = runner.replicate(sc, inputs, 0, seed)
    events, apps = (runner.replicate(sc, inputs, 0, seed, part=p)
                    for p in runner.parts(sc, inputs))
    assert events["applications"]["submitted"] == 0 and apps["events"]["arrived"] == 0
    assert joint["events"]["arrived"] > 0 and joint["applications"]["submitted"] > 0
    assert _strip([runner.merge([events, apps])]) == _strip([joint])


def test_a_model_without_applications_is_not_split(small):
    sc, inputs = small
    no_apps = replace(sc, applications=replace(sc.applications, per_day=0.0))
    assert runner.parts(no_apps, inputs) == (None,)


def test_replications_restore_the_garbage_collector(small):
    import gc

    sc, inputs = small
    before = gc.get_threshold()
    with runner.few_collections():
        assert gc.get_threshold() != before and gc.get_freeze_count() > 0
        runner.replicate(sc, inputs, 0, 5)  # nested: the outer one restores
        assert gc.get_threshold() != before
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
