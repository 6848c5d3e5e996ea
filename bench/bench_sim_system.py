"""Benchmark: system mode — Tianjin at 2020 volume through the real plugins on SQLite.

Seeds the Tianjin-scale city and population once (``pristine.sqlite`` in ``--dir``, reused
when it is there), then runs a slice of the ``tianjin_week`` scenario (default: the first 24
simulated hours after ``--start-hour`` hours into it, no warm-up) through
``simulator.system`` twice, each on its own copy of the seeded database and in its own
process (so each peak RSS is its own):

1. one transaction per operation (the default of system mode: the load test), and
2. ``--batch N`` operations per transaction, a SAVEPOINT each (the bulk replay).

After each run the very same calls are replayed in a plain loop, with the same
transactions, on another copy: the simulator's rate as a share of the loop's (goal ≥ 0.90).
For each: operations per second, p50/p99 latency per operation, the projected time for a
simulated year (goal: under an hour), peak RSS. The simulated KPIs of both runs must agree.

    .venv/bin/python bench/bench_sim_system.py [--hours 24] [--start-hour 0] [--batch 1000]
        [--scenario tianjin_week] [--dir /tmp/jinzhi-sysbench] [--skip-loop]

Keep ``--dir`` under /tmp: the databases are hundreds of MB after a simulated day.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

HOURS_PER_YEAR = 24 * 365


def _copy(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    shutil.copy(src, dst)


def _slice(name: str, hours: float, start_hour: float) -> Any:
    from simulator import scenarios

    base = scenarios.load(name)
    return replace(base, start=base.start + dt.timedelta(hours=start_hour),
                   horizon_days=hours / 24, warmup_days=0.0, replications=1)


def _one(args: tuple[str, float, float, int, str, bool]) -> dict[str, Any]:
    """In a fresh process: one run of the slice, then its calls replayed in a plain loop."""
    name, hours, start_hour, batch, folder, with_loop = args
    from core.clock import FrozenClock
    from core.platform import Platform
    from simulator import system

    work = Path(folder)
    sc = _slice(name, hours, start_hour)
    tag = f"batch{batch}" if batch else "per-op"
    run_db, loop_db = work / f"run-{tag}.sqlite", work / f"loop-{tag}.sqlite"
    _copy(work / "pristine.sqlite", run_db)
    run = system.run(sc, database_url=f"sqlite:///{run_db}", out=work / tag,
                     record=with_loop, batch=batch)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    loop = None
    if with_loop:
        calls = run.pop("calls")
        _copy(work / "pristine.sqlite", loop_db)
        fresh = system.open_platform(sc, f"sqlite:///{loop_db}", work / tag)
        p = Platform(fresh.config, pm=fresh.pm, engine=fresh.engine,
                     clock=FrozenClock(sc.start))
        loop = system.replay(p, calls, batch=batch)
    kpis = {k: v for k, v in run.items() if k not in ("platform", "wall_seconds", "database")}
    kpis["stored"] = run["database"]["grid"]  # the grid plugin's own figures
    return {"platform": run["platform"], "loop": loop, "rss_mib": rss, "kpis": kpis,
            "events": run["events"], "stored": run["database"]["grid"]["reported"]}


def _canon(kpis: dict[str, Any]) -> str:
    """The KPIs as sorted JSON: NaN equals NaN there (it does not as floats)."""
    return json.dumps(kpis, sort_keys=True, default=str)


def _print(label: str, r: dict[str, Any], hours: float) -> float:
    pl, loop = r["platform"], r["loop"]
    year = pl["wall_seconds"] * HOURS_PER_YEAR / hours
    cpu_year = pl["cpu_seconds"] * HOURS_PER_YEAR / hours
    n = pl["operations"] or 1
    print(f"\n{label}: {pl['operations']:,} operations in {pl['wall_seconds']:.1f} s = "
          f"{pl['ops_per_second']:,.0f} ops/s; {pl['commits']:,} commits "
          f"({pl['commit_seconds']:.1f} s in batch commits); simulator's own time "
          f"{pl['simulator_seconds']:.1f} s")
    every = pl["latency_all"]
    print(f"  every operation: p50 {every['p50_ms']:.2f} ms  p99 {every['p99_ms']:.2f} ms; "
          f"errors {pl['errors'] or 'none'}")
    for op, v in pl["latency"].items():
        print(f"  {op:28} {v['count']:>8,}  p50 {v['p50_ms']:7.2f} ms  p99 {v['p99_ms']:7.2f} ms")
    print(f"  CPU {pl['cpu_seconds']:.1f} s = {pl['cpu_seconds'] / n * 1e6:,.0f} µs per "
          f"operation (a year needs ≤ ~170 µs)")
    print(f"  projected year {year / 3600:,.1f} h by the wall clock, {cpu_year / 3600:,.1f} h "
          f"by CPU (goal < 1 h: {'met' if year < 3600 else 'MISSED'}); "
          f"peak RSS {r['rss_mib']:,.0f} MiB")
    if loop is None:
        return year
    ratio = pl["ops_per_second"] / loop["ops_per_second"] if loop["ops_per_second"] else 0.0
    cpu_ratio = loop["cpu_seconds"] / pl["cpu_seconds"] if pl["cpu_seconds"] else 0.0
    print(f"  plain loop of the same calls: {loop['wall_seconds']:.1f} s = "
          f"{loop['ops_per_second']:,.0f} ops/s, CPU {loop['cpu_seconds']:.1f} s; the "
          f"simulator reaches {ratio:.2f} of its rate by the wall clock, {cpu_ratio:.2f} by "
          f"CPU (goal ≥ 0.90)")
    return year


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default="tianjin_week")
    ap.add_argument("--hours", type=float, default=24.0, help="simulated hours in the slice")
    ap.add_argument("--start-hour", type=float, default=0.0,
                    help="hours after the scenario's start where the slice begins")
    ap.add_argument("--batch", type=int, default=1000,
                    help="operations per transaction in the batched run")
    ap.add_argument("--dir", type=Path, help="work folder (default: a new one under /tmp)")
    ap.add_argument("--skip-loop", action="store_true",
                    help="no plain-loop replay (halves the time; no loop ratio)")
    args = ap.parse_args()
    if args.hours <= 0 or args.start_hour < 0 or args.batch < 1:
        sys.exit("error: --hours must be > 0, --start-hour ≥ 0 and --batch ≥ 1")
    from simulator import system

    sc = _slice(args.scenario, args.hours, args.start_hour)
    work = args.dir or Path(tempfile.mkdtemp(prefix="jinzhi-sysbench-"))
    work.mkdir(parents=True, exist_ok=True)
    pristine = work / "pristine.sqlite"
    if not pristine.exists():
        t = time.perf_counter()
        system.open_platform(sc, None, work / "seed").engine.dispose()
        shutil.copy(work / "seed" / "system.sqlite", pristine)
        print(f"seeded {sc.city.scale} city and population in "
              f"{time.perf_counter() - t:.0f} s ({work})")
    else:
        print(f"reusing the seeded database {pristine}")
    print(f"slice: {args.hours:g} simulated hours of {args.scenario} "
          f"from {sc.start:%Y-%m-%d %H:%M}")

    spawn = multiprocessing.get_context("spawn")
    results = {}
    for batch in (0, args.batch):
        with spawn.Pool(1) as pool:
            results[batch] = pool.apply(_one, ((args.scenario, args.hours, args.start_hour,
                                                batch, str(work), not args.skip_loop),))
    one, grouped = results[0], results[args.batch]
    print(f"\nevents {one['events']['arrived']['mean']:,.0f} arrived, {one['stored']:,} stored")
    _print("one transaction per operation (default)", one, args.hours)
    _print(f"batches of {args.batch} operations, a SAVEPOINT each", grouped, args.hours)
    same = _canon(one["kpis"]) == _canon(grouped["kpis"])
    print(f"\nsimulated KPIs and stored figures of the two runs: "
          f"{'identical' if same else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
