"""Benchmark: submitting an application (with its full validation, audit row and event), one
per transaction, against a bare ORM insert-and-commit of the same row, in the same run.

Setup: a temporary SQLite file at the newest schema with the small demo city; ``citizen1``
prepares N complete drafts of 灵活就业登记 (flexible employment registration, a high-frequency
street item). Then, one transaction each:

- ``submit``: ``api.submit`` — load and scope-check, version check, JSON Schema and
  cross-field rules, materials, guidance tasks, audit row, domain event, commit;
- ``bare``: ``session.add(Application(...))`` with the submitted row's columns, commit;
- ``apply``: also reported — start + save answers + submit in one transaction.

Goal: submit reaches ≥ 40% of bare's rate.

    .venv/bin/python bench/bench_application_submit.py [--n 500] [--seed 1]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from core import schema
from core.config import Config
from core.identity.accounts import load_actor
from core.identity.models import Account
from core.platform import Platform
from plugins.services import api
from plugins.services.models import Application
from simulator.seed import seed_demo

GOAL = 0.40
ITEM = "hrss.flexible-employment-registration"
ANSWERS = {"occupation": "外卖配送", "start_date": "2026-02-01", "phone": "13812345678",
           "delivery_method": "electronic"}
COLUMNS = [c.key for c in Application.__table__.columns if c.key not in ("id", "ref")]


def setup(folder: Path, seed: int) -> tuple[Platform, object]:
    config = Config.load(instance_path=folder, database_url=f"sqlite:///{folder / 'b.sqlite'}")
    platform = Platform(config)
    schema.upgrade(platform.pm, platform.engine)
    seed_demo(platform, scale="small", seed=seed)
    with platform.session() as s:
        actor = load_actor(s, s.scalar(select(Account.id).where(Account.username == "citizen1")))
    return platform, actor


def drafts(platform: Platform, actor, n: int) -> list[tuple[int, int]]:
    out = []
    with platform.session() as s:
        for _ in range(n):
            v = api.start_application(s, actor, ITEM)
            v = api.save_answers(s, actor, v.id, version=v.version, answers=ANSWERS)
            assert not v.errors, v.errors
            out.append((v.id, v.version))
    return out


def time_submit(platform: Platform, actor, todo: list[tuple[int, int]]) -> float:
    t = time.perf_counter()
    for app_id, version in todo:
        with platform.session() as s:
            api.submit(s, actor, app_id, version=version)
    return len(todo) / (time.perf_counter() - t)


def time_bare(platform: Platform, template: dict, n: int, first: int = 0) -> float:
    t = time.perf_counter()
    for k in range(first, first + n):
        with platform.sessions() as s:
            s.add(Application(ref=f"B{k:015d}", **template))
            s.commit()
    return n / (time.perf_counter() - t)


def time_apply(platform: Platform, actor, n: int) -> float:
    t = time.perf_counter()
    for _ in range(n):
        with platform.session() as s:
            v = api.start_application(s, actor, ITEM)
            v = api.save_answers(s, actor, v.id, version=v.version, answers=ANSWERS)
            api.submit(s, actor, v.id, version=v.version)
    return n / (time.perf_counter() - t)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        platform, actor = setup(Path(tmp), args.seed)
        warm = drafts(platform, actor, 20)
        time_submit(platform, actor, warm)
        todo = drafts(platform, actor, args.n)
        submit_rate = time_submit(platform, actor, todo)
        with platform.session() as s:
            row = s.get(Application, todo[0][0])
            template = {c: getattr(row, c) for c in COLUMNS if c != "version"}
        time_bare(platform, template, 20)
        bare_rate = time_bare(platform, template, args.n, first=20)
        apply_rate = time_apply(platform, actor, args.n)
        platform.engine.dispose()
    ratio = submit_rate / bare_rate
    print(f"submit (validation, audit, event; 1 per transaction): {submit_rate:8.0f} /s")
    print(f"bare ORM insert + commit of the same row:              {bare_rate:8.0f} /s")
    print(f"ratio submit / bare: {ratio:.0%} (goal ≥ {GOAL:.0%}: "
          f"{'met' if ratio >= GOAL else 'MISSED'})")
    print(f"apply in one go (start + answers + submit, 1 per transaction): {apply_rate:6.0f} /s "
          f"({apply_rate / bare_rate:.0%} of bare)")


if __name__ == "__main__":
    main()
