"""Open311 services backed by event items, and requests backed by grid events.

Services are the items the public may report (``citizen``); facility items (部件) take the
asset number on the facility's plate as an attribute. A posted request is reported through
``plugins.grid.api.report`` as the key's channel actor, with channel ``open311``; its
``media_url`` (a link to a photo the client hosts) is kept on the event as given (never
fetched) and given back as ``media_url``. Reading is public, as Open311 expects, but only
for events the public reported, and through the grid's public view (no contact details; no
name when anonymous).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from core.errors import InvalidInput, NotFound
from core.identity.roles import SYSTEM, Actor
from plugins.grid import api as grid
from web.api.credentials import Principal
from web.database import db, platform, reading
from web.open311 import Open311Error

NOTICE = {"zh": "已受理，请关注办理进度", "en": "Received: follow its progress with its id"}
FACILITY_ATTRIBUTE = "facility_code"
CLOSED = ("closed", "not_registered")
PUBLIC_REPORTERS = ("citizen",)
CHANNEL = "open311"
_MEDIA_URL = re.compile(r"^https?://[^\s]+$")


def media_url(form: Mapping[str, str]) -> str | None:
    """The request's ``media_url``: an http(s) URL of at most 500 characters, or None."""
    value = (form.get("media_url") or "").strip()
    if not value:
        return None
    if len(value) > 500 or not _MEDIA_URL.match(value):
        raise Open311Error(400, "media_url must be an http:// or https:// URL of at most 500 "
                                "characters (a photo of the problem)")
    return value


def _items() -> dict[str, Any]:
    return {i.code: i for i in grid.items(reading()) if i.citizen}


def services(lang: str) -> list[dict[str, Any]]:
    out = []
    for item in sorted(_items().values(), key=lambda i: i.code):
        out.append({
            "service_code": item.code,
            "service_name": item.name if lang == "zh" else item.name_en,
            "description": item.register_condition,
            "metadata": item.kind == "facility", "type": "realtime",
            "keywords": ",".join(item.keywords),
            "group": dict(item.category_name).get(lang) or item.category,
        })
    return out


def find_item(code: str) -> Any | None:
    """The event item citizens may report under ``code``, or None (no list built per request)."""
    try:
        item = grid.item(reading(), code)
    except InvalidInput:
        return None
    return item if item.citizen else None


def attributes(item: Any, lang: str) -> list[dict[str, Any]]:
    if item.kind != "facility":
        return []
    return [{
        "variable": True, "code": FACILITY_ATTRIBUTE, "datatype": "string", "required": False,
        "order": 1,
        "description": "部件编号" if lang == "zh" else "Facility number",
        "datatype_description": ("设施铭牌上的编号" if lang == "zh"
                                 else "the number on the facility's plate"),
    }]


def _float(form: Mapping[str, str], name: str) -> float | None:
    value = form.get(name)
    if value in (None, ""):
        return None
    try:
        return float(value)
    except ValueError:
        raise Open311Error(400, f"{name} must be a number (WGS84 degrees)") from None


def create(item: Any, who: Principal, form: Mapping[str, str],
           attrs: Mapping[str, list[str]]) -> int:
    """Report the request as a grid event; returns the event id."""
    lat, lon = _float(form, "lat"), _float(form, "long")
    address_id = (form.get("address_id") or "").strip()
    grid_code = address_id if address_id.isdigit() and len(address_id) == 15 else None
    if (lat is None or lon is None) and grid_code is None:
        raise Open311Error(400, "give lat and long (WGS84), or a grid code as address_id; an "
                                "address_string alone cannot be placed")
    text = (form.get("description") or "").strip() or item.name
    media = media_url(form)
    extra = [f"部件编号 {v}" for v in attrs.get(FACILITY_ATTRIBUTE, []) if v.strip()]
    if extra:
        suffix = f"（{'；'.join(extra)}）"
        text = text[:2000 - len(suffix)] + suffix
    name = " ".join(p for p in (form.get("first_name"), form.get("last_name")) if p) or None
    found = grid.report(
        db(), who.actor, item_code=item.code, description=text,
        lon=lon if grid_code is None else None, lat=lat if grid_code is None else None,
        grid_code=grid_code, address=(form.get("address_string") or None),
        channel=CHANNEL, reporter_name=name[:80] if name else None,
        reporter_phone=(form.get("phone") or None), reporter_kind="citizen", media_url=media)
    if not who.within(found.grid_code):
        raise Open311Error(403, f"the place is outside this api_key's area ({who.area_code})")
    return found.id


