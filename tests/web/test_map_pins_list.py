"""The map at street, community and grid level lists its pins as open events (keyboard and
screen-reader users cannot click a pin), and a grid's map does not promise a table of areas
it does not have."""

from __future__ import annotations

from sqlalchemy import select

from core.areas.models import Area
from core.identity.accounts import load_actor
from core.identity.models import Account
from plugins.grid import api as grid


def _report(platform) -> tuple[int, str]:
    with platform.session() as s:
        worker = load_actor(s, s.scalar(select(Account.id).where(Account.username == "worker.g1")))
        area = s.get(Area, worker.scope_code)
        ev = grid.report(s, worker, item_code="0101", description="路灯不亮了，晚上很黑",
                         lon=area.label_lon, lat=area.label_lat)
        return ev.id, area.code


def test_grid_map_lists_its_open_events(client, login, platform):
    event_id, grid_code = _report(platform)
    login(client, "worker.g1")
    html = client.get(f"/map/?area={grid_code}").get_data(as_text=True)
    listed = html.split('id="open-events"', 1)[1]
    assert f'href="/console/events/{event_id}"' in listed
    assert 'id="area-table"' not in html and "下钻" not in html  # no areas below a grid


def test_district_map_keeps_its_area_table_and_lists_no_events(client, login):
    login(client, "commander.d1")
    html = client.get("/map/").get_data(as_text=True)
    assert 'id="area-table"' in html and 'id="open-events"' not in html
