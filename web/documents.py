"""An application's uploaded document, sent back to someone who may see the application (the
applicant in the portal, the desk's staff in the console)."""

from __future__ import annotations

from flask import send_file
from werkzeug.wrappers import Response

from plugins.services import api as services
from web.auth import actor
from web.database import db


def send_document(app_id: int, material_id: int) -> Response:
    """The file inline under its uploaded name; 404 when not yours to see."""
    found = services.material_file(db(), actor(), app_id, material_id)
    response = send_file(found.path, mimetype=found.content_type, conditional=True,
                         download_name=found.filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"  # personal documents
    return response
