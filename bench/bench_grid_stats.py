"""Grid statistics at Tianjin scale: 2.64 million events in SQLite.

Builds a temporary database with the synthetic Tianjin city (16 districts, 272 streets,
5,607 communities, 21,408 grids; ``simulator.city.generate_city``) and 2.64 million events
written straight in (``plugins.grid.history``), then times

* ``api.statistics`` for one district (every figure: counts, rates, mean and p90 time to
  close, overdue now, whistles) — goal < 200 ms;
* ``api.area_figures`` for all 5,607 communities (the one map's data) — goal < 1 s.

    .venv/bin/python bench/bench_grid_stats.py [--seed 1] [--events 2640000] [--keep PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

from core import schema  # noqa: E402
from core.areas.models import Area  # noqa: E402
from core.clock import FrozenClock  # noqa: E402
from core.config import Config  # noqa: E402
from core.identity.roles import SYSTEM  # noqa: E402
from core.platform import Platform  # noqa: E402
from plugins.grid import api, history, taxonomy  # noqa: E402
from plugins.grid.models import GridEvent  # noqa: E402
from simulator.city import generate_city  # noqa: E402

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
AREA_COLUMNS = [c.key for c in Area.__table__.columns]


def build(path: Path, seed: int, events: int, chunk: int = 200_000) -> Platform:
    config = Config.load(instance_path=path.parent, database_url=f"sqlite:///{path}")
    platform = Platform(config, clock=FrozenClock(NOW))
    schema.upgrade(platform.pm, platform.engine)
    t = time.perf_counter()
    areas = generate_city("tianjin", seed)
    with platform.session() as s:
        s.execute(insert(Area.__table__), [{k: getattr(a, k) for k in AREA_COLUMNS}
                                           for a in areas])
    grids = [a for a in areas if a.level == 4]
    print(f"  city: {len(areas):,} areas in {time.perf_counter() - t:.0f} s", flush=True)
    codes = [a.code for a in grids]
    points = np.array([(a.label_lon, a.label_lat) for a in grids], dtype=float)
    items = [i for i in taxonomy.load(platform.pm).items.values() if not i.area_code]
    indexes = list(GridEvent.__table__.indexes)
    t = time.perf_counter()
    with platform.engine.begin() as conn:  # load first, index after: much faster
        for ix in indexes:
            conn.execute(text(f"DROP INDEX {ix.name}"))
    done = 0
    while done < events:
        size = min(chunk, events - done)
        cols = history.generate(size, seed * 1_000_003 + done, codes, points, items, NOW)
        with platform.session() as s:
            history.insert_rows(s, history.rows(cols, sqlite=True))
        done += size
        print(f"\r  events: {done:,} ({time.perf_counter() - t:.0f} s)", end="", flush=True)
    print()
    t = time.perf_counter()
    with platform.engine.begin() as conn:
        for ix in indexes:
            ix.create(conn)
        conn.exec_driver_sql("ANALYZE")
    print(f"  indexes and ANALYZE in {time.perf_counter() - t:.0f} s", flush=True)
    return platform


def timed(fn, runs: int) -> tuple[float, float, float, object]:
    """(first run, median of the next ``runs``, median CPU time of this process) in
    milliseconds, and the last result. Wall time above CPU time means a busy machine."""
    t = time.perf_counter()
    result = fn()
    first = (time.perf_counter() - t) * 1e3
    laps, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        laps.append((time.perf_counter() - t) * 1e3)
        cpu.append((time.process_time() - c) * 1e3)
    return first, statistics.median(laps), statistics.median(cpu), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--events", type=int, default=2_640_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the database here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grid-stats-") as tmp:
        path = args.keep or Path(tmp) / "stats.sqlite"
        if args.keep and path.exists():
            config = Config.load(instance_path=path.parent, database_url=f"sqlite:///{path}")
            platform = Platform(config, clock=FrozenClock(NOW))
        else:
            print(f"building {args.events:,} events at Tianjin scale (seed {args.seed})")
            platform = build(path, args.seed, args.events)
        with platform.session() as s:
            total = s.scalar(select(func.count()).select_from(GridEvent))
            district, n = s.execute(
                select(GridEvent.district_code, func.count()).group_by(
                    GridEvent.district_code).order_by(func.count().desc()).limit(1)).one()
            communities = s.scalar(select(func.count()).select_from(Area).where(
                Area.level == 3))
        size = path.stat().st_size / 1e9
        print(f"{total:,} events, {communities:,} communities, file {size:.1f} GB (SQLite)")
        with platform.session() as s:
            first, median, cpu, figures = timed(
                lambda: api.statistics(s, SYSTEM, area_code=district), args.runs)
            print(f"statistics, district {district} ({n:,} events), all time: "
                  f"{median:.0f} ms median, CPU {cpu:.0f} ms (first {first:.0f} ms) "
                  "— goal < 200 ms")
            print(f"  reported {figures['reported']:,}, closed {figures['closed']:,}, close "
                  f"rate {figures['close_rate']:.1%}, on time {figures['on_time_close_rate']:.1%}"
                  f", p90 {figures['p90_hours_to_close']} h, overdue now "
                  f"{figures['overdue_now']:,}")
            month = NOW - dt.timedelta(days=30)
            first, median, cpu, _ = timed(lambda: api.statistics(
                s, SYSTEM, area_code=district, start=month, end=NOW), args.runs)
            print(f"statistics, district {district}, last 30 days: {median:.0f} ms median, "
                  f"CPU {cpu:.0f} ms (first {first:.0f} ms)")
            first, median, cpu, rows = timed(lambda: api.area_figures(
                s, SYSTEM, "120000", level="community"), args.runs)
            print(f"area_figures, all {len(rows):,} communities, all time: {median:.0f} ms "
                  f"median, CPU {cpu:.0f} ms (first {first:.0f} ms) — goal < 1 s")
            first, median, cpu, rows = timed(lambda: api.area_figures(
                s, SYSTEM, "120000", level="community", start=month, end=NOW), args.runs)
            print(f"area_figures, all {len(rows):,} communities, last 30 days: {median:.0f} ms "
                  f"median, CPU {cpu:.0f} ms (first {first:.0f} ms)")
            print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: wall "
                  "time above CPU time is time spent waiting for a CPU)")
        platform.engine.dispose()


if __name__ == "__main__":
    main()
