"""The routing table (派单目录), a district's own rule through the hook, and 属地兜底."""

from __future__ import annotations

import pytest
from grid_testdata import C1, CITY_MGMT, COMMUNITY_ITEM, D1, G1, ITEM, S1, load

from core.areas.locate import Location
from core.contracts import Route
from core.errors import InvalidInput, PermissionDenied
from core.hookspecs import hookimpl
from plugins.grid import api, routing

WATER = f"{D1}.water_affairs"


def test_hook_events_route_uses_the_most_specific_row(session, platform):
    loc = Location.of_grid(G1)
    item = api.item(session, ITEM).data
    route = platform.hook.events_route(session=session, item=item, location=loc)
    assert route.department_code == CITY_MGMT and route.area_code == D1
    api.set_route(session, _admin(session), ITEM, S1, WATER)
    route = platform.hook.events_route(session=session, item=item, location=loc)
    assert (route.department_code, route.area_code) == (WATER, S1)
    other = Location.of_grid("120101002001001")  # another street: the district row
    assert platform.hook.events_route(session=session, item=item,
                                      location=other).department_code == CITY_MGMT


def test_nobody_responsible_means_the_community(session, platform, new_event, step):
    loc = Location.of_grid(G1)
    route = platform.hook.events_route(session=session, item=api.item(
        session, COMMUNITY_ITEM).data, location=loc)
    assert route.department_code is None and route.area_code == C1
    ev = new_event(COMMUNITY_ITEM)
    assert ev.routed_department_code is None and ev.responsible_area_code == C1
    step(ev, "register", "commander.c1")
    ev = step(ev, "dispatch", "commander.c1")
    assert ev.department_code is None and ev.responsible_area_code == C1
    ev = step(ev, "accept", "commander.c1")
    ev = step(ev, "feedback", "commander.c1", note="已调解")
    assert ev.status == "handled"


def test_a_district_plugin_overrides_routing_through_the_hook(session, platform, new_event):
    class Xiqing:
        @hookimpl
        def events_route(self, session, item, location):
            if item["code"] == ITEM and location.district == D1:
                return Route(WATER, location.district, "西青: 积水片区由水务处理")
            return None

    platform.pm.register(Xiqing(), name="xiqing-routing-test")
    assert new_event(ITEM).routed_department_code == WATER
    assert new_event("0102").routed_department_code == CITY_MGMT  # the table still answers


def _admin(session):
    return load(session, "admin")


def test_admins_edit_the_table(session, who):
    with pytest.raises(PermissionDenied):
        api.set_route(session, who("commander.d1"), ITEM, S1, WATER)
    with pytest.raises(InvalidInput) as e:
        api.set_route(session, who("admin"), "9999", "1201", "x")
    assert set(e.value.fields) == {"item_code", "area_code", "department_code"}
    row = api.set_route(session, who("admin"), ITEM, S1, WATER)
    assert row.department_name and "水务局" in row.department_name
    assert [r.department_code for r in api.routes(session, item_code=ITEM, area_code=S1)] == [
        WATER]
    api.set_route(session, who("admin"), ITEM, S1, CITY_MGMT)  # change, not duplicate
    assert len(api.routes(session, item_code=ITEM, area_code=S1)) == 1
    api.delete_route(session, who("admin"), ITEM, S1)
    assert api.routes(session, item_code=ITEM, area_code=S1) == []


def test_dispatch_options_put_the_routed_department_first(session, new_event, who):
    ev = new_event()
    options = api.dispatch_options(session, who("commander.c1"), ev.id)
    assert options[0].code == CITY_MGMT and options[0].routed
    assert options[-1].code == "community"
    assert any(o.code == WATER for o in options)


def test_seeded_routes_cover_every_item_per_district(session):
    rows = routing.routes(session, area_code=D1, limit=10_000)
    items = {i.code for i in api.items(session) if i.department_type != "community"
             and i.department_type != "street_office"}
    assert {r.item_code for r in rows if r.area_code == D1} == items
