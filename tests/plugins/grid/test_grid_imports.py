"""Bulk intake: many reports in one transaction, same checks, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from grid_testdata import C1, CITY_MGMT, COMMUNITY_ITEM, G1, ITEM, SLOW_ITEM
from sqlalchemy import func, select

from core import audit
from core.errors import InvalidInput, PermissionDenied
from core.identity.roles import SYSTEM
from core.platform import pending_events
from plugins.grid import api
from plugins.grid.models import GridEvent

METRE = 1 / 111_320


def test_import_stores_routes_flags_and_audits(session, point, who):
    lon, lat = point(G1)
    existing = api.report(session, who("worker.g1"), item_code=ITEM, description="垃圾",
                          lon=lon, lat=lat)
    yesterday = session.info["jinzhi.platform"].now() - dt.timedelta(hours=3)
    rows = [
        {"item_code": ITEM, "description": "同一处垃圾", "lon": lon, "lat": lat + 10 * METRE},
        {"item_code": SLOW_ITEM, "description": "渣土", "grid_code": G1,
         "reported_at": yesterday, "channel": "hotline", "reporter_name": "张先生"},
        {"item_code": COMMUNITY_ITEM, "description": "邻里纠纷", "lon": lon, "lat": lat},
        {"item_code": SLOW_ITEM, "description": "同一格渣土", "grid_code": G1},
    ]
    ids = api.import_events(session, SYSTEM, rows)
    assert len(ids) == 4 and ids == sorted(ids)
    evs = [api.get_event(session, SYSTEM, i) for i in ids]
    assert evs[0].possible_duplicate_of == existing.id
    assert evs[1].reported_at == yesterday and evs[1].channel == "hotline"
    assert evs[1].routed_department_code == CITY_MGMT and evs[1].deadlines["register"]
    assert evs[2].routed_department_code is None and evs[2].responsible_area_code == C1
    assert evs[3].possible_duplicate_of == ids[1]  # found inside the batch itself
    assert all(e.status == "reported" and e.version == 1 for e in evs)
    assert [r.action for r in audit.trail(session, "grid.event", ids[2])] == [
        "grid.event.report"]
    published = pending_events(session)[-1]
    assert published.name == "grid.event.import" and published.data["count"] == 4


def test_one_bad_row_refuses_the_batch(session, point):
    lon, lat = point(G1)
    before = session.scalar(select(func.count()).select_from(GridEvent))
    rows = [{"item_code": ITEM, "description": "好的", "lon": lon, "lat": lat},
            {"item_code": "nope", "description": "坏的", "lon": lon, "lat": lat},
            {"item_code": ITEM, "description": "城外", "lon": 10.0, "lat": 10.0},
            {"item_code": ITEM, "description": "x", "grid_code": G1}]
    with pytest.raises(InvalidInput) as e:
        api.import_events(session, SYSTEM, rows)
    assert set(e.value.fields) == {"rows[1]", "rows[2]", "rows[3]"}
    assert "3 of 4 rows" in e.value.message
    assert session.scalar(select(func.count()).select_from(GridEvent)) == before


def test_only_the_system_admins_and_commanders_import(session, who):
    with pytest.raises(PermissionDenied):
        api.import_events(session, who("worker.g1"), [])
    assert api.import_events(session, who("commander.c1"), []) == []


def test_duplicates_in_a_batch_point_at_the_earliest(session, point):
    lon, lat = point(G1)
    rows = [{"item_code": "0103", "description": f"道路不洁{i}", "lon": lon,
             "lat": lat + i * 5 * METRE} for i in range(3)]
    ids = api.import_events(session, SYSTEM, rows)
    flags = [api.get_event(session, SYSTEM, i).possible_duplicate_of for i in ids]
    assert flags == [None, ids[0], ids[0]]
