"""One grid event as a row of a profile section, reporter contact details masked unless the
viewer is the reporter or staff whose area holds the event."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.identity.roles import Actor, Role
from plugins.grid import access, deadlines, present, taxonomy
from plugins.grid.models import GridEvent
from plugins.grid.views import mask_name, mask_phone
from plugins.grid.workflow import STATUSES


def row(viewer: Actor, ev: GridEvent, tax: taxonomy.Taxonomy, now: Any, tz: Any,
         session: Session) -> dict[str, Any]:
    item = tax.items.get(ev.item_code)
    full = access.is_reporter(viewer, ev) or viewer.role is Role.SYSTEM or (
        bool(viewer.scope_code) and viewer.role is not Role.CITIZEN
        and viewer.sees(ev.grid_code))
    name = ev.reporter_name
    if not full:
        name = "匿名" if ev.anonymous else mask_name(name)
    return {
        "id": ev.id, "ref": present.ref_of(ev, tz), "item_code": ev.item_code,
        "item": item.name if item else ev.item_code, "status": ev.status,
        "status_label": STATUSES[ev.status]["zh"], "reported_at": ev.reported_at,
        "grid_code": ev.grid_code, "address": ev.address,
        "reporter_name": name,
        "reporter_phone": ev.reporter_phone if full else mask_phone(ev.reporter_phone),
        "contact_masked": not full,
        "colour": deadlines.colour(ev.status, ev.due_at, ev.warn_at, now),
    }
