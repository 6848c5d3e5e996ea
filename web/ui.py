"""Template helpers shared by every page: dates in the city's time zone, the navigation for
the user's role, URLs that keep the list's filters, deadline colours."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.identity.roles import Role
from web.i18n import text

# (endpoint, label, roles that see it); None = everyone, () = any logged-in user
NAV: tuple[tuple[str, Any, tuple[Role, ...] | None], ...] = (
    ("portal.home", _l("Services"), None),
    ("portal.report", _l("Report a problem"), (Role.CITIZEN,)),
    ("portal.applications", _l("My applications"), (Role.CITIZEN,)),
    ("portal.reports", _l("My reports"), (Role.CITIZEN,)),
    ("portal.profile", _l("My profile"), (Role.CITIZEN,)),
    ("console.inbox", _l("Inbox"), (Role.GRID_WORKER, Role.COMMANDER, Role.HANDLER)),
    ("console.report", _l("Report an event"), (Role.GRID_WORKER, Role.COMMANDER)),
    ("console.events", _l("Events"), (Role.GRID_WORKER, Role.COMMANDER, Role.HANDLER, Role.ADMIN)),
    ("console.applications", _l("Applications"), (Role.CLERK, Role.HANDLER, Role.ADMIN)),
    ("map.index", _l("Map"), (Role.COMMANDER, Role.GRID_WORKER, Role.ADMIN, Role.HANDLER)),
    ("map.dashboard", _l("Dashboard"), (Role.COMMANDER, Role.ADMIN, Role.CLERK)),
    ("admin.index", _l("Administration"), (Role.ADMIN,)),
)

ROLE_LABELS: dict[Role, Any] = {
    Role.CITIZEN: _l("Citizen"),
    Role.GRID_WORKER: _l("Grid worker"),
    Role.COMMANDER: _l("Commander"),
    Role.HANDLER: _l("Department handler"),
    Role.CLERK: _l("Service clerk"),
    Role.ADMIN: _l("Administrator"),
}

BOX_LABELS: dict[str, Any] = {
    "to_register": _l("To register"), "to_dispatch": _l("To dispatch"),
    "to_verify": _l("To verify"), "overdue": _l("Overdue"), "whistles": _l("Whistles"),
    "escalations": _l("Escalations"), "escalated": _l("Escalations"),
    "mine": _l("My events"), "my_events": _l("My events"), "reported": _l("My events"),
    "to_handle": _l("To handle"), "my_tasks": _l("My tasks"), "tasks": _l("My tasks"),
    "to_accept": _l("To accept"), "handling": _l("Being handled"),
    "returned": _l("Returned"), "extensions": _l("Extensions to approve"),
    "to_approve": _l("To approve"), "to_close": _l("To close"), "backlog": _l("Backlog"),
    "rework": _l("Rework"),
}

# the applications desk's boxes (services.inbox, web/console/desk.py) and its full list
APP_BOX_LABELS: dict[str, Any] = {
    "to_accept": _l("To accept"), "supplements_answered": _l("Supplements answered"),
    "to_review": _l("To review"), "to_decide": _l("To decide"), "to_deliver": _l("To deliver"),
    "overdue": _l("Overdue"), "followups": _l("Bad ratings to answer"),
    "all": _l("All applications"),
}

SERVICE_STEPS: dict[str, Any] = {
    "start": _l("Started"), "save": _l("Answers saved"), "attach": _l("Document added"),
    "reuse": _l("Certificate reused"), "attach_material": _l("Document added"),
    "reuse_certificate": _l("Certificate reused"),
    "preview": _l("Certificate previewed"), "preview_evidence": _l("Certificate previewed"),
    "evidence.preview": _l("Certificate previewed"),
    # the lifecycle actions as things that happened (the API's labels are commands: "Accept")
    "submit": _l("Application sent"), "withdraw": _l("Application withdrawn"),
    "accept": _l("Application accepted"), "refuse": _l("Application refused"),
    "request_supplement": _l("Supplement asked for"), "answer_supplement": _l("Supplement sent"),
    "start_review": _l("Review started"), "approve": _l("Application approved"),
    "reject": _l("Application rejected"), "deliver": _l("Result sent to the applicant"),
    "rate": _l("Service rated"), "answer_followup": _l("Bad rating answered"),
}

# how an event came in (grid's intake channels)
CHANNELS: dict[str, Any] = {
    "app": _l("grid app"), "web": _l("website"), "wechat": _l("WeChat"),
    "alipay": _l("Alipay"), "hotline": _l("12345 hotline"), "patrol": _l("patrol"),
    "camera": _l("camera"), "counter": _l("service counter"), "linkage": _l("linkage"),
    "import": _l("import"), "open311": _l("Open311"), "other": _l("other"),
}
_CHANNEL_NOTE = re.compile(r"^channel (\w+)$")


def event_note(note: str | None) -> str:
    """A timeline note in the UI's language where the grid wrote a code (``channel app``)."""
    if not note:
        return ""
    m = _CHANNEL_NOTE.match(note.strip())
    if m:
        name = CHANNELS.get(m.group(1))
        return str(_l("Channel: %(name)s", name=str(name) if name else m.group(1)))
    return note

