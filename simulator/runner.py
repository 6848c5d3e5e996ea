"""Replications on any ``concurrent.futures`` executor, each with its own derived seed.

The default is a ``ProcessPoolExecutor`` over all local cores; a Dask cluster's
``client.get_executor()`` works unchanged. Results come back in replication order, so the
same scenario seed gives the same summary whatever finishes first.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from typing import Any

import numpy as np
from tqdm import tqdm

from simulator.inputs import Inputs
from simulator.scenarios import Scenario


def seeds(seed: int, n: int) -> list[int]:
    """Independent seeds for ``n`` replications, derived from the scenario's seed."""
    return [int(s.generate_state(1, np.uint64)[0]) for s in np.random.SeedSequence(seed).spawn(n)]


def build(sc: Scenario, inputs: Inputs, seed: int):
    if sc.model == "queues":
        from simulator.network import QueuesModel

        return QueuesModel(sc, inputs, seed)
    from simulator.capacity import CityModel

    return CityModel(sc, inputs, seed)


def replicate(
    sc: Scenario, inputs: Inputs, index: int, seed: int,
    progress: Callable[[float], None] | None = None, measure_memory: bool = False,
) -> dict[str, Any]:
    """One replication: the model's raw result, with its index, seed and cost."""
    if measure_memory:
        tracemalloc.start()
    t0 = time.perf_counter()
    model = build(sc, inputs, seed)
    result = model.run(progress)
    result["replication"] = index
    result["seed"] = seed
    result["wall_seconds"] = time.perf_counter() - t0
    if measure_memory:
        result["peak_memory_bytes"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result


def run(
    sc: Scenario, inputs: Inputs, replications: int | None = None,
    executor: Executor | str | None = None, progress: bool = False,
) -> list[dict[str, Any]]:
    """Run the replications; ``executor="serial"`` runs them here, one after the other."""
    n = replications or sc.replications
    rep_seeds = seeds(sc.seed, n)
    if executor == "serial" or (executor is None and (n == 1 or (os.cpu_count() or 1) == 1)):
        return _serial(sc, inputs, rep_seeds, progress)
    own = executor is None
    pool: Executor = ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, n)) if own \
        else executor  # type: ignore[assignment]
    try:
        futures = {pool.submit(replicate, sc, inputs, i, s): i for i, s in enumerate(rep_seeds)}
        out: list[dict[str, Any] | None] = [None] * n
        with tqdm(total=n, desc=sc.name, unit=" rep", disable=not progress) as bar:
            for f in as_completed(futures):
                out[futures[f]] = f.result()
                bar.update(1)
        return [r for r in out if r is not None]
    finally:
        if own:
            pool.shutdown()


def _serial(sc: Scenario, inputs: Inputs, rep_seeds: list[int], progress: bool):
    out = []
    total = len(rep_seeds) * 100
    with tqdm(total=total, desc=sc.name, unit="%", disable=not progress,
              bar_format="{l_bar}{bar}| {elapsed}<{remaining}") as bar:
        for i, s in enumerate(rep_seeds):
            done = [0]

            def tick(frac: float, done: list[int] = done) -> None:
                step = int(frac * 100) - done[0]
                if step > 0:
                    bar.update(step)
                    done[0] += step

            out.append(replicate(sc, inputs, i, s, tick if progress else None))
    return out


def simulate(
    sc: Scenario, inputs: Inputs, replications: int | None = None,
    executor: Executor | str | None = None, progress: bool = False,
) -> dict[str, Any]:
    """Run capacity mode and summarise: the result a planner reads (``summary.summarise``)."""
    from simulator.summary import summarise

    result = summarise(sc, run(sc, inputs, replications, executor, progress), "capacity")
    result["holidays_missing"] = list(inputs.holidays_missing)
    return result
