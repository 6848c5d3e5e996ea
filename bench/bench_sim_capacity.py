"""Benchmark: capacity mode against a bare SimPy model and Ciw, and one Tianjin year.

1. M/M/c (λ = 9/h, μ = 1/h, c = 10): simulated customers per second of capacity mode
   (``simulator.network``), of a minimal hand-written SimPy model (the ceiling for a SimPy
   design) and of Ciw, in the same run. Goal: capacity ≥ 0.70 × bare SimPy.
2. A network of 1,000 M/M/2 queues: the same three. Goal: capacity ≥ 20 × Ciw.
3. One simulated year of ``tianjin2020`` in capacity mode, one replication run as the
   runner runs it here (its events and its applications in two fresh worker processes):
   wall time (goal < 300 s) and the workers' peak resident memory.
   ``bench_sim_year.py`` measures the year alone, or a slice, per worker.

    .venv/bin/python bench/bench_sim_capacity.py [--customers 200000] [--skip-year]

Times are process CPU seconds (other work on the machine does not count) and wall seconds.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

import ciw
import simpy

from simulator import runner, scenarios
from simulator.inputs import prepare

LAM, MU, C = 9.0, 1.0, 10


def bare_simpy(queues: int, servers: int, lam: float, horizon: float, seed: int) -> int:
    """The minimal SimPy model: one process per customer, one Resource per queue."""
    env = simpy.Environment()
    rng = random.Random(seed)
    pools = [simpy.Resource(env, servers) for _ in range(queues)]
    done = [0]

    def customer(res: simpy.Resource):
        with res.request() as req:
            yield req
            yield env.timeout(rng.expovariate(MU))
        done[0] += 1

    def source():
        total = lam * queues
        while True:
            yield env.timeout(rng.expovariate(total))
            env.process(customer(pools[rng.randrange(queues)]))

    env.process(source())
    env.run(until=horizon)
    return done[0]


def capacity(queues: int, servers: int, lam: float, horizon: float, seed: int) -> int:
    sc = scenarios.parse({
        "name": "bench", "model": "queues", "horizon_days": horizon / 24, "seed": seed,
        "replications": 1,
        "queues": [{"name": "q", "servers": servers, "copies": queues,
                    "arrivals_per_hour": lam, "service": {"dist": "exponential",
                                                          "mean": 1 / MU}}]})
    r = runner.replicate(sc, prepare(sc), 0, seed)
    return r["queues"]["q"]["served"]


def with_ciw(queues: int, servers: int, lam: float, horizon: float, seed: int) -> int:
    ciw.seed(seed)
    net = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(lam) for _ in range(queues)],
        service_distributions=[ciw.dists.Exponential(MU) for _ in range(queues)],
        number_of_servers=[servers] * queues,
        routing=[[0.0] * queues for _ in range(queues)],
    )
    sim = ciw.Simulation(net)
    sim.simulate_until_max_time(horizon)
    return len(sim.get_all_records())


def timed(fn, *args) -> tuple[float, float, int]:
    w, c = time.perf_counter(), time.process_time()
    n = fn(*args)
    return time.perf_counter() - w, time.process_time() - c, n


def compare(label: str, queues: int, servers: int, lam: float, horizons: dict[str, float],
            seed: int) -> dict[str, float]:
    print(f"\n{label}")
    rates = {}
    for name, fn in (("bare SimPy", bare_simpy), ("capacity", capacity), ("Ciw", with_ciw)):
        wall, cpu, n = timed(fn, queues, servers, lam, horizons[name], seed)
        rates[name] = n / cpu
        print(f"  {name:11} {n:>9,} customers  {cpu:7.2f} s CPU  {wall:7.2f} s wall  "
              f"{n / cpu:>10,.0f} customers/s")
    return rates


def year(seed: int) -> None:
    sc = replace(scenarios.load("tianjin2020"), replications=1, seed=seed)
    t = time.perf_counter()
    inputs = prepare(sc)
    prep = time.perf_counter() - t
    with ProcessPoolExecutor(2) as pool:
        t = time.perf_counter()
        r = runner.run(sc, inputs, 1, executor=pool)[0]
        wall = time.perf_counter() - t
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # maxrss: the largest worker
    rss, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    ev = r["events"]
    print(f"\ntianjin2020, one simulated year, one replication: {wall:.1f} s wall, "
          f"{cpu:.1f} s CPU in all (+{prep:.1f} s reading plugins and calendar); goal < 300 s: "
          f"{'met' if wall < 300 else 'MISSED'}")
    print(f"  {ev['arrived']:,} events after the warm-up, {r['applications']['submitted']:,} "
          f"applications; on time {ev['on_time'] / max(ev['closed'] + ev['late_open'], 1):.1%}; "
          f"{r['pools_created']:,} pools; largest worker's peak RSS {rss:,.0f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-year", action="store_true")
    args = ap.parse_args()
    horizon = args.customers / LAM
    one = compare(f"M/M/{C} (λ={LAM:g}, μ={MU:g}), about {args.customers:,} customers", 1, C,
                  LAM, {"bare SimPy": horizon, "capacity": horizon, "Ciw": horizon / 4},
                  args.seed)
    print(f"  capacity / bare SimPy = {one['capacity'] / one['bare SimPy']:.2f} (goal ≥ 0.70); "
          f"Ciw / bare SimPy = {one['Ciw'] / one['bare SimPy']:.2f}")
    lam = 1.6  # per queue; 2 servers each: ρ = 0.8
    big = args.customers / (1000 * lam)
    net = compare("1,000 queues (M/M/2 each, ρ = 0.8)", 1000, 2, lam,
                  {"bare SimPy": big, "capacity": big, "Ciw": min(big, 5.0)}, args.seed)
    print(f"  capacity / Ciw = {net['capacity'] / net['Ciw']:.0f}× (goal ≥ 20×); "
          f"capacity / bare SimPy = {net['capacity'] / net['bare SimPy']:.2f}")
    if not args.skip_year:
        year(args.seed)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
