"""Benchmark: ``jinzhi seed --scale tianjin`` — wall time and peak memory against the goals.

Each database is seeded in a child process of its own (so peak memory is that run's): a fresh
temporary SQLite file, and PostgreSQL too when ``--postgres URL`` is given (its ``public``
schema is dropped and recreated: give it a scratch database).

    .venv/bin/python bench/bench_seed.py [--seed 1] [--postgres postgresql://…/scratch]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_SECONDS = 60.0
GOAL_BYTES = 2 * 1024**3


def run_one(url: str, seed: int, people: int | None, orgs: int | None) -> dict:
    """Seed one database in this process; return timings and peak memory."""
    from sqlalchemy import text

    from core import schema
    from core.config import Config
    from core.db import make_engine
    from core.platform import Platform
    from simulator.seed import seed_demo

    start = time.perf_counter()
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    with tempfile.TemporaryDirectory() as instance:
        platform = Platform(Config.load(instance_path=instance, database_url=url), engine=engine)
        t = time.perf_counter()
        schema.upgrade(platform.pm, engine)
        upgrade = time.perf_counter() - t
        summary = seed_demo(platform, "tianjin", seed, people=people, organisations=orgs)
    engine.dispose()
    return {
        "phases": {"schema upgrade": upgrade, **summary.seconds},
        "total": time.perf_counter() - start,
        "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,  # KiB on Linux
        "areas": summary.city.total,
        "people": summary.population.people,
        "organisations": summary.population.organisations,
        "accounts": len(summary.accounts),
    }


def child(url: str, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, "--child", url, "--seed", str(args.seed)]
    if args.people is not None:
        cmd += ["--people", str(args.people)]
    if args.orgs is not None:
        cmd += ["--orgs", str(args.orgs)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def report(results: dict[str, dict], seed: int) -> None:
    first = next(iter(results.values()))
    print(f"jinzhi seed --scale tianjin --seed {seed}: {first['areas']:,} areas, "
          f"{first['people']:,} people, {first['organisations']:,} organisations, "
          f"{first['accounts']} accounts")
    names = list(results)
    print(f"{'phase':<18}" + "".join(f"{n:>14}" for n in names))
    for phase in first["phases"]:
        print(f"{phase:<18}" + "".join(f"{results[n]['phases'][phase]:>13.2f}s" for n in names))
    print(f"{'wall time':<18}" + "".join(f"{results[n]['total']:>13.2f}s" for n in names)
          + f"   goal < {GOAL_SECONDS:.0f} s")
    print(f"{'peak memory':<18}"
          + "".join(f"{results[n]['maxrss'] / 1024**2:>11.0f}MiB" for n in names)
          + f"   goal < {GOAL_BYTES / 1024**3:.0f} GiB")
    for n in names:
        ok = results[n]["total"] < GOAL_SECONDS and results[n]["maxrss"] < GOAL_BYTES
        print(f"{n}: {'both goals met' if ok else 'GOAL MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", metavar="URL", help="also seed this (scratch) database")
    parser.add_argument("--people", type=int, help="residents [default: seed's tianjin default]")
    parser.add_argument("--orgs", type=int, help="organisations [default: seed's default]")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, args.seed, args.people, args.orgs)))
        return
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = child(f"sqlite:///{Path(folder) / 'bench.sqlite'}", args)
    if args.postgres:
        results["postgresql"] = child(args.postgres, args)
    report(results, args.seed)


if __name__ == "__main__":
    main()
