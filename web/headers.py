"""Security headers on every response. The Content-Security-Policy also enforces "nothing from
a CDN": scripts, styles and fonts may only come from this server; images too, except the base
tiles when a tile server is configured."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app


def _policy() -> str:
    tiles = current_app.config.get("MAP_TILE_URL") or ""
    tile_origin = ""
    if tiles:
        parts = urlsplit(tiles.replace("{s}", "a"))
        host = parts.netloc.replace("a.", "*.", 1) if "{s}" in tiles else parts.netloc
        tile_origin = f" {parts.scheme}://{host}"
    return ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
            "style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data: blob:{tile_origin}; connect-src 'self'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'")


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", _policy())
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
