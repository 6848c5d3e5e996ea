"""Random actions by random roles (hypothesis ``RuleBasedStateMachine``): no event ever
reaches an invalid state, every event's audit trail replays to its current state, a refused
action changes nothing, and no event is lost."""

from __future__ import annotations

from typing import Any

from grid_testdata import CITY_MGMT, COMMUNITY_ITEM, D1, G1, ITEM, SLOW_ITEM, T0, load
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from core import audit
from core.errors import Conflict, JinzhiError, NotFound
from core.identity.roles import SYSTEM
from plugins.grid import api, figures
from plugins.grid.models import GridEvent
from plugins.grid.workflow import FINAL, STATUSES, TRANSITIONS, WORKING

USERS = ["commander.c1", "commander.s1", "commander.d1", "worker.g1", "worker.g2",
         "handler.d1.city_management", "handler.d1.water_affairs", "citizen1", "admin",
         "system"]
REPORTERS = ["worker.g1", "citizen1", "commander.c1", "system", "worker.g2"]
ITEMS = [ITEM, SLOW_ITEM, COMMUNITY_ITEM, "0201"]
WATER = f"{D1}.water_affairs"


def fields_for(action: str, other: int, dept: str) -> dict[str, Any]:
    """Valid-looking fields for each action (the refusals come from status, role, scope)."""
    return {
        "not_register": {"reason": "无效"}, "dispatch": {"department_code": dept},
        "redispatch": {"department_code": dept, "reason": "改派"}, "return": {"reason": "非职责"},
        "feedback": {"note": "已处置"}, "verify_fail": {"reason": "未处理好"},
        "close": {"outcome": "fixed", "public_note": "已解决"}, "self_handle": {"note": "当场"},
        "request_extension": {"days": 2, "reason": "需时间"}, "reject_extension": {"reason": "否"},
        "request_backlog": {"reason": "工程"}, "reject_backlog": {"reason": "否"},
        "escalate": {"reason": "督办"},
        "whistle": {"departments": [CITY_MGMT, WATER], "hours": 2, "reason": "联合处置"},
        "whistle_act": {"note": "已到场处置"}, "merge_duplicate": {"duplicate_of": other},
        "link": {"linked_to": other},
    }.get(action, {})


DONE: dict[str, int] = {}
SIDE_STEPS = ("escalate", "link", "merge_duplicate", "whistle", "dismiss_duplicate",
              "redispatch", "return", "not_register", "verify_fail", "reject_extension",
              "reject_backlog")


