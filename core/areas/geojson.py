"""GeoJSON import and export of areas (one Feature per area, properties code/name/name_en)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.areas.codes import Level, level_of, parent_of
from core.areas.locate import invalidate
from core.areas.models import Area
from core.errors import InvalidInput


def area_from_geometry(
    code: str, name: str, geometry: shapely.Geometry | None, name_en: str | None = None
) -> Area:
    """Build an ``Area`` row (not added to any session) with its bbox and label point."""
    level = level_of(code)
    area = Area(
        code=code, parent_code=parent_of(code), level=int(level), name=name, name_en=name_en
    )
    if geometry is not None:
        if geometry.is_empty or not geometry.is_valid:
            raise InvalidInput(f"area {code}: the polygon is empty or not valid")
        area.geometry = shapely.to_wkb(geometry)
        area.min_lon, area.min_lat, area.max_lon, area.max_lat = geometry.bounds
        label = geometry.representative_point()
        area.label_lon, area.label_lat = label.x, label.y
    return area


def feature_of(area: Area, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    geom = mapping(shapely.from_wkb(area.geometry)) if area.geometry else None
    props = {
        "code": area.code,
        "name": area.name,
        "name_en": area.name_en,
        "level": Level(area.level).label,
        "parent": area.parent_code,
    }
    props.update(extra or {})
    return {"type": "Feature", "id": area.code, "geometry": geom, "properties": props}


def export_areas(
    session: Session, level: Level | None = None, within: str | None = None
) -> dict[str, Any]:
    """A FeatureCollection of the areas at ``level`` (all if None), under area ``within``."""
    stmt = select(Area).order_by(Area.code)
    if level is not None:
        stmt = stmt.where(Area.level == int(level))
    if within is not None and level_of(within) is not Level.CITY:
        stmt = stmt.where(Area.code.startswith(within))
    return {
        "type": "FeatureCollection",
        "features": [feature_of(a) for a in session.scalars(stmt)],
    }


def _features(collection: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    if collection.get("type") != "FeatureCollection" or not isinstance(
        collection.get("features"), list
    ):
        raise InvalidInput("expected a GeoJSON FeatureCollection with a 'features' list")
    yield from enumerate(collection["features"])


def import_areas(session: Session, collection: Mapping[str, Any]) -> int:
    """Insert or update the areas of a FeatureCollection; all or nothing. Returns the count.

    Each feature needs ``properties.code`` and ``properties.name``; the parent of each area
    must exist already or come in the same collection (parents are imported first).
    """
    rows: list[Area] = []
    for i, feature in _features(collection):
        props = feature.get("properties") or {}
        code, name = props.get("code"), props.get("name")
        if not code or not name:
            raise InvalidInput(f"feature {i}: properties 'code' and 'name' are required")
        try:
            geom = shape(feature["geometry"]) if feature.get("geometry") else None
        except (KeyError, TypeError, ValueError, shapely.errors.GEOSException) as e:
            raise InvalidInput(
                f"feature {i} ({code}): geometry is not valid GeoJSON: {e}"
            ) from None
        try:
            rows.append(area_from_geometry(str(code), str(name), geom, props.get("name_en")))
        except InvalidInput as e:
            raise InvalidInput(f"feature {i}: {e.message}") from None
    rows.sort(key=lambda a: (a.level, a.code))
    known = set(session.scalars(select(Area.code)))
    for area in rows:
        if area.parent_code is not None and area.parent_code not in known:
            raise InvalidInput(
                f"area {area.code}: its parent {area.parent_code} is neither in the database "
                "nor earlier in the file"
            )
        known.add(area.code)
        session.merge(area)
    session.flush()
    invalidate(session)
    return len(rows)


def add_areas(session: Session, areas: Iterable[Area]) -> int:
    """Bulk-insert freshly built areas (the synthetic city generator's path)."""
    batch = list(areas)
    session.add_all(batch)
    session.flush()
    invalidate(session)
    return len(batch)
