"""Logging in and out, who is asking, and the ``requires`` decorator every view wears.

Flask-Login keeps the account id in the signed session cookie; each request turns it back into
an ``Actor`` through ``core.identity.accounts.load_actor`` (so a deactivated account is out at
once). Sessions last 8 hours at most and end after 30 idle minutes. The login POST is
rate-limited per address and username (Flask-Limiter) on top of core's account lockout.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from werkzeug.wrappers import Response

from core.errors import PermissionDenied
from core.identity.accounts import load_actor
from core.identity.roles import Actor, Role
from web.access import public
from web.database import db, platform, reading
from web.forms import LoginForm
from web.i18n import safe_next

F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint("auth", __name__)


class User(UserMixin):
    """The logged-in account, as Flask-Login wants it; ``actor`` is what the APIs take."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor

    def get_id(self) -> str:
        return str(self.actor.account_id)

    @property
    def role(self) -> Role:
        return self.actor.role

    @property
    def username(self) -> str:
        return self.actor.username


def actor() -> Actor:
    """The Actor of the logged-in user (views behind ``requires`` only)."""
    return current_user.actor


def requires(*roles: Role) -> Callable[[F], F]:
    """Let in logged-in users with one of ``roles`` (any logged-in user if none are given).

    Anonymous visitors go to the login page; others get the 403 page. The roles are kept on
    the view (``view.roles``) so ``web.access`` can check them against the access matrix.
    """
    allowed = frozenset(roles)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app_login().unauthorized()
            if allowed and not current_user.actor.has_role(*allowed):
                abort(403)
            return view(*args, **kwargs)

        wrapper.roles = allowed  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def current_app_login() -> LoginManager:
    from flask import current_app

    return current_app.login_manager  # type: ignore[attr-defined]


def landing(who: Actor) -> str:
    """Where a user starts after logging in: citizens the portal, admins the admin pages,
    clerks the applications desk; a handler of a service department with no grid events
    waiting the desk too (straight there, not through the inbox's redirect); others the
    inbox."""
    if who.role is Role.CITIZEN:
        return url_for("portal.home")
    if who.role is Role.ADMIN:
        return url_for("admin.index")
    if who.role is Role.CLERK:
        return url_for("console.applications")
    if who.role is Role.HANDLER and _desk_work_only(who):
        return url_for("console.applications")
    return url_for("console.inbox")


def _desk_work_only(who: Actor) -> bool:
    """A handler whose department serves applications and who has no grid events waiting."""
    from plugins.grid import api as grid
    from plugins.services import api as services

    if not services.serves_applications(db(), who):
        return False
    return not any(page.total for page in grid.inbox(db(), who, per_page=1).values())


def _rate_key() -> str:
    name = (request.form.get("username") or "").strip().lower()
    return f"{get_remote_address()}|{name}"


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> str | Response:
    """The login form; on success go to ``next`` or the user's own start page."""
    form = LoginForm()
    if current_user.is_authenticated and request.method == "GET":
        return redirect(landing(current_user.actor))
    if form.validate_on_submit():
        try:
            who = platform().hook.identity_authenticate(
                session=db(), username=form.username.data.strip(), password=form.password.data
            )
        except PermissionDenied:
            who = None
            form.form_errors.append(_("Too many failed logins. Try again in 15 minutes."))
        if who is not None:
            lang = session.get("lang")
            session.clear()  # a fresh session: no fixation across the login
            if lang:
                session["lang"] = lang
            login_user(User(who))
            session.permanent = True
            session["seen"] = int(time.time())
            return redirect(safe_next(request.args.get("next"), landing(who)))
        if not form.form_errors:
            form.form_errors.append(_("The username or password is not right. Check both."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@requires()
def logout() -> Response:
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


def _load_user(user_id: str) -> User | None:
    try:
        found = load_actor(reading(), int(user_id))
    except ValueError:
        return None
    return User(found) if found else None


def _idle_expiry() -> None:
    """End a session idle for longer than ``SESSION_IDLE_MINUTES``."""
    from flask import current_app

    if (not session  # no login cookie (API clients): nothing to expire, no user to load
            or request.endpoint in ("static", "assets.leaflet")
            or not current_user.is_authenticated):
        return
    now = int(time.time())
    seen = session.get("seen", 0)
    if now - seen > current_app.config["SESSION_IDLE_MINUTES"] * 60:
        logout_user()
        session.clear()
        g.session_expired = True
        flash(_("Your session has expired. Please log in again."), "info")
        return
    if now - seen >= 60:  # to the minute: the cookie is not re-signed on every request
        session["seen"] = now


def signed_in() -> Any:
    """The header's "who is logged in": the account's display name, role and unit (as the
    timelines name people), not the login; ``None`` when nobody is."""
    if not current_user.is_authenticated:
        return None
    if "signed_in" not in g:
        from web.console.people import Someone, lookup

        who = current_user.actor
        g.signed_in = lookup(reading(), [who.username]).get(who.username) or Someone(
            who.username, who.username, str(who.role), "")
    return g.signed_in


def init_app(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to see this page.")
    manager.login_message_category = "info"
    manager.user_loader(_load_user)
    app.before_request(_idle_expiry)
    app.context_processor(lambda: {"signed_in": signed_in})
    app.register_blueprint(bp)
    limiter = Limiter(get_remote_address, app=app, default_limits=[])
    app.extensions["jinzhi_limiter"] = limiter
    # it guards the login form only; the APIs count each caller against its own key's limit
    # (web/api/credentials.py), so every other request skips Flask-Limiter's checks
    limiter.request_filter(lambda: request.endpoint != "auth.login")
    view = limiter.limit(
        lambda: app.config["LOGIN_RATE_LIMIT"], key_func=_rate_key, methods=["POST"]
    )(app.view_functions["auth.login"])
    # and per address, whatever the username (password spraying)
    app.view_functions["auth.login"] = limiter.limit(
        lambda: app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"], methods=["POST"]
    )(view)
