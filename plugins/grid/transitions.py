"""Taking an action on an event: the checks in a fixed order, the action's effects, the audit
row and the domain event. ``act`` is the one entry point; ``workflow.TRANSITIONS`` the table,
``effects.EFFECTS`` what each action does.

Checks, in order: the action exists; the event exists for this actor (``NotFound``); the
version is current (``Conflict``); the status allows it (``InvalidTransition``); the actor has
the part the table names (``PermissionDenied``); the action's own condition (a pending
request, a summoned department… — ``InvalidTransition``); the fields (``InvalidInput``).
Nothing is written before all of them pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from core import audit
from core.contracts import DomainEvent
from core.errors import Conflict, InvalidTransition, PermissionDenied
from core.identity.roles import Actor, Role
from core.platform import Platform
from plugins.grid import access, figures, photos, taxonomy
from plugins.grid.effects import EFFECTS, Ctx
from plugins.grid.models import GridEvent
from plugins.grid.taxonomy import Item
from plugins.grid.workflow import TRANSITIONS, WHO_ROLES, check_status, clean

STALE = "the event was changed by someone else; reload and try again"
SNAPSHOT = ("status", "version", "department_code", "responsible_area_code", "due_at",
            "escalation_level", "pending_request", "outcome", "rework_count",
            "extension_count", "possible_duplicate_of", "duplicate_of", "linked_to")


# ── the entry point ──────────────────────────────────────────────────────────────────────


def act(session: Session, actor: Actor, event_id: int | str, action: str, *,
        version: int | None, fields: Mapping[str, Any]) -> GridEvent:
    """Take ``action`` on the event; returns the updated row (flushed, not committed)."""
    t = TRANSITIONS.get(action)
    if t is None:
        check_status(action, "reported")  # raises the unknown-action error
    ev = access.load(session, actor, event_id)
    if version is None or _int(version) != ev.version:
        raise Conflict(STALE, current_version=ev.version)
    return apply(session, actor, ev, action, fields)


def apply(session: Session, actor: Actor, ev: GridEvent, action: str,
          fields: Mapping[str, Any]) -> GridEvent:
    """Check and apply ``action`` to a loaded event (``act`` after its version check)."""
    platform = Platform.of(session)
    t = check_status(action, ev.status)
    if not access.WHO[t.who](session, actor, ev):
        roles = " or ".join(WHO_ROLES[t.who])
        raise PermissionDenied(
            f"you may not {t.label['en'].lower()} this event: it is for the {roles} "
            f"responsible for it ({_whose(t.who)})")
    item = taxonomy.load(platform.pm).items.get(ev.item_code) or _missing_item(ev)
    reason = guard(session, actor, ev, item, action)
    if reason:
        raise InvalidTransition(reason, action=action, status=ev.status)
    values = clean(action, fields)
    uploads = photos.check(values.pop("photos", None), platform.config.upload_max_bytes)
    ctx = Ctx(session, platform, actor, ev, item, platform.now(), values)
    before = snapshot(ev)
    note = EFFECTS[action](ctx)
    if t.target is not None:
        ev.status = t.target
    figures.refresh(ev)
    ev.updated_at = ctx.now
    flag_modified(ev, "updated_at")  # even at the same instant: every action bumps the version
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(STALE) from None
    except sa_exc.OperationalError as e:  # SQLite: a newer snapshot was committed meanwhile
        if "locked" in str(e.orig or e):
            raise Conflict(STALE) from None
        raise
    after = {**snapshot(ev), **ctx.after}
    audit.record(session, actor, f"grid.event.{action}", "grid.event", ev.id, at=ctx.now,
                 before=before, after=after, area_code=ev.grid_code, note=note)
    if uploads:
        photos.store(session, platform.config.upload_dir, ev.id, ctx.photo_stage or action,
                     uploads, actor.username, ctx.now)
    platform.publish(session, DomainEvent(
        f"grid.event.{action}", "grid.event", str(ev.id), ctx.now, actor.username,
        area_code=ev.grid_code,
        data={"action": action, "from": before["status"], **after, "item_code": ev.item_code}))
    return ev


def snapshot(ev: GridEvent) -> dict[str, Any]:
    return {k: getattr(ev, k) for k in SNAPSHOT}


def available(session: Session, actor: Actor, ev: GridEvent) -> list[str]:
    """The actions ``actor`` may take on ``ev`` now, in the table's order."""
    if actor.role is Role.CITIZEN:
        return []
    item = taxonomy.load(Platform.of(session).pm).items.get(ev.item_code)
    out = []
    for name, t in TRANSITIONS.items():
        if ev.status not in t.sources or not access.WHO[t.who](session, actor, ev):
            continue
        if item is None or guard(session, actor, ev, item, name) is None:
            out.append(name)
    return out


def _whose(who: str) -> str:
    return {
        "commander": "a commander of the event's area",
        "handler": "a handler of the department it was dispatched to, or the community "
                   "commander when the community is responsible",
        "verifier": "the area's grid worker or a commander",
        "reporter": "the grid worker who reported it",
        "approver": "a commander of the area other than the one who asked",
        "whistler": "a community, street or district commander of the area",
        "summoned": "a handler of a department summoned by a whistle",
    }[who]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _missing_item(ev: GridEvent) -> Item:
    raise InvalidTransition(f"the item {ev.item_code} of this event is no longer in the "
                            "taxonomy: enable its plugin again")


# ── conditions beyond the status ─────────────────────────────────────────────────────────


def guard(session: Session, actor: Actor, ev: GridEvent, item: Item, action: str) -> str | None:
    """Why ``action`` cannot be taken now (None: it can)."""
    if action == "self_handle" and not item.self_handle:
        return f"item {item.code} ({item.name}) cannot be handled on the spot: report it up"
    if action in ("request_extension", "request_backlog") and ev.pending_request:
        return f"a {ev.pending_request} request is already waiting for a decision"
    if action in ("approve_extension", "reject_extension") and ev.pending_request != \
            "extension":
        return "there is no extension request waiting for a decision"
    if action in ("approve_backlog", "reject_backlog") and ev.pending_request != "backlog":
        return "there is no backlog request waiting for a decision"
    if action == "escalate" and ev.escalation_level >= 3:
        return "the event has already been escalated to the city"
    if action == "dismiss_duplicate" and ev.possible_duplicate_of is None:
        return "the event is not flagged as a possible duplicate"
    if action in ("whistle_ack", "whistle_act"):
        dept = None if actor.role is Role.SYSTEM else actor.department_code
        if not access.open_calls(session, ev, dept, unacked=action == "whistle_ack"):
            done = "reported in" if action == "whistle_ack" else "reported its action"
            return f"your department has no open whistle call on this event (already {done}?)"
    return None
