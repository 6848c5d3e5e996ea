"""Errors as pages a person understands: our ``JinzhiError`` types and HTTP errors each get a
friendly page with the right status; a 500 never shows a traceback (it is logged instead)."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import IntegerConverter

from core.errors import Conflict, InvalidInput, InvalidTransition, JinzhiError
from web.database import rollback

log = logging.getLogger(__name__)


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Something in the request was not right"),
              _("Go back, check what you entered and try again.")),
        403: (_("You may not see this page"),
              _("Your account does not give access to this page. If you think it should, "
                "ask your administrator.")),
        404: (_("Page not found"),
              _("There is nothing here, or it is outside your area. Check the address or "
                "go back to your start page.")),
        405: (_("That did not work"),
              _("Use the buttons on the page rather than the address bar.")),
        409: (_("Someone else changed this first"),
              _("The record changed since you opened it, so nothing was saved. Reload the page "
                "to see what changed, then try again.")),
        413: (_("The file is too large"), _("Choose a smaller file (at most 5 MB each).")),
        422: (_("Some information is missing or wrong"), _("Go back and correct it.")),
        429: (_("Too many attempts"),
              _("Wait a minute before you try again. This protects your account.")),
        500: (_("Sorry, something went wrong on our side"),
              _("The problem has been recorded. Try again in a few minutes.")),
    }


def render_error(status: int, message: str | None = None) -> tuple[str, int]:
    title, advice = _titles().get(status, _titles()[400])
    return (
        render_template(
            "errors/error.html", status=status, title=title, advice=advice, message=message
        ),
        status,
    )


def not_now(action_label: str, status_label: str | None) -> tuple[str, int]:
    """The 409 page for a workflow action refused in the record's current state
    (``InvalidTransition``), said in the page's language — the APIs say it in English."""
    if status_label:
        message = _("%(action)s is not possible now: it is %(status)s. Reload the page to see "
                    "what can be done now.", action=action_label, status=status_label)
    else:
        message = _("%(action)s is not possible now. Reload the page to see what can be done "
                    "now.", action=action_label)
    return render_error(409, message)


def _jinzhi_error(e: JinzhiError) -> tuple[str, int]:
    rollback()
    status = e.status if e.status in (400, 403, 404, 409, 422) else 500
    if status == 500:
        log.error("configuration error on %s: %s", request.path, e.message)
        return render_error(500)
    if isinstance(e, Conflict | InvalidTransition):
        return render_error(409, e.message if isinstance(e, InvalidTransition) else None)
    if isinstance(e, InvalidInput) and e.fields:
        return render_error(422, "; ".join(f"{k}: {v}" for k, v in e.fields.items()))
    return render_error(status, e.message if status in (400, 422) else None)


def _http_error(e: HTTPException) -> tuple[str, int]:
    rollback()
    return render_error(e.code or 500)


def _csrf_error(e: CSRFError) -> tuple[str, int]:
    rollback()
    return render_error(
        400, _("The form had expired or was sent from elsewhere. Reload the page and try again.")
    )


def _data_error(e: DataError) -> tuple[str, int]:
    """A value the database cannot take (a NUL byte in a filter, on PostgreSQL): the request
    was wrong, not the server."""
    log.warning("value refused by the database on %s: %s", request.path, e.orig)
    rollback()
    return render_error(400)


def _server_error(e: Exception) -> tuple[str, int]:
    original = getattr(e, "original_exception", None) or e
    log.error("unhandled error on %s", request.path, exc_info=original)
    rollback()
    return render_error(500)


class RecordId(IntegerConverter):
    """``<id:…>`` in the UI's routes: a record id. A number beyond the databases' integer
    columns (a typo, a probe) is no such page — a 404, not an overflow in the driver and a
    500. (The public APIs answer such ids themselves, as problem+json.)"""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = RecordId  # before the blueprints add their routes
    CSRFProtect(app)
    app.register_error_handler(JinzhiError, _jinzhi_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DataError, _data_error)
    # Unhandled exceptions arrive here as InternalServerError (outside TESTING, where they
    # propagate to the test instead): a friendly page, the traceback only in the log.
    app.register_error_handler(InternalServerError, _server_error)
