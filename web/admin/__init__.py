"""Administration: taxonomy, routing table, catalog, accounts and plugins (admins only)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from web.admin import routing, views  # noqa: E402, F401  - registers the routes