def person_actor(who: Principal) -> Actor:
    """The applicant named by ``account_id`` (a resident identity number) for a channel key
    allowed to act for people; 403 otherwise."""
    from flask import request

    number = (request.form.get("account_id") or "").strip()
    if "persons:act-for" not in who.scopes or who.actor is None:
        raise Open311Error(403, "this api_key may not apply for a person (it lacks the scope "
                                "persons:act-for)")
    if not number:
        raise Open311Error(400, "account_id must be the applicant's resident identity number")
    party = platform().hook.identity_resolve(session=db(), kind="person", number=number)
    if party is None:
        raise Open311Error(400, "account_id: nobody with this identity number is registered")
    return Actor(account_id=None, username=who.actor.username, role=who.actor.role,
                 scope_code=who.actor.scope_code, person_id=party.id)


def _public(event: Any) -> bool:
    return event.reporter_kind in PUBLIC_REPORTERS


def get(event_id: int, who: Principal) -> Any | None:
    """The event as the key's actor sees it, or its public view if the public reported it."""
    if who.actor is not None:
        try:
            return grid.get_event(db(), who.actor, event_id)
        except NotFound:
            pass
    try:
        found = grid.get_event(db(), SYSTEM, event_id)
    except NotFound:
        return None
    if not _public(found) or not who.within(found.grid_code):
        return None
    return found.public_view()


def search(who: Principal, codes: Iterable[str], start: dt.datetime, end: dt.datetime,
           statuses: list[str], limit: int) -> list[Any]:
    """Public requests reported in ``[start, end]``, newest first, at most ``limit``."""
    wanted = set(codes)
    status = None
    if statuses and len(set(statuses)) == 1:
        status = list(CLOSED) if statuses[0] == "closed" else [
            s for s in grid.STATUSES if s not in CLOSED]
    out: list[Any] = []
    page = 1
    while len(out) < limit:
        found = grid.list_events(
            db(), SYSTEM, status=status, area_code=who.area_code,
            item_code=next(iter(wanted)) if len(wanted) == 1 else None,
            sort="-reported_at", page=page, per_page=200, count=False)
        for e in found.items:
            if e.reported_at > end or not _public(e) or (wanted and e.item_code not in wanted):
                continue
            if e.reported_at < start:
                return out
            out.append(e.public_view())
        if len(found.items) < 200:
            break
        page += 1
    return out[:limit]


def as_request(e: Any, lang: str) -> dict[str, Any]:
    tz = platform().tz
    status = "closed" if e.status in CLOSED else "open"
    note = e.public_note or dict(e.status_label).get(lang) or e.status
    updated = max(t for t in (e.reported_at, e.registered_at, e.dispatched_at, e.handled_at,
                              e.closed_at) if t is not None)
    expected = None
    if status == "open":
        expected = dict(e.deadlines).get("close") or e.due_at
    return {
        "service_request_id": str(e.id),
        "status": status,
        "status_notes": note,
        "service_name": dict(e.item_name).get(lang) or e.item_code,
        "service_code": e.item_code,
        "description": e.description,
        "agency_responsible": e.department_name or "",
        "service_notice": "",
        "requested_datetime": e.reported_at.astimezone(tz),
        "updated_datetime": updated.astimezone(tz),
        "expected_datetime": expected.astimezone(tz) if expected else None,
        "address": e.address or "",
        "address_id": e.grid_code,
        "zipcode": "",
        "lat": e.lat,
        "long": e.lon,
        "media_url": e.media_url or "",
    }
