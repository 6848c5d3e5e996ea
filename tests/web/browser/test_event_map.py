"""An event's small map draws its grid's outline around the pin, so the place reads on a
map with no base tiles (it was a grey square with a dot)."""

from __future__ import annotations

from typing import Any

from conftest_browser import login
from sqlalchemy import select

from core.areas.models import Area
from core.identity.accounts import load_actor
from core.identity.models import Account
from plugins.grid import api as grid


def test_event_map_outlines_the_grid(new_page: Any, live_platform: Any) -> None:
    with live_platform.session() as s:
        worker = load_actor(s, s.scalar(select(Account.id).where(Account.username == "worker.g1")))
        area = s.get(Area, worker.scope_code)
        ev = grid.report(s, worker, item_code="0101", description="路灯不亮了，晚上很黑",
                         lon=area.label_lon, lat=area.label_lat)
        s.commit()
    page = new_page("zh")
    login(page, "worker.g1")
    page.goto(f"/console/events/{ev.id}")
    outline = page.locator("#event-map path.event-area")
    outline.wait_for(state="visible")
    box, frame = outline.bounding_box(), page.locator("#event-map").bounding_box()
    assert box and frame and box["width"] > frame["width"] * 0.5
