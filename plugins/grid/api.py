"""The grid plugin's public surface, for the web UI, the REST API, the CLI and the simulator.

Every function takes a ``Session`` and never commits; every function that shows or changes
events takes the ``Actor`` and filters by scope (an event outside it is ``NotFound``). Views
are frozen dataclasses (``views.py``). Errors are ``core.errors`` types with messages for the
person who must fix the problem.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.areas.codes import Level, level_of
from core.areas.models import Area
from core.contracts import Page
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.identity.roles import Actor, Role
from core.platform import Platform
from plugins.grid import (
    access,
    escalation,
    history,
    imports,
    intake,
    listing,
    photos,
    present,
    routing,
    taxonomy,
    transitions,
    workflow,
)
from plugins.grid import statistics as stats
from plugins.grid import timeline as timeline_
from plugins.grid.models import GridEvent
from plugins.grid.photos import PhotoFile
from plugins.grid.routing import RouteView
from plugins.grid.taxonomy import Item
from plugins.grid.views import DepartmentOption, EventView, TimelineEntry

ACTIONS = workflow.ACTIONS
STATUSES = workflow.STATUSES
OUTCOMES = workflow.OUTCOMES
TRANSITIONS = workflow.TRANSITIONS
CHANNELS = {k: {"zh": zh, "en": en} for k, (zh, en) in intake.CHANNELS.items()}

__all__ = [
    "ACTIONS", "CHANNELS", "MAX_EVENT_PHOTOS", "OUTCOMES", "STATUSES", "TRANSITIONS",
    "DepartmentOption", "EventView", "Item", "Page", "PhotoFile", "RouteView",
    "TimelineEntry", "act", "add_photos",
    "area_figures", "available_actions", "bench_events", "categories", "delete_route",
    "dispatch_options", "duplicates_of", "get_event", "import_events", "inbox", "item",
    "items", "list_events", "photo", "report", "routes", "set_route", "statistics", "tick",
    "timeline",
]


def _ctx(session: Session) -> tuple[Platform, taxonomy.Taxonomy, dt.datetime]:
    platform = Platform.of(session)
    return platform, taxonomy.load(platform.pm), platform.now()


def _view(session: Session, ev: GridEvent, actor: Actor, detail: bool = True) -> EventView:
    platform, tax, now = _ctx(session)
    return present.view(session, ev, actor, tax, now, platform.tz, detail=detail)


# ── the taxonomy ─────────────────────────────────────────────────────────────────────────


def items(session: Session, *, category: str | None = None) -> list[Item]:
    """The merged item list (9 categories, 230+ items), by code."""
    tax = taxonomy.load(Platform.of(session).pm)
    return [i for i in tax.items.values() if category is None or i.category == category]


def item(session: Session, code: str) -> Item:
    return taxonomy.load(Platform.of(session).pm).item(code)


def categories(session: Session) -> list[dict[str, Any]]:
    """``[{code, zh, en, items}]`` for the nine categories."""
    tax = taxonomy.load(Platform.of(session).pm)
    counts: dict[str, int] = {}
    for i in tax.items.values():
        counts[i.category] = counts.get(i.category, 0) + 1
    return [{"code": c, **names, "items": counts.get(c, 0)}
            for c, names in tax.categories.items()]


# ── intake ───────────────────────────────────────────────────────────────────────────────


def report(
    session: Session, actor: Actor, *, item_code: str, description: str,
    lon: float | None = None, lat: float | None = None, grid_code: str | None = None,
    channel: str = "app", reporter_name: str | None = None,
    reporter_phone: str | None = None, anonymous: bool = False, photos: Iterable[Any] = (),
    address: str | None = None, reporter_kind: str | None = None,
    self_handle: bool = False, handled_note: str | None = None, media_url: str | None = None,
) -> EventView:
    """Report a problem: located to its grid, routed, checked for duplicates, stored with its
    audit row and announced (``grid.event.report``). With ``self_handle`` a grid worker
    closes a minor item on the spot (自处) in the same call — ``handled_note`` says what
    was done. Photos: ``bytes``, ``(filename, bytes)``, paths or file objects; ``media_url``:
    a link to a photo the reporting app hosts (Open311), kept as given and never fetched."""
    if self_handle:  # check before anything is stored
        if not actor.has_role(Role.GRID_WORKER):
            raise PermissionDenied("only grid workers handle events on the spot (自处)")
        if not (handled_note or "").strip():
            raise InvalidInput("say what was done on the spot",
                               fields={"handled_note": "required: what was done (处置情况)"})
        found = taxonomy.load(Platform.of(session).pm).items.get(str(item_code))
        if found is not None and not found.self_handle:
            raise InvalidInput(f"item {found.code} ({found.name}) cannot be handled on the "
                               "spot: report it up",
                               fields={"self_handle": "this item must be reported up"})
    ev = intake.report(
        session, actor, item_code=item_code, description=description, lon=lon, lat=lat,
        grid_code=grid_code, address=address, channel=channel, reporter_name=reporter_name,
        reporter_phone=reporter_phone, anonymous=anonymous, photos_=photos,
        reporter_kind=reporter_kind, media_url=media_url)
    if self_handle:
        loaded = session.get(GridEvent, ev.id)
        assert loaded is not None
        ev = transitions.apply(session, actor, loaded, "self_handle", {"note": handled_note})
    return _view(session, ev, actor, detail=False)


def import_events(session: Session, actor: Actor, rows: Iterable[Mapping[str, Any]],
                  channel: str = "import") -> list[int]:
    """Bulk intake (imports, the simulator): many reports in one go; returns their ids."""
    if actor.role not in (Role.SYSTEM, Role.ADMIN, Role.COMMANDER):
        raise PermissionDenied("only the system, admins and commanders import events")
    return imports.import_events(session, actor, rows, channel=channel)


def duplicates_of(session: Session, actor: Actor, event_id: int | str) -> list[EventView]:
    """Events flagged as possible duplicates of this one (to merge, link or dismiss)."""
    ev = access.load(session, actor, event_id)
    platform, tax, now = _ctx(session)
    rows = session.scalars(select(GridEvent).where(
        GridEvent.possible_duplicate_of == ev.id, access.scope_clause(actor))
        .order_by(GridEvent.id)).all()
    return list(present.views(session, rows, actor, tax, now, platform.tz))


# ── the workflow ─────────────────────────────────────────────────────────────────────────


def act(session: Session, actor: Actor, event_id: int | str, action: str, *,
        version: int, **fields: Any) -> EventView:
    """Take one workflow action (see ``ACTIONS``) on the event at ``version``.

    Refusals: ``InvalidInput`` (unknown action, bad fields: ``.fields`` per field),
    ``NotFound`` (not in your scope), ``Conflict`` (stale version: reload),
    ``InvalidTransition`` (not in this status / condition), ``PermissionDenied``.
    """
    ev = transitions.act(session, actor, event_id, action, version=version, fields=fields)
    return _view(session, ev, actor)


def get_event(session: Session, actor: Actor, event_id: int | str) -> EventView:
    """One event with its photos and whistles; ``NotFound`` outside the actor's scope."""
    return _view(session, access.load(session, actor, event_id), actor)


