"""``model = "queues"``: an abstract network of staff pools (M/M/c and friends).

Used to validate the engine against queueing theory and to benchmark it; the city model uses
the same ``Pool``. Arrivals to all queues are one superposed Poisson stream with an alias
pick of the queue, so an arrival costs the same with one queue or a thousand.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from simulator.arrivals import Alias, Stream
from simulator.inputs import Inputs, schedule
from simulator.pools import Pool, PoolStats
from simulator.scenarios import Scenario
from simulator.world import World


class QueuesModel:
    def __init__(self, sc: Scenario, inputs: Inputs, seed: int) -> None:
        self.sc, self.rng = sc, random.Random(seed)
        self.world = World(sc.start, inputs.calendar)
        env = self.env = self.world.env
        self.stats: dict[str, PoolStats] = {}
        self.pools: list[Pool] = []
        self.samplers: list[Callable[[random.Random], float]] = []
        self.routes: list[tuple[Alias, list[int], float] | None] = []
        first: dict[str, int] = {}
        for q in sc.queues:
            st = PoolStats(q.name, schedule(q.hours, inputs.calendar), q.servers * q.copies,
                           sc.warmup)
            self.stats[q.name] = st
            first[q.name] = len(self.pools)
            for _ in range(q.copies):
                self.pools.append(Pool(env, st, q.servers))
                self.samplers.append(q.service.sampler())
        for q in sc.queues:
            for _ in range(q.copies):
                if q.routing:
                    targets = [first[t] for t in q.routing]
                    weights = list(q.routing.values())
                    stay = 1.0 - sum(weights)
                    self.routes.append((Alias([*weights, max(stay, 0.0)]), targets, stay))
                else:
                    self.routes.append(None)
        rates = [q.arrivals_per_hour for q in sc.queues for _ in range(q.copies)]
        self.stream = (
            Stream([0.0, sc.horizon], [sum(rates)], range(len(rates)), rates)
            if sum(rates) > 0 else None
        )
        self.customers = 0

    def run(self, progress: Callable[[float], None] | None = None) -> dict[str, Any]:
        w, sc = self.world, self.sc
        if self.stream is not None:
            t = self.stream.next_after(0.0, self.rng)
            if t < sc.horizon:
                w.call(t, self._arrive)
        if sc.warmup > 0:
            w.call(sc.warmup, lambda _: [s.restart(w.env.now) for s in self.stats.values()])
        _run_until(w, sc.horizon, progress)
        for s in self.stats.values():
            s.advance(sc.horizon)
        return {"model": "queues", "queues": {k: pool_result(s, sc) for k, s in self.stats.items()},
                "customers": self.customers}

    def _arrive(self, _: Any) -> None:
        rng, now = self.rng, self.env.now
        s = self.stream
        nxt = s.next_after(now, rng)
        if nxt < self.sc.horizon:
            self.world.call(nxt - now, self._arrive)
        q = s.what[s.pick.pick(rng.random())]
        self.customers += 1
        self._enter(q)

    def _enter(self, q: int) -> None:
        self.pools[q].submit(q, self.samplers[q](self.rng), self._leave)

    def _leave(self, q: int) -> None:
        route = self.routes[q]
        if route is not None:
            alias, targets, _ = route
            k = alias.pick(self.rng.random())
            if k < len(targets):
                self._enter(targets[k])


def _run_until(w: World, horizon: float, progress: Callable[[float], None] | None) -> None:
    if progress is None:
        w.run(horizon)
        return
    step = max(horizon / 100, 1e-9)
    t = 0.0
    while t < horizon:
        t = min(t + step, horizon)
        w.run(t)
        progress(t / horizon)


def pool_result(s: PoolStats, sc: Scenario) -> dict[str, Any]:
    """Queueing measures of one pool key after the warm-up."""
    span = sc.horizon - sc.warmup
    worked = s.schedule.worked(sc.horizon) - s.schedule.worked(sc.warmup)
    n, m = s.served, s.started
    return {
        "servers": s.servers,
        "arrived": s.arrived,
        "served": n,
        "arrival_rate": s.arrived / span,
        "mean_wait": s.wait / m if m else None,
        "p_wait": s.waited / m if m else None,
        "mean_sojourn": s.sojourn / n if n else None,
        "mean_in_system": s.a_system / span,
        "mean_in_queue": s.a_queue / span,
        # work done after the warm-up over the servers' duty time
        "utilisation": ((s.work_done(sc.horizon) - s.done0) / (s.servers * worked)
                        if s.servers and worked > 0 else None),
        "stage_on_time": s.on_time / s.stage_done if s.stage_done else None,
        "stage_done": s.stage_done,
    }
