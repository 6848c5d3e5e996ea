"""A citizen's profile for people: the linkage plugin's sections come with field keys
(``id_number``, ``home_grid``), bilingual titles ("身份 / Identity") and raw timestamps; this
turns them into labelled facts and short rows in the page's language, with the identity
number masked, and names who used the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.identity.registry import mask
from core.identity.roles import Actor
from web import linkage as slot
from web.database import db
from web.i18n import current, text
from web.ui import when

SECTION_TITLES: dict[str, Any] = {
    "linkage.identity": _l("Identity"), "services.applications": _l("Applications"),
    "services.certificates": _l("Certificates"), "grid.reported": _l("Problems you reported"),
    "linkage.links": _l("Linked records"), "grid.home": _l("Problems at your address or grid"),
}

FIELDS: dict[str, Any] = {
    "name": _l("Name"), "id_number": _l("Identity number"), "sex": _l("Sex"),
    "birth_date": _l("Date of birth"), "age": _l("Age"), "phone": _l("Phone"),
    "address": _l("Address"), "grid_name": _l("Home grid"),
    "community_name": _l("Home community"), "street_name": _l("Home street"),
    "district_name": _l("Home district"), "city_name": _l("Home city"),
    "organisations": _l("Organisations you represent"),
    "applications": _l("Applications"), "ratings": _l("Ratings given"),
    "mean_rating": _l("Average rating"), "certificates": _l("Certificates"),
    "events": _l("Reported"), "open": _l("Open"), "closed": _l("Closed"),
    "linked": _l("Linked records"), "recent": _l("Recent"),
    "at_address": _l("At your address"),
}
HIDDEN = frozenset({"home_grid", "grid_code", "shown"})  # codes, and the list's own length
SEX = {"M": _l("Male"), "F": _l("Female")}


@dataclass(frozen=True, slots=True)
class Row:
    ref: str
    title: str
    address: str
    status: str
    at: str
    at_address: bool


def bilingual(value: Any) -> str:
    """``"身份 / Identity"`` → the part in the page's language (plain text unchanged)."""
    value = text(value)
    zh, sep, en = value.partition(" / ")
    if not sep:
        return value
    return en.strip() if current() == "en" else zh.strip()


def title(section: Any) -> str:
    known = SECTION_TITLES.get(section.key)
    return str(known) if known is not None else bilingual(section.title)


def facts(section: Any) -> list[tuple[str, str]]:
    """``(label, value)`` for the section's summary, in the page's language."""
    out = []
    summary = dict(section.summary or {})
    for key, value in summary.items():
        if key in HIDDEN or key == "recent_days":
            continue
        if key == "recent" and summary.get("recent_days"):
            out.append((_("In the last %(n)s days", n=summary["recent_days"]), text(value)))
            continue
        label = FIELDS.get(key)
        out.append((str(label) if label is not None else key.replace("_", " "),
                    _value(key, value)))
    return out


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if key == "id_number":
        return mask(str(value))
    if key == "sex":
        return str(SEX.get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.date):
        return when(value)
    if isinstance(value, float):
        return f"{value:.1f}"
    return text(value)


def rows(section: Any, limit: int = 20) -> list[Row]:
    """The section's rows (events, applications…) as reference · what · status · when."""
    out = []
    for r in list(section.rows or ())[:limit]:
        at = r.get("reported_at") or r.get("submitted_at") or r.get("at")
        out.append(Row(ref=str(r.get("ref") or r.get("id") or ""),
                       title=text(r.get("item") or r.get("title") or r.get("item_name") or ""),
                       address=text(r.get("address") or ""),
                       status=text(r.get("status_label") or r.get("status") or ""),
                       at=when(at) if at else "", at_address=bool(r.get("at_address"))))
    return out


def data_type(value: str, sections: Iterable[Any] | None) -> str:
    """``profile:grid.home`` → "Your profile: Problems at your address or grid"."""
    kind, sep, key = value.partition(":")
    if sep and kind == "profile":
        named: Mapping[str, Any] = {s.key: s for s in sections or ()}
        section = named.get(key)
        name = title(section) if section is not None else str(SECTION_TITLES.get(key, key))
        return _("Your profile: %(section)s", section=name)
    return value


def used_by_others(who: Actor, limit: int = 50) -> list[Any] | None:
    """Who else looked at or reused the viewer's data, newest first; the viewer's own visits
    are left out in the query, so they never push others out of the ``limit`` rows (None
    without the linkage plugin)."""
    if not slot.enabled() or who.person_id is None:
        return None
    from plugins.linkage import api as linkage

    return list(linkage.data_use_log(db(), who, limit=limit, leave_out=who))
