"""Benchmark: system mode — Tianjin at 2020 volume through the real plugins on SQLite.

Seeds the Tianjin-scale city and population once, copies the database, runs a slice of the
``tianjin_week`` scenario (default: the first 24 simulated hours after the start, no
warm-up) through ``simulator.system`` and then replays the very same calls in a plain loop
on the copy. Reports operations per second, latency per operation, the projected time for
a simulated week and year (goal: a year in under an hour), peak memory, and the simulator's
rate as a share of the plain loop's (goal ≥ 0.90).

    .venv/bin/python bench/bench_sim_system.py [--hours 24] [--scenario tianjin_week]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from core.clock import FrozenClock
from core.platform import Platform
from simulator import scenarios, system

HOURS_PER_YEAR = 24 * 365


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", default="tianjin_week")
    ap.add_argument("--hours", type=float, default=24.0)
    ap.add_argument("--dir", type=Path)
    args = ap.parse_args()
    base = scenarios.load(args.scenario)
    sc = replace(base, horizon_days=args.hours / 24, warmup_days=0.0, replications=1)
    work = args.dir or Path(tempfile.mkdtemp(prefix="jinzhi-sysbench-"))
    work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    system.open_platform(sc, None, work).engine.dispose()
    seeded = time.perf_counter() - t
    pristine = work / "pristine.sqlite"
    shutil.copy(work / "system.sqlite", pristine)
    print(f"seeded {sc.city.scale} city and population in {seeded:.0f} s ({work})")

    run = system.run(sc, database_url=f"sqlite:///{work / 'system.sqlite'}", out=work,
                     record=True)
    pl = run["platform"]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sim_h = sc.horizon
    print(f"\nsystem mode, {sim_h:g} simulated hours of {base.name}: {pl['operations']:,} "
          f"operations in {pl['wall_seconds']:.1f} s = {pl['ops_per_second']:,.0f} ops/s "
          f"(simulator's own time {pl['simulator_seconds']:.1f} s)")
    print(f"  events {run['events']['arrived']['mean']:,.0f} arrived, "
          f"{run['database']['grid']['reported']:,} stored; errors {pl['errors'] or 'none'}")
    for op, v in pl["latency"].items():
        print(f"  {op:28} {v['count']:>8,}  p50 {v['p50_ms']:7.2f} ms  p95 {v['p95_ms']:7.2f} ms"
              f"  p99 {v['p99_ms']:7.2f} ms")
    week = pl["wall_seconds"] * (24 * 7) / sim_h
    year = pl["wall_seconds"] * HOURS_PER_YEAR / sim_h
    print(f"  projected: a simulated week {week / 3600:.1f} h, a year {year / 3600:.1f} h "
          f"(goal < 1 h: {'met' if year < 3600 else 'MISSED'}); peak RSS {rss:,.0f} MiB")

    shutil.copy(pristine, work / "replay.sqlite")
    fresh = system.open_platform(sc, f"sqlite:///{work / 'replay.sqlite'}", work)
    p = Platform(fresh.config, pm=fresh.pm, engine=fresh.engine, clock=FrozenClock(sc.start))
    loop = system.replay(p, run["calls"])
    ratio = pl["ops_per_second"] / loop["ops_per_second"] if loop["ops_per_second"] else 0
    print(f"\nplain loop of the same {loop['operations']:,} calls: {loop['wall_seconds']:.1f} s"
          f" = {loop['ops_per_second']:,.0f} ops/s; system mode reaches {ratio:.2f} of it "
          f"(goal ≥ 0.90)")


if __name__ == "__main__":
    main()
