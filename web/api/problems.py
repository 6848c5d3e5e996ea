"""Errors as RFC 9457 problem details (``application/problem+json``) that say what to fix.

``type`` is a stable URI per kind of problem (``/api/v1/problems/<code>``), ``title`` its
summary, ``detail`` this occurrence, ``errors`` maps each bad field to how to fix it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

from core.errors import JinzhiError

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: ("bad-request", "The request is malformed"),
    401: ("unauthenticated", "Credentials are missing or not valid"),
    403: ("forbidden", "Your credentials do not allow this"),
    404: ("not-found", "No such resource, or it is outside your area"),
    405: ("method-not-allowed", "This method is not allowed here"),
    406: ("not-acceptable", "The requested representation is not available"),
    409: ("conflict", "The request conflicts with the resource's current state"),
    412: ("precondition-failed", "The resource changed since you read it"),
    413: ("too-large", "The request body is too large"),
    415: ("unsupported-media-type", "Send the body as application/json"),
    422: ("invalid-input", "Some input is missing or not valid"),
    428: ("precondition-required", "Send If-Match with the version you read"),
    429: ("rate-limited", "Too many requests with this key"),
    500: ("server-error", "Something went wrong on our side"),
}


class ApiProblem(Exception):
    """Raise to answer with a problem; ``errors`` maps a field to how to fix it."""

    def __init__(
        self, status: int, detail: str, *, errors: Mapping[str, str] | None = None,
        code: str | None = None, headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.code = status, detail, code
        self.errors = dict(errors or {})
        self.headers = dict(headers or {})


def problem_type(code: str) -> str:
    return f"{request.host_url.rstrip('/')}/api/v1/problems/{code}"


def problem(
    status: int, detail: str, *, errors: Mapping[str, str] | None = None,
    code: str | None = None, headers: Mapping[str, str] | None = None,
) -> Response:
    default_code, title = TITLES.get(status, TITLES[400 if status < 500 else 500])
    body: dict[str, Any] = {
        "type": problem_type(code or default_code), "title": title, "status": status,
        "detail": detail, "instance": request.path,
    }
    if errors:
        body["errors"] = {str(k): str(v) for k, v in errors.items()}
    response = Response(json.dumps(body, ensure_ascii=False), status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_jinzhi(e: JinzhiError) -> Response:
    """Map core's errors: InvalidInput 422, NotFound 404, PermissionDenied 403, Conflict and
    InvalidTransition 409 (a stale version is a 412: see ``views``)."""
    status = e.status if e.status in (400, 403, 404, 409, 422) else 500
    if status == 500:
        return problem(500, "the server is misconfigured; the problem has been logged")
    fields = getattr(e, "fields", None)
    return problem(status, e.message, errors=fields, code=e.code)


def from_http(e: HTTPException) -> Response:
    status = e.code or 500
    headers: dict[str, str] = {}
    if status == 405 and getattr(e, "valid_methods", None):
        headers["Allow"] = ", ".join(e.valid_methods)  # type: ignore[attr-defined]
    detail = e.description or TITLES.get(status, TITLES[400])[1]
    if status == 429:
        detail = f"rate limit exceeded ({e.description}); wait before trying again"
    return problem(status, detail, headers=headers)