def available_actions(session: Session, actor: Actor,
                      event: EventView | int | str) -> list[str]:
    """The actions ``actor`` may take on the event now (the table's order)."""
    event_id = event.id if isinstance(event, EventView) else event
    return transitions.available(session, actor, access.load(session, actor, event_id))


def timeline(session: Session, actor: Actor, event_id: int | str) -> list[TimelineEntry]:
    """The event's history: every action (escalations, whistles included), oldest first."""
    return timeline_.entries(session, access.load(session, actor, event_id), actor)


def dispatch_options(session: Session, actor: Actor,
                     event_id: int | str) -> list[DepartmentOption]:
    """Departments the event can be dispatched to (the routed one first), and the community."""
    ev = access.load(session, actor, event_id)
    routed = ev.routed_department_code
    out = [DepartmentOption(code, name, code == routed)
           for code, name in routing.dispatch_options(session, ev.district_code, routed)]
    out.append(DepartmentOption("community", "属地社区 (the community: 属地兜底)",
                                routed is None))
    return out


def photo(session: Session, actor: Actor, event_id: int | str, name: str) -> PhotoFile:
    """A stored photo of an event the actor may see."""
    ev = access.load(session, actor, event_id)
    return photos.find(session, ev.id, name)


MAX_EVENT_PHOTOS = 30


