"""Open311 GeoReport v2 at ``/open311/v2``: discovery, services (event items and the service
items that make sense without documents), requests (post, search, read) and tokens, in XML and
JSON, with ``jurisdiction_id`` and ``api_key`` as the spec says and its error format.

A request becomes a grid event (channel ``open311``) or a submitted application like any
other; its status (open/closed), ``status_notes`` and ``expected_datetime`` follow the real
workflow. Spec: http://wiki.open311.org/GeoReport_v2.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, Response, request
from werkzeug.exceptions import HTTPException

from core.errors import JinzhiError
from web.access import ApiAccess
from web.api import AnyPath
from web.database import rollback
from web.open311.formats import errors

log = logging.getLogger(__name__)

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")


@bp.record_once
def _converters(state: object) -> None:
    state.app.url_map.converters["anypath"] = AnyPath  # type: ignore[attr-defined]

DEFAULTS = {
    "OPEN311_JURISDICTION": "tianjin.gov.cn",
    "OPEN311_CONTACT": "Jinzhi Open311 desk, open311@tianjin.gov.cn",
    "OPEN311_MAX_REQUESTS": 1000,  # the most a search returns (the spec suggests a cap)
    "OPEN311_SEARCH_DAYS": 90,  # default and widest date range of a search
}


class Open311Error(Exception):
    """An error in the spec's format: ``[{code, description}]`` with that HTTP status."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


def fmt() -> str:
    """The format asked for by the URL's extension (XML when unclear: the spec's default)."""
    view_args = request.view_args or {}
    found = view_args.get("fmt") or request.path.rsplit(".", 1)[-1]
    return found if found in ("xml", "json") else "xml"


@bp.errorhandler(Open311Error)
def _open311_error(e: Open311Error) -> Response:
    rollback()
    return errors(fmt(), e.status, e.description)


@bp.errorhandler(JinzhiError)
def _jinzhi_error(e: JinzhiError) -> Response:
    rollback()
    status = e.status if e.status in (400, 403, 404, 409, 422) else 500
    message = e.message
    fields = getattr(e, "fields", None)
    if fields:
        message += " — " + "; ".join(f"{k}: {v}" for k, v in fields.items())
    return errors(fmt(), 400 if status == 422 else status, message)


@bp.errorhandler(HTTPException)
def _http_error(e: HTTPException) -> Response:
    rollback()
    return errors(fmt(), e.code or 500, e.description or "error")


@bp.errorhandler(Exception)
def _server_error(e: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.path, exc_info=e)
    rollback()
    return errors(fmt(), 500, "something went wrong on our side; it has been logged")


@bp.record_once
def _setup(state: object) -> None:
    app: Flask = state.app  # type: ignore[attr-defined]
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    app.extensions["csrf"].exempt(bp)  # api_key, not cookies


def _not_found(rest: str = "") -> Response:
    return errors(fmt(), 404, f"there is no {request.path}; start at /open311/v2/discovery.xml")


_not_found.roles = ApiAccess(None)  # type: ignore[attr-defined]
bp.add_url_rule("/<anypath:rest>", "not_found", _not_found,
                methods=["GET", "POST", "PUT", "PATCH", "DELETE"])

from web.open311 import views  # noqa: E402  - registers the routes

__all__ = ["Open311Error", "bp", "views"]
