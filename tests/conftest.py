"""Shared fixtures: a seeded database per backend, and a platform per test in a rolled-back
transaction (savepoints), so every storage test runs on SQLite and — when
``JINZHI_TEST_DATABASE_URL`` is set — on PostgreSQL too."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from core import schema
from core.areas.locate import _cache as _locator_cache
from core.clock import FrozenClock
from core.config import Config
from core.db import make_engine
from core.identity.roles import SYSTEM, Actor
from core.platform import Platform
from core.plugins import make_plugin_manager

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("JINZHI_TEST_DATABASE_URL") else [])
# A Monday morning in Tianjin, before any holiday: the default "now" of every test.
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SEED = 1


def reset_postgres(url: str) -> Engine:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return engine


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def seeded_engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A database at the newest schema holding the small demo city (seed 1) and its accounts."""
    from simulator.seed import seed_demo

    folder = tmp_path_factory.mktemp(f"db-{backend}")
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{folder / 'test.sqlite'}")
    else:
        engine = reset_postgres(os.environ["JINZHI_TEST_DATABASE_URL"])
    config = Config.load(instance_path=folder, database_url=str(engine.url))
    platform = Platform(config, engine=engine, clock=FrozenClock(T0))
    schema.upgrade(platform.pm, engine)
    seed_demo(platform, scale="small", seed=SEED)
    yield engine
    engine.dispose()


@pytest.fixture
def platform(seeded_engine: Engine, tmp_path: Path) -> Iterator[Platform]:
    """A fresh platform (plugin manager, frozen clock) whose sessions all roll back at the end."""
    conn = seeded_engine.connect()
    outer = conn.begin()
    config = Config.load(instance_path=tmp_path, database_url=str(seeded_engine.url))
    p = Platform(config, pm=make_plugin_manager(), engine=seeded_engine, clock=FrozenClock(T0))
    p.sessions.configure(bind=conn, join_transaction_mode="create_savepoint")
    yield p
    outer.rollback()
    conn.close()
    _locator_cache.pop(seeded_engine, None)


@pytest.fixture
def session(platform: Platform) -> Iterator[Session]:
    """A session inside the test's transaction (commit releases a savepoint)."""
    with platform.sessions() as s:
        yield s


@pytest.fixture
def clock(platform: Platform) -> FrozenClock:
    assert isinstance(platform.clock, FrozenClock)
    return platform.clock


@pytest.fixture
def system() -> Actor:
    return SYSTEM


def actor(session: Session, username: str) -> Actor:
    """The Actor of a demo account (see ``simulator.seed``)."""
    from sqlalchemy import select

    from core.identity.accounts import load_actor
    from core.identity.models import Account

    account_id = session.scalar(select(Account.id).where(Account.username == username))
    assert account_id is not None, f"no demo account {username}"
    found = load_actor(session, account_id)
    assert found is not None
    return found


@pytest.fixture
def tiny_plugin():
    """``tests/plugins/tiny_plugin.py``: a minimal district plugin, loaded as a module."""
    import importlib.util

    path = Path(__file__).parent / "plugins" / "tiny_plugin.py"
    spec = importlib.util.spec_from_file_location("tiny_plugin", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