def add_photos(session: Session, actor: Actor, event_id: int | str, files: Iterable[Any], *,
               via_channel: str | None = None) -> list[str]:
    """Add photos to an open event the actor may see (its reporter's later photos, staff's
    from the site); returns the stored names. ``via_channel``: an app reporting for the public
    (a channel key) may add photos to the events reported through that channel inside the
    actor's scope. Every file is checked first: ``InvalidInput`` stores none. Audited."""
    try:
        ev = access.load(session, actor, event_id)
    except NotFound:
        eid = access.parse_id(event_id) if via_channel else None
        ev = session.get(GridEvent, eid) if eid else None  # type: ignore[assignment]
        if ev is None or ev.channel != via_channel or not actor.sees(ev.grid_code):
            raise
    if ev.status in workflow.FINAL:
        raise InvalidInput(f"event {ev.id} is {ev.status}: photos can be added only while it "
                           "is open", fields={"photos": "the event is closed"})
    platform, _, now = _ctx(session)
    uploads = photos.check(files, platform.config.upload_max_bytes)
    if not uploads:
        raise InvalidInput("no photo was sent", fields={"photos": "attach at least one photo"})
    have = len(photos.of_event(session, ev.id))
    if have + len(uploads) > MAX_EVENT_PHOTOS:
        raise InvalidInput(f"event {ev.id} has {have} photos; at most {MAX_EVENT_PHOTOS} in all",
                           fields={"photos": f"send at most {MAX_EVENT_PHOTOS - have} more"})
    stage = "report" if via_channel or access.is_reporter(actor, ev) else "site"
    rows = photos.store(session, platform.config.upload_dir, ev.id, stage, uploads,
                        actor.username, now)
    audit.record(session, actor, "grid.event.add_photos", "grid.event", ev.id, at=now,
                 after={"photos": [r.name for r in rows], "stage": stage},
                 area_code=ev.grid_code, note=f"channel {via_channel}" if via_channel else None)
    return [r.name for r in rows]


# ── lists ────────────────────────────────────────────────────────────────────────────────


def list_events(
    session: Session, actor: Actor, *, status: str | Sequence[str] | None = None,
    item_code: str | None = None, category: str | None = None, area_code: str | None = None,
    department_code: str | None = None, overdue: bool | None = None, q: str | None = None,
    mine: bool = False, open_only: bool = False, escalated: bool | None = None,
    sort: str = "-reported_at", page: int = 1, per_page: int = 50, count: bool = True,
    area: str | None = None, limit: int | None = None,
) -> Page[EventView]:
    """Events the actor may see, filtered and sorted; ``area``/``limit`` are aliases of
    ``area_code``/``per_page``; ``count=False`` skips the total (faster on huge areas)."""
    platform, tax, now = _ctx(session)
    where = listing.filters(
        tax, actor, now, status=status, item_code=item_code, category=category,
        area_code=area_code or area, department_code=department_code, overdue=overdue, q=q,
        mine=mine, open_only=open_only, escalated=escalated)
    return listing.page_of(session, actor, tax, now, platform.tz, where, sort, page,
                           limit or per_page, count)


def inbox(session: Session, actor: Actor, per_page: int = 20) -> dict[str, Page[EventView]]:
    """The actor's work, by box: commanders ``to_register``, ``to_dispatch``, ``to_handle``
    (属地 cases), ``to_close``, ``to_approve``, ``escalated``, ``overdue``; handlers
    ``to_accept``, ``handling``, ``whistles``, ``overdue``; grid workers ``to_verify``,
    ``mine``, ``overdue``; citizens ``mine``."""
    platform, tax, now = _ctx(session)
    scope = access.scope_clause(actor, open_only=True)  # every box holds open events
    return {name: listing.page_of(session, actor, tax, now, platform.tz, [scope, *where],
                                  "due_at" if name != "mine" else "-reported_at", 1, per_page)
            for name, where in listing.boxes(actor, now).items()}


# ── figures ──────────────────────────────────────────────────────────────────────────────


def _when(value: dt.date | dt.datetime | None, tz: dt.tzinfo) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            raise InvalidInput("give times with a timezone", fields={"period": "aware times"})
        return value
    return dt.datetime.combine(value, dt.time(), tz)


