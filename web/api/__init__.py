"""The public REST API, ``/api/v1``: areas, event items, events, catalog items, applications
(with their materials), profiles, statistics, tokens and keys — for third-party channels
(Alipay and WeChat mini-programs) and staff tools.

Every operation is declared once (``web.api.spec``): its route, scope and pydantic schemas make
both the view and the OpenAPI 3.1 document at ``/api/v1/openapi.json`` (browsable at
``/api/v1/docs``). Credentials and scopes: ``web.api.credentials``. Errors are RFC 9457
problem details (``web.api.problems``); writes to versioned records need ``If-Match``.
"""

from __future__ import annotations

import functools
import logging

from flask import Blueprint, Flask, Response, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map, PathConverter, Rule

from core.errors import JinzhiError
from web.access import ApiAccess
from web.api import credentials, ratelimit, runtime, spec
from web.api.problems import ApiProblem, from_http, from_jinzhi, problem
from web.database import rollback

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix="/api/v1", template_folder="templates")


class AnyPath(PathConverter):
    """Like ``path`` but also across line breaks: every unknown path gets a problem."""

    regex = r"[^/][\s\S]*?"


@bp.record_once
def _converters(state: object) -> None:
    state.app.url_map.converters["anypath"] = AnyPath  # type: ignore[attr-defined]


def _mark(op: spec.Operation, view: object) -> None:
    view.roles = ApiAccess(op.scope)  # type: ignore[attr-defined]  # see web/access.py


api = spec.Registry(bp, runtime.run, decorate_view=_mark)

DEFAULTS = {
    "API_RATE_LIMIT": "600 per minute",  # per key, token or address, unless the key says
    "API_TOKEN_HOURS": 8,
    "API_TOKEN_RATE_LIMIT": "10 per minute",  # POST /tokens, per address and username
}


@bp.errorhandler(ApiProblem)
def _api_problem(e: ApiProblem) -> Response:
    rollback()
    return problem(e.status, e.detail, errors=e.errors, code=e.code, headers=e.headers)


@bp.errorhandler(JinzhiError)
def _jinzhi_error(e: JinzhiError) -> Response:
    rollback()
    if e.status >= 500:
        log.error("configuration error on %s: %s", request.path, e.message)
    return from_jinzhi(e)


@bp.errorhandler(HTTPException)
def _http_error(e: HTTPException) -> Response:
    rollback()
    return from_http(e)


@bp.errorhandler(Exception)
def _server_error(e: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.path, exc_info=e)
    rollback()
    return problem(500, "something went wrong on our side; the problem has been logged")


@functools.cache
def _known_rules() -> Map:
    return Map([Rule(f"{bp.url_prefix}{op.rule}", endpoint=op.endpoint, methods=[op.method])
                for op in api.operations])


def not_found(rest: str = "") -> Response:
    """Any other path or method under the prefix: a 404 or 405 problem, never an HTML page."""
    try:
        _known_rules().bind("").match(request.path, request.method)
    except MethodNotAllowed as e:
        return from_http(e)
    except HTTPException:
        pass
    return problem(404, f"there is no {request.path}; the operations are listed at "
                        f"{bp.url_prefix}/docs")


not_found.roles = ApiAccess(None)  # type: ignore[attr-defined]
_ALL = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]
bp.add_url_rule("/<anypath:rest>", "not_found", not_found, methods=_ALL)
bp.after_request(credentials.after_request)


@bp.record_once
def _setup(state: object) -> None:
    app: Flask = state.app  # type: ignore[attr-defined]
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    app.extensions["csrf"].exempt(bp)  # keys and tokens; cookie calls check CSRF themselves
    ratelimit.warn_if_per_worker(app)


from web.api import (  # noqa: E402  - each module declares its operations on ``api``
    applications,
    areas,
    catalog,
    docs,
    eventitems,
    events,
    keys,
    materials,
    photos,
    profiles,
    statistics,
)

__all__ = ["api", "applications", "areas", "bp", "catalog", "docs", "eventitems", "events",
           "keys", "materials", "photos", "profiles", "statistics"]
