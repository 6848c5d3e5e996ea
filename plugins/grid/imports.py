"""Bulk intake: many reports in one transaction (imports, the simulator).

The same checks as ``intake.report`` — item, description, location, routing, duplicates,
deadlines, one audit row per event — done in batches: points are located all at once, the
routing table and the recent events are read once, rows go in with multi-row INSERTs. All or
nothing: one bad row refuses the whole batch, naming the rows. One ``grid.event.import``
domain event announces the batch.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pluggy
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from core.areas.codes import contains
from core.areas.locate import Location, locator_for
from core.audit import AuditRecord
from core.contracts import DomainEvent, Route
from core.errors import InvalidInput, JinzhiError
from core.identity.roles import Actor
from core.platform import Platform
from plugins.grid import deadlines, intake, taxonomy
from plugins.grid.models import GridEvent, GridRoute
from plugins.grid.workflow import OPEN

OURS = ("plugins.grid.hooks", "core.defaults")
_CELL = intake.DUPLICATE_METRES / intake.DEG_LAT_M


class Router:
    """``events_route`` for many events: other plugins' rules per event, then our table
    (read once), then the community (属地兜底)."""

    def __init__(self, session: Session, pm: pluggy.PluginManager) -> None:
        self.session = session
        self.foreign = [i for i in pm.hook.events_route.get_hookimpls()
                        if getattr(i.plugin, "__name__", "") not in OURS]
        self.foreign.reverse()  # call order
        self.table = {(i, a): d for i, a, d in session.execute(
            select(GridRoute.item_code, GridRoute.area_code, GridRoute.department_code))}

    def __call__(self, item: taxonomy.Item, loc: Location) -> Route:
        for impl in self.foreign:
            found = impl.function(session=self.session, item=item.data, location=loc)
            if found is not None:
                return found
        for area in (loc.grid, loc.community, loc.street, loc.district, loc.city):
            dept = self.table.get((item.code, area))
            if dept is not None:
                return Route(dept, area, f"routing table: item {item.code} in area {area}")
        return Route(None, loc.community, "属地兜底")


class Recent:
    """Open events of the last 24 hours on a 50 m grid, to flag likely duplicates.

    Events are added oldest first (the stored ones by id, then the batch's own in order), so
    each cell's list is in that order and the first match in it is the earliest.
    """

    def __init__(self, session: Session, items: set[str], since: dt.datetime) -> None:
        self.cells: dict[tuple[str, int, int], list[tuple[int, int, float, float,
                                                         dt.datetime]]] = {}
        self.grids: dict[tuple[str, str], list[tuple[int, int, dt.datetime]]] = {}
        self.window = intake.DUPLICATE_WINDOW
        self.count = 0
        rows = session.execute(select(
            GridEvent.id, GridEvent.item_code, GridEvent.lon, GridEvent.lat,
            GridEvent.grid_code, GridEvent.reported_at).where(
            GridEvent.item_code.in_(items), GridEvent.reported_at >= since,
            GridEvent.status.in_(OPEN), GridEvent.duplicate_of.is_(None),
        ).order_by(GridEvent.id)) if items else []
        for eid, code, lon, lat, grid, at in rows:
            self.add(eid, code, lon, lat, grid, at)

    def add(self, eid: int, code: str, lon: float | None, lat: float | None, grid: str,
            at: dt.datetime) -> None:
        self.count += 1
        if lon is None or lat is None:
            self.grids.setdefault((code, grid), []).append((self.count, eid, at))
            return
        key = (code, math.floor(lat / _CELL), math.floor(lon / _CELL))
        self.cells.setdefault(key, []).append((self.count, eid, lon, lat, at))

    def find(self, code: str, lon: float | None, lat: float | None, grid: str,
             at: dt.datetime) -> int | None:
        """The earliest open event of the same item within 50 m and 24 hours, or None."""
        if lon is None or lat is None:
            for _, eid, when in self.grids.get((code, grid), ()):
                if abs(at - when) <= self.window:
                    return eid
            return None
        cy, cx = math.floor(lat / _CELL), math.floor(lon / _CELL)
        best: tuple[int, int] | None = None
        for dy in (-1, 0, 1):
            for dx in (-2, -1, 0, 1, 2):  # a degree of longitude is shorter than of latitude
                for order, eid, elon, elat, when in self.cells.get((code, cy + dy, cx + dx),
                                                                   ()):
                    if best is not None and order >= best[0]:
                        break
                    if abs(at - when) <= self.window and intake.distance_m(
                            lon, lat, elon, elat) <= intake.DUPLICATE_METRES:
                        best = (order, eid)
                        break
        return best[1] if best else None


def import_events(session: Session, actor: Actor, rows: Iterable[Mapping[str, Any]],
                  *, channel: str = "import") -> list[int]:
    """Store many reports at once; returns their ids in input order.

    Each row: ``item_code``, ``description``, ``lon``/``lat`` or ``grid_code``, optional
    ``reported_at`` (aware; default now), ``address``, ``channel``, ``reporter_kind``,
    ``reporter_name``, ``reporter_phone``, ``anonymous``.
    """
    platform = Platform.of(session)
    tax = taxonomy.load(platform.pm)
    now = platform.now()
    batch = list(rows)
    if not batch:
        return []
    locations, errors = _locate(session, batch)
    items: list[taxonomy.Item | None] = []
    for i, row in enumerate(batch):
        item = tax.items.get(str(row.get("item_code")))
        items.append(item)
        text = row.get("description")
        if item is None:
            errors.setdefault(i, f"item_code: no event item {row.get('item_code')!r}")
        elif not isinstance(text, str) or not 2 <= len(text.strip()) <= 2000:
            errors.setdefault(i, "description: 2 to 2,000 characters")
        elif item.area_code and locations[i] and not contains(item.area_code, locations[i].grid):
            errors.setdefault(i, f"item_code: {item.code} belongs to area {item.area_code}")
        at = row.get("reported_at") or now
        if not isinstance(at, dt.datetime) or at.tzinfo is None:
            errors.setdefault(i, "reported_at: an aware datetime")
        if row.get("channel", channel) not in intake.CHANNELS:
            errors.setdefault(i, f"channel: one of {', '.join(intake.CHANNELS)}")
    if errors:
        shown = "; ".join(f"row {i + 1}: {m}" for i, m in sorted(errors.items())[:10])
        raise InvalidInput(f"{len(errors)} of {len(batch)} rows are not valid, nothing was "
                           f"imported: {shown}",
                           fields={f"rows[{i}]": m for i, m in errors.items()})
    router = Router(session, platform.pm)
    times = [row.get("reported_at") or now for row in batch]
    recent = Recent(session, {i.code for i in items if i}, min(times) - intake.DUPLICATE_WINDOW)
    calendar = platform.calendar
    kind = intake.reporter_kind_of(actor, channel)
    records = []
    clocks: dict[tuple[dt.datetime, taxonomy.Limit], tuple[dt.datetime, dt.datetime]] = {}
    for n, (row, item, loc, at) in enumerate(zip(batch, items, locations, times, strict=True)):
        assert item is not None and loc is not None
        route = router(item, loc)
        lon, lat = row.get("lon"), row.get("lat")
        limit = item.limits["register"]
        due, warn = clocks.get((at, limit)) or clocks.setdefault((at, limit), (
            deadlines.deadline(calendar, at, limit),
            deadlines.deadline(calendar, at, limit, deadlines.WARN_SHARE)))
        records.append({
            "version": 1, "item_code": item.code, "category": item.category,
            "status": "reported", "lon": lon, "lat": lat, "address": row.get("address"),
            "grid_code": loc.grid, "community_code": loc.community, "street_code": loc.street,
            "district_code": loc.district, "description": row["description"].strip(),
            "channel": row.get("channel", channel),
            "reporter_kind": row.get("reporter_kind") or kind,
            "reporter_account_id": actor.account_id, "reporter_person_id": actor.person_id,
            "reporter_name": row.get("reporter_name"), "reporter_phone":
            row.get("reporter_phone"), "anonymous": bool(row.get("anonymous", False)),
            "routed_department_code": route.department_code,
            "responsible_area_code": route.area_code if route.department_code is None
            else None,
            "reported_at": at, "updated_at": now, "register_due": due, "due_at": due,
            "warn_at": warn,
            "self_handled": False, "rework_count": 0, "return_count": 0,
            "extension_count": 0, "backlog": False, "escalation_level": 0,
            "whistle_count": 0, "stat_flags": 0, "close_bucket": None,
            "possible_duplicate_of": recent.find(item.code, lon, lat, loc.grid, at),
        })
        recent.add(-(n + 1), item.code, lon, lat, loc.grid, at)  # the batch's own, by place
    ids = _insert(session, records)
    _link_within_batch(session, ids, records)
    _audit(session, actor, ids, records, now)
    platform.publish(session, DomainEvent(
        "grid.event.import", "grid.event", f"{ids[0]}-{ids[-1]}", now, actor.username,
        data={"count": len(ids), "first_id": ids[0], "last_id": ids[-1]}))
    return ids


def _insert(session: Session, records: list[dict[str, Any]]) -> list[int]:
    """Insert the rows with Core (the ORM's bulk path splits rows by their NULLs); their ids
    in order. SQLite: the first row's id, then one ``executemany`` — holding the write lock,
    the rest get the next rowids; elsewhere ``INSERT … RETURNING`` in parameter order."""
    table = GridEvent.__table__
    if session.get_bind().dialect.name != "sqlite":
        return list(session.scalars(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), records))
    first = session.execute(insert(table).returning(table.c.id), records[0]).scalar_one()
    if len(records) > 1:
        session.execute(insert(table), records[1:])
    last = first + len(records) - 1
    if session.scalar(select(func.max(table.c.id))) != last:  # pragma: no cover - never
        raise RuntimeError("SQLite did not number the imported rows consecutively")
    return list(range(first, last + 1))


def _link_within_batch(session: Session, ids: list[int], records: list[dict[str, Any]]) -> None:
    """Duplicates found inside the batch pointed at a place in it: point them at the id."""
    fixes = []
    for eid, rec in zip(ids, records, strict=True):
        dup = rec["possible_duplicate_of"]
        if dup is not None and dup < 0:
            rec["possible_duplicate_of"] = ids[-dup - 1]
            fixes.append({"b_id": eid, "b_dup": rec["possible_duplicate_of"]})
    if fixes:
        table = GridEvent.__table__
        session.execute(update(table).where(table.c.id == bindparam("b_id"))
                        .values(possible_duplicate_of=bindparam("b_dup")), fixes)


def _locate(session: Session, batch: list[Mapping[str, Any]]
            ) -> tuple[list[Location | None], dict[int, str]]:
    locator = locator_for(session)
    out: list[Location | None] = [None] * len(batch)
    errors: dict[int, str] = {}
    points = [i for i, r in enumerate(batch)
              if r.get("lon") is not None and r.get("lat") is not None]
    if points:
        try:
            lons = np.array([float(batch[i]["lon"]) for i in points])
            lats = np.array([float(batch[i]["lat"]) for i in points])
        except (TypeError, ValueError):
            lons = lats = np.array([])
            for i in points:
                errors[i] = "location: longitude and latitude must be numbers"
        codes = locator.locate_many(lons, lats) if len(lons) else []
        for i, code in zip(points, codes, strict=False):
            if code is None:
                errors[i] = "location: the point is outside the city's grids"
            else:
                out[i] = Location.of_grid(code)
    for i, row in enumerate(batch):
        if out[i] is not None or i in errors:
            continue
        grid = row.get("grid_code")
        if not grid:
            errors[i] = "location: give lon and lat, or a grid code"
            continue
        try:
            out[i] = locator.grid(str(grid))
        except JinzhiError as e:  # InvalidInput or NotFound: both bad rows
            errors[i] = f"location: {e}"
    return out, errors


def _audit(session: Session, actor: Actor, ids: list[int], records: list[dict[str, Any]],
           now: dt.datetime) -> None:
    role = str(actor.role)
    session.execute(insert(AuditRecord.__table__), [{
        "at": now, "actor_id": actor.account_id, "actor_name": actor.username,
        "actor_role": role, "action": "grid.event.report", "entity_type": "grid.event",
        "entity_id": str(eid), "area_code": rec["grid_code"], "before": None,
        "after": {"status": "reported", "item_code": rec["item_code"], "version": 1,
                  "routed_department_code": rec["routed_department_code"],
                  "possible_duplicate_of": rec["possible_duplicate_of"]},
        "note": "bulk import",
    } for eid, rec in zip(ids, records, strict=True)])
