"""Reporting an event, shared by the citizen portal and the grid worker's console: the item
choices, the little map to put a pin on, and the call to ``plugins.grid.api.report``."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.areas.models import Area
from core.errors import InvalidInput
from plugins.grid import api as grid
from web import linkage
from web.auth import actor
from web.database import db, rollback
from web.i18n import current, localized

MAX_PHOTOS = 5

# messages of core and the plugins (English, for the API) that a form shows to a person
MESSAGES: dict[str, Any] = {
    "pick a point inside the city": _l("Pick a point inside the city"),
    "pick a point on the map": _l("Put a pin on the map (or enter the coordinates)"),
    "describe the problem in a sentence or two": _l("Describe the problem in a sentence or two"),
}


def message(text: str) -> str:
    """A plugin's message in the UI's language when it is one we know."""
    known = MESSAGES.get((text or "").strip())
    return str(known) if known is not None else text


def item_choices(citizen: bool = False) -> list[tuple[str, str]]:
    """``(code, label)`` of the event items (the taxonomy only changes on restart, so the
    list is kept per language on the app)."""
    key = ("jinzhi_item_choices", citizen, current())
    cached = current_app.extensions.get(key)
    if cached is None:
        cached = [("", "—")] + [
            (item.code, f"{item.code} {localized(item)}") for item in grid.items(db())
            if not citizen or getattr(item, "citizen", True)
        ]
        current_app.extensions[key] = cached
    return list(cached)


def map_context() -> dict[str, Any]:
    """Where the pin map opens: the user's own area, else the city."""
    who = actor()
    code = who.scope_code
    area = db().get(Area, code) if code else None
    if area is None or area.min_lon is None:
        area = db().scalar(select(Area).where(Area.level == 0).limit(1))
    bbox = [area.min_lon, area.min_lat, area.max_lon, area.max_lat] if area else None
    return {"pin_bbox": bbox, "tile_url": current_app.config["MAP_TILE_URL"]}


def photos() -> list[tuple[str, bytes]]:
    files = [f for f in request.files.getlist("photos") if f and f.filename][:MAX_PHOTOS]
    return [(f.filename or "photo.jpg", f.read()) for f in files]


def submit(form: Any, citizen: bool = False, **extra: Any) -> Any | None:
    """Report the event; on an ``InvalidInput`` put the messages on the form and return None.

    ``citizen``: a resident's report goes through linkage (两津联动 link 1) when the plugin is
    on, so it is linked to the person; the result is then the event's ``RecordRef``."""
    try:
        if citizen and linkage.enabled() and actor().person_id is not None:
            return linkage.citizen_report(
                actor(), item_code=form.item_code.data, description=form.description.data,
                lon=float(form.lon.data), lat=float(form.lat.data),
                address=form.address.data or None, photos=photos())
        return grid.report(
            db(), actor(), item_code=form.item_code.data, description=form.description.data,
            lon=float(form.lon.data), lat=float(form.lat.data),
            address=form.address.data or None, photos=photos(), **extra,
        )
    except InvalidInput as e:
        rollback()
        for name, text in (e.fields or {}).items():
            target = {"location": "lon"}.get(name, name)
            field = getattr(form, target, None)
            if field is not None:
                field.errors = [*field.errors, message(text)]
            else:
                form.form_errors.append(message(text))
        if not e.fields:
            form.form_errors.append(message(e.message))
        return None