DEADLINE_CLASSES = {"green": "ok", "yellow": "warn", "red": "late", "grey": "done", None: "none"}


def nav_items() -> list[tuple[str, Any, bool]]:
    """``(url, label, active)`` for the links this user may follow."""
    out = []
    for endpoint, label, roles in NAV:
        if roles is not None:
            if not current_user.is_authenticated:
                continue
            if roles and not current_user.actor.has_role(*roles):
                continue
        if endpoint == "portal.home" and current_user.is_authenticated and \
                current_user.actor.role.is_staff:
            continue
        if endpoint == "console.applications" and not _has_desk(current_user.actor):
            continue
        out.append((url_for(endpoint), label, request.endpoint == endpoint))
    return out


def _has_desk(who: Any) -> bool:
    """Handlers see the applications desk only if their department handles applications."""
    if who.has_role(Role.CLERK, Role.ADMIN):
        return True
    from plugins.services import api as services
    from web.database import db

    return services.serves_applications(db(), who)


def may(endpoint: str) -> bool:
    """Whether the current user's role may open ``endpoint`` (the access matrix), so pages
    link only to what will not refuse them. Area scope is checked by the view itself."""
    from web.access import MATRIX

    allowed = MATRIX.get(endpoint)
    if allowed is None:
        return endpoint in MATRIX
    if not isinstance(allowed, frozenset) or not current_user.is_authenticated:
        return False  # the public APIs take keys, not logins
    return not allowed or current_user.actor.has_role(*allowed)


def url_with(**changes: Any) -> str:
    """This page's URL with some query arguments changed (paging, sorting)."""
    args = request.args.to_dict(flat=True)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint or "portal.home", **(request.view_args or {}), **args)


def when(value: dt.datetime | dt.date | str | None, fmt: str = "short") -> str:
    """A date or time in the city's time zone and the page's language."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return format_datetime(value, fmt)
    return format_date(value, fmt)


def filesize(n: int | None) -> str:
    """A file's size for people: bytes, KB or MB with one decimal."""
    n = int(n or 0)
    if n < 1024:
        return str(_l("%(n)s bytes", n=n))
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def role_label(role: str | None) -> str:
    """A role in the page's language (``clerk`` → 窗口人员); the system's own jobs too."""
    try:
        return str(ROLE_LABELS[Role(role)])
    except (KeyError, ValueError):
        return str(_l("System"))


def deadline_class(colour: str | None) -> str:
    return "deadline-" + DEADLINE_CLASSES.get(colour, "none")


def box_labels() -> dict[str, Any]:
    return BOX_LABELS


def app_box_labels() -> dict[str, Any]:
    return APP_BOX_LABELS


def service_step(action: str) -> str:
    """The label of a step in an application's timeline."""
    from plugins.services import api as services

    if action in SERVICE_STEPS:
        return str(SERVICE_STEPS[action])
    spec = services.ACTIONS.get(action)  # an action a plugin added later
    if spec:
        return text(spec.get("label"))
    return action.replace("_", " ")


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(nav_items=nav_items, url_with=url_with, Role=Role, may=may,
                                 box_labels=box_labels,
                                 app_box_labels=app_box_labels, service_step=service_step)
    app.jinja_env.filters.update(when=when, deadline_class=deadline_class,
                                 event_note=event_note, filesize=filesize,
                                 role_label=role_label)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
