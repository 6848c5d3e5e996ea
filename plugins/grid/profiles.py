"""What the grid plugin adds to the one picture of people, organisations and places (linkage):
events a person reported, events at an organisation's premises grid or in a place; opening
an event on another domain's behalf; an event's status for another domain's lists.

Reporter contact details are masked unless the viewer is the reporter or staff whose area
holds the event; an anonymous reporter's name is shown only to such staff.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from core.areas.codes import level_of
from core.contracts import CaseRequest, ProfileSection, RecordRef, Subject
from core.errors import InvalidInput
from core.identity.models import Organisation
from core.identity.roles import Actor, Role
from core.platform import Platform
from plugins.grid import access, deadlines, intake, present, taxonomy
from plugins.grid.models import GridEvent
from plugins.grid.views import mask_name, mask_phone
from plugins.grid.workflow import OPEN, STATUSES

KIND = "grid.event"
ROWS = 10


def open_case(session: Session, request: CaseRequest, actor: Actor) -> RecordRef:
    """Create a report from ``request.data`` (fields of ``api.report``)."""
    data = dict(request.data)
    person = request.on_behalf_of.id if request.on_behalf_of is not None and \
        request.on_behalf_of.kind == "person" else None
    known = {"item_code", "description", "lon", "lat", "grid_code", "address", "channel",
             "reporter_name", "reporter_phone", "anonymous", "reporter_kind"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidInput(f"a grid.event case has no field {unknown[0]!r} "
                           f"(fields: {', '.join(sorted(known))})")
    data.setdefault("channel", "linkage")
    if person is not None and not data.get("reporter_name") and request.on_behalf_of:
        data["reporter_name"] = request.on_behalf_of.name
    ev = intake.report(session, actor, item_code=data.pop("item_code", None),
                       description=data.pop("description", None), reporter_person_id=person,
                       **data)
    return _ref(session, ev)


def record_status(session: Session, record: RecordRef) -> RecordRef | None:
    eid = access.parse_id(record.id)
    ev = session.get(GridEvent, eid) if eid is not None else None
    return _ref(session, ev) if ev is not None else None


def _ref(session: Session, ev: GridEvent) -> RecordRef:
    platform = Platform.of(session)
    item = taxonomy.load(platform.pm).items.get(ev.item_code)
    ref = present.ref_of(ev, platform.tz)
    return RecordRef(KIND, str(ev.id), f"{ref} {item.name if item else ev.item_code}",
                     STATUSES[ev.status]["zh"])


def sections(session: Session, subject: Subject, viewer: Actor) -> list[ProfileSection]:
    if subject.kind == "person":
        if not subject.key.isdigit():
            return []
        where = GridEvent.reporter_person_id == int(subject.key)
        return [_section(session, viewer, "grid.reported", "上报的事件 Events reported",
                         where, where, 40)]
    if subject.kind == "organisation":
        org = session.get(Organisation, int(subject.key)) if subject.key.isdigit() else None
        if org is None or not org.premises_grid:
            return []
        return [_section(session, viewer, "grid.premises", "所在网格的事件 Events at its grid",
                         access.area_clause(org.premises_grid),
                         access.area_clause(org.premises_grid, open_only=True), 45)]
    if subject.kind == "place":
        try:
            level_of(subject.key)
        except InvalidInput:
            return []
        return [_section(session, viewer, "grid.place", "区域内的事件 Events in the area",
                         access.area_clause(subject.key),
                         access.area_clause(subject.key, open_only=True), 40)]
    return []


def _section(session: Session, viewer: Actor, key: str, title: str,
             where: ColumnElement[bool], where_open: ColumnElement[bool],
             order: int) -> ProfileSection:
    """Counts from the indexes (all events by area or reporter; open ones by status), and
    the newest rows."""
    platform = Platform.of(session)
    tax = taxonomy.load(platform.pm)
    now = platform.now()
    total = session.scalar(select(func.count()).select_from(GridEvent).where(where)) or 0
    open_ = session.scalar(select(func.count()).select_from(GridEvent).where(
        GridEvent.status.in_(OPEN), where_open)) or 0
    rows = session.scalars(select(GridEvent).where(where)
                           .order_by(GridEvent.reported_at.desc(), GridEvent.id.desc())
                           .limit(ROWS)).all()
    return ProfileSection(
        key=key, title=title, order=order,
        summary={"events": int(total), "open": int(open_ or 0),
                 "closed": int(total) - int(open_ or 0)},
        rows=tuple(_row(viewer, ev, tax, now, platform.tz, session) for ev in rows))


def _row(viewer: Actor, ev: GridEvent, tax: taxonomy.Taxonomy, now: Any, tz: Any,
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
        "status_label": STATUSES[ev.status], "reported_at": ev.reported_at,
        "grid_code": ev.grid_code, "address": ev.address,
        "reporter_name": name,
        "reporter_phone": ev.reporter_phone if full else mask_phone(ev.reporter_phone),
        "contact_masked": not full,
        "colour": deadlines.colour(ev.status, ev.due_at, ev.warn_at, now),
    }
