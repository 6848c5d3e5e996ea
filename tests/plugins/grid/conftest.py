"""Fixtures for the grid plugin's tests: demo actors, a point in a grid, photos, and a helper
that walks an event through the workflow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from grid_testdata import G1, ITEM, load
from sqlalchemy.orm import Session

from core.areas.models import Area
from core.identity.roles import SYSTEM, Actor
from plugins.grid import api


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
