"""Escalation by tick (community → street → district → city) and whistles (吹哨报到), with a
frozen clock, across a weekend."""

from __future__ import annotations

import datetime as dt

import pytest
from grid_testdata import CITY_MGMT, D1, ITEM

from core.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from core.identity.roles import SYSTEM
from plugins.grid import api

CST = dt.timezone(dt.timedelta(hours=8))
WATER = f"{D1}.water_affairs"


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=CST)


def test_hook_events_tick_escalates_overdue_events_level_by_level(platform, session, clock,
                                                                   new_event, who):
    clock.set(at(3, 6, 16))  # Friday 16:00: registration is due in 1 working hour
    ev = new_event()
    assert ev.deadlines["register"] == at(3, 6, 17)

    def tick(when: dt.datetime) -> dict:
        clock.set(when)
        merged: dict = {}
        for result in platform.hook.events_tick(session=session, now=when):
            merged.update(result or {})
        return merged

    assert tick(at(3, 6, 16, 59))["grid.escalated"] == 0  # not due yet
    assert tick(at(3, 7, 10))["grid.escalated"] == 1  # Saturday: overdue → the street
    level = lambda: api.get_event(session, SYSTEM, ev.id).escalation_level  # noqa: E731
    assert level() == 1
    assert api.get_event(session, SYSTEM, ev.id).escalated_to == ev.street_code
    assert tick(at(3, 7, 11))["grid.escalated"] == 0  # next one: one more working hour
    assert tick(at(3, 9, 10, 1))["grid.escalated"] == 1  # Monday 10:01 → the district
    assert tick(at(3, 9, 12))["grid.escalated"] == 1  # → the city
    assert tick(at(3, 10, 12))["grid.escalated"] == 0  # no higher level
    final = api.get_event(session, SYSTEM, ev.id)
    assert final.escalation_level == 3 and final.version == 1  # ticks never bump the version
    steps = [t for t in api.timeline(session, who("commander.d1"), ev.id)
             if t.action == "escalate"]
    assert len(steps) == 3 and steps[0].actor == "system" and ev.street_code in steps[0].note
    inbox = api.inbox(session, who("commander.d1"))
    assert [e.id for e in inbox["escalated"]] == [ev.id]
    assert [e.id for e in inbox["overdue"]] == [ev.id]
    assert "escalated" not in api.inbox(session, who("commander.c1"))


def test_a_new_stage_escalates_again_when_it_runs_late(session, clock, new_event, step):
    clock.set(at(3, 2, 9))
    ev = new_event()
    clock.set(at(3, 2, 10, 30))
    assert api.tick(session)["grid.escalated"] == 1
    step(ev, "register", "commander.c1")  # a new stage: its own deadline (1 working hour)
    clock.set(at(3, 2, 11, 0))
    assert api.tick(session)["grid.escalated"] == 0
    clock.set(at(3, 2, 14, 0))
    assert api.tick(session)["grid.escalated"] == 1
    assert api.get_event(session, SYSTEM, ev.id).escalation_level == 2


def whistled(session, clock, new_event, step, who):
    clock.set(at(3, 2, 9))
    ev = new_event()
    step(ev, "register", "commander.c1")
    step(ev, "dispatch", "commander.c1")
    return step(ev, "whistle", "commander.s1", departments=f"{CITY_MGMT},{WATER}",
                hours=2, reason="主干道积水，需多部门联合处置")


def test_whistle_summons_departments_who_report_in_and_act(session, clock, new_event, step,
                                                           who):
    ev = whistled(session, clock, new_event, step, who)
    [w] = ev.whistles
    assert w.blown_by == "commander.s1" and w.respond_by == at(3, 2, 11)
    assert [c.department_code for c in w.calls] == [CITY_MGMT, WATER]
    water = "handler.d1.water_affairs"
    seen = api.get_event(session, who(water), ev.id)  # summoned: now they can see it
    assert api.available_actions(session, who(water), seen) == ["whistle_ack", "whistle_act"]
    assert [e.id for e in api.inbox(session, who(water))["whistles"]] == [ev.id]
    clock.set(at(3, 2, 10))
    step(ev, "whistle_ack", water, note="已到场")
    with pytest.raises(InvalidTransition, match="already reported in"):
        step(ev, "whistle_ack", water)
    step(ev, "whistle_act", water, note="已抽排积水")
    assert api.inbox(session, who(water))["whistles"].total == 0
    clock.set(at(3, 2, 11, 30))  # city management has not reported in
    assert api.tick(session)["grid.whistle_calls_late"] == 1
    final = api.get_event(session, who("commander.s1"), ev.id)
    calls = {c.department_code: c for c in final.whistles[0].calls}
    assert calls[WATER].acked_at == at(3, 2, 10) and not calls[WATER].late
    assert calls[CITY_MGMT].late and calls[CITY_MGMT].acked_at is None
    actions = [t.action for t in api.timeline(session, who("commander.s1"), ev.id)]
    assert actions[-4:] == ["whistle", "whistle_ack", "whistle_act", "whistle_late"]
    figures = api.statistics(session, who("commander.s1"), area_code=ev.street_code)
    assert (figures["whistles"], figures["whistle_calls"], figures["calls_on_time"]) == (1, 2, 1)
    assert figures["department_response_rate"] == 0.5
    assert figures["mean_response_hours"] == 1.0


def test_whistle_refusals(session, clock, new_event, step, who):
    ev = new_event()
    with pytest.raises(InvalidTransition):
        step(ev, "whistle", "commander.s1", departments=CITY_MGMT, hours=2, reason="x")
    step(ev, "register", "commander.c1")
    with pytest.raises(PermissionDenied):
        step(ev, "whistle", "worker.g1", departments=CITY_MGMT, hours=2, reason="x")
    with pytest.raises(PermissionDenied):
        step(ev, "whistle", "commander.city", departments=CITY_MGMT, hours=2, reason="x")
    with pytest.raises(InvalidInput) as e:
        step(ev, "whistle", "commander.c1", departments="no.such", hours=2, reason="x")
    assert "departments" in e.value.fields
    with pytest.raises(InvalidInput) as e:
        step(ev, "whistle", "commander.c1", departments=CITY_MGMT, reason="x")
    assert "hours" in e.value.fields
    ev = step(ev, "whistle", "commander.c1", departments=[CITY_MGMT], hours=4,
              working_time=True, reason="社区无法单独解决")
    assert ev.whistles[0].respond_by == at(3, 2, 14, 30)  # 09:00 + 4 working hours
    with pytest.raises(NotFound):  # not summoned: the event is not theirs to see
        step(ev, "whistle_ack", "handler.d1.water_affairs")


def test_items_used_in_this_module_exist(session):
    assert api.item(session, ITEM).self_handle
