"""Link 2: a grid event about trading without a licence (无照经营) → the organisation at that
place, whether it holds the licence, and if not a guidance follow-up on the services side;
once the licence is issued the event is closed with it as evidence."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.areas.codes import Level, level_of
from core.contracts import CaseRequest, DomainEvent, Party, RecordRef, Subject
from core.errors import ConfigurationError, InvalidInput, NotFound
from core.identity.models import Organisation
from core.identity.roles import Actor, Role
from core.platform import Platform
from plugins.linkage import cases, catalog, evidence, links
from plugins.linkage.refs import (
    CONCERNS,
    EVIDENCE,
    FOLLOWUP,
    FOLLOWUP_OF,
    GRID_EVENT,
    ORGANISATION,
    RESOLVED_BY,
)
from plugins.linkage.views import LicenceCheck

# Items tagged ``licence`` → the licence they are about and the service item to apply for.
# An item may say so itself: ``licence: {type: …, service_item: …}`` (a district's own item).
LICENCES: dict[str, dict[str, str]] = {
    "0801": {"type": "licence.business", "service_item": "market.individual-business-registration",
             "title": "营业执照"},
    "0804": {"type": "licence.food_business", "service_item": "market.food-business-licence",
             "title": "食品经营许可证"},
}
RADIUS_M = 100.0  # an organisation farther than this from the reported point is not "there"
REPORTED_EVENTS = ("grid.event.report", "grid.event.reported")
LINKAGE = Actor(account_id=None, username="linkage", role=Role.SYSTEM)


def licence_rule(pm: Any, item_code: str) -> Mapping[str, str] | None:
    item = catalog.event_item(pm, item_code)
    if item is None:
        return None
    if item.get("licence"):
        return item["licence"]
    return LICENCES.get(str(item["code"])) if "licence" in (item.get("tags") or ()) else None


def organisations_at(
    session: Session, grid: str, lon: float | None, lat: float | None
) -> list[tuple[Party, float | None]]:
    """Organisations with premises in ``grid``, nearest the point first (with distance in
    metres; those farther than ``RADIUS_M`` are left out). Without a point: all of them."""
    if level_of(grid) is not Level.GRID:
        raise InvalidInput(f"{grid} is not a grid code", fields={"grid_code": "15 digits"})
    rows = session.scalars(select(Organisation).where(Organisation.premises_grid == grid)
                           .order_by(Organisation.id)).all()
    out = []
    for o in rows:
        d = _metres(lon, lat, o.lon, o.lat)
        if lon is not None and (d is None or d > RADIUS_M):
            continue
        out.append((Party("organisation", o.id, o.credit_code, o.name, o.premises_grid), d))
    return sorted(out, key=lambda pd: (pd[1] if pd[1] is not None else 0.0, pd[0].id))


def _metres(lon1, lat1, lon2, lat2) -> float | None:
    if None in (lon1, lat1, lon2, lat2):
        return None
    k = 111_320.0
    dx = (lon2 - lon1) * k * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, (lat2 - lat1) * 110_540.0)


def check_licence_at(
    session: Session, actor: Actor, event: RecordRef, *, item_code: str, grid_code: str,
    lon: float | None = None, lat: float | None = None, credit_code: str | None = None,
) -> LicenceCheck:
    """Find the organisation at the event's place (or the one named by ``credit_code``),
    check its licence (the pull is logged for the event) and, without one, open a guidance
    follow-up on the services side linked to the event. Running it again opens nothing new."""
    platform = Platform.of(session)
    rule = licence_rule(platform.pm, item_code)
    if rule is None:
        raise InvalidInput(f"event item {item_code} is not about a licence",
                           fields={"item_code": "an item tagged licence, e.g. 0801 无照经营"})
    event = cases.require_case(session, actor, event, "the organisation's licence")
    org, candidates = _pick(session, grid_code, lon, lat, credit_code)
    if org is None:
        outcome = "ambiguous" if candidates else "no_organisation"
        _audit(session, actor, event, grid_code, {"outcome": outcome, "licence": rule["type"]})
        return LicenceCheck(event, rule["type"], outcome, candidates=tuple(candidates))
    org_ref = RecordRef(ORGANISATION, str(org.id), title=org.name)
    links.link(session, actor, CONCERNS, event, org_ref, note=rule["type"])
    holder = Subject("organisation", str(org.id))
    today = platform.now().date()
    held = tuple(e for e in evidence.pull(session, actor, holder, rule["type"], event)
                 if evidence.is_valid(e, today))
    result: dict[str, Any] = {"event": event, "licence_type": rule["type"], "organisation": org,
                              "candidates": tuple(candidates), "evidence": held}
    if held:
        _audit(session, actor, event, grid_code, {"outcome": "licensed", "organisation": org.id})
        return LicenceCheck(outcome="licensed", **result)
    existing = links.from_(session, event, FOLLOWUP_OF)
    if existing:
        return LicenceCheck(outcome="followup_exists",
                            followup=links.status(session, links.b_ref(existing[0])), **result)
    followup = _open_followup(session, actor, event, org, rule, grid_code)
    links.link(session, actor, FOLLOWUP_OF, event, followup, note=rule["type"])
    _audit(session, actor, event, grid_code,
           {"outcome": "followup_opened", "organisation": org.id, "followup": followup.id})
    return LicenceCheck(outcome="followup_opened", followup=followup, **result)


def _pick(session: Session, grid: str, lon, lat, credit_code: str | None):
    if credit_code:
        org = session.scalar(select(Organisation).where(Organisation.credit_code == credit_code))
        if org is None:
            raise NotFound(f"no organisation holds the credit code {credit_code}")
        return Party("organisation", org.id, org.credit_code, org.name, org.premises_grid), []
    found = organisations_at(session, grid, lon, lat)
    parties = [p for p, _ in found]
    if lon is not None and parties:  # the nearest one within the radius
        return parties[0], parties
    return (parties[0], parties) if len(parties) == 1 else (None, parties)


def _open_followup(
    session: Session, actor: Actor, event: RecordRef, org: Party, rule: Mapping[str, str],
    grid: str,
) -> RecordRef:
    title = rule.get("title") or rule["type"]
    request = CaseRequest(FOLLOWUP, {
        "title": f"引导办理{title}：{org.name}",
        "description": f"网格事件 {event.id}（{event.title}）发现该主体未取得{title}，"
                       f"请指导其在津心办申请。/ Guide the business to apply for the licence.",
        "item_code": rule["service_item"], "organisation_id": org.id, "area_code": grid,
    }, origin=event, on_behalf_of=org)
    ref = Platform.of(session).hook.linkage_open_case(session=session, request=request,
                                                      actor=actor)
    if ref is None:
        raise ConfigurationError("no plugin opens services.followup: is services on?")
    return ref


def close_with_evidence(
    session: Session, actor: Actor, event: RecordRef, *, evidence_id: str | None = None,
    note: str | None = None,
) -> RecordRef:
    """Close a licence event once the organisation holds the licence: the licence is pulled
    (logged for the event), checked, and the grid plugin closes the event with it
    (``linkage_record_action``, action ``close``), its own rules applying."""
    cases.require_case(session, actor, event, "the organisation's licence")
    concerns = links.from_(session, event, CONCERNS)
    if not concerns:
        raise InvalidInput(f"no organisation is linked to {event.type}:{event.id}: check the "
                           "licence first", fields={"event": "a licence event linkage checked"})
    link = concerns[-1]
    licence_type = link.note or ""
    holder = Subject("organisation", link.b_id)
    today = Platform.of(session).now().date()
    found = evidence.fetch(session, holder, licence_type)
    held = [e for e in found if evidence.is_valid(e, today)]
    if evidence_id is not None:
        held = [e for e in held if e.id == str(evidence_id)]
        if not held:
            raise InvalidInput(f"certificate {evidence_id} is not a valid {licence_type} of "
                               "the organisation", fields={"evidence": "one it holds"})
    if not held:
        raise InvalidInput(f"the organisation holds no valid {licence_type} yet: the event "
                           "stays open", fields={"evidence": "wait until the licence is issued"})
    doc = held[0]
    evidence.log(session, actor, holder, f"evidence:{licence_type}", found, event)
    note = note or f"已取得{doc.title}（{doc.data.get('number') or doc.id}）"
    closed = Platform.of(session).hook.linkage_record_action(
        session=session, record=RecordRef(event.type, event.id), action="close", actor=actor,
        data={"evidence": [{"type": doc.type, "id": doc.id, "title": doc.title,
                            "number": doc.data.get("number")}],
              "outcome": "fixed", "note": note, "public_note": note})
    if closed is None:
        raise ConfigurationError(f"no plugin can close {event.type} records")
    links.link(session, actor, RESOLVED_BY, RecordRef(event.type, event.id),
               RecordRef(EVIDENCE, doc.id, title=doc.type), note=doc.type)
    _audit(session, actor, closed, None, {"outcome": "closed", "evidence": doc.id})
    return closed


def on_event(platform: Platform, ev: DomainEvent) -> LicenceCheck | None:
    """``events_published``: a new grid event about a licence → check it in a new unit."""
    code = ev.data.get("item_code")
    if ev.name not in REPORTED_EVENTS or not code or licence_rule(platform.pm, code) is None:
        return None
    grid = ev.data.get("grid_code") or ev.area_code
    if not grid:
        return None
    with platform.session() as session:
        return check_licence_at(
            session, LINKAGE, RecordRef(GRID_EVENT, ev.entity_id), item_code=code,
            grid_code=grid, lon=ev.data.get("lon"), lat=ev.data.get("lat"),
            credit_code=ev.data.get("credit_code"))


def _audit(session: Session, actor: Actor, event: RecordRef, grid: str | None,
           after: dict[str, Any]) -> None:
    audit.record(session, actor, "linkage.licence_check", event.type, event.id,
                 at=Platform.of(session).now(), area_code=grid, after=after)