class GridMachine(RuleBasedStateMachine):
    session: Any = None  # set by the test below
    events = Bundle("events")

    def __init__(self) -> None:
        super().__init__()
        self.savepoint = self.session.begin_nested()
        self.platform = self.session.info["jinzhi.platform"]
        self.platform.clock.set(T0)
        self.actors = {u: SYSTEM if u == "system" else load(self.session, u) for u in USERS}
        self.reported: list[int] = []
        self.base = self.session.scalar(select(func.count()).select_from(GridEvent))

    def teardown(self) -> None:
        self.savepoint.rollback()

    @initialize(target=events)
    def first(self) -> int:
        return self._report("worker.g1", ITEM, False)

    @rule(target=events, who=st.sampled_from(REPORTERS), item=st.sampled_from(ITEMS),
          on_the_spot=st.booleans())
    def report(self, who: str, item: str, on_the_spot: bool) -> Any:
        try:
            return self._report(who, item, on_the_spot)
        except JinzhiError:
            return multiple()

    def _report(self, who: str, item: str, on_the_spot: bool) -> int:
        ev = api.report(self.session, self.actors[who], item_code=item, description="随机事件",
                        grid_code=G1, self_handle=on_the_spot,
                        handled_note="当场处置" if on_the_spot else None)
        self.reported.append(ev.id)
        return ev.id

    @rule(event=events, other=events, any_action=st.sampled_from(sorted(TRANSITIONS)),
          who=st.sampled_from(USERS), pick=st.integers(0, 20), guided=st.integers(0, 4),
          stale=st.integers(0, 9), dept=st.sampled_from([CITY_MGMT, WATER, "community"]))
    def act(self, event: int, other: int, any_action: str, who: str, pick: int, guided: int,
            stale: int, dept: str) -> None:
        """Mostly an action the actor may take now (it must then succeed), sometimes any
        action at all, sometimes with a stale version."""
        before = api.get_event(self.session, SYSTEM, event)
        offers = [(u, a) for u in USERS for a in self._offered(u, event)]
        forward = [(u, a) for u, a in offers if a not in SIDE_STEPS]
        if forward and guided and pick < 16:
            who, action = forward[pick % len(forward)]  # move the case along
        elif offers and guided:
            who, action = offers[pick % len(offers)]
        else:
            action = any_action
        actor = self.actors[who]
        offered = self._offered(who, event)
        stale_version = stale == 0
        trail = len(audit.trail(self.session, "grid.event", event))
        version = before.version - 1 if stale_version else before.version
        try:
            after = api.act(self.session, actor, event, action, version=version,
                            **fields_for(action, other, dept))
        except JinzhiError as e:
            if stale_version and not isinstance(e, NotFound):
                assert isinstance(e, Conflict)  # checked before anything else of the action
            elif action in offered and action not in ("merge_duplicate", "link"):
                raise AssertionError(f"{who} was offered {action} but: {e}") from e
            now = api.get_event(self.session, SYSTEM, event)
            assert (now.status, now.version) == (before.status, before.version)
            assert len(audit.trail(self.session, "grid.event", event)) == trail
            return
        assert not stale_version, "a stale version must never be accepted"
        assert action in offered, f"{action} succeeded for {who} but was not offered"
        DONE[action] = DONE.get(action, 0) + 1
        t = TRANSITIONS[action]
        assert before.status in t.sources
        assert after.status == (t.target or before.status)
        assert after.version == before.version + 1

    def _offered(self, who: str, event: int) -> list[str]:
        try:
            return api.available_actions(self.session, self.actors[who], event)
        except NotFound:
            return []

    @rule(hours=st.integers(min_value=1, max_value=60))
    def time_passes(self, hours: int) -> None:
        self.platform.clock.advance(hours=hours)
        api.tick(self.session)

    @invariant()
    def no_event_is_lost(self) -> None:
        count = self.session.scalar(select(func.count()).select_from(GridEvent))
        assert count == self.base + len(self.reported)

    @invariant()
    def every_event_is_valid_and_replays(self) -> None:
        for eid in self.reported:
            ev = api.get_event(self.session, SYSTEM, eid)
            check_state(ev)
            row = self.session.get(GridEvent, eid)
            assert row.stat_flags == figures.flags_of(row)  # what statistics count
            assert row.close_bucket == figures.bucket_of(row.close_seconds)
            assert replay(self.session, eid) == (ev.status, ev.version, ev.escalation_level)


def check_state(ev: api.EventView) -> None:
    assert ev.status in STATUSES
    assert (ev.closed_at is not None) == (ev.status in FINAL)
    assert (ev.due_at is None) == (ev.status in (*FINAL, "backlog"))
    if ev.status in WORKING:
        assert ev.department_code or ev.responsible_area_code
        assert ev.deadlines["handle"] and ev.deadlines["close"]
    if ev.status == "closed":
        assert ev.outcome
        if ev.outcome != "duplicate":
            assert ev.closed_on_time is not None
        else:
            assert ev.duplicate_of and ev.duplicate_of != ev.id
    if ev.self_handled:
        assert ev.status == "closed" and ev.registered_at is None
    assert 0 <= ev.escalation_level <= 3
    assert ev.pending_request in (None, "extension", "backlog")


def replay(session: Any, eid: int) -> tuple[str, int, int]:
    """Rebuild status, version and escalation level from the audit trail alone."""
    rows = audit.trail(session, "grid.event", eid)
    assert rows[0].action == "grid.event.report" and rows[0].after["status"] == "reported"
    status, version, level = "reported", 1, 0
    for row in rows[1:]:
        action = row.action.removeprefix("grid.event.")
        t = TRANSITIONS[action]
        assert row.before["status"] == status and status in t.sources, (action, status)
        assert row.after["status"] == (t.target or status)
        status = row.after["status"]
        level = row.after.get("escalation_level", level)
        if not row.after.get("automatic"):  # automatic escalations leave the version alone
            assert row.after["version"] == version + 1
            version = row.after["version"]
    return status, version, level


def test_random_actions_by_random_roles(session):
    GridMachine.session = session
    run_state_machine_as_test(GridMachine, settings=settings(
        max_examples=30, stateful_step_count=40, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))


def test_the_replay_helper_on_a_known_path(session, new_event, step):
    ev = new_event()
    step(ev, "register", "commander.c1")
    step(ev, "escalate", "commander.c1", reason="督办")
    assert replay(session, ev.id) == ("registered", 3, 1)
