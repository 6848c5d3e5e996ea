"""Places by name for lists: an event row without an address says "community · grid", not
``120101001001001`` (the code stays on the event's page)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.areas.codes import parent_of
from core.areas.models import Area
from web.i18n import localized


def names(session: Session, grid_codes: Iterable[str]) -> dict[str, str]:
    """``grid code → "community · grid"`` in the page's language: one query for the page,
    names only (no geometry)."""
    grids = {c for c in grid_codes if c}
    wanted = grids | {p for p in (parent_of(c) for c in grids) if p}
    if not wanted:
        return {}
    rows = session.execute(select(Area.code, Area.name, Area.name_en)
                           .where(Area.code.in_(sorted(wanted))))
    found = {code: localized({"name": name, "name_en": name_en})
             for code, name, name_en in rows}
    out = {}
    for code in grids:
        parts = [found.get(parent_of(code) or ""), found.get(code)]
        out[code] = " · ".join(p for p in parts if p) or code
    return out
