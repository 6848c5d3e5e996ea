"""Benchmark: capacity mode on ``tianjin2020`` — one simulated year, or a shorter slice.

Runs one replication in a fresh worker process and prints its CPU and wall seconds, the
worker's peak resident memory and, for a slice shorter than a year, the projection to a
year (CPU × 365 / days; the warm-up is scaled down with the slice). ``--profile`` runs the
slice in this process under cProfile instead and prints the hottest functions. Goal: a year
under 300 s on the 2-core machine.

    .venv/bin/python bench/bench_sim_year.py                # the full year (minutes)
    .venv/bin/python bench/bench_sim_year.py --days 14      # a fortnight, projected
    .venv/bin/python bench/bench_sim_year.py --days 14 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from simulator import runner, scenarios
from simulator.inputs import prepare

YEAR_DAYS = 365


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=float, default=YEAR_DAYS, help="Simulated days (≤ 365).")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", action="store_true", help="cProfile in this process.")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    base = scenarios.load("tianjin2020")
    warmup = min(base.warmup_days, args.days / 10)
    sc = replace(base, replications=1, seed=args.seed, horizon_days=args.days,
                 warmup_days=warmup)
    t = time.perf_counter()
    inputs = prepare(sc)
    prep = time.perf_counter() - t
    seed = runner.seeds(args.seed, 1)[0]
    if args.profile:
        prof = cProfile.Profile()
        t, c = time.perf_counter(), time.process_time()
        prof.runcall(runner.replicate, sc, inputs, 0, seed)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.top)
        print(f"profiled (cProfile slows it down): {wall:.1f} s wall, {cpu:.1f} s CPU")
        return
    with ProcessPoolExecutor(1) as pool:
        t = time.perf_counter()
        r = pool.submit(runner.replicate, sc, inputs, 0, seed).result()
        wall = time.perf_counter() - t
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    ev = r["events"]
    print(f"tianjin2020, {args.days:g} simulated days (warm-up {warmup:g}), one replication: "
          f"{wall:.1f} s wall, {cpu:.1f} s CPU (+{prep:.1f} s reading plugins and calendar); "
          f"worker peak RSS {rss:,.0f} MiB")
    print(f"  {ev['arrived']:,} events after the warm-up, {r['applications']['submitted']:,} "
          f"applications; on time {ev['on_time'] / max(ev['closed'] + ev['late_open'], 1):.1%}; "
          f"{r['pools_created']:,} pools")
    if args.days < YEAR_DAYS:
        year = cpu * YEAR_DAYS / args.days
        print(f"  projected year: {year:.0f} s CPU (goal < 300 s: "
              f"{'met' if year < 300 else 'MISSED'})")
    else:
        print(f"  goal < 300 s: {'met' if wall < 300 else 'MISSED'}")


if __name__ == "__main__":
    main()
