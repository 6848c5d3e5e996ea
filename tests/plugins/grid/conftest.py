"""Fixtures for the grid plugin's tests: demo actors, a point in a grid, photos, and a helper
that walks an event through the workflow."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.areas.models import Area
from core.identity.accounts import load_actor
from core.identity.models import Account
from core.identity.roles import SYSTEM, Actor
from plugins.grid import api

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # as tests/
D1, S1, C1, G1 = "120101", "120101001", "120101001001", "120101001001001"
CITY_MGMT = f"{D1}.city_management"
ITEM = "0101"  # 暴露垃圾: city management, 4 working hours, may be handled on the spot
SLOW_ITEM = "0102"  # 积存垃圾渣土: city management, 2 working days, not on the spot
COMMUNITY_ITEM = "0401"  # 邻里纠纷: the community is responsible (属地)


def load(session: Session, username: str) -> Actor:
    account_id = session.scalar(select(Account.id).where(Account.username == username))
    assert account_id is not None, f"no demo account {username}"
    found = load_actor(session, account_id)
    assert found is not None
    return found


def png(seed: int = 0, size: int = 1) -> bytes:
    """A valid tiny PNG (different bytes for each seed)."""
    raw = b"".join(b"\x00" + bytes([seed % 256, 0, 0]) * size for _ in range(size))
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0,
                                                               0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def who(session: Session) -> Callable[[str], Actor]:
    """``who("commander.c1")`` → the Actor of a demo account."""
    cache: dict[str, Actor] = {}

    def get(username: str) -> Actor:
        if username == "system":
            return SYSTEM
        if username not in cache:
            cache[username] = load(session, username)
        return cache[username]
    return get


@pytest.fixture
def point(session: Session) -> Callable[[str], tuple[float, float]]:
    """``point(grid_code)`` → (lon, lat) inside that grid (its label point)."""
    def get(code: str = G1) -> tuple[float, float]:
        area = session.get(Area, code)
        assert area is not None and area.label_lon is not None
        return area.label_lon, area.label_lat
    return get


@pytest.fixture
def new_event(session: Session, who: Callable[[str], Actor],
              point: Callable[[str], tuple[float, float]]) -> Callable[..., api.EventView]:
    """Report an event in grid G1 as worker.g1 (override anything with keywords)."""
    n = {"i": 0}

    def make(item_code: str = ITEM, by: str = "worker.g1", **kw: Any) -> api.EventView:
        n["i"] += 1
        if "grid_code" not in kw and "lon" not in kw:
            lon, lat = point(G1)
            kw.setdefault("lon", lon)
            kw.setdefault("lat", lat)
        return api.report(session, who(by), item_code=item_code,
                          description=kw.pop("description", f"问题描述 {n['i']}"), **kw)
    return make


@pytest.fixture
def step(session: Session, who: Callable[[str], Actor]) -> Callable[..., api.EventView]:
    """``step(event, "register", "commander.c1", note=…)``: act at the current version."""
    def take(event: api.EventView | int, action: str, by: str, **fields: Any) -> api.EventView:
        eid = event if isinstance(event, int) else event.id
        current = api.get_event(session, who("system"), eid)
        return api.act(session, who(by), eid, action, version=current.version, **fields)
    return take
