"""The citizen portal (津心办 in the browser): the catalog and its guides, applying one step
per page, my applications, reporting a problem, my reports and my profile."""

from flask import Blueprint

bp = Blueprint("portal", __name__)

from web.portal import applying, catalog, mine, reports  # noqa: E402, F401  - registers the routes
