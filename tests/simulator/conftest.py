"""Fixtures of the simulator tests: a platform on an empty database at the newest schema."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import schema
from core.clock import FrozenClock
from core.config import Config
from core.platform import Platform

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def empty_platform(tmp_path: Path) -> Iterator[Platform]:
    """A platform on a fresh SQLite file with every table and no rows."""
    config = Config.load(instance_path=tmp_path, database_url=f"sqlite:///{tmp_path}/t.sqlite")
    platform = Platform(config, clock=FrozenClock(T0))
    schema.upgrade(platform.pm, platform.engine)
    yield platform
    platform.engine.dispose()
