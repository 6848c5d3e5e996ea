"""Each workflow transition, its effects, and its refusals (status, role, scope, fields)."""

from __future__ import annotations

import pytest
from grid_testdata import C1, CITY_MGMT, COMMUNITY_ITEM, ITEM, SLOW_ITEM, png
from sqlalchemy import select

from core import audit
from core.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from core.platform import pending_events
from plugins.grid import api
from plugins.grid.models import GridRequest

HANDLER = "handler.d1.city_management"


def dispatched(new_event, step, item=ITEM):
    ev = new_event(item)
    step(ev, "register", "commander.c1")
    return step(ev, "dispatch", "commander.c1")


def handled(new_event, step, item=ITEM):
    ev = dispatched(new_event, step, item)
    step(ev, "accept", HANDLER)
    return step(ev, "feedback", HANDLER, note="已清运", photos=[("after.png", png(1))])


def test_the_whole_way_with_audit_and_domain_events(session, new_event, step, who):
    ev = new_event()
    assert ev.status == "reported" and ev.version == 1
    ev = step(ev, "register", "commander.c1", note="符合立案条件")
    assert ev.status == "registered" and ev.registered_at is not None
    assert ev.deadlines["dispatch"] is not None
    ev = step(ev, "dispatch", "commander.c1")
    assert (ev.status, ev.department_code) == ("dispatched", CITY_MGMT)
    assert ev.department_name and "城市管理委员会" in ev.department_name
    assert ev.deadlines["handle"] is not None and ev.deadlines["close"] > ev.deadlines["handle"]
    ev = step(ev, "accept", HANDLER)
    assert ev.status == "handling"
    ev = step(ev, "feedback", HANDLER, note="已清运", photos=[png(2)])
    assert ev.status == "handled" and ev.handled_at is not None
    ev = step(ev, "verify_pass", "worker.g1", note="现场已干净")
    assert ev.status == "verified"
    ev = step(ev, "close", "commander.c1", outcome="fixed", public_note="垃圾已清运")
    assert ev.status == "closed" and ev.outcome == "fixed" and ev.closed_on_time
    assert ev.public_note == "垃圾已清运" and ev.deadline_colour == "grey"
    assert ev.version == 7
    trail = audit.trail(session, "grid.event", ev.id)
    assert [r.action for r in trail] == [f"grid.event.{a}" for a in (
        "report", "register", "dispatch", "accept", "feedback", "verify_pass", "close")]
    assert all(r.before["status"] != r.after["status"] for r in trail[1:])
    names = [e.name for e in pending_events(session)]
    assert names[-1] == "grid.event.close" and "grid.event.dispatch" in names
    assert [p.stage for p in api.get_event(session, who("commander.c1"), ev.id).photos] == [
        "feedback"]


def test_an_illegal_transition_is_refused_with_the_reason(session, new_event, step):
    ev = new_event()
    with pytest.raises(InvalidTransition, match="cannot dispatch an event that is reported"):
        step(ev, "dispatch", "commander.c1")
    with pytest.raises(InvalidTransition, match="only when it is verified"):
        step(ev, "close", "commander.c1", outcome="fixed", public_note="x")


@pytest.mark.parametrize("action,by", [
    ("register", "worker.g1"), ("register", HANDLER), ("register", "citizen1"),
    ("register", "clerk.d1"), ("not_register", "admin"),
])
def test_wrong_role_is_refused(session, new_event, step, action, by):
    ev = new_event()
    with pytest.raises((PermissionDenied, NotFound)):
        step(ev, action, by, reason="x")
    assert api.get_event(session, api_system(), ev.id).status == "reported"


def api_system():
    from core.identity.roles import SYSTEM
    return SYSTEM


def test_a_commander_of_another_area_cannot_even_see_it(session, new_event, step, who):
    from core.identity.accounts import create_account

    create_account(session, "commander.c2", "jinzhi-demo", "commander",
                   scope_code="120101001002", fast_hash=True)
    ev = new_event()
    with pytest.raises(NotFound):
        step(ev, "register", "commander.c2")


def test_required_fields_are_listed_per_field(session, new_event, step):
    ev = new_event()
    with pytest.raises(InvalidInput) as e:
        step(ev, "not_register", "commander.c1")
    assert set(e.value.fields) == {"reason"}
    with pytest.raises(InvalidInput) as e:
        step(ev, "register", "commander.c1", colour="blue")
    assert "colour" in e.value.fields
    with pytest.raises(InvalidInput, match="unknown action"):
        step(ev, "fly", "commander.c1")


