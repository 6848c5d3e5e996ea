"""Statistics from a small known set of events, figured out by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from grid_testdata import C1, CITY_MGMT, D1, ITEM, S1, SLOW_ITEM

from core.errors import PermissionDenied
from plugins.grid import api

CST = dt.timezone(dt.timedelta(hours=8))
H = "handler.d1.city_management"
C = "commander.c1"


@pytest.fixture
def known(session, clock, new_event, step):
    """Eight events reported on Monday 2026-03-02 09:00; figures taken on Thursday 09:00.

    A closed on time after 2 h · B reworked, closed late after 72 h · C handled on the spot ·
    D not registered · E handling, overdue · F still reported, overdue · G extended, not
    due yet · H merged into A.
    """
    ev = {k: new_event(SLOW_ITEM if k == "G" else ITEM) for k in "ABCDEFGH"}
    for k in "ABEG":
        step(ev[k], "register", C)
        step(ev[k], "dispatch", C)
    step(ev["C"], "self_handle", "worker.g1", note="当场清理")
    step(ev["D"], "not_register", C, reason="重复报送的测试数据")
    step(ev["H"], "merge_duplicate", C, duplicate_of=ev["A"].id)
    for k in "ABE":
        step(ev[k], "accept", H)
    for k in "AB":
        step(ev[k], "feedback", H, note="已处理")
    step(ev["A"], "verify_pass", "worker.g1")
    step(ev["B"], "verify_fail", "worker.g1", reason="未清理干净")
    step(ev["B"], "feedback", H, note="再次处理")
    step(ev["B"], "verify_pass", "worker.g1")
    step(ev["G"], "request_extension", H, days=3, reason="需要机械")
    step(ev["G"], "approve_extension", "commander.s1")
    clock.set(dt.datetime(2026, 3, 2, 11, 0, tzinfo=CST))
    step(ev["A"], "close", C, outcome="fixed", public_note="已清理")
    clock.set(dt.datetime(2026, 3, 5, 9, 0, tzinfo=CST))
    step(ev["B"], "close", C, outcome="fixed", public_note="已清理")
    return ev


def test_figures_for_an_area(session, who, known):
    f = api.statistics(session, who("commander.d1"), area_code=D1)
    expected = {
        "reported": 8, "registered": 4, "not_registered": 1, "self_handled": 1,
        "dispatched": 4, "closed": 3, "due_to_close": 4, "closed_on_time": 2,
        "close_rate": 0.75, "on_time_close_rate": 0.5, "reworked": 1, "rework_rate": 0.25,
        "extended": 1, "extension_rate": 0.25, "mean_hours_to_close": round(74 / 3, 2),
        "p90_hours_to_close": 72.0, "overdue_now": 2, "open_now": 3, "backlog": 0,
        "whistles": 0, "department_response_rate": None,
    }
    assert {k: f[k] for k in expected} == expected
    for level in (S1, C1, "120000"):  # the same at every level above the events
        g = api.statistics(session, who("commander.city"), area_code=level)
        assert {k: g[k] for k in expected} == expected


def test_filters_and_periods(session, who, known):
    boss = who("commander.city")
    by_item = api.statistics(session, boss, area_code=D1, item_code=SLOW_ITEM)
    assert (by_item["reported"], by_item["extended"], by_item["due_to_close"]) == (1, 1, 0)
    by_dept = api.statistics(session, boss, area_code=D1, department_code=CITY_MGMT)
    assert (by_dept["reported"], by_dept["closed"], by_dept["due_to_close"],
            by_dept["on_time_close_rate"]) == (4, 2, 3, 0.3333)  # C was the worker's own
    assert api.statistics(session, boss, area_code=D1, category="01")["reported"] == 8
    assert api.statistics(session, boss, area_code=D1, category="02")["reported"] == 0
    later = api.statistics(session, boss, area_code=D1, start=dt.date(2026, 3, 3),
                           end=dt.date(2026, 4, 1))
    assert later["reported"] == 0 and later["close_rate"] is None
    assert api.statistics(session, boss, area_code="120102")["reported"] == 0


def test_area_figures_for_the_map(session, who, known):
    rows = api.area_figures(session, who("commander.d1"), S1, level="community")
    assert [r["code"] for r in rows][:1] == [C1] and len(rows) == 3
    mine = rows[0]
    assert (mine["events"], mine["overdue"], mine["due_to_close"], mine["closed_on_time"],
            mine["on_time_close_rate"], mine["open"]) == (8, 2, 4, 2, 0.5, 3)
    assert rows[1]["events"] == 0 and rows[1]["on_time_close_rate"] is None
    districts = api.area_figures(session, who("commander.city"))
    assert [r["events"] for r in districts] == [8, 0, 0] and districts[0]["level"] == "district"
    grids = api.area_figures(session, who("commander.c1"), level="grid")
    assert sum(r["events"] for r in grids) == 8 and len(grids) == 4


def test_figures_are_for_staff_in_scope(session, who, known):
    with pytest.raises(PermissionDenied):
        api.statistics(session, who("worker.g2"), area_code=D1)
    with pytest.raises(PermissionDenied):
        api.statistics(session, who("citizen1"), area_code=D1)
    with pytest.raises(PermissionDenied):
        api.area_figures(session, who("commander.c1"), D1)
    own = api.statistics(session, who(H))  # a handler: their department only
    assert own["department_code"] == CITY_MGMT and own["reported"] == 4
    with pytest.raises(PermissionDenied):
        api.statistics(session, who(H), department_code=f"{D1}.water_affairs")
