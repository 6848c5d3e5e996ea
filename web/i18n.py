"""Languages: Chinese by default, English on request (Flask-Babel).

Message ids are English; ``web/translations/zh/LC_MESSAGES/messages.po`` holds the Chinese and
its compiled ``messages.mo`` is committed next to it (a test checks that the ``.mo`` is up to
date and that every message has a translation). After editing strings run
``pybabel extract -F web/babel.cfg -o web/translations/messages.pot web`` then
``pybabel update -i web/translations/messages.pot -d web/translations`` and
``pybabel compile -d web/translations``.

The choice is made by a link (``/lang/en``) that sets a cookie; a logged-out visitor with no
cookie gets Chinese whatever the browser asks for, as the city's portal does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, g, has_request_context, redirect, request
from flask_babel import Babel, get_locale
from werkzeug.wrappers import Response

from web.access import public

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT = "zh"
COOKIE = "jinzhi_lang"

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    lang = request.cookies.get(COOKIE) if request else None
    return lang if lang in LANGUAGES else DEFAULT


def current() -> str:
    """The language of this request: ``"zh"`` or ``"en"`` (worked out once per request)."""
    if has_request_context():
        lang = g.get("lang")
        if lang is None:
            lang = g.lang = str(get_locale() or DEFAULT)[:2]
        return lang
    return str(get_locale() or DEFAULT)[:2]


def html_lang() -> str:
    return "zh-CN" if current() == "zh" else "en"


def localized(record: Any, field: str = "name") -> str:
    """The text of ``record.<field>`` in the page's language.

    Understands both shapes the plugins use: ``{"zh": …, "en": …}`` values (a record that is
    itself such a mapping, or whose field is) and ``<field>`` / ``<field>_en`` pairs.
    """
    lang = current()
    if isinstance(record, Mapping) and ("zh" in record or "en" in record) and field == "name" \
            and "name" not in record:
        return str(record.get(lang) or record.get("zh") or record.get("en") or "")
    get = record.get if isinstance(record, Mapping) else lambda k, d=None: getattr(record, k, d)
    value = get(field, None)
    if isinstance(value, Mapping):
        return str(value.get(lang) or value.get("zh") or value.get("en") or "")
    if lang == "en":
        english = get(f"{field}_en", None)
        if english:
            return str(english)
    if value is None:
        value = get(f"{field}_zh", None)
    return "" if value is None else str(value)


def text(value: Any) -> str:
    """A ``{"zh": …, "en": …}`` value (or plain text) in the page's language."""
    if isinstance(value, Mapping):
        return str(value.get(current()) or value.get("zh") or value.get("en") or "")
    return "" if value is None else str(value)


def safe_next(target: str | None, default: str = "/") -> str:
    """A same-site path to go back to, never another host (open-redirect guard)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@bp.get("/lang/<code>")
@public
def set_language(code: str) -> Response:
    """Switch the language and go back where the visitor was."""
    response = redirect(safe_next(request.args.get("next")))
    if code in LANGUAGES:
        response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.extensions["jinzhi"].config.timezone)
    Babel(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES, current_language=current, html_lang=html_lang
    )
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.filters["text"] = text