def test_not_registered_with_a_reason(session, new_event, step):
    ev = step(new_event(), "not_register", "commander.c1", reason="非本辖区问题",
              outcome="not_our_responsibility")
    assert ev.status == "not_registered" and ev.outcome == "not_our_responsibility"
    assert ev.public_note == "非本辖区问题" and ev.closed_at is not None
    assert ev.closed_on_time is None  # not a case: not counted


def test_dispatch_to_another_department_or_to_the_community(session, new_event, step):
    ev = new_event()
    step(ev, "register", "commander.c1")
    with pytest.raises(InvalidInput) as e:
        step(ev, "dispatch", "commander.c1", department_code="nowhere.dept")
    assert "department_code" in e.value.fields
    ev = step(ev, "dispatch", "commander.c1", department_code="community")
    assert ev.department_code is None and ev.responsible_area_code == C1
    ev = step(ev, "accept", "commander.c1")  # 属地: the community commander handles it
    assert ev.status == "handling"


def test_return_then_redispatch(session, new_event, step):
    ev = dispatched(new_event, step)
    with pytest.raises(InvalidInput):
        step(ev, "return", HANDLER)
    ev = step(ev, "return", HANDLER, reason="不属于城管职责")
    assert ev.status == "registered" and ev.department_code is None and ev.return_count == 1
    assert ev.deadlines["handle"] is None and ev.deadlines["close"] is None
    ev = step(ev, "dispatch", "commander.c1", department_code="120101.water_affairs")
    assert ev.department_code == "120101.water_affairs"
    with pytest.raises(NotFound):
        step(ev, "accept", HANDLER)  # no longer theirs: they cannot even see it
    ev = step(ev, "redispatch", "commander.c1", department_code=CITY_MGMT, reason="改派")
    assert ev.status == "dispatched" and ev.department_code == CITY_MGMT


def test_rework_when_verification_fails(session, new_event, step):
    ev = handled(new_event, step)
    with pytest.raises(PermissionDenied):
        step(ev, "verify_fail", HANDLER, reason="x")  # not their own verification
    ev = step(ev, "verify_fail", "worker.g1", reason="仍有残留", photos=[png(3)])
    assert ev.status == "handling" and ev.rework_count == 1
    assert ev.due_at == ev.deadlines["handle"]
    ev = step(ev, "feedback", HANDLER, note="二次清理")
    ev = step(ev, "verify_pass", "commander.c1")
    assert ev.status == "verified"


def test_extension_needs_another_commander_to_approve(session, new_event, step, who, clock):
    ev = dispatched(new_event, step, SLOW_ITEM)
    handle_due, close_due = ev.deadlines["handle"], ev.deadlines["close"]
    with pytest.raises(InvalidTransition, match="no extension request"):
        step(ev, "approve_extension", "commander.c1")
    with pytest.raises(InvalidInput) as e:
        step(ev, "request_extension", HANDLER, days=0, reason="x")
    assert "days" in e.value.fields
    ev = step(ev, "request_extension", HANDLER, days=3, reason="需协调施工机械")
    assert ev.pending_request == "extension"
    with pytest.raises(InvalidTransition, match="already waiting"):
        step(ev, "request_extension", HANDLER, days=1, reason="x")
    assert "approve_extension" in api.available_actions(session, who("commander.c1"), ev)
    ev = step(ev, "approve_extension", "commander.c1", note="同意")
    assert ev.pending_request is None and ev.extension_count == 1
    cal = session.info["jinzhi.platform"].calendar
    assert ev.deadlines["handle"] == cal.add_working_days(handle_due, 3)
    assert ev.deadlines["close"] == cal.add_working_days(close_due, 3)
    ev = step(ev, "request_extension", HANDLER, days=1, reason="再延一天")
    ev = step(ev, "reject_extension", "commander.s1", reason="不予延期")
    assert ev.pending_request is None and ev.extension_count == 1
    req = session.scalars(select(GridRequest).where(GridRequest.event_id == ev.id)
                          .order_by(GridRequest.id)).all()
    assert [(r.kind, r.approved) for r in req] == [("extension", True), ("extension", False)]


def test_the_requester_cannot_approve_their_own_request(session, new_event, step):
    ev = new_event(COMMUNITY_ITEM)
    step(ev, "register", "commander.c1")
    ev = step(ev, "dispatch", "commander.c1")
    assert ev.department_code is None  # 属地: the community handles it
    step(ev, "accept", "commander.c1")
    ev = step(ev, "request_extension", "commander.c1", days=2, reason="当事人外出")
    with pytest.raises(PermissionDenied):
        step(ev, "approve_extension", "commander.c1")
    ev = step(ev, "approve_extension", "commander.s1")
    assert ev.extension_count == 1


