"""The access matrix holds: every endpoint × every demo role gets what ``web/access.py`` says.

* not allowed → 403 (anonymous: redirect to the login page);
* allowed → the page (200/302/…), or 404 where the record lies outside the user's area —
  ids cannot be probed across districts;
* every endpoint of the app is in the matrix (a new view without an entry fails here).
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from webclient import actor_of, csrf_token, do_login

from core.areas.models import Area
from core.identity.models import Account
from core.identity.roles import Role
from plugins.grid import api as grid
from plugins.services import api as services
from web.access import MATRIX, PUBLIC, ApiAccess, problems

USERS = ["anonymous", "admin", "commander.city", "commander.d1", "commander.s1",
         "commander.c1", "worker.g1", "worker.g2", "clerk.d1", "handler", "handler.d1.gas",
         "citizen1"]
# Users for whom the sample records (in grid g1 of district 1) are outside their area; the
# sample application goes to the street's service centre, not to the handler's department.
OUT_OF_SCOPE = {
    "event": {"worker.g2", "handler", "handler.d1.gas"},
    "application": {"handler"},
}
APPLICATION_ENDPOINTS = {"console.application", "console.application_act",
                         "console.application_document"}
# the applications desk: a handler of a department without service items has none
DESK_ENDPOINTS = {"console.applications", "console.applications_export", *APPLICATION_ENDPOINTS}
NO_DESK = {"handler.d1.gas"}
EVENT_ENDPOINTS = {"console.event", "console.event_act", "console.photo", "portal.report_detail"}


@pytest.fixture
def samples(platform: Any) -> dict[str, Any]:
    """An application by citizen1 and an event reported by citizen1 in grid g1."""
    with platform.session() as s:
        citizen = actor_of(s, "citizen1")
        app = services.start_application(s, citizen, "civil.residence-certificate")
        worker = actor_of(s, "worker.g1")
        item = next(i for i in grid.items(s))
        area = s.get(Area, worker.scope_code)
        event = grid.report(s, citizen, item_code=item.code, description="路灯不亮了",
                            lon=area.label_lon, lat=area.label_lat)
        handler = s.scalar(select(Account.username).where(
            Account.role == Role.HANDLER.value, Account.username.like("handler.d1.%"))
            .order_by(Account.username))
        store = next(iter(services.storefronts(s)), None)
    return {"app_id": app.id, "event_id": event.id, "item": "civil.residence-certificate",
            "store": store.code if store else "none", "handler": handler}


def _url(app: Flask, endpoint: str, samples: dict[str, Any]) -> tuple[str, list[str]]:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values: dict[str, Any] = {}
    for arg in rule.arguments:
        values[arg] = {
            "event_id": samples["event_id"], "app_id": samples["app_id"], "n": 1,
            "material_id": 1,
            "fmt": "csv", "filename": "leaflet.js",
            "name": "applications" if endpoint == "map.chart" else "photo.jpg",
            "code": {"portal.store": samples["store"], "i18n.set_language": "en"}.get(
                endpoint, samples["item"]),
        }[arg]
    with app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **values)
    methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    return url, methods


def _expected(endpoint: str, user: str, method: str) -> set[int]:
    allowed = MATRIX[endpoint]
    if allowed is PUBLIC:
        return {200, 302, 404}  # 404: e.g. a flagship store that the demo city lacks
    if user == "anonymous":
        return {302}
    role = {"handler": Role.HANDLER}.get(user) or _ROLES[user]
    if allowed and role not in allowed:
        return {403}
    if endpoint in DESK_ENDPOINTS and user in NO_DESK:
        return {403}
    scoped = (endpoint in EVENT_ENDPOINTS and user in OUT_OF_SCOPE["event"]) or (
        endpoint in APPLICATION_ENDPOINTS and user in OUT_OF_SCOPE["application"])
    if scoped:
        return {404}
    if method == "POST":  # a bare POST: refused as incomplete, never as forbidden
        return {200, 302, 400, 404, 409, 422}
    # a photo that does not exist; a chart of the other domain (services vs grid)
    # (and a document the sample application does not have)
    return {200, 302, 404} if endpoint in ("console.photo", "map.chart",
                                           "console.application_document",
                                           "portal.application_document") else {200, 302}


# The UI's endpoints (the public APIs take keys and tokens: tests/web/api walks those).
UI = [e for e, v in MATRIX.items() if not isinstance(v, ApiAccess) and e != "static"]

_ROLES = {"admin": Role.ADMIN, "commander.city": Role.COMMANDER, "commander.d1": Role.COMMANDER,
          "commander.s1": Role.COMMANDER, "commander.c1": Role.COMMANDER,
          "worker.g1": Role.GRID_WORKER, "worker.g2": Role.GRID_WORKER, "clerk.d1": Role.CLERK,
          "handler.d1.gas": Role.HANDLER, "citizen1": Role.CITIZEN}


def test_every_endpoint_is_in_the_matrix(app: Flask) -> None:
    assert problems(app) == []
    assert set(app.view_functions) == set(MATRIX)


@pytest.mark.parametrize("user", USERS)
def test_access_matrix(app: Flask, samples: dict[str, Any], user: str) -> None:
    client = app.test_client()
    username = samples["handler"] if user == "handler" else user
    if user != "anonymous":
        assert do_login(client, username).status_code == 302
    token = csrf_token(client, "/login" if user == "anonymous" else "/")
    wrong = []
    # logging out last, so the rest is requested as the logged-in user
    for endpoint in sorted(UI, key=lambda e: (e == "auth.logout", e)):
        url, methods = _url(app, endpoint, samples)
        for method in methods:
            expected = _expected(endpoint, user, method)
            data = {"csrf_token": token}
            r = client.get(url) if method == "GET" else client.post(url, data=data)
            status = r.status_code
            if status == 302 and user != "anonymous" and "/login" in r.headers["Location"] \
                    and endpoint != "auth.logout":
                status = 401  # sent to log in although logged in: never right
            if status not in expected or (user == "anonymous" and expected == {302}
                                          and "/login" not in r.headers.get("Location", "")):
                wrong.append(f"{method} {url} ({endpoint}) as {user}: {status}, "
                             f"expected {sorted(expected)}")
    assert not wrong, "\n".join(wrong)


def test_matrix_size(app: Flask) -> None:
    """How many endpoint × role cells the matrix test checks (reported in the docs)."""
    assert len(UI) * len(USERS) >= 400
