"""Link 1: a citizen reports a problem through the services side (the app, the portal); it
becomes a grid event in their community, and its progress flows back to their own list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.areas.locate import locator_for
from core.contracts import CaseRequest, Party, RecordRef
from core.errors import ConfigurationError, InvalidInput, NotFound, PermissionDenied
from core.identity.models import Person
from core.identity.roles import Actor
from core.platform import Platform
from plugins.linkage import links
from plugins.linkage.models import RecordLink
from plugins.linkage.refs import GRID_EVENT, PERSON, REPORTED
from plugins.linkage.views import Report


def citizen_report(
    session: Session, actor: Actor, *, item_code: str, description: str,
    lon: float | None = None, lat: float | None = None, address: str | None = None,
    photos: Iterable[Any] = (),
) -> Report:
    """Report a problem as a citizen. Where: the point given, else the citizen's home grid.
    The grid plugin opens the event (``linkage_open_case``, kind ``grid.event``, channel
    ``linkage``) and checks the rest (the item, the text, the photos: type and size, as a
    grid worker's); it fills in the reporter's name and phone from the register."""
    person = _reporter(session, actor)
    description = (description or "").strip()
    if len(description) < 2:
        raise InvalidInput("say what the problem is",
                           fields={"description": "describe the problem in a sentence or two"})
    platform = Platform.of(session)
    grid = _grid(session, person, lon, lat)
    data: dict[str, Any] = {
        "item_code": str(item_code or "").strip(), "description": description[:2000],
        "lon": lon, "lat": lat, "grid_code": None if lon is not None else grid,
        "address": (address or "").strip()[:300] or None, "channel": "linkage",
        "reporter_kind": "citizen", "photos": tuple(photos or ()),
    }
    who = Party("person", person.id, person.id_number, person.name, person.home_grid)
    origin = RecordRef(PERSON, str(person.id), title=person.name)
    event = platform.hook.linkage_open_case(
        session=session, request=CaseRequest(GRID_EVENT, data, origin=origin, on_behalf_of=who),
        actor=actor)
    if event is None:
        raise ConfigurationError("no plugin takes reports (grid.event): is the grid plugin on?")
    row = links.link(session, actor, REPORTED, origin, event, note=event.title or None)
    audit.record(session, actor, "linkage.report", event.type, event.id, at=platform.now(),
                 area_code=grid, after={"item_code": data["item_code"], "channel": "linkage",
                                        "photos": len(data["photos"])})
    return Report(event=links.status(session, event), reported_at=row.created_at,
                  reporter=actor.username)


def my_reports(session: Session, actor: Actor, *, limit: int = 50) -> list[Report]:
    """The citizen's reports, newest first, each with its event's current status."""
    person = _reporter(session, actor)
    rows = session.scalars(select(RecordLink).where(
        RecordLink.relation == REPORTED, RecordLink.a_type == PERSON,
        RecordLink.a_id == str(person.id)).order_by(RecordLink.id.desc()).limit(limit))
    return [Report(event=links.status(session, links.b_ref(r)), reported_at=r.created_at,
                   reporter=r.created_by) for r in rows]


def _reporter(session: Session, actor: Actor) -> Person:
    if actor.person_id is None:
        raise PermissionDenied("only a registered resident can report as a citizen; staff "
                               "report through the grid")
    person = session.get(Person, actor.person_id)
    if person is None:
        raise NotFound(f"there is no person {actor.person_id}")
    return person


def _grid(session: Session, person: Person, lon: float | None, lat: float | None) -> str:
    if (lon is None) != (lat is None):
        raise InvalidInput("give both longitude and latitude, or neither",
                           fields={"location": "pick a point on the map"})
    if lon is not None and lat is not None:
        return locator_for(session).locate(float(lon), float(lat)).grid
    if not person.home_grid:
        raise InvalidInput("where is the problem? you have no registered home",
                           fields={"location": "pick a point on the map"})
    return person.home_grid
