"""Intake: a report is located, routed, stored with its audit row and announced; bad input
changes nothing; likely duplicates are flagged, then merged, linked or dismissed."""

from __future__ import annotations

import datetime as dt

import pytest
from grid_testdata import C1, CITY_MGMT, D1, G1, ITEM, SLOW_ITEM, png
from sqlalchemy import func, select

from core import audit
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.identity.roles import SYSTEM
from core.platform import pending_events
from plugins.grid import api, taxonomy
from plugins.grid.models import GridEvent

METRE = 1 / 111_320  # a metre of latitude, in degrees


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(GridEvent))


def test_a_report_is_located_routed_stored_and_announced(session, who, point):
    lon, lat = point(G1)
    ev = api.report(session, who("worker.g1"), item_code=ITEM, description="楼下堆了垃圾",
                    lon=lon, lat=lat, address="8号楼北侧", photos=[("a.png", png(1))])
    assert (ev.grid_code, ev.community_code, ev.street_code, ev.district_code) == (
        G1, C1, G1[:9], D1)
    assert ev.routed_department_code == CITY_MGMT and ev.department_code is None
    assert ev.reporter_kind == "grid_worker" and ev.channel == "app"
    assert ev.ref.startswith("E20260302-") and ev.ref.endswith(f"{ev.id:06d}")
    assert ev.deadlines["register"] == dt.datetime(2026, 3, 2, 10, 0,
                                                   tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert ev.deadline_colour == "green"
    [row] = audit.trail(session, "grid.event", ev.id)
    assert row.action == "grid.event.report" and row.after["status"] == "reported"
    [published] = pending_events(session)
    assert published.name == "grid.event.report" and published.entity_id == str(ev.id)
    full = api.get_event(session, who("commander.c1"), ev.ref)  # by reference too
    assert [p.content_type for p in full.photos] == ["image/png"]


def test_a_grid_code_is_enough(session, who):
    ev = api.report(session, who("commander.c1"), item_code=ITEM, description="垃圾堆放",
                    grid_code=G1, channel="hotline", reporter_name="李女士",
                    reporter_phone="13900000002")
    assert ev.grid_code == G1 and ev.lon is None and ev.reporter_kind == "hotline"


@pytest.mark.parametrize("kwargs,field", [
    ({"item_code": "9999"}, "item_code"),
    ({"item_code": ""}, "item_code"),
    ({"description": " "}, "description"),
    ({"lon": 100.0, "lat": 30.0}, "location"),  # outside the city
    ({"lon": 500.0, "lat": 30.0}, "location"),  # not WGS84 at all
    ({"lon": None, "lat": None, "grid_code": "120101001001999"}, "location"),
    ({"lon": None, "lat": None}, "location"),
    ({"channel": "pigeon"}, "channel"),
    ({"reporter_phone": "call me"}, "reporter_phone"),
    ({"photos": [b"not an image"]}, "photos"),
    ({"photos": [png(1) + b"\0" * (5 * 1024 * 1024)]}, "photos"),
    ({"photos": [png(i) for i in range(10)]}, "photos"),
])
def test_bad_input_gets_a_clear_error_and_changes_nothing(session, who, point, kwargs, field,
                                                          platform):
    lon, lat = point(G1)
    args = {"item_code": ITEM, "description": "描述", "lon": lon, "lat": lat, **kwargs}
    before = count(session)
    with pytest.raises(InvalidInput) as e:
        api.report(session, who("worker.g1"), **args)
    assert e.value.fields.get(field)
    assert count(session) == before
    assert not (platform.config.upload_dir / "grid").exists()


def test_grid_workers_report_in_their_own_community(session, who, point):
    lon, lat = point("120102001001001")
    with pytest.raises(PermissionDenied, match="outside your community"):
        api.report(session, who("worker.g1"), item_code=ITEM, description="垃圾",
                   lon=lon, lat=lat)
    neighbour = point("120101001001002")  # another grid of the same community
    assert api.report(session, who("worker.g1"), item_code=ITEM, description="垃圾",
                      lon=neighbour[0], lat=neighbour[1]).grid_code == "120101001001002"


def test_a_citizen_may_stay_anonymous_to_the_public(session, who, point):
    lon, lat = point(G1)
    ev = api.report(session, who("citizen1"), item_code=ITEM, description="门口垃圾没人管",
                    lon=lon, lat=lat, channel="wechat", anonymous=True)
    assert ev.reporter_kind == "citizen" and ev.anonymous
    assert ev.reporter_name == "王建国" and ev.reporter_phone == "13800000001"  # their own
    staff = api.get_event(session, who("commander.c1"), ev.id)
    assert staff.reporter_phone == "13800000001" and staff.contact_visible
    public = staff.public_view()
    assert public.reporter_name is None and public.reporter_phone is None
    assert "anonymous" in public.reporter
    named = api.report(session, who("citizen1"), item_code=SLOW_ITEM, description="渣土",
                       lon=lon, lat=lat).public_view()
    assert named.reporter_name == "王**" and named.reporter_phone is None
    mine = api.list_events(session, who("citizen1"), mine=True)
    assert {e.id for e in mine} == {ev.id, named.id}
    with pytest.raises(NotFound):
        api.get_event(session, who("worker.g2"), ev.id)


def test_likely_duplicates_are_flagged_never_dropped(session, who, point, clock):
    lon, lat = point(G1)
    worker = who("worker.g1")
    first = api.report(session, worker, item_code=ITEM, description="垃圾", lon=lon, lat=lat)
    near = api.report(session, who("citizen1"), item_code=ITEM, description="这里有垃圾",
                      lon=lon, lat=lat + 30 * METRE)
    far = api.report(session, worker, item_code=ITEM, description="垃圾",
                     lon=lon, lat=lat + 120 * METRE)
    other_item = api.report(session, worker, item_code=SLOW_ITEM, description="渣土",
                            lon=lon, lat=lat)
    assert first.possible_duplicate_of is None
    assert near.possible_duplicate_of == first.id
    assert far.possible_duplicate_of is None and other_item.possible_duplicate_of is None
    clock.advance(hours=25)
    later = api.report(session, worker, item_code=ITEM, description="又有垃圾", lon=lon, lat=lat)
    assert later.possible_duplicate_of is None
    assert [e.id for e in api.duplicates_of(session, who("commander.c1"), first.id)] == [near.id]
    assert count(session) == 5  # nothing dropped


def test_merge_link_or_dismiss_a_duplicate(session, who, point, step):
    lon, lat = point(G1)
    first = api.report(session, who("worker.g1"), item_code=ITEM, description="垃圾",
                       lon=lon, lat=lat)
    dup = api.report(session, who("worker.g1"), item_code=ITEM, description="垃圾2",
                     lon=lon, lat=lat)
    dup2 = api.report(session, who("worker.g1"), item_code=ITEM, description="垃圾3",
                      lon=lon, lat=lat)
    with pytest.raises(InvalidInput):
        step(dup, "merge_duplicate", "commander.c1", duplicate_of=dup.id)
    with pytest.raises(InvalidInput):
        step(dup, "merge_duplicate", "commander.c1", duplicate_of="E20260302-999999")
    merged = step(dup, "merge_duplicate", "commander.c1", duplicate_of=first.ref)
    assert merged.status == "closed" and merged.outcome == "duplicate"
    assert merged.duplicate_of == first.id and merged.closed_on_time is None
    assert step(dup2, "dismiss_duplicate", "commander.c1").possible_duplicate_of is None
    linked = step(dup2, "link", "commander.c1", linked_to=first.id)
    assert linked.linked_to == first.id and linked.status == "reported"


def test_items_restricted_to_citizens_and_to_an_area(session, who, point, platform):
    class District:
        from core.hookspecs import hookimpl

        @hookimpl
        def catalog_event_items(self):
            base = next(i for i in taxonomy.base_items() if i["code"] == ITEM)
            return [{**base, "code": "XQ01", "zh": "西青夜市占道", "en": "Night market",
                     "area_code": "120102", "citizen": False}]

    platform.pm.register(District(), name="district-test")
    lon, lat = point(G1)
    with pytest.raises(InvalidInput, match="120102"):
        api.report(session, SYSTEM, item_code="XQ01", description="占道", lon=lon, lat=lat)
    lon2, lat2 = point("120102001001001")
    with pytest.raises(InvalidInput, match="grid workers only"):
        api.report(session, who("citizen1"), item_code="XQ01", description="占道",
                   lon=lon2, lat=lat2)
    assert api.report(session, SYSTEM, item_code="XQ01", description="占道",
                      lon=lon2, lat=lat2).item_code == "XQ01"


def test_merging_follows_the_chain_and_never_loops(session, who, point, step):
    lon, lat = point(G1)
    a, b, c = (api.report(session, who("worker.g1"), item_code=ITEM, description=f"垃圾{i}",
                          lon=lon, lat=lat) for i in range(3))
    step(a, "merge_duplicate", "commander.c1", duplicate_of=b.id)
    with pytest.raises(InvalidInput, match="merge the other way"):
        step(b, "merge_duplicate", "commander.c1", duplicate_of=a.id)
    assert step(c, "merge_duplicate", "commander.c1", duplicate_of=a.id).duplicate_of == b.id
