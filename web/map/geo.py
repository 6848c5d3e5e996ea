"""Area polygons for the map, simplified for the level being drawn and cached.

At Tianjin scale a district holds ~17 streets and a street ~20 communities, so one drill-down
step is small; what costs is turning WKB into GeoJSON with full detail. Each level gets a
tolerance (in degrees) that keeps shapes recognisable at the zoom where that level is drawn,
and the result is cached per platform until the process restarts (areas change rarely;
``jinzhi areas import`` is followed by a restart).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import shapely
from shapely.geometry import mapping
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.areas.codes import Level, ancestors, level_of
from core.areas.models import Area

TOLERANCE = {
    Level.CITY: 0.01, Level.DISTRICT: 0.002, Level.STREET: 0.0008,
    Level.COMMUNITY: 0.0002, Level.GRID: 0.00005,
}


class AreaCache:
    """An LRU cache of simplified child features, keyed by parent area code."""

    def __init__(self, size: int = 2048) -> None:
        self._data: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: str, value: dict[str, Any]) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)


def area_info(session: Session, code: str) -> Area | None:
    return session.get(Area, code)


def children(session: Session, cache: AreaCache, parent: str) -> dict[str, Any]:
    """The child areas of ``parent`` as a FeatureCollection (simplified, cached)."""
    cached = cache.get(parent)
    if cached is not None:
        return cached
    rows = session.execute(
        select(Area.code, Area.name, Area.name_en, Area.level, Area.geometry,
               Area.label_lon, Area.label_lat)
        .where(Area.parent_code == parent).order_by(Area.code)
    ).all()
    features = []
    for code, name, name_en, level, wkb, lon, lat in rows:
        geom = None
        if wkb:
            shape = shapely.from_wkb(wkb)
            geom = mapping(shapely.simplify(shape, TOLERANCE[Level(level)],
                                            preserve_topology=True))
        features.append({
            "type": "Feature", "id": code, "geometry": geom,
            "properties": {"code": code, "name": name, "name_en": name_en,
                           "level": Level(level).label, "label": [lon, lat]},
        })
    collection = {"type": "FeatureCollection", "features": features}
    cache.put(parent, collection)
    return collection


def outline(session: Session, cache: AreaCache, code: str) -> dict[str, Any] | None:
    """The area itself as one simplified Feature (the frame around its children)."""
    key = f"self:{code}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    area = session.get(Area, code)
    if area is None:
        return None
    geom = None
    if area.geometry:
        geom = mapping(shapely.simplify(shapely.from_wkb(area.geometry),
                                        TOLERANCE[level_of(code)], preserve_topology=True))
    feature = {
        "type": "Feature", "id": code, "geometry": geom,
        "properties": {"code": code, "name": area.name, "name_en": area.name_en,
                       "level": level_of(code).label,
                       "bbox": [area.min_lon, area.min_lat, area.max_lon, area.max_lat]},
    }
    cache.put(key, feature)
    return feature


def trail(session: Session, code: str, top: str) -> list[Area]:
    """The areas from ``top`` (the viewer's scope) down to ``code``, for the breadcrumbs."""
    chain = [code, *ancestors(code)]
    if top in chain:
        chain = chain[: chain.index(top) + 1]
    rows = {a.code: a for a in session.scalars(select(Area).where(Area.code.in_(chain)))}
    return [rows[c] for c in reversed(chain) if c in rows]
