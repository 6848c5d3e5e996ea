"""Replications on any ``concurrent.futures`` executor, each with its own derived seed.

The default is a ``ProcessPoolExecutor`` over all local cores; a Dask cluster's
``client.get_executor()`` works unchanged. Results come back in replication order, so the
same scenario seed gives the same summary whatever finishes first. On an executor a city
replication runs as two tasks, its events and its applications (they share no staff pool,
see ``simulator.capacity``), merged into exactly the result the joint model gives.
"""

from __future__ import annotations

import gc
import os
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any

import numpy as np
from tqdm import tqdm

from simulator.inputs import Inputs
from simulator.scenarios import Scenario


def seeds(seed: int, n: int) -> list[int]:
    """Independent seeds for ``n`` replications, derived from the scenario's seed."""
    return [int(s.generate_state(1, np.uint64)[0]) for s in np.random.SeedSequence(seed).spawn(n)]


def build(sc: Scenario, inputs: Inputs, seed: int, part: str | None = None):
    if sc.model == "queues":
        from simulator.network import QueuesModel

        return QueuesModel(sc, inputs, seed)
    from simulator.capacity import CityModel

    return CityModel(sc, inputs, seed, part)


def parts(sc: Scenario, inputs: Inputs) -> tuple[str | None, ...]:
    """The independent parts a replication can run as: the events and the applications of
    a city that has both, else the whole model (None)."""
    if sc.model == "city" and sc.applications.per_day > 0 and inputs.services \
            and sc.events.per_day > 0:
        from simulator.capacity import PARTS

        return PARTS
    return (None,)


def merge(results: list[dict[str, Any]]) -> dict[str, Any]:
    """One replication's result from its parts' results (in ``parts`` order)."""
    if len(results) == 1:
        return results[0]
    from simulator.capacity import merge as merge_city

    out = merge_city(*results)
    out["wall_seconds"] = max(r["wall_seconds"] for r in results)
    return out


_gc_lock = threading.Lock()
_gc_users = [0, gc.get_threshold()]  # replications running in this process, saved thresholds


@contextmanager
def few_collections() -> Iterator[None]:
    """Collect garbage less often while models run. A model leaves no reference cycles
    behind (a closed event drops its task), so a collection finds next to nothing and only
    rescans the live queues; the objects made before the run are frozen out of the scans.
    The first replication running in the process saves the thresholds, the last restores."""
    with _gc_lock:
        if _gc_users[0] == 0:
            _gc_users[1] = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(50_000, 20, 100)
        _gc_users[0] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users[0] -= 1
            if _gc_users[0] == 0:
                gc.set_threshold(*_gc_users[1])
                gc.unfreeze()


def replicate(
    sc: Scenario, inputs: Inputs, index: int, seed: int,
    progress: Callable[[float], None] | None = None, measure_memory: bool = False,
    part: str | None = None,
) -> dict[str, Any]:
    """One replication (or one ``part`` of it): the model's raw result, with its index,
    seed and cost."""
    if measure_memory:
        tracemalloc.start()
    t0 = time.perf_counter()
    with few_collections():
        model = build(sc, inputs, seed, part)
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
    tasks = n * len(parts(sc, inputs))
    if executor == "serial" or (executor is None and (tasks == 1 or (os.cpu_count() or 1) == 1)):
        return _serial(sc, inputs, rep_seeds, progress)
    own = executor is None
    pool: Executor = ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, tasks)) if own \
        else executor  # type: ignore[assignment]
    split = parts(sc, inputs)
    try:
        futures = {pool.submit(replicate, sc, inputs, i, s, part=p): (i, j)
                   for i, s in enumerate(rep_seeds) for j, p in enumerate(split)}
        out: list[list[Any]] = [[None] * len(split) for _ in range(n)]
        with tqdm(total=n * len(split), desc=sc.name, unit=" part" if len(split) > 1 else " rep",
                  disable=not progress) as bar:
            for f in as_completed(futures):
                i, j = futures[f]
                out[i][j] = f.result()
                bar.update(1)
        return [merge(r) for r in out]
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
