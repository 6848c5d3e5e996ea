"""Benchmark: capacity mode on ``tianjin2020`` — one simulated year, or a shorter slice.

Runs one replication the way the runner does on this machine: its two independent parts
(events, applications; see ``simulator.capacity``) in two fresh worker processes at once,
merged into the joint result. Prints the wall seconds, each worker's CPU seconds and peak
resident memory (and their sum) and, for a slice shorter than a year, each worker's CPU
projected to a year by the part's expected arrivals (a January slice sees fewer events a
day than the year: the month profile and the summer flood surge; the warm-up is scaled
down with the slice). ``--joint`` runs the
joint model in one worker instead. ``--profile`` runs the slice (or ``--part``) in this
process under cProfile and prints the hottest functions. Goal: a year under 300 s wall on
the 2-core machine.

    .venv/bin/python bench/bench_sim_year.py                # the full year (minutes)
    .venv/bin/python bench/bench_sim_year.py --days 14      # a fortnight, projected
    .venv/bin/python bench/bench_sim_year.py --days 14 --profile --part events
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Any

from simulator import runner, scenarios
from simulator.capacity import CityModel
from simulator.inputs import prepare

YEAR_DAYS = 365


def work(sc: scenarios.Scenario, inputs: Any, seed: int, part: str | None) -> dict[str, Any]:
    """One part in a worker, with the worker's own CPU seconds and peak RSS (MiB)."""
    r = runner.replicate(sc, inputs, 0, seed, part=part)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    r["bench"] = {"part": part or "joint", "cpu": usage.ru_utime + usage.ru_stime,
                  "rss": usage.ru_maxrss / 1024}
    return r


def expected(sc: scenarios.Scenario, inputs: Any) -> dict[str, float]:
    """Expected arrivals over the horizon per part, from the model's own streams."""
    m = CityModel(sc, inputs, 0)
    return {"events": sum(s.expected() for s in m.streams),
            "applications": m.app_stream.expected() if m.app_stream else 0.0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--days", type=float, default=YEAR_DAYS, help="Simulated days (≤ 365).")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--joint", action="store_true", help="The joint model in one worker.")
    ap.add_argument("--profile", action="store_true", help="cProfile in this process.")
    ap.add_argument("--part", choices=["events", "applications"],
                    help="With --profile: only this part.")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    if not 0 < args.days <= YEAR_DAYS:
        ap.error(f"--days must be in (0, {YEAR_DAYS}]")
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
        prof.runcall(runner.replicate, sc, inputs, 0, seed, part=args.part)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.top)
        print(f"profiled (cProfile slows it down): {wall:.1f} s wall, {cpu:.1f} s CPU")
        return
    split = (None,) if args.joint else runner.parts(sc, inputs)
    with ProcessPoolExecutor(len(split)) as pool:
        t = time.perf_counter()
        futures = [pool.submit(work, sc, inputs, seed, p) for p in split]
        done = [f.result() for f in futures]
        wall = time.perf_counter() - t
    r = runner.merge(done)
    workers = [d["bench"] for d in done]
    cpu = sum(w["cpu"] for w in workers)
    print(f"tianjin2020, {args.days:g} simulated days (warm-up {warmup:g}), one replication "
          f"in {len(workers)} worker{'s' if len(workers) > 1 else ''}: {wall:.1f} s wall, "
          f"{cpu:.1f} s CPU (+{prep:.1f} s reading plugins and calendar)")
    for w in workers:
        print(f"  worker {w['part']:12} {w['cpu']:7.1f} s CPU, peak RSS {w['rss']:,.0f} MiB")
    print(f"  peak RSS of all workers together: {sum(w['rss'] for w in workers):,.0f} MiB")
    ev = r["events"]
    print(f"  {ev['arrived']:,} events after the warm-up, {r['applications']['submitted']:,} "
          f"applications; on time {ev['on_time'] / max(ev['closed'] + ev['late_open'], 1):.1%}; "
          f"{r['pools_created']:,} pools")
    if args.days < YEAR_DAYS:
        year_sc = replace(sc, horizon_days=YEAR_DAYS, warmup_days=base.warmup_days)
        now, then = expected(sc, inputs), expected(year_sc, prepare(year_sc))
        longest = 0.0
        for w in workers:
            parts = ("events", "applications") if w["part"] == "joint" else (w["part"],)
            ratio = sum(then[p] for p in parts) / max(sum(now[p] for p in parts), 1.0)
            longest = max(longest, w["cpu"] * ratio)
            print(f"  projected year, worker {w['part']}: {w['cpu'] * ratio:.0f} s CPU "
                  f"({ratio:.1f}× the slice's expected arrivals)")
        print(f"  so a year takes about {longest:.0f} s on an idle machine (goal < 300 s: "
              f"{'met' if longest < 300 else 'MISSED'})")
    else:
        print(f"  goal < 300 s wall: {'met' if wall < 300 else 'MISSED'}")


if __name__ == "__main__":
    main()
