"""The one map's data: child areas with simplified polygons, within the viewer's area only."""

from __future__ import annotations

from sqlalchemy import select

from core.areas.models import Area


def _codes(platform, level: int, under: str = "") -> list[str]:
    with platform.session() as s:
        return list(s.scalars(select(Area.code).where(
            Area.level == level, Area.code.startswith(under)).order_by(Area.code)))


def test_city_commander_sees_districts(client, login, platform):
    login(client, "commander.city")
    data = client.get("/map/areas.json").get_json()
    assert data["child_level"] == "district"
    codes = [f["id"] for f in data["children"]["features"]]
    assert codes == _codes(platform, 1)
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon")
               for f in data["children"]["features"])


def test_drill_down_to_a_grid(client, login, platform):
    login(client, "commander.city")
    district = _codes(platform, 1)[0]
    street = _codes(platform, 2, district)[0]
    community = _codes(platform, 3, street)[0]
    for parent, level in ((district, "street"), (street, "community"), (community, "grid")):
        data = client.get(f"/map/areas.json?area={parent}").get_json()
        assert data["child_level"] == level
        assert all(f["id"].startswith(parent) for f in data["children"]["features"])
    grid = _codes(platform, 4, community)[0]
    leaf = client.get(f"/map/areas.json?area={grid}").get_json()
    assert leaf["child_level"] is None and leaf["area"]["id"] == grid


def test_area_outside_scope_is_404(client, login, platform):
    login(client, "commander.d1")
    other = _codes(platform, 1)[1]
    assert client.get(f"/map/areas.json?area={other}").status_code == 404
    assert client.get(f"/map/?area={other}").status_code == 404
    assert client.get("/map/areas.json?area=not-a-code").status_code == 404


def test_worker_starts_at_own_grid(client, login):
    login(client, "worker.g1")
    data = client.get("/map/areas.json").get_json()
    assert data["child_level"] is None


def test_map_page_has_drill_down_links_and_breadcrumbs(client, login, platform):
    login(client, "commander.city")
    district = _codes(platform, 1)[0]
    html = client.get(f"/map/?area={district}").get_data(as_text=True)
    assert 'class="crumbs"' in html and 'aria-current="page"' in html
    street = _codes(platform, 2, district)[0]
    assert f"/map/?area={street}" in html
    assert "/vendor/leaflet/leaflet.js" in html


def test_dashboard_close_rate_says_what_it_is_divided_by(client, login):
    login(client, "commander.city")
    html = client.get("/map/dashboard").get_data(as_text=True)
    assert "结案率（应结案）" in html and "应结案数" in html
    client.get("/lang/en")
    html = client.get("/map/dashboard").get_data(as_text=True)
    assert "Close rate (of events due)" in html and "due to be closed" in html
