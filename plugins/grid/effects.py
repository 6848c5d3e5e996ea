"""What each workflow action does to an event, one function per action (``EFFECTS``).

Each effect gets a ``Ctx`` (the session, actor, event, item, clock and the checked field
values), changes the event and whatever rows go with it, and returns the audit note. They
run only after every check of ``transitions.apply`` has passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from core.errors import InvalidInput, InvalidTransition, NotFound
from core.identity.models import Department
from core.identity.roles import Actor
from core.platform import Platform
from plugins.grid import access, deadlines, escalation, whistles
from plugins.grid.models import GridEvent, GridRequest
from plugins.grid.taxonomy import Item
from plugins.grid.workflow import OUTCOMES, TRANSITIONS


@dataclass
class Ctx:
    session: Session
    platform: Platform
    actor: Actor
    ev: GridEvent
    item: Item
    now: dt.datetime
    values: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    photo_stage: str | None = None

    @property
    def calendar(self) -> Any:
        return self.platform.calendar


# ── effects, one per action; each returns the audit note ─────────────────────────────────


def _register(c: Ctx) -> str | None:
    c.ev.registered_at = c.now
    _stage(c, "dispatch")
    return c.values.get("note")


def _not_register(c: Ctx) -> str | None:
    c.ev.outcome = c.values.get("outcome", "invalid")
    c.ev.public_note = c.values.get("public_note") or c.values["reason"]
    _finish(c)
    return c.values["reason"]


def _dispatch(c: Ctx) -> str | None:
    code = c.values.get("department_code") or c.ev.routed_department_code
    if code in (None, "community"):
        c.ev.department_code = None
        c.ev.responsible_area_code = c.ev.responsible_area_code or c.ev.community_code
    else:
        dept = c.session.get(Department, code)
        if dept is None:
            raise InvalidInput(f"there is no department {code!r}",
                               fields={"department_code": "choose a department from the list"})
        c.ev.department_code = code
        c.ev.responsible_area_code = dept.area_code
    c.ev.dispatched_at = c.now
    c.ev.accepted_at = None
    handle_due = _stage(c, "handle")
    c.ev.close_due = deadlines.close_due(c.calendar, handle_due, c.item)
    return c.values.get("note") or c.values.get("reason")


def _accept(c: Ctx) -> str | None:
    c.ev.accepted_at = c.now
    return c.values.get("note")


def _return(c: Ctx) -> str | None:
    c.after["returned_by"] = c.ev.department_code or c.ev.responsible_area_code
    c.ev.department_code = None
    c.ev.responsible_area_code = None
    c.ev.return_count += 1
    c.ev.handle_due = c.ev.close_due = None
    _stage(c, "dispatch")
    return c.values["reason"]


def _feedback(c: Ctx) -> str | None:
    c.ev.handled_at = c.now
    _stage(c, "verify")
    return c.values["note"]


def _verify_pass(c: Ctx) -> str | None:
    c.ev.verified_at = c.now
    return c.values.get("note")


def _verify_fail(c: Ctx) -> str | None:
    c.ev.rework_count += 1
    _handle_clock(c.ev)
    c.photo_stage = "verify"
    return c.values["reason"]


def _close(c: Ctx) -> str | None:
    c.ev.outcome = c.values["outcome"]
    c.ev.public_note = c.values["public_note"]
    _finish(c, counted=True)
    return f"{OUTCOMES[c.ev.outcome]['zh']}: {c.ev.public_note}"


def _self_handle(c: Ctx) -> str | None:
    ev = c.ev
    ev.self_handled = True
    ev.department_code = None
    ev.responsible_area_code = ev.community_code
    ev.handled_at = c.now
    ev.close_due = c.now
    ev.outcome = "fixed"
    ev.public_note = "网格员已现场处置 (handled on the spot by the grid worker)"
    _finish(c, counted=True)
    return c.values["note"]


def _request(kind: str) -> Callable[[Ctx], str | None]:
    def effect(c: Ctx) -> str | None:
        c.session.add(GridRequest(
            event_id=c.ev.id, kind=kind, days=c.values.get("days"), reason=c.values["reason"],
            requested_by=c.actor.username, requested_by_id=c.actor.account_id,
            requested_at=c.now))
        c.ev.pending_request = kind
        c.after["days"] = c.values.get("days")
        return c.values["reason"]
    return effect


def _decide(kind: str, approved: bool) -> Callable[[Ctx], str | None]:
    def effect(c: Ctx) -> str | None:
        req = access.pending_request(c.session, c.ev)
        if req is None:  # pragma: no cover - guarded by pending_request
            raise InvalidTransition(f"there is no {kind} request waiting")
        req.approved, req.decided_by, req.decided_at = approved, c.actor.username, c.now
        req.decision_note = c.values.get("note") or c.values.get("reason")
        c.ev.pending_request = None
        if approved and kind == "extension":
            _extend(c, req.days or 0)
        if approved and kind == "backlog":
            c.ev.backlog = True
            c.ev.due_at = c.ev.warn_at = c.ev.next_escalation_at = None
        return req.decision_note
    return effect


def _extend(c: Ctx, days: int) -> None:
    ev = c.ev
    ev.extension_count += 1
    if ev.handle_due is not None:
        ev.handle_due = deadlines.extend(c.calendar, ev.handle_due, days)
    if ev.close_due is not None:
        ev.close_due = deadlines.extend(c.calendar, ev.close_due, days)
    _handle_clock(ev)
    c.after["extended_by_days"] = days


def _resume(c: Ctx) -> str | None:
    handle_due = _stage(c, "handle")
    c.ev.close_due = deadlines.close_due(c.calendar, handle_due, c.item)
    return c.values.get("note")


def _escalate(c: Ctx) -> str | None:
    c.ev.escalation_level += 1
    c.after["escalated_to"] = escalation.area_of(c.ev)
    return c.values["reason"]


def _whistle(c: Ctx) -> str | None:
    w = whistles.blow(c.session, c.actor, c.ev, c.values, c.now, c.calendar)
    c.after.update(whistle_id=w.id, departments=c.values["departments"])
    return c.values["reason"]


def _whistle_ack(c: Ctx) -> str | None:
    call = whistles.ack(c.session, c.actor, c.ev, c.now)
    c.after.update(department=call.department_code, late=call.late)
    return c.values.get("note")


def _whistle_act(c: Ctx) -> str | None:
    call = whistles.act(c.session, c.actor, c.ev, c.now, c.values["note"])
    c.after.update(department=call.department_code, late=call.late)
    c.photo_stage = "whistle"
    return c.values["note"]


def _other_event(c: Ctx, key: str) -> GridEvent:
    try:
        other = access.load(c.session, c.actor, c.values[key])
    except NotFound:
        raise InvalidInput(f"there is no event {c.values[key]} in your area",
                           fields={key: "give the number of another event in your area"}
                           ) from None
    if other.id == c.ev.id:
        raise InvalidInput("an event cannot refer to itself",
                           fields={key: "give the number of another event"})
    return other


def _merge(c: Ctx) -> str | None:
    original = _other_event(c, "duplicate_of")
    seen = {c.ev.id}
    while original.duplicate_of is not None:  # merge into the root of a chain of merges
        seen.add(original.id)
        if original.duplicate_of in seen:
            raise InvalidInput(
                f"event {original.id} was itself merged into this one: merge the other way",
                fields={"duplicate_of": "give an event that was not merged into this one"})
        original = c.session.get(GridEvent, original.duplicate_of) or original
    c.ev.duplicate_of = original.id
    c.ev.possible_duplicate_of = None
    c.ev.outcome = "duplicate"
    c.ev.public_note = f"与事件{original.id}反映的是同一问题，已合并处理 (merged with event " \
                       f"{original.id})"
    _finish(c)
    return c.values.get("note")


def _link(c: Ctx) -> str | None:
    c.ev.linked_to = _other_event(c, "linked_to").id
    return c.values.get("note")


def _dismiss(c: Ctx) -> str | None:
    c.ev.possible_duplicate_of = None
    return c.values.get("note")


EFFECTS: dict[str, Callable[[Ctx], str | None]] = {
    "register": _register, "not_register": _not_register, "dispatch": _dispatch,
    "redispatch": _dispatch, "accept": _accept, "return": _return, "feedback": _feedback,
    "verify_pass": _verify_pass, "verify_fail": _verify_fail, "close": _close,
    "self_handle": _self_handle,
    "request_extension": _request("extension"),
    "approve_extension": _decide("extension", True),
    "reject_extension": _decide("extension", False),
    "request_backlog": _request("backlog"),
    "approve_backlog": _decide("backlog", True),
    "reject_backlog": _decide("backlog", False),
    "resume": _resume, "escalate": _escalate, "whistle": _whistle,
    "whistle_ack": _whistle_ack, "whistle_act": _whistle_act,
    "merge_duplicate": _merge, "link": _link, "dismiss_duplicate": _dismiss,
}
assert set(EFFECTS) == set(TRANSITIONS), set(TRANSITIONS) ^ set(EFFECTS)


# ── clock helpers ────────────────────────────────────────────────────────────────────────


def _stage(c: Ctx, stage: str) -> dt.datetime:
    c.ev.next_escalation_at = None
    return deadlines.start_stage(c.ev, c.item, stage, c.now, c.calendar)


def _handle_clock(ev: GridEvent) -> None:
    """Back on the handling stage (rework, extension): its deadline and 80 % point again."""
    if ev.status not in ("dispatched", "handling", "handled"):
        return
    ev.due_at = ev.handle_due
    ev.next_escalation_at = None
    if ev.handle_due is not None and ev.dispatched_at is not None:
        ev.warn_at = ev.dispatched_at + (ev.handle_due - ev.dispatched_at) * 0.8


def _finish(c: Ctx, counted: bool = False) -> None:
    """Stop every clock; ``counted``: a real closure (time to close, on time or not)."""
    ev = c.ev
    ev.closed_at = c.now
    ev.due_at = ev.warn_at = ev.next_escalation_at = None
    if counted:
        ev.close_seconds = int((c.now - ev.reported_at).total_seconds())
        ev.closed_on_time = ev.close_due is None or c.now <= ev.close_due
