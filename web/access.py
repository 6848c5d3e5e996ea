"""The access matrix: for every endpoint, who may use it. One place, checked three ways:

* each view's ``requires(...)``/``public`` must say exactly what the matrix says (checked when
  the app is built, so a view added without an entry stops the app from starting);
* ``tests/web/test_access_matrix.py`` requests every endpoint as every demo role;
* area scope is enforced below the matrix by the plugin APIs, which raise ``NotFound`` for an
  id outside the actor's area (the page is a 404, not a 403, so ids cannot be probed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask

from core.identity.roles import Role

PUBLIC = None  # anyone, logged in or not
LOGGED_IN: frozenset[Role] = frozenset()  # any logged-in user
CITIZEN = frozenset({Role.CITIZEN})
WORKER = Role.GRID_WORKER
COMMANDER = Role.COMMANDER
HANDLER = Role.HANDLER
CLERK = Role.CLERK
ADMIN = Role.ADMIN
EVENT_STAFF = frozenset({WORKER, COMMANDER, HANDLER, ADMIN})
REPORTERS = frozenset({WORKER, COMMANDER})
INBOX = frozenset({WORKER, COMMANDER, HANDLER})
# the applications desk: handlers only of a service department (web/console/desk.py)
DESK = frozenset({CLERK, HANDLER, ADMIN})
MAP_VIEWERS = frozenset({WORKER, COMMANDER, HANDLER, ADMIN})
DASHBOARD = frozenset({COMMANDER, CLERK, ADMIN})
ADMINS = frozenset({ADMIN})



@dataclass(frozen=True)
class ApiAccess:
    """An endpoint of the public APIs (``web/api``, ``web/open311``). Callers are API keys and
    tokens with a scope, not logged-in roles (``scope`` None: anyone; the view checks the
    rest): ``tests/web/api`` walks these endpoints with every kind of credential."""

    scope: str | None


MATRIX: dict[str, frozenset[Role] | ApiAccess | None] = {
    "static": PUBLIC,
    "assets.leaflet": PUBLIC,
    "i18n.set_language": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": LOGGED_IN,
    # citizen portal
    "portal.home": PUBLIC,
    "portal.catalog": PUBLIC,
    "portal.item": PUBLIC,
    "portal.store": PUBLIC,
    "portal.apply": CITIZEN,
    "portal.step": CITIZEN,
    "portal.reuse": CITIZEN,
    "portal.check": CITIZEN,
    "portal.submitted": CITIZEN,
    "portal.applications": CITIZEN,
    "portal.application": CITIZEN,
    "portal.application_document": CITIZEN,
    "portal.act": CITIZEN,
    "portal.report": CITIZEN,
    "portal.reports": CITIZEN,
    "portal.report_detail": CITIZEN,
    "portal.profile": CITIZEN,
    # staff console
    "console.inbox": INBOX,
    "console.report": REPORTERS,
    "console.events": EVENT_STAFF,
    "console.events_export": EVENT_STAFF,
    "console.event": EVENT_STAFF,
    "console.event_act": EVENT_STAFF,
    "console.photo": EVENT_STAFF | CITIZEN,
    "console.applications": DESK,
    "console.applications_export": DESK,
    "console.application": DESK,
    "console.application_act": DESK,
    "console.application_document": DESK,
    # the one map
    "map.index": MAP_VIEWERS,
    "map.areas": MAP_VIEWERS,
    "map.figures": MAP_VIEWERS,
    "map.pins": MAP_VIEWERS,
    "map.dashboard": DASHBOARD,
    "map.chart": DASHBOARD,
    # administration
    "admin.index": ADMINS,
    "admin.taxonomy": ADMINS,
    "admin.routes": ADMINS,
    "admin.catalog": ADMINS,
    "admin.accounts": ADMINS,
    "admin.plugins": ADMINS,
    # the public APIs (web/api, web/open311): API keys and tokens with a scope, not roles
    "api.index": ApiAccess(None),
    "api.openapi_json": ApiAccess(None),
    "api.reference": ApiAccess(None),
    "api.not_found": ApiAccess(None),
    "api.list_areas": ApiAccess("areas:read"),
    "api.get_area": ApiAccess("areas:read"),
    "api.area_children": ApiAccess("areas:read"),
    "api.list_event_items": ApiAccess(None),
    "api.get_event_item": ApiAccess(None),
    "api.event_actions": ApiAccess(None),
    "api.report_event": ApiAccess("events:write"),
    "api.list_events": ApiAccess("events:read"),
    "api.get_event": ApiAccess("events:read"),
    "api.act_on_event": ApiAccess("events:write"),
    "api.event_timeline": ApiAccess("events:read"),
    "api.add_photos": ApiAccess("events:write"),
    "api.get_photo": ApiAccess("events:read"),
    "api.list_catalog_items": ApiAccess(None),
    "api.get_catalog_item": ApiAccess(None),
    "api.start_application": ApiAccess("applications:write"),
    "api.list_applications": ApiAccess("applications:read"),
    "api.get_application": ApiAccess("applications:read"),
    "api.save_answers": ApiAccess("applications:write"),
    "api.submit_application": ApiAccess("applications:write"),
    "api.act_on_application": ApiAccess("applications:write"),
    "api.application_timeline": ApiAccess("applications:read"),
    "api.list_materials": ApiAccess("applications:read"),
    "api.upload_material": ApiAccess("applications:write"),
    "api.reuse_material": ApiAccess("applications:write"),
    "api.material_content": ApiAccess("applications:read"),
    "api.my_profile": ApiAccess("profiles:read"),
    "api.get_profile": ApiAccess("profiles:read"),
    "api.event_figures": ApiAccess("statistics:read"),
    "api.area_figures": ApiAccess("statistics:read"),
    "api.application_figures": ApiAccess("statistics:read"),
    "api.create_token": ApiAccess(None),
    "api.revoke_token": ApiAccess(None),
    "api.list_keys": ApiAccess("keys:admin"),
    "api.create_key": ApiAccess("keys:admin"),
    "api.revoke_key": ApiAccess("keys:admin"),
    "api.key_uses": ApiAccess("keys:admin"),
    "open311.discovery": ApiAccess(None),
    "open311.service_list": ApiAccess(None),
    "open311.service_definition": ApiAccess(None),
    "open311.get_requests": ApiAccess(None),
    "open311.post_request": ApiAccess(None),
    "open311.get_request": ApiAccess(None),
    "open311.get_token": ApiAccess(None),
    "open311.not_found": ApiAccess(None),
}

F = TypeVar("F", bound=Callable[..., Any])


def public(view: F) -> F:
    """Mark a view as open to everyone (the matrix must say ``PUBLIC`` too)."""
    view.roles = None  # type: ignore[attr-defined]
    return view


_NO_DECORATOR = {"static"}  # Flask's own static route carries no ``roles``


def problems(app: Flask) -> list[str]:
    """Endpoints missing from the matrix or whose decorator disagrees with it."""
    out = []
    for endpoint, view in app.view_functions.items():
        if endpoint not in MATRIX:
            out.append(f"{endpoint}: not in web/access.py MATRIX")
            continue
        if endpoint in _NO_DECORATOR:
            continue
        if not hasattr(view, "roles"):
            out.append(f"{endpoint}: the view has neither @requires(...) nor @public")
        elif view.roles != MATRIX[endpoint]:
            out.append(f"{endpoint}: the view allows {view.roles}, the matrix {MATRIX[endpoint]}")
    out.extend(f"{e}: in the matrix but no such endpoint"
               for e in MATRIX if e not in app.view_functions)
    return out


def init_app(app: Flask) -> None:
    found = problems(app)
    if found:
        raise RuntimeError("access matrix out of step:\n  " + "\n  ".join(found))
