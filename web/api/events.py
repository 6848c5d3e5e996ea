"""Grid events: report, list, read, act on, follow (the grid plugin applies the rules).

Who sees what: reporters see their own events (a channel key sees the events of the person it
acts for); grid workers, commanders and admins those in their area; handlers those dispatched
to their department. A channel key's reports must lie inside its area limit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from flask import g
from pydantic import BaseModel, Field, StrictBool

from core.errors import Conflict, NotFound
from core.identity.roles import SYSTEM
from plugins.grid import api as grid
from web.api import api
from web.api.credentials import Principal, current
from web.api.models import (
    CLOSED_MAP,
    AreaCode,
    Body,
    Code,
    PageQuery,
    QueryBool,
    Text,
    local,
    make_page,
    page_of,
    texts,
)
from web.api.problems import ApiProblem
from web.api.runtime import Reply
from web.api.spec import ID
from web.database import db

Status = Literal[tuple(grid.STATUSES)]  # type: ignore[valid-type]
PUBLIC_REPORTERS = ("citizen",)  # events the public reported: their public view is public


class Photo(BaseModel):
    name: str
    stage: str = Field(description="when it was taken: report, site, feedback, verify, …")
    content_type: str
    size: int
    url: str = Field(description="the file itself (GET, with the same credentials)")


class Event(BaseModel):
    """A grid event as you may see it. ``actions`` (on a single read) are what you may do."""

    id: int
    ref: str = Field(description="the public reference, e.g. E20260302-000123")
    version: int = Field(description="send it back in If-Match when you act")
    item_code: str
    item_name: dict[str, str]
    category: str
    category_name: dict[str, str]
    kind: str
    priority: str
    status: str
    status_label: dict[str, str]
    open: bool
    description: str
    address: str | None
    lon: float | None
    lat: float | None
    grid_code: str
    community_code: str
    street_code: str
    district_code: str
    channel: str
    reporter: str = Field(description="who reported it, as you may see it")
    reporter_phone: str | None = Field(description="staff only")
    department_code: str | None
    department_name: str | None
    reported_at: dt.datetime
    registered_at: dt.datetime | None
    dispatched_at: dt.datetime | None
    handled_at: dt.datetime | None
    closed_at: dt.datetime | None
    due_at: dt.datetime | None = Field(description="the deadline of the current stage")
    overdue: bool
    outcome: str | None
    public_note: str | None = Field(description="what the public is told")
    self_handled: bool
    rework_count: int
    escalation_level: int
    photos: list[Photo]
    media_url: str | None = Field(description="a link to a photo the reporting app hosts")
    actions: list[str] | None = Field(description="what you may do now (single reads only)")


class TimelineEntry(BaseModel):
    at: dt.datetime
    action: str
    label: dict[str, str]
    actor: str
    role: str
    status: str | None
    note: str | None


class Timeline(BaseModel):
    entries: list[TimelineEntry]


class NewEvent(Body):
    item_code: Code = Field(description="the event item (see /event-items), e.g. 0101")
    description: Text = Field(min_length=2, max_length=2000)
    lon: float | None = Field(None, ge=-180, le=180, description="WGS84 longitude")
    lat: float | None = Field(None, ge=-90, le=90, description="WGS84 latitude")
    grid_code: AreaCode | None = Field(None, description="instead of lon/lat: the grid")
    address: Text | None = Field(None, max_length=300)
    reporter_name: Text | None = Field(None, max_length=80)
    reporter_phone: str | None = Field(None, pattern=r"^\+?[0-9][0-9 -]{4,19}$")
    anonymous: StrictBool = False
    media_url: str | None = Field(None, max_length=500, pattern=r"^https?://\S+$",
                                  description="a link to a photo your app hosts (not fetched)")


class ActionInput(Body):
    fields: dict[Code, Text | int | StrictBool | list[Text]] = Field(
        default_factory=dict, json_schema_extra=CLOSED_MAP,
        description="the action's fields (see /event-actions): note, reason, outcome, …")


class EventQuery(PageQuery):
    status: Status | None = None
    item_code: Code | None = None
    category: str | None = Field(None, pattern=r"^[0-9]{2}$")
    area: AreaCode | None = Field(None, description="events inside this area")
    department: Code | None = None
    overdue: QueryBool | None = None
    open_only: QueryBool = False
    mine: QueryBool = Field(False, description="only the events you reported")
    q: Text | None = Field(None, max_length=100, description="words or a reference")
    sort: Literal["-reported_at", "reported_at", "due_at", "-due_at", "status", "-id"] = \
        "-reported_at"


class ActionSpec(BaseModel):
    action: str
    label: dict[str, str]
    fields: dict[str, Any]


class ActionList(BaseModel):
    actions: list[ActionSpec]


def view(e: Any, actions: list[str] | None = None) -> Event:
    return Event(
        id=e.id, ref=e.ref, version=e.version, item_code=e.item_code,
        item_name=texts(e.item_name), category=e.category,
        category_name=texts(e.category_name), kind=e.kind, priority=e.priority,
        status=e.status, status_label=texts(e.status_label), open=e.is_open,
        description=e.description, address=e.address, lon=e.lon, lat=e.lat,
        grid_code=e.grid_code, community_code=e.community_code, street_code=e.street_code,
        district_code=e.district_code, channel=e.channel, reporter=e.reporter,
        reporter_phone=e.reporter_phone if e.contact_visible else None,
        department_code=e.department_code, department_name=e.department_name,
        reported_at=local(e.reported_at), registered_at=local(e.registered_at),
        dispatched_at=local(e.dispatched_at), handled_at=local(e.handled_at),
        closed_at=local(e.closed_at), due_at=local(e.due_at), overdue=e.overdue,
        outcome=e.outcome, public_note=e.public_note, self_handled=e.self_handled,
        rework_count=e.rework_count, escalation_level=e.escalation_level,
        photos=[Photo(name=p.name, stage=p.stage, content_type=p.content_type, size=p.size,
                      url=f"{_url(e.id)}/photos/{p.name}") for p in e.photos],
        media_url=e.media_url, actions=actions)


def channel_of(who: Principal) -> str:
    """The channel a report came through: a channel key's own (``wechat``, …), else its name
    when that names a channel (alipay, …), else ``other``; ``web`` for the login cookie."""
    if who.kind == "key" and who.actor is not None:
        key = g.get("api_key")
        name = getattr(key, "channel", None) or \
            who.actor.username.removeprefix("channel:").lower()
        return name if name in grid.CHANNELS else "other"
    return "web" if who.kind == "session" else "app"


def _url(event_id: int) -> str:
    return f"/api/v1/events/{event_id}"


def _public(event_id: int) -> Any:
    """The public view of an event the public reported (what Open311 shows), or 404."""
    try:
        found = grid.get_event(db(), SYSTEM, event_id)
    except NotFound:
        found = None
    if found is None or found.reporter_kind not in PUBLIC_REPORTERS:
        raise ApiProblem(404, f"there is no event {event_id} that you can see")
    return found.public_view()


def read(event_id: int, with_actions: bool = True) -> Event:
    """The event as the caller may see it. A channel key also sees the public view of the
    events the public reported (as on Open311), so it can follow its own reports."""
    who = current()
    try:
        found = grid.get_event(db(), who.actor, event_id)
    except NotFound:
        if who.kind != "key":
            raise
        found, with_actions = _public(event_id), False
    if not who.within(found.grid_code):
        raise ApiProblem(404, f"there is no event {event_id} within this key's area limit")
    actions = grid.available_actions(db(), who.actor, event_id) if with_actions else None
    return view(found, list(actions) if actions is not None else [])


@api.route("/events", "POST", summary="Report an event", tag="events", scope="events:write",
           body=NewEvent, response=Event, status=201, etag=True)
def report_event(body: NewEvent) -> Reply:
    """Report a problem at a point (lon/lat) or in a grid. Nothing is stored if any field is
    wrong: the problem lists each one. Follow it with GET /events/{id}."""
    who = current()
    found = grid.report(
        db(), who.actor, item_code=body.item_code, description=body.description,
        lon=body.lon, lat=body.lat, grid_code=body.grid_code, address=body.address,
        channel=channel_of(who), reporter_name=body.reporter_name,
        reporter_phone=body.reporter_phone, anonymous=body.anonymous, media_url=body.media_url)
    if not who.within(found.grid_code):
        raise ApiProblem(403, f"the place is outside this key's area limit ({who.area_code})",
                         errors={"location": "report a place inside the key's area"})
    return Reply(view(found, []), location=_url(found.id))


@api.route("/events", summary="List events", tag="events", scope="events:read",
           query=EventQuery, response=page_of(Event), paged=True)
def list_events(query: EventQuery) -> Any:
    """Events you may see, filtered and sorted; with a channel key, inside its area limit."""
    who = current()
    area = query.area
    if who.area_code:
        if area is None:
            area = who.area_code
        elif not who.within(area):
            raise ApiProblem(404, f"area {area} is outside your area limit ({who.area_code})")
    found = grid.list_events(
        db(), who.actor, status=query.status, item_code=query.item_code,
        category=query.category, area_code=area, department_code=query.department,
        overdue=query.overdue, open_only=query.open_only, mine=query.mine, q=query.q,
        sort=query.sort, page=query.page, per_page=query.per_page)
    return make_page(Event, [view(e) for e in found.items], found.total, query.page,
                     query.per_page)


@api.route(f"/events/<{ID}:event_id>", summary="Read an event", tag="events",
           scope="events:read", response=Event, etag=True)
def get_event(event_id: int) -> Event:
    """One event with its deadlines, what the public is told and what you may do now."""
    return read(event_id)


@api.route(f"/events/<{ID}:event_id>/actions/<action>", "POST", summary="Act on an event",
           tag="events", scope="events:write", body=ActionInput, response=Event,
           versioned=True, etag=True,
           path_descriptions={"action": "one of: " + ", ".join(grid.ACTIONS)})
def act_on_event(event_id: int, action: str, body: ActionInput, version: int) -> Event:
    """Take a workflow action (register, dispatch, accept, feedback, close, …) allowed to
    you now; send If-Match with the version you read."""
    if action not in grid.ACTIONS:
        raise ApiProblem(404, f"there is no action {action!r}; use one of "
                              + ", ".join(grid.ACTIONS))
    current_version = read(event_id, with_actions=False).version
    if current_version != version:
        raise ApiProblem(412, f"the event is at version {current_version}, not {version}: "
                              "read it again, then retry")
    try:
        grid.act(db(), current().actor, event_id, action, version=version, **body.fields)
    except Conflict as e:
        raise ApiProblem(412, f"{e.message}: read it again, then retry") from None
    return read(event_id)


@api.route(f"/events/<{ID}:event_id>/timeline", summary="An event's history", tag="events",
           scope="events:read", response=Timeline)
def event_timeline(event_id: int) -> Timeline:
    """Every step, oldest first: who, when, the status after it and any note."""
    read(event_id, with_actions=False)
    try:
        entries, public = grid.timeline(db(), current().actor, event_id), False
    except NotFound:  # a channel key following a public report: steps, not people
        entries, public = grid.timeline(db(), SYSTEM, event_id), True
    return Timeline(entries=[
        TimelineEntry(at=local(e.at), action=e.action, label=texts(e.label),
                      actor=e.role if public else e.actor, role=e.role, status=e.status,
                      note=None if public else e.note) for e in entries])


@api.route("/event-actions", summary="The workflow's actions and their fields", tag="events",
           scope=None, response=ActionList)
def event_actions() -> ActionList:
    """Each action of the event workflow, its label and the fields it takes."""
    return ActionList(actions=[
        ActionSpec(action=name, label=texts(spec.get("label")),
                   fields=dict(spec.get("fields") or {}))
        for name, spec in grid.ACTIONS.items()])
