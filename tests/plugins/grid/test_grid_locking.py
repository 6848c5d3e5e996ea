"""Optimistic locking on a real committed row: two staff act on the same event at once, one
wins, the other gets ``Conflict`` and nothing of theirs is stored (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from grid_testdata import G1, ITEM, T0, load
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from core import audit, schema
from core.clock import FrozenClock
from core.config import Config
from core.db import make_engine
from core.errors import Conflict
from core.identity.roles import SYSTEM
from core.platform import Platform
from plugins.grid import api


def _postgres_engine() -> Engine:
    url = make_url(os.environ["JINZHI_TEST_DATABASE_URL"])
    name = f"{url.database}_lock"
    admin = make_engine(url.set(database="postgres").render_as_string(False),
                        isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_engine(url.set(database=name).render_as_string(False))


@pytest.fixture(scope="module")
def committed(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """A platform on a database of its own, whose sessions really commit."""
    from simulator.seed import seed_demo

    folder = tmp_path_factory.mktemp(f"lock-{backend}")
    engine = (make_engine(f"sqlite:///{folder / 'lock.sqlite'}") if backend == "sqlite"
              else _postgres_engine())
    config = Config.load(instance_path=folder, database_url=str(engine.url))
    platform = Platform(config, engine=engine, clock=FrozenClock(T0))
    schema.upgrade(platform.pm, engine)
    seed_demo(platform, scale="small", seed=1, people=0, organisations=0)
    yield platform
    engine.dispose()


def _reported(platform: Platform) -> int:
    with platform.session() as s:
        return api.report(s, load(s, "worker.g1"), item_code=ITEM, description="垃圾",
                          grid_code=G1).id


def test_two_staff_at_once_one_wins(committed):
    eid = _reported(committed)
    first, second = committed.sessions(), committed.sessions()
    try:
        c1, s1 = load(first, "commander.c1"), load(second, "commander.s1")
        assert api.get_event(first, c1, eid).version == 1
        assert api.get_event(second, s1, eid).version == 1  # both have read version 1
        api.act(first, c1, eid, "register", version=1)
        first.commit()
        with pytest.raises(Conflict, match="changed by someone else"):
            api.act(second, s1, eid, "not_register", version=1, reason="无效")
        second.rollback()
    finally:
        first.close()
        second.close()
    with committed.session() as s:
        ev = api.get_event(s, SYSTEM, eid)
        assert (ev.status, ev.version) == ("registered", 2)
        assert [r.action for r in audit.trail(s, "grid.event", eid)] == [
            "grid.event.report", "grid.event.register"]


def test_a_stale_form_is_refused_and_changes_nothing(committed):
    eid = _reported(committed)
    with committed.session() as s:
        api.act(s, load(s, "commander.c1"), eid, "register", version=1)
    with committed.session() as s, pytest.raises(Conflict) as e:
        api.act(s, load(s, "commander.s1"), eid, "not_register", version=1, reason="迟到的表单")
    assert e.value.details["current_version"] == 2
    with committed.session() as s:
        assert api.get_event(s, SYSTEM, eid).status == "registered"
        assert len(audit.trail(s, "grid.event", eid)) == 2
