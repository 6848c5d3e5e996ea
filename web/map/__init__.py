"""The one map (社会治理一张图): areas drawn from their polygons and coloured by a figure,
drill-down from the city to a grid, event pins, and the dashboards with their charts."""

from flask import Blueprint

bp = Blueprint("map", __name__, url_prefix="/map")

from web.map import views  # noqa: E402, F401  - registers the routes