def _city(session: Session) -> str:
    code = session.scalar(select(Area.code).where(Area.level == int(Level.CITY)).limit(1))
    if code is None:
        raise NotFound("the city has no areas yet: run `jinzhi seed`")
    return code


def _figures_scope(session: Session, actor: Actor, area_code: str | None,
                   department_code: str | None) -> tuple[str, str | None]:
    if actor.role is Role.CITIZEN or not (actor.scope_code or actor.role is Role.SYSTEM):
        raise PermissionDenied("figures are for staff")
    code = area_code or actor.scope_code or _city(session)
    try:
        level_of(code)
    except InvalidInput as e:
        raise InvalidInput(e.message, fields={"area_code": e.message}) from None
    if actor.role is not Role.SYSTEM and not actor.sees(code):
        raise PermissionDenied(f"area {code} is outside your area ({actor.scope_code})")
    if actor.has_role(Role.HANDLER) and not actor.has_role(Role.COMMANDER, Role.ADMIN):
        if department_code not in (None, actor.department_code):
            raise PermissionDenied("handlers see their own department's figures")
        department_code = actor.department_code
    return code, department_code


def statistics(
    session: Session, actor: Actor, *, area_code: str | None = None,
    start: dt.date | dt.datetime | None = None, end: dt.date | dt.datetime | None = None,
    department_code: str | None = None, item_code: str | None = None,
    category: str | None = None, area: str | None = None,
) -> dict[str, Any]:
    """Figures of the events reported in ``[start, end)`` in an area (any level), for a
    department, item or category — definitions in ``statistics.py``."""
    platform, _, now = _ctx(session)
    code, dept = _figures_scope(session, actor, area_code or area, department_code)
    return stats.figures(session, area_code=code, now=now, start=_when(start, platform.tz),
                         end=_when(end, platform.tz), department_code=dept,
                         item_code=item_code, category=category)


def area_figures(
    session: Session, actor: Actor, parent_code: str | None = None, *,
    level: Level | str | int | None = None, start: dt.date | dt.datetime | None = None,
    end: dt.date | dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """Per area at ``level`` under ``parent_code`` (default: the next level down), for the
    one map: ``code, name, events, open, overdue, closed, due_to_close, closed_on_time,
    close_rate, on_time_close_rate``."""
    platform, _, now = _ctx(session)
    parent, _ = _figures_scope(session, actor, parent_code, None)
    own = level_of(parent)
    if level is None:
        target = Level(min(own + 1, Level.GRID))
    elif isinstance(level, str):
        try:
            target = Level[level.upper()]
        except KeyError:
            raise InvalidInput(f"unknown level {level!r}", fields={
                "level": "district, street, community or grid"}) from None
    else:
        target = Level(int(level))
    if target <= own:
        raise InvalidInput(f"level {target.label} is not below area {parent}",
                           fields={"level": "choose a level below the area"})
    return stats.area_figures(session, level=target, parent_code=parent, now=now,
                              start=_when(start, platform.tz), end=_when(end, platform.tz))


# ── routing (派单目录) ───────────────────────────────────────────────────────────────────


def set_route(session: Session, actor: Actor, item_code: str, area_code: str,
              department_code: str) -> RouteView:
    """Add or change a routing rule (admins)."""
    return routing.set_route(session, actor, item_code, area_code, department_code,
                             taxonomy.load(Platform.of(session).pm))


def delete_route(session: Session, actor: Actor, item_code: str, area_code: str) -> None:
    routing.delete_route(session, actor, item_code, area_code)


def routes(session: Session, actor: Actor | None = None, *, item_code: str | None = None,
           area_code: str | None = None, limit: int = 1000) -> list[RouteView]:
    """Rows of the routing table, by item and area."""
    return routing.routes(session, item_code=item_code, area_code=area_code, limit=limit)


# ── periodic work and data ───────────────────────────────────────────────────────────────


def tick(session: Session, now: dt.datetime | None = None) -> dict[str, int]:
    """Escalate overdue events and mark late whistle calls (``jinzhi grid tick``, the
    simulator's clock); returns the counts."""
    return escalation.tick(session, now or Platform.of(session).now())


def bench_events(session: Session, n: int, seed: int = 1, days: int = 730) -> int:
    """Fill the database with ``n`` synthetic events (benchmarks, demos)."""
    return history.bench_events(session, n, seed=seed, days=days)
