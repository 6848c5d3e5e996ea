"""Turn ``grid_event`` rows into ``EventView``s for one viewer (contact details masked)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from core.identity.models import Department
from core.identity.roles import Actor
from plugins.grid import access, deadlines, photos
from plugins.grid.models import GridEvent, GridWhistle, GridWhistleCall
from plugins.grid.taxonomy import Item, Taxonomy
from plugins.grid.views import CallView, EventView, PhotoView, WhistleView
from plugins.grid.workflow import OUTCOMES, STATUSES

_names: WeakKeyDictionary[Engine, dict[str, str]] = WeakKeyDictionary()
_lock = threading.Lock()


def department_name(session: Session, code: str | None) -> str | None:
    """A department's name (cached per database; departments are reference data)."""
    if code is None:
        return None
    engine = session.get_bind().engine
    with _lock:
        cache = _names.setdefault(engine, {})
        name = cache.get(code)
    if name is None:
        name = session.scalar(select(Department.name).where(Department.code == code)) or ""
        with _lock:
            cache[code] = name  # an unknown code is remembered as "" too
    return name or None


def ref_of(ev: GridEvent, tz: dt.tzinfo) -> str:
    """The public reference, e.g. ``E20260302-000123`` (the day it was reported + id)."""
    return f"E{ev.reported_at.astimezone(tz):%Y%m%d}-{ev.id:06d}"


def _item(taxonomy: Taxonomy, code: str) -> Item | None:
    return taxonomy.items.get(code)


def view(session: Session, ev: GridEvent, viewer: Actor, taxonomy: Taxonomy,
         now: dt.datetime, tz: dt.tzinfo, detail: bool = False) -> EventView:
    item = _item(taxonomy, ev.item_code)
    staff = access.is_staff_viewer(viewer, ev) or access.is_reporter(viewer, ev)
    name = {"zh": item.name, "en": item.name_en} if item else {"zh": ev.item_code,
                                                               "en": ev.item_code}
    return EventView(
        id=ev.id, ref=ref_of(ev, tz), version=ev.version, item_code=ev.item_code,
        item_name=name, category=ev.category,
        category_name=item.category_name if item else taxonomy.categories.get(
            ev.category, {"zh": ev.category, "en": ev.category}),
        kind=item.kind if item else "event", priority=item.priority if item else "normal",
        status=ev.status, status_label=STATUSES[ev.status], description=ev.description,
        address=ev.address, lon=ev.lon, lat=ev.lat, grid_code=ev.grid_code,
        community_code=ev.community_code, street_code=ev.street_code,
        district_code=ev.district_code, channel=ev.channel, reporter_kind=ev.reporter_kind,
        reporter_name=ev.reporter_name if staff or not ev.anonymous else None,
        reporter_phone=ev.reporter_phone if staff else None,
        anonymous=ev.anonymous, contact_visible=staff,
        routed_department_code=ev.routed_department_code, department_code=ev.department_code,
        department_name=department_name(session, ev.department_code),
        responsible_area_code=ev.responsible_area_code, reported_at=ev.reported_at,
        registered_at=ev.registered_at, dispatched_at=ev.dispatched_at,
        handled_at=ev.handled_at, closed_at=ev.closed_at,
        deadlines={"register": ev.register_due, "dispatch": ev.dispatch_due,
                   "handle": ev.handle_due, "verify": ev.verify_due, "close": ev.close_due},
        due_at=ev.due_at,
        deadline_colour=deadlines.colour(ev.status, ev.due_at, ev.warn_at, now),
        outcome=ev.outcome, outcome_label=OUTCOMES.get(ev.outcome or ""),
        public_note=ev.public_note, closed_on_time=ev.closed_on_time,
        self_handled=ev.self_handled,
        rework_count=ev.rework_count, return_count=ev.return_count,
        extension_count=ev.extension_count, backlog=ev.backlog,
        pending_request=ev.pending_request, escalation_level=ev.escalation_level,
        possible_duplicate_of=ev.possible_duplicate_of, duplicate_of=ev.duplicate_of,
        linked_to=ev.linked_to, media_url=ev.media_url,
        photos=_photos(session, ev) if detail else (),
        whistles=_whistles(session, ev) if detail and ev.whistle_count else (),
    )


def views(session: Session, rows: Iterable[GridEvent], viewer: Actor, taxonomy: Taxonomy,
          now: dt.datetime, tz: dt.tzinfo) -> tuple[EventView, ...]:
    return tuple(view(session, ev, viewer, taxonomy, now, tz) for ev in rows)


def _photos(session: Session, ev: GridEvent) -> tuple[PhotoView, ...]:
    return tuple(PhotoView(p.name, p.stage, p.content_type, p.size, p.uploaded_at)
                 for p in photos.of_event(session, ev.id))


def _whistles(session: Session, ev: GridEvent) -> tuple[WhistleView, ...]:
    whistles = session.scalars(select(GridWhistle).where(GridWhistle.event_id == ev.id)
                               .order_by(GridWhistle.id)).all()
    calls = session.scalars(select(GridWhistleCall).where(GridWhistleCall.event_id == ev.id)
                            .order_by(GridWhistleCall.id)).all()
    out = []
    for w in whistles:
        mine = tuple(
            CallView(c.department_code, department_name(session, c.department_code),
                     c.respond_by, c.acked_at, c.acted_at, c.late, c.note)
            for c in calls if c.whistle_id == w.id)
        out.append(WhistleView(w.id, w.area_code, w.reason, w.blown_by, w.blown_at,
                               w.respond_by, mine))
    return tuple(out)
