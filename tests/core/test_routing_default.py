"""Core's routing fallback (属地兜底) and a district rule overriding it through the hook."""

from core.areas.locate import Location


def _location():
    return Location.of_grid("120101001001001")


def test_hook_events_route_falls_back_to_the_community(platform, session):
    route = platform.hook.events_route(session=session, item={"code": "NOPE"},
                                       location=_location())
    assert route.area_code == "120101001001" and route.department_code is None


def test_hook_events_route_a_district_rule_wins(platform, session, tiny_plugin):
    platform.pm.register(tiny_plugin)
    route = platform.hook.events_route(session=session, item={"code": "TINY01"},
                                       location=_location())
    assert route.reason == "tiny rule" and route.area_code == "120101001"


def test_hook_catalog_event_items_a_district_item_comes_first(platform, tiny_plugin):
    platform.pm.register(tiny_plugin)
    codes = [i["code"] for group in platform.hook.catalog_event_items() for i in group]
    assert codes[0] == "TINY01"
