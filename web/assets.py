"""Static assets that come from installed packages, never from a CDN: Leaflet is the PyPI
package ``xstatic-leaflet``, served from its package folder."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, send_from_directory

from web.access import public

bp = Blueprint("assets", __name__)


def leaflet_dir() -> str:
    import xstatic.pkg.leaflet as leaflet

    return str(leaflet.BASE_DIR)


@bp.get("/vendor/leaflet/<path:filename>")
@public
def leaflet(filename: str) -> Response:
    return send_from_directory(leaflet_dir(), filename, max_age=7 * 24 * 3600)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
