"""Who sees what: lists and lookups are always filtered; outside scope is ``NotFound``."""

from __future__ import annotations

import pytest
from grid_testdata import CITY_MGMT, G1, ITEM, SLOW_ITEM

from core.errors import InvalidInput, NotFound
from plugins.grid import api


def test_worker_of_another_district_cannot_see_district_one_events(session, new_event, who):
    ev = new_event()
    with pytest.raises(NotFound):
        api.get_event(session, who("worker.g2"), ev.id)
    with pytest.raises(NotFound):
        api.get_event(session, who("worker.g2"), ev.ref)
    with pytest.raises(NotFound):
        api.timeline(session, who("worker.g2"), ev.id)
    with pytest.raises(NotFound):
        api.act(session, who("worker.g2"), ev.id, "verify_pass", version=ev.version)
    assert api.list_events(session, who("worker.g2")).total == 0
    with pytest.raises(NotFound):
        api.get_event(session, who("worker.g1"), 999_999)  # same answer as out of scope


def test_each_role_lists_its_own(session, new_event, step, who, point):
    mine = new_event()
    lon, lat = point("120102001001001")
    elsewhere = api.report(session, who("commander.city"), item_code=SLOW_ITEM,
                           description="外区的事件", lon=lon, lat=lat)
    by_citizen = new_event(by="citizen1")
    ids = lambda actor, **kw: {e.id for e in api.list_events(session, who(actor), **kw)}  # noqa: E731
    assert ids("commander.city") == {mine.id, elsewhere.id, by_citizen.id}
    assert ids("commander.d1") == {mine.id, by_citizen.id}
    assert ids("worker.g1") == {mine.id, by_citizen.id}
    assert ids("worker.g1", mine=True) == {mine.id}
    assert ids("citizen1") == {by_citizen.id}
    assert ids("handler.d1.city_management") == set()  # nothing dispatched yet
    step(mine, "register", "commander.c1")
    step(mine, "dispatch", "commander.c1")
    assert ids("handler.d1.city_management") == {mine.id}
    assert ids("handler.d1.water_affairs") == set()
    assert ids("commander.city", area_code=G1) == {mine.id, by_citizen.id}
    assert ids("commander.city", area="120102") == {elsewhere.id}
    assert ids("commander.city", status="dispatched") == {mine.id}
    assert ids("commander.city", item_code=SLOW_ITEM) == {elsewhere.id}
    assert ids("commander.city", department_code=CITY_MGMT) == {mine.id}
    assert ids("commander.city", q="外区") == {elsewhere.id}
    assert ids("commander.city", q="暴露垃圾") == {mine.id, by_citizen.id}
    assert ids("commander.city", q=mine.ref) == {mine.id}
    assert ids("commander.city", open_only=True, category="01") == {
        mine.id, by_citizen.id, elsewhere.id}


def test_paging_and_sorting(session, new_event, who):
    made = [new_event(description=f"第{i}件") for i in range(5)]
    page = api.list_events(session, who("commander.c1"), per_page=2, page=2, sort="reported")
    assert page.total == 5 and page.pages == 3 and [e.id for e in page] == [
        made[2].id, made[3].id]
    newest = api.list_events(session, who("commander.c1"), limit=1)
    assert [e.id for e in newest] == [made[-1].id]
    with pytest.raises(InvalidInput):
        api.list_events(session, who("commander.c1"), sort="colour")
    with pytest.raises(InvalidInput):
        api.list_events(session, who("commander.c1"), status="lost")


def test_inboxes_per_role(session, new_event, step, who):
    ev = new_event(ITEM)
    assert [e.id for e in api.inbox(session, who("commander.c1"))["to_register"]] == [ev.id]
    step(ev, "register", "commander.c1")
    assert [e.id for e in api.inbox(session, who("commander.s1"))["to_dispatch"]] == [ev.id]
    step(ev, "dispatch", "commander.c1")
    handler = api.inbox(session, who("handler.d1.city_management"))
    assert list(handler) == ["to_accept", "handling", "whistles", "overdue"]
    assert [e.id for e in handler["to_accept"]] == [ev.id]
    step(ev, "accept", "handler.d1.city_management")
    step(ev, "feedback", "handler.d1.city_management", note="好了")
    worker = api.inbox(session, who("worker.g1"))
    assert [e.id for e in worker["to_verify"]] == [ev.id]
    assert [e.id for e in worker["mine"]] == [ev.id]
    assert list(api.inbox(session, who("citizen1"))) == ["mine"]


def test_a_citizen_follows_their_report_without_staff_details(session, new_event, step, who):
    ev = new_event(by="citizen1")
    for action, by, fields in [
        ("register", "commander.c1", {}), ("escalate", "commander.c1", {"reason": "内部督办"}),
        ("dispatch", "commander.c1", {}), ("accept", "handler.d1.city_management", {}),
        ("feedback", "handler.d1.city_management", {"note": "内部处置记录"}),
        ("verify_pass", "worker.g1", {}),
        ("close", "commander.c1", {"outcome": "fixed", "public_note": "已清理，感谢反映"}),
    ]:
        step(ev, action, by, **fields)
    mine = api.timeline(session, who("citizen1"), ev.id)
    assert [t.action for t in mine] == ["report", "register", "dispatch", "accept",
                                        "feedback", "verify_pass", "close"]
    assert mine[0].actor == "citizen1" and all(t.actor == "" for t in mine[1:])
    assert [t.note for t in mine if t.note] == ["已清理，感谢反映"]
    staff = api.timeline(session, who("commander.c1"), ev.id)
    assert "escalate" in [t.action for t in staff] and staff[-1].actor == "commander.c1"
