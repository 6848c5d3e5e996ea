"""Intake: a report becomes an event — validated, located, routed, checked for duplicates,
stored with its audit row and announced. ``report`` is the one-per-request path."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from core import audit
from core.areas.codes import Level, ancestor_at, contains
from core.areas.locate import Location, locator_for
from core.contracts import DomainEvent
from core.errors import InvalidInput, JinzhiError, PermissionDenied
from core.identity.models import Person
from core.identity.roles import Actor, Role
from core.platform import Platform
from plugins.grid import deadlines, photos, routing, taxonomy
from plugins.grid.models import GridEvent
from plugins.grid.taxonomy import Item
from plugins.grid.workflow import FINAL

CHANNELS = {
    "app": ("网格通App", "grid app"), "web": ("网站", "website"),
    "wechat": ("微信小程序", "WeChat"), "alipay": ("支付宝小程序", "Alipay"),
    "hotline": ("12345热线", "12345 hotline"), "patrol": ("巡查", "patrol"),
    "camera": ("视频监控", "camera"), "counter": ("窗口", "service counter"),
    "linkage": ("两津联动", "linkage"), "import": ("批量导入", "import"),
    "open311": ("Open311接口", "Open311"),
    "other": ("其他", "other"),
}
REPORTER_KINDS = ("grid_worker", "citizen", "hotline", "staff", "other")
DUPLICATE_METRES = 50.0
DUPLICATE_WINDOW = dt.timedelta(hours=24)
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,19}$")
_MEDIA_URL = re.compile(r"^https?://[^\s]+$")
DEG_LAT_M = 111_320.0


def reporter_kind_of(actor: Actor, channel: str) -> str:
    if channel == "hotline":
        return "hotline"
    if actor.role is Role.CITIZEN:
        return "citizen"
    if actor.role is Role.GRID_WORKER:
        return "grid_worker"
    return "other" if actor.role is Role.SYSTEM else "staff"


def locate(session: Session, lon: float | None, lat: float | None,
           grid_code: str | None) -> Location:
    """The grid and ancestors of a point or a grid code; ``InvalidInput`` on ``location``."""
    locator = locator_for(session)
    try:
        if lon is not None or lat is not None:
            if lon is None or lat is None:
                raise InvalidInput("give both longitude and latitude",
                                   fields={"location": "give both longitude and latitude"})
            try:
                lon, lat = float(lon), float(lat)
            except (TypeError, ValueError):
                raise InvalidInput("longitude and latitude must be numbers",
                                   fields={"location": "longitude and latitude are numbers"}
                                   ) from None
            loc = locator.locate(lon, lat)
            if grid_code and loc.grid != grid_code:
                raise InvalidInput(
                    f"the point is in grid {loc.grid}, not in grid {grid_code}",
                    fields={"location": "the point and the grid code disagree: give one"})
            return loc
        if grid_code:
            return locator.grid(str(grid_code).strip())
    except InvalidInput as e:
        raise InvalidInput(e.message, fields=e.fields or {"location": e.message}) from None
    except JinzhiError as e:  # NotFound for an unknown grid: still bad input here
        raise InvalidInput(e.message, fields={"location": e.message}) from None
    raise InvalidInput("say where: give longitude and latitude, or a grid code",
                       fields={"location": "put a pin on the map or give a grid code"})


def check_reporter(actor: Actor, loc: Location) -> None:
    """Grid workers report in their own community, commanders in their area."""
    if actor.role is Role.GRID_WORKER and actor.scope_code:
        community = ancestor_at(actor.scope_code, Level.COMMUNITY) or actor.scope_code
        if not contains(community, loc.grid):
            raise PermissionDenied(
                f"grid {loc.grid} is outside your community {community}: ask the grid "
                "worker there, or report it as a citizen through the hotline")
    if actor.role in (Role.COMMANDER, Role.ADMIN) and not actor.sees(loc.grid):
        raise PermissionDenied(f"grid {loc.grid} is outside your area ({actor.scope_code})")


def validate(item_code: Any, description: Any, channel: Any, reporter_name: Any,
             reporter_phone: Any, tax: taxonomy.Taxonomy, actor: Actor,
             media_url: Any = None) -> Item | None:
    """Per-field checks of everything but the location; ``InvalidInput`` lists them all."""
    errors: dict[str, str] = {}
    item = tax.items.get(str(item_code)) if item_code else None
    if item is None:
        errors["item_code"] = (f"there is no event item {item_code!r}: choose one from the list"
                               if item_code else "choose what the problem is (事项)")
    elif actor.role is Role.CITIZEN and not item.citizen:
        errors["item_code"] = f"item {item.code} is reported by grid workers only"
    text = description.strip() if isinstance(description, str) else ""
    if len(text) < 2:
        errors["description"] = "describe the problem in a few words (问题描述)"
    elif len(text) > 2000:
        errors["description"] = "at most 2,000 characters"
    if channel not in CHANNELS:
        errors["channel"] = f"channel must be one of {', '.join(CHANNELS)}"
    if reporter_name is not None and (not isinstance(reporter_name, str)
                                      or len(reporter_name) > 80):
        errors["reporter_name"] = "a name of at most 80 characters"
    if reporter_phone is not None and (not isinstance(reporter_phone, str)
                                       or not _PHONE.match(reporter_phone.strip())):
        errors["reporter_phone"] = "a phone number of digits, e.g. 13800000001"
    if media_url is not None and (not isinstance(media_url, str) or len(media_url) > 500
                                  or not _MEDIA_URL.match(media_url)):
        errors["media_url"] = "an http:// or https:// link of at most 500 characters"
    if errors:
        raise InvalidInput("the report is not complete: " + "; ".join(
            f"{k}: {v}" for k, v in errors.items()), fields=errors)
    return item


def report(
    session: Session, actor: Actor, *, item_code: str, description: str,
    lon: float | None = None, lat: float | None = None, grid_code: str | None = None,
    address: str | None = None, channel: str = "app", reporter_name: str | None = None,
    reporter_phone: str | None = None, anonymous: bool = False,
    photos_: Iterable[Any] = (), reporter_kind: str | None = None,
    reporter_person_id: int | None = None, media_url: str | None = None,
) -> NewEvent:
    """Create an event (status ``reported``) and return its values; nothing is stored when
    any check fails."""
    platform = Platform.of(session)
    tax = taxonomy.load(platform.pm)
    item = validate(item_code, description, channel, reporter_name, reporter_phone, tax, actor,
                    media_url)
    assert item is not None
    loc = locate(session, lon, lat, grid_code)
    if item.area_code and not contains(item.area_code, loc.grid):
        raise InvalidInput(f"item {item.code} can only be reported in area {item.area_code}",
                           fields={"item_code": "this item belongs to another district"})
    check_reporter(actor, loc)
    if reporter_kind is not None and reporter_kind not in REPORTER_KINDS:
        raise InvalidInput(f"reporter_kind must be one of {', '.join(REPORTER_KINDS)}",
                           fields={"reporter_kind": "choose a reporter kind"})
    uploads = photos.check(photos_, platform.config.upload_max_bytes)
    person_id = reporter_person_id or actor.person_id
    if person_id is not None and (reporter_name is None or reporter_phone is None):
        person = session.get(Person, person_id)
        if person is not None:
            reporter_name = reporter_name or person.name
            reporter_phone = reporter_phone or person.phone
    route = routing.route(session, item.data, loc)
    now = platform.now()
    ev = NewEvent(
        version=1, item_code=item.code, category=item.category, status="reported",
        lon=_float(lon), lat=_float(lat),
        address=(address or "").strip()[:300] or None,
        grid_code=loc.grid, community_code=loc.community, street_code=loc.street,
        district_code=loc.district, description=description.strip(), channel=channel,
        reporter_kind=reporter_kind or reporter_kind_of(actor, channel),
        reporter_account_id=actor.account_id, reporter_person_id=person_id,
        reporter_name=reporter_name or (None if actor.role is Role.SYSTEM else actor.username),
        reporter_phone=reporter_phone, anonymous=bool(anonymous),
        routed_department_code=route.department_code,
        responsible_area_code=route.area_code if route.department_code is None else None,
        media_url=media_url, reported_at=now, updated_at=now, self_handled=False,
        rework_count=0, return_count=0,
        extension_count=0, backlog=False, escalation_level=0, whistle_count=0, stat_flags=0,
        possible_duplicate_of=find_duplicate(session, item.code, _float(lon), _float(lat),
                                             loc.grid, now),
        **_UNSET,
    )
    deadlines.start_stage(ev, item, "register", now, platform.calendar)
    # One Core INSERT (the web-request path: no unit-of-work bookkeeping for a new row)
    ev.id = session.connection().execute(_INSERT, vars(ev)).scalar_one()
    after = {"status": "reported", "item_code": item.code, "grid_code": loc.grid,
             "routed_department_code": route.department_code, "route": route.reason,
             "possible_duplicate_of": ev.possible_duplicate_of, "version": 1}
    audit.record(session, actor, "grid.event.report", "grid.event", ev.id, at=now,
                 after=after, area_code=loc.grid, note=f"channel {channel}")
    if uploads:
        photos.store(session, platform.config.upload_dir, ev.id, "report", uploads,
                     actor.username, now)
    platform.publish(session, DomainEvent(
        "grid.event.report", "grid.event", str(ev.id), now, actor.username,
        area_code=loc.grid, data={**after, "channel": channel, "lon": ev.lon, "lat": ev.lat}))
    return ev


class NewEvent(SimpleNamespace):
    """A just-reported event's column values (not an ORM row: to change the event, load it
    with ``session.get(GridEvent, ev.id)``)."""


_TABLE = GridEvent.__table__
_INSERT = insert(_TABLE).returning(_TABLE.c.id)
_SET_BY_REPORT = {
    "version", "item_code", "category", "status", "lon", "lat", "address", "grid_code",
    "community_code", "street_code", "district_code", "description", "channel",
    "reporter_kind", "reporter_account_id", "reporter_person_id", "reporter_name",
    "reporter_phone", "anonymous", "routed_department_code", "responsible_area_code",
    "reported_at", "updated_at", "self_handled", "rework_count", "return_count",
    "extension_count", "backlog", "escalation_level", "whistle_count",
    "possible_duplicate_of", "register_due", "due_at", "warn_at", "stat_flags", "media_url",
}
_UNSET = {c.key: None for c in _TABLE.columns if c.key not in _SET_BY_REPORT | {"id"}}


def _float(value: float | None) -> float | None:
    return float(value) if value is not None else None


_E = GridEvent.__table__.c  # plain Core statements, built once
_OPEN_SAME_ITEM = (
    _E.item_code == bindparam("item"), _E.reported_at >= bindparam("since"),
    _E.status.not_in(FINAL), _E.duplicate_of.is_(None),
)
_NEAR = (select(_E.id, _E.lon, _E.lat).where(
    *_OPEN_SAME_ITEM, _E.lat.between(bindparam("lat0"), bindparam("lat1")),
    _E.lon.between(bindparam("lon0"), bindparam("lon1")),
).order_by(_E.reported_at, _E.id).limit(20))
_SAME_GRID = (select(_E.id).where(
    *_OPEN_SAME_ITEM, _E.grid_code == bindparam("grid"), _E.lon.is_(None),
).order_by(_E.reported_at, _E.id).limit(1))


def find_duplicate(session: Session, item_code: str, lon: float | None, lat: float | None,
                   grid_code: str, now: dt.datetime) -> int | None:
    """The earliest open event of the same item within 50 m (same grid without a point)
    reported in the last 24 hours, or None."""
    since = now - DUPLICATE_WINDOW
    if lon is None or lat is None:
        return session.connection().scalar(_SAME_GRID, {"item": item_code, "since": since,
                                                        "grid": grid_code})
    dlat = DUPLICATE_METRES / DEG_LAT_M
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    rows = session.connection().execute(_NEAR, {
        "item": item_code, "since": since, "lat0": lat - dlat, "lat1": lat + dlat,
        "lon0": lon - dlon, "lon1": lon + dlon})
    for eid, elon, elat in rows:
        if distance_m(lon, lat, elon, elat) <= DUPLICATE_METRES:
            return eid
    return None


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(min(1.0, a)))
