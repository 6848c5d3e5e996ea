"""Areas of the four-level grid: list, read (with the boundary as GeoJSON), children as a
GeoJSON FeatureCollection."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import func, select

from core.areas.codes import Level, level_of
from core.areas.geojson import feature_of
from core.areas.models import Area as AreaRow
from web.api import api
from web.api.credentials import current
from web.api.models import AreaCode, PageQuery, Text, make_page, page_of
from web.api.problems import ApiProblem
from web.database import db

LEVELS = tuple(level.label for level in Level)


class Area(BaseModel):
    """An area: the city, a district, a street/town, a community or a grid."""

    code: str = Field(description="6 digits (city, district), 9 (street), 12 (community), 15 "
                                  "(grid); an area's ancestors are its prefixes")
    name: str
    name_en: str | None
    level: Literal["city", "district", "street", "community", "grid"]
    parent: str | None
    label_point: list[float] | None = Field(description="[lon, lat] for a label")
    bbox: list[float] | None = Field(description="[min lon, min lat, max lon, max lat]")


class AreaDetail(Area):
    geometry: dict[str, Any] | None = Field(description="the boundary, a GeoJSON geometry")
    children: int = Field(description="how many areas lie directly inside")


class Feature(BaseModel):
    type: Literal["Feature"]
    id: str
    geometry: dict[str, Any] | None
    properties: dict[str, Any]


class FeatureCollection(BaseModel):
    """GeoJSON (RFC 7946): one Feature per area, properties code/name/name_en/level/parent."""

    type: Literal["FeatureCollection"]
    features: list[Feature]


class AreaQuery(PageQuery):
    parent: AreaCode | None = Field(None, description="only the children of this area")
    level: Literal["city", "district", "street", "community", "grid"] | None = None
    q: Text | None = Field(None, max_length=100, description="words in the name")
    sort: Literal["code", "-code", "name", "-name"] = "code"


def _area(row: AreaRow) -> Area:
    bbox = None if row.min_lon is None else [row.min_lon, row.min_lat, row.max_lon, row.max_lat]
    label = None if row.label_lon is None else [row.label_lon, row.label_lat]
    return Area(code=row.code, name=row.name, name_en=row.name_en,
                level=Level(row.level).label, parent=row.parent_code, label_point=label,
                bbox=bbox)  # type: ignore[arg-type]


def _visible(code: str) -> AreaRow:
    """The area if it exists and lies within the caller's area limit, else 404."""
    try:
        level_of(code)
    except Exception:
        raise ApiProblem(404, f"{code!r} is not an area code") from None
    row = db().get(AreaRow, code)
    if row is None or not current().within(code):
        raise ApiProblem(404, f"there is no area {code} within your area limit")
    return row


def _limit(stmt: Any) -> Any:
    limit = current().area_code
    if limit is None or level_of(limit) is Level.CITY:
        return stmt
    return stmt.where(AreaRow.code.startswith(limit))


_SORTS = {"code": AreaRow.code, "-code": AreaRow.code.desc(), "name": AreaRow.name,
          "-name": AreaRow.name.desc()}


@api.route("/areas", summary="List areas", tag="areas", scope="areas:read", query=AreaQuery,
           response=page_of(Area), paged=True)
def list_areas(query: AreaQuery) -> Any:
    """Areas within your area limit, filtered by parent, level or name; sorted by code or name."""
    stmt = _limit(select(AreaRow))
    if query.parent:
        stmt = stmt.where(AreaRow.parent_code == query.parent)
    if query.level:
        stmt = stmt.where(AreaRow.level == int(Level[query.level.upper()]))
    if query.q:
        stmt = stmt.where(AreaRow.name.contains(query.q) | AreaRow.name_en.contains(query.q))
    total = db().scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db().scalars(stmt.order_by(_SORTS[query.sort], AreaRow.code)
                        .limit(query.per_page).offset((query.page - 1) * query.per_page))
    return make_page(Area, [_area(r) for r in rows], total, query.page, query.per_page)


@api.route("/areas/<code>", summary="Read an area with its boundary", tag="areas",
           scope="areas:read", response=AreaDetail)
def get_area(code: str) -> AreaDetail:
    """One area, its boundary as a GeoJSON geometry and how many areas it contains."""
    row = _visible(code)
    children = db().scalar(select(func.count()).where(AreaRow.parent_code == code)) or 0
    geometry = feature_of(row)["geometry"]
    return AreaDetail(**_area(row).model_dump(), geometry=geometry, children=children)


@api.route("/areas/<code>/children.geojson", summary="The areas inside an area, as GeoJSON",
           tag="areas", scope="areas:read", response=FeatureCollection,
           media_type="application/geo+json")
def area_children(code: str) -> FeatureCollection:
    """A GeoJSON FeatureCollection of the areas directly inside ``code`` (for a map)."""
    _visible(code)
    rows = db().scalars(select(AreaRow).where(AreaRow.parent_code == code)
                        .order_by(AreaRow.code))
    return FeatureCollection(type="FeatureCollection",
                             features=[Feature(**feature_of(r)) for r in rows])
