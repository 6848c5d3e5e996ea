"""The staff console: inboxes for each role, event pages with their actions, lists with
filters and exports, and the service clerks' application desk."""

from flask import Blueprint

bp = Blueprint("console", __name__, url_prefix="/console")

from web.console import applications, views  # noqa: E402, F401  - registers the routes
