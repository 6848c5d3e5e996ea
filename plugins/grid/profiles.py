"""What the grid plugin adds to the one picture of people, organisations and places (linkage):
events a person reported and the events at their address or in their home grid, events at an
organisation's premises grid, a place's events (by item and trend, overdue work: see
``profile_places``); opening an event on another domain's behalf (with photos); an event's
status code and label for another domain's lists; whether someone works on an event.

Reporter contact details are masked unless the viewer is the reporter or staff whose area
holds the event; an anonymous reporter's name is shown only to such staff.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from core.areas.codes import level_of
from core.contracts import CaseRequest, ProfileSection, RecordRef, Subject
from core.errors import InvalidInput
from core.identity.models import Organisation, Person
from core.identity.roles import Actor
from core.platform import Platform
from plugins.grid import (
    access,
    addresses,
    intake,
    present,
    profile_places,
    profile_rows,
    taxonomy,
)
from plugins.grid.models import GridEvent
from plugins.grid.workflow import OPEN, STATUSES

KIND = "grid.event"
ROWS = 10
# A person's home grid: the open events and those of the last RECENT_DAYS, at most FETCH of
# each read, those at their address first, ROWS shown.
RECENT_DAYS = 90
FETCH = 50


def open_case(session: Session, request: CaseRequest, actor: Actor) -> RecordRef:
    """Create a report from ``request.data`` (fields of ``api.report``; ``photos`` checked
    as a grid worker's are: type and size, nothing stored if one is wrong)."""
    data = dict(request.data)
    person = request.on_behalf_of.id if request.on_behalf_of is not None and \
        request.on_behalf_of.kind == "person" else None
    known = {"item_code", "description", "lon", "lat", "grid_code", "address", "channel",
             "reporter_name", "reporter_phone", "anonymous", "reporter_kind", "photos"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidInput(f"a grid.event case has no field {unknown[0]!r} "
                           f"(fields: {', '.join(sorted(known))})")
    data.setdefault("channel", "linkage")
    if person is not None and not data.get("reporter_name") and request.on_behalf_of:
        data["reporter_name"] = request.on_behalf_of.name
    ev = intake.report(session, actor, item_code=data.pop("item_code", None),
                       description=data.pop("description", None), reporter_person_id=person,
                       photos_=tuple(data.pop("photos", None) or ()), **data)
    return _ref(session, ev)


def record_status(session: Session, record: RecordRef) -> RecordRef | None:
    eid = access.parse_id(record.id)
    ev = session.get(GridEvent, eid) if eid is not None else None
    return _ref(session, ev) if ev is not None else None


def involves(session: Session, record: RecordRef, actor: Actor) -> bool:
    """Whether ``actor`` works on the event: its commanders and grid workers by area, the
    department it was dispatched or summoned to, its reporter (``access.may_see``)."""
    eid = access.parse_id(record.id)
    ev = session.get(GridEvent, eid) if eid is not None else None
    return ev is not None and access.may_see(session, actor, ev)


def _ref(session: Session, ev: GridEvent) -> RecordRef:
    platform = Platform.of(session)
    item = taxonomy.load(platform.pm).items.get(ev.item_code)
    ref = present.ref_of(ev, platform.tz)
    return RecordRef(KIND, str(ev.id), f"{ref} {item.name if item else ev.item_code}",
                     status=ev.status, label=STATUSES[ev.status]["zh"])


def sections(session: Session, subject: Subject, viewer: Actor) -> list[ProfileSection]:
    if subject.kind == "person":
        if not subject.key.isdigit():
            return []
        where = GridEvent.reporter_person_id == int(subject.key)
        person = session.get(Person, int(subject.key))
        home = [_home(session, viewer, person)] if person and person.home_grid else []
        return [_section(session, viewer, "grid.reported", "上报的事件 Events reported",
                         where, where, 40), *home]
    if subject.kind == "organisation":
        org = session.get(Organisation, int(subject.key)) if subject.key.isdigit() else None
        if org is None or not org.premises_grid:
            return []
        return [_section(session, viewer, "grid.premises", "所在网格的事件 Events at its grid",
                         access.area_clause(org.premises_grid),
                         access.area_clause(org.premises_grid, open_only=True), 45,
                         address=org.address)]
    if subject.kind == "place":
        try:
            level_of(subject.key)
        except InvalidInput:
            return []
        return [_section(session, viewer, "grid.place", "区域内的事件 Events in the area",
                         access.area_clause(subject.key),
                         access.area_clause(subject.key, open_only=True), 40),
                *profile_places.sections(session, subject.key, viewer)]
    return []


def _section(session: Session, viewer: Actor, key: str, title: str,
             where: ColumnElement[bool], where_open: ColumnElement[bool],
             order: int, address: str | None = None) -> ProfileSection:
    """Counts from the indexes (all events by area or reporter; open ones by status), and
    the newest rows; with ``address`` (an organisation's), each row says whether the event
    is at it (``at_address``)."""
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
        rows=tuple({**profile_rows.row(viewer, ev, tax, now, platform.tz, session),
                    **({"at_address": addresses.similar(ev.address, address)}
                       if address else {})} for ev in rows))


def _home(session: Session, viewer: Actor, person: Person) -> ProfileSection:
    """Open and recent events in the person's home grid, those at their registered address
    marked (``at_address``) and listed first. Index reads only: open events by status and
    community (``ix_grid_event_open``) or by grid, the grid's newest (``ix_grid_event_grid``);
    at most ``FETCH`` of each are read and ``ROWS`` shown; ``open`` and ``recent`` count them
    all, ``at_address`` those read."""
    platform = Platform.of(session)
    tax = taxonomy.load(platform.pm)
    now = platform.now()
    grid = str(person.home_grid)
    is_open = (GridEvent.status.in_(OPEN), access.area_clause(grid, open_only=True))
    is_recent = (GridEvent.grid_code == grid,
                 GridEvent.reported_at >= now - dt.timedelta(days=RECENT_DAYS))
    n_open, n_recent = (session.scalar(select(func.count()).select_from(GridEvent)
                                       .where(*where)) or 0 for where in (is_open, is_recent))
    open_ = session.scalars(select(GridEvent).where(*is_open)
                            .order_by(GridEvent.reported_at.desc()).limit(FETCH)).all() \
        if n_open else []
    recent = session.scalars(select(GridEvent).where(*is_recent)
                             .order_by(GridEvent.reported_at.desc(), GridEvent.id.desc())
                             .limit(FETCH)).all() if n_recent else []
    found = {ev.id: ev for ev in [*open_, *recent]}.values()
    marked = [(addresses.similar(ev.address, person.address), ev) for ev in found]
    marked.sort(key=lambda m: (not m[0], m[1].status not in OPEN, -m[1].reported_at.timestamp(),
                               -m[1].id))
    rows = tuple({**profile_rows.row(viewer, ev, tax, now, platform.tz, session),
                  "at_address": at, "open": ev.status in OPEN} for at, ev in marked[:ROWS])
    return ProfileSection(
        key="grid.home", title="住址及网格内的事件 Events at their address or grid", order=41,
        summary={"grid_code": grid, "open": int(n_open), "recent": int(n_recent),
                 "recent_days": RECENT_DAYS, "at_address": sum(1 for at, _ in marked if at),
                 "shown": len(rows)},
        rows=rows)