def test_backlog_stops_the_clock_until_resumed(session, new_event, step, who):
    ev = dispatched(new_event, step, SLOW_ITEM)
    with pytest.raises(InvalidTransition):
        step(ev, "request_backlog", HANDLER, reason="x")  # only while handling
    step(ev, "accept", HANDLER)
    step(ev, "request_backlog", HANDLER, reason="需列入年度改造工程")
    ev = step(ev, "approve_backlog", "commander.d1")
    assert ev.status == "backlog" and ev.backlog and ev.due_at is None
    assert ev.deadline_colour is None
    ev = step(ev, "resume", HANDLER, note="工程已开工")
    assert ev.status == "handling" and ev.due_at is not None


def test_self_handled_on_the_spot(session, new_event, step, who):
    ev = api.report(session, who("worker.g1"), item_code=ITEM, description="路边垃圾",
                    lon=new_event().lon, lat=new_event().lat, self_handle=True,
                    handled_note="已当场清理", photos=[png(4)])
    assert ev.status == "closed" and ev.self_handled and ev.outcome == "fixed"
    assert ev.closed_on_time and ev.registered_at is None
    with pytest.raises(InvalidInput, match="cannot be handled on the spot"):
        api.report(session, who("worker.g1"), item_code=SLOW_ITEM, description="渣土",
                   grid_code=ev.grid_code, self_handle=True, handled_note="x")
    with pytest.raises(PermissionDenied):
        api.report(session, who("commander.c1"), item_code=ITEM, description="x y",
                   grid_code=ev.grid_code, self_handle=True, handled_note="x")
    other = new_event(SLOW_ITEM)
    with pytest.raises(InvalidTransition, match="cannot be handled on the spot"):
        step(other, "self_handle", "worker.g1", note="x")
    mine = new_event()
    with pytest.raises(PermissionDenied):
        step(mine, "self_handle", "commander.c1", note="x")
    assert step(mine, "self_handle", "worker.g1", note="顺手清理").status == "closed"


def test_escalate_by_hand_up_to_the_city(session, new_event, step):
    ev = new_event()
    for level in (1, 2, 3):
        ev = step(ev, "escalate", "commander.c1", reason="群众多次反映")
        assert ev.escalation_level == level
    assert ev.escalated_to == "120000"
    with pytest.raises(InvalidTransition, match="already been escalated"):
        step(ev, "escalate", "commander.c1", reason="x")


def test_available_actions_follow_the_table(session, new_event, step, who):
    ev = new_event()
    assert api.available_actions(session, who("worker.g1"), ev) == ["self_handle"]
    with pytest.raises(NotFound):
        api.available_actions(session, who("citizen1"), ev.id)  # not their report
    assert "register" in api.available_actions(session, who("commander.c1"), ev)
    ev = dispatched(new_event, step)
    assert api.available_actions(session, who(HANDLER), ev) == [
        "accept", "return", "request_extension"]


def test_actions_metadata_for_generic_forms():
    assert {"register", "not_register", "dispatch", "accept", "return", "feedback",
            "verify_pass", "verify_fail", "close", "self_handle", "request_extension",
            "approve_extension", "reject_extension", "request_backlog", "approve_backlog",
            "escalate", "whistle", "whistle_ack", "whistle_act",
            "merge_duplicate"} <= set(api.ACTIONS)
    close = api.ACTIONS["close"]
    assert close["label"]["zh"] == "结案" and close["from"] == ["verified"]
    assert close["fields"]["outcome"]["kind"] == "choice"
    assert close["fields"]["outcome"]["required"] is True
    assert {c["value"] for c in close["fields"]["outcome"]["choices"]} >= {"fixed"}
    assert api.ACTIONS["feedback"]["fields"]["photos"]["kind"] == "photos"


def test_bad_input_changes_nothing(session, new_event, step, platform):
    ev = dispatched(new_event, step)
    step(ev, "accept", HANDLER)
    before = api.get_event(session, api_system(), ev.id)
    rows = len(audit.trail(session, "grid.event", ev.id))
    too_big = png(5) + b"\0" * platform.config.upload_max_bytes
    with pytest.raises(InvalidInput) as e:
        step(ev, "feedback", HANDLER, note="已处理", photos=[too_big])
    assert "photos" in e.value.fields and "at most" in e.value.fields["photos"]
    with pytest.raises(InvalidInput, match="not a JPEG, PNG or WebP"):
        step(ev, "feedback", HANDLER, note="已处理", photos=[("x.png", b"GIF89a....")])
    after = api.get_event(session, api_system(), ev.id)
    assert (after.status, after.version, after.photos) == (before.status, before.version, ())
    assert len(audit.trail(session, "grid.event", ev.id)) == rows
    assert not (platform.config.upload_dir / "grid" / str(ev.id)).exists()
