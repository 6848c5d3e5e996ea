"""The map page, its JSON (areas, figures, pins) and the dashboard with its SVG charts.

Scope: a viewer starts at their own area and can never ask for an area outside it (404).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, abort, current_app, jsonify, render_template, request, url_for

from core.areas.codes import Level, level_of
from core.errors import InvalidInput
from core.identity.roles import Role
from plugins.grid import api as grid
from plugins.services import api as services
from web.access import DASHBOARD, MAP_VIEWERS
from web.auth import actor, requires
from web.database import db, platform
from web.i18n import localized, text
from web.map import bp, charts, geo
from web.map.places import names as place_names

FIGURES = ("events", "overdue", "on_time_close_rate")
PINS_LISTED = 50  # open events listed under a street's, community's or grid's map


def _cache() -> geo.AreaCache:
    return current_app.extensions.setdefault("jinzhi_area_cache", geo.AreaCache())


def _area(code: str | None) -> str:
    """The requested area, or the viewer's own; 404 outside the viewer's scope."""
    who = actor()
    code = code or who.scope_code or ""
    try:
        level_of(code)
    except InvalidInput:
        abort(404)
    if not who.sees(code) or geo.area_info(db(), code) is None:
        abort(404)
    return code


@bp.get("/")
@requires(*MAP_VIEWERS)
def index() -> str:
    code = _area(request.args.get("area"))
    figure = request.args.get("figure", "events")
    if figure not in FIGURES:
        figure = "events"
    areas = geo.children(db(), _cache(), code)["features"]
    figures = _figures(code)
    pins_level = level_of(code) >= Level.STREET
    # the pins as a list too: keyboard and screen-reader users cannot click a pin
    pinned = grid.list_events(db(), actor(), area=code, open_only=True, per_page=PINS_LISTED,
                              count=False).items if pins_level else ()
    return render_template(
        "map/index.html", code=code, figure=figure, figures=figures, areas=areas,
        crumbs=geo.trail(db(), code, actor().scope_code or code),
        level=level_of(code), pins_level=pins_level, pinned=pinned,
        places=place_names(db(), [e.grid_code for e in pinned]),
        tile_url=current_app.config["MAP_TILE_URL"],
        tile_attribution=current_app.config["MAP_TILE_ATTRIBUTION"],
    )


@bp.get("/areas.json")
@requires(*MAP_VIEWERS)
def areas() -> Response:
    """The children of ``area`` (simplified polygons) and the area's own outline."""
    code = _area(request.args.get("area"))
    return _json({
        "area": geo.outline(db(), _cache(), code),
        "children": geo.children(db(), _cache(), code),
        "child_level": Level(level_of(code) + 1).label if level_of(code) < Level.GRID else None,
    })


@bp.get("/figures.json")
@requires(*MAP_VIEWERS)
def figures() -> Response:
    """Per child area of ``area``: events, overdue and on-time close rate."""
    code = _area(request.args.get("area"))
    return _json({"area": code, "figures": _figures(code)})


@bp.get("/pins.json")
@requires(*MAP_VIEWERS)
def pins() -> Response:
    """Open events in ``area`` with a position, as points linking to their pages."""
    code = _area(request.args.get("area"))
    if level_of(code) < Level.STREET:
        return _json({"type": "FeatureCollection", "features": []})
    result = grid.list_events(db(), actor(), area=code, open_only=True, per_page=500,
                              count=False)
    features = [
        {"type": "Feature", "id": e.id,
         "geometry": {"type": "Point", "coordinates": [e.lon, e.lat]},
         "properties": {"title": f"{e.ref} {text(e.item_name)}", "status": text(e.status_label),
                        "colour": e.deadline_colour,
                        "url": url_for("console.event", event_id=e.id)}}
        for e in result.items if e.lon is not None and e.lat is not None
    ]
    return _json({"type": "FeatureCollection", "features": features})


@bp.get("/dashboard")
@requires(*DASHBOARD)
def dashboard() -> str:
    """Figures for the period and charts of them over time (SVG drawn on the server)."""
    who = actor()
    code = _area(request.args.get("area"))
    days = _days()
    end = platform().now()
    start = end - dt.timedelta(days=days)
    event_stats = service_stats = None
    if who.has_role(Role.COMMANDER, Role.ADMIN):
        event_stats = grid.statistics(db(), who, area_code=code, start=start, end=end)
    if who.has_role(Role.CLERK, Role.ADMIN):
        service_stats = services.statistics(db(), who, start=start, end=end)["totals"]
    drawn = []
    for name in charts.CHARTS:
        series = charts.series_for(name, db(), who, code, days)
        if series is not None:
            drawn.append((name, charts.layout(series)))
    return render_template(
        "map/dashboard.html", code=code, days=days, event_stats=event_stats,
        service_stats=service_stats, area=geo.area_info(db(), code), charts=drawn,
    )


@bp.get("/chart/<name>.svg")
@requires(*DASHBOARD)
def chart(name: str) -> Response:
    """A server-rendered SVG chart of a statistic over time (no JavaScript needed)."""
    who = actor()
    code = _area(request.args.get("area"))
    series = charts.series_for(name, db(), who, code, _days())
    if series is None:
        abort(404)
    svg = render_template("map/_chart.svg", chart=charts.layout(series))
    return Response(svg, mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=60"})


def _figures(code: str) -> dict[str, dict[str, Any]]:
    """Figures per child area (rates as percentages), keyed by area code."""
    if level_of(code) is Level.GRID:
        return {}
    out = {}
    for row in grid.area_figures(db(), actor(), code):
        rate = row.get("on_time_close_rate")
        out[row["code"]] = {**row, "on_time_close_rate": None if rate is None
                            else round(100 * rate, 1)}
    return out


def _days() -> int:
    try:
        return max(7, min(int(request.args.get("days", 30)), 366))
    except ValueError:
        return 30


def _json(data: Any) -> Response:
    response = jsonify(data)
    response.headers["Cache-Control"] = "private, max-age=30"
    return response


def area_label(feature: dict[str, Any]) -> str:
    return localized(feature["properties"])
