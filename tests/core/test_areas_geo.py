"""Locating points in the seeded city, and GeoJSON export/import of areas."""

import pytest
import shapely
from sqlalchemy import func, select

from core.areas.codes import Level
from core.areas.geojson import export_areas, import_areas
from core.areas.locate import locator_for
from core.areas.models import Area
from core.errors import InvalidInput, NotFound


def _a_grid(session):
    return session.scalars(select(Area).where(Area.level == int(Level.GRID))
                           .order_by(Area.code)).first()


def test_a_point_is_located_to_its_grid_and_every_ancestor(session):
    grid = _a_grid(session)
    loc = locator_for(session).locate(grid.label_lon, grid.label_lat)
    assert loc.grid == grid.code
    assert (loc.community, loc.street, loc.district, loc.city) == (
        grid.code[:12], grid.code[:9], grid.code[:6], "120000")


def test_bulk_location_agrees_with_one_at_a_time(session):
    grids = session.scalars(select(Area).where(Area.level == int(Level.GRID))).all()
    lons = [g.label_lon for g in grids] + [10.0]
    lats = [g.label_lat for g in grids] + [10.0]
    codes = locator_for(session).locate_many(lons, lats)
    assert list(codes[:-1]) == [g.code for g in grids]
    assert codes[-1] is None


@pytest.mark.parametrize(("lon", "lat", "message"), [
    (100.0, 20.0, "outside the city"),
    (500.0, 20.0, "not valid WGS84"),
])
def test_points_outside_the_city_are_clear_errors(session, lon, lat, message):
    with pytest.raises(InvalidInput, match=message):
        locator_for(session).locate(lon, lat)


def test_grid_codes_are_checked(session):
    loc = locator_for(session)
    assert loc.grid(_a_grid(session).code).grid == _a_grid(session).code
    with pytest.raises(NotFound, match="no grid 120199001001001"):
        loc.grid("120199001001001")
    with pytest.raises(InvalidInput, match="not a grid"):
        loc.grid("120101")


def test_geojson_export_then_import_round_trips(session):
    fc = export_areas(session, Level.COMMUNITY, within="120101")
    assert fc["type"] == "FeatureCollection" and fc["features"]
    assert all(f["properties"]["code"].startswith("120101") for f in fc["features"])
    first = fc["features"][0]
    first["properties"]["name"] = "改名社区"
    assert import_areas(session, {"type": "FeatureCollection", "features": [first]}) == 1
    assert session.get(Area, first["properties"]["code"]).name == "改名社区"


def test_import_adds_a_new_area_under_an_existing_parent(session):
    grid = _a_grid(session)
    parent = session.get(Area, grid.code[:12])
    new_code = grid.code[:12] + "999"
    square = shapely.box(parent.min_lon, parent.min_lat, parent.min_lon + 1e-4,
                         parent.min_lat + 1e-4)
    feature = {"type": "Feature", "geometry": shapely.geometry.mapping(square),
               "properties": {"code": new_code, "name": "新网格"}}
    before = session.scalar(select(func.count()).select_from(Area))
    import_areas(session, {"type": "FeatureCollection", "features": [feature]})
    assert session.scalar(select(func.count()).select_from(Area)) == before + 1


@pytest.mark.parametrize(("collection", "message"), [
    ({"type": "Feature"}, "FeatureCollection"),
    ({"type": "FeatureCollection", "features": [{"properties": {"code": "120101"}}]},
     "'code' and 'name' are required"),
    ({"type": "FeatureCollection", "features": [
        {"properties": {"code": "120199001", "name": "孤儿街道"}, "geometry": None}]},
     "parent 120199"),
    ({"type": "FeatureCollection", "features": [
        {"properties": {"code": "12x", "name": "坏"}, "geometry": None}]}, "digits"),
])
def test_bad_geojson_is_refused_and_nothing_changes(session, collection, message):
    before = session.scalar(select(func.count()).select_from(Area))
    with pytest.raises(InvalidInput, match=message):
        import_areas(session, collection)
    assert session.scalar(select(func.count()).select_from(Area)) == before
