"""Grid intake, side by side with bare SQLAlchemy, in one run on one SQLite file.

* one event per transaction (the web-request pattern): ``api.report`` — validate, locate,
  route, check duplicates, store with its audit row and domain event, commit — against a bare
  ORM ``session.add(GridEvent(...)); session.commit()`` of the same row. Goal: ≥ 50 %.
* many events per transaction (imports, the simulator): ``api.import_events`` against a bare
  Core ``executemany`` of the same rows. Goal: ≥ 25 %.

    .venv/bin/python bench/bench_grid_intake.py [--seed 1] [--events 2000] [--bulk 50000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from core import schema  # noqa: E402
from core.areas.models import Area  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from core.config import Config  # noqa: E402
from core.identity.roles import SYSTEM  # noqa: E402
from core.platform import Platform  # noqa: E402
from plugins.grid import api  # noqa: E402
from plugins.grid.models import GridEvent  # noqa: E402
from simulator.seed import seed_demo  # noqa: E402

SKIP = {"id"}


def setup(folder: Path, seed: int) -> Platform:
    config = Config.load(instance_path=folder, database_url=f"sqlite:///{folder / 'b.sqlite'}")
    platform = Platform(config, clock=SystemClock())
    schema.upgrade(platform.pm, platform.engine)
    seed_demo(platform, "small", seed, people=50, organisations=0)
    return platform


def points(platform: Platform, n: int, seed: int) -> list[tuple[str, float, float]]:
    rng = random.Random(seed)
    with platform.session() as s:
        grids = s.execute(select(Area.code, Area.label_lon, Area.label_lat)
                          .where(Area.level == 4, Area.code.like("120101%"))).all()
        codes = [i.code for i in api.items(s) if not i.area_code]
    return [(rng.choice(codes), g[1] + rng.uniform(-2e-5, 2e-5), g[2] + rng.uniform(-2e-5, 2e-5))
            for g in (rng.choice(grids) for _ in range(n))]


def row_of(ev: GridEvent) -> dict[str, Any]:
    return {c.key: getattr(ev, c.key) for c in GridEvent.__table__.columns if c.key not in SKIP}


def single(platform: Platform, work: list[tuple[str, float, float]], rounds: int) -> tuple[
        float, float]:
    """Per-event seconds for ``api.report`` and for the bare ORM insert, interleaved."""
    from plugins.grid import intake

    with platform.session() as s:
        from core.identity.accounts import load_actor
        from core.identity.models import Account

        actor = load_actor(s, s.scalar(select(Account.id).where(
            Account.username == "commander.d1")))
    # the bare side inserts exactly the rows ours stored
    with platform.session() as s:
        template = row_of(intake.report(s, actor, item_code=work[0][0], description="样例",
                                        lon=work[0][1], lat=work[0][2]))
    ours_t = bare_t = 0.0
    block = len(work) // rounds
    for r in range(rounds):
        chunk = work[r * block:(r + 1) * block]
        t = time.perf_counter()
        for code, lon, lat in chunk:
            with Session(platform.engine) as s:
                s.add(GridEvent(**{**template, "item_code": code, "lon": lon, "lat": lat}))
                s.commit()
        bare_t += time.perf_counter() - t
        t = time.perf_counter()
        for code, lon, lat in chunk:
            with platform.session() as s:
                api.report(s, actor, item_code=code, description="巡查发现的问题", lon=lon,
                           lat=lat)
        ours_t += time.perf_counter() - t
    n = block * rounds
    return ours_t / n, bare_t / n


def bulk(platform: Platform, work: list[tuple[str, float, float]], batch: int) -> tuple[
        float, float]:
    """Per-event seconds for ``api.import_events`` and for a bare Core ``executemany`` of the
    same rows (as ours stores them), batch by batch, interleaved."""
    rows = [{"item_code": c, "description": "批量导入的问题", "lon": lon, "lat": lat}
            for c, lon, lat in work]
    with platform.session() as s:  # one stored row: the template of the bare side's rows
        [first] = api.import_events(s, SYSTEM, rows[:1])
    with Session(platform.engine) as s:
        template = row_of(s.get(GridEvent, first))
    ours_t = bare_t = 0.0
    for start in range(0, len(rows), batch):
        part = rows[start:start + batch]
        bare = [{**template, "item_code": r["item_code"], "lon": r["lon"], "lat": r["lat"]}
                for r in part]
        t = time.perf_counter()
        with platform.engine.begin() as conn:
            conn.execute(insert(GridEvent.__table__), bare)
        bare_t += time.perf_counter() - t
        t = time.perf_counter()
        with platform.session() as s:
            api.import_events(s, SYSTEM, part)
        ours_t += time.perf_counter() - t
    return ours_t / len(rows), bare_t / len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--events", type=int, default=2000, help="single-intake events")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--bulk", type=int, default=50_000, help="bulk-intake events")
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grid-") as tmp:
        platform = setup(Path(tmp), args.seed)
        work = points(platform, args.events, args.seed)
        api.report  # noqa: B018 - warm imports
        ours, bare = single(platform, work, args.rounds)
        print(f"single intake (one event per transaction, SQLite, {len(work)} events)")
        print(f"  api.report + commit      {1 / ours:8.0f} events/s  ({ours * 1e3:.3f} ms)")
        print(f"  bare ORM add + commit    {1 / bare:8.0f} events/s  ({bare * 1e3:.3f} ms)")
        print(f"  ratio                    {bare / ours:8.1%}   (goal ≥ 50 %)")
        work = points(platform, args.bulk, args.seed + 1)
        ours, bare = bulk(platform, work, args.batch)
        print(f"bulk intake ({args.bulk} events, {args.batch} per transaction)")
        print(f"  api.import_events        {1 / ours:8.0f} events/s  ({ours * 1e6:.1f} µs)")
        print(f"  bare Core executemany    {1 / bare:8.0f} events/s  ({bare * 1e6:.1f} µs)")
        print(f"  ratio                    {bare / ours:8.1%}   (goal ≥ 25 %)")
        platform.engine.dispose()


if __name__ == "__main__":
    main()
