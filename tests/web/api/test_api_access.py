"""Every API endpoint of the access matrix (``ApiAccess`` entries) against every kind of
caller: anonymous, a key without the scope, a key with it, and tokens of each demo role.

* scoped endpoints: anonymous → 401; a key lacking the scope → 403; never a 5xx;
* a token is refused (403) exactly where the role's scopes lack the endpoint's scope;
* open endpoints never answer 401/403 to anyone without credentials;
* the login cookie works too, but unsafe methods need the CSRF header.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from webclient import csrf_token, do_login

from core.identity.roles import Role
from web.access import MATRIX, ApiAccess
from web.api.credentials import ROLE_SCOPES

SAMPLES = {"code": "120101", "event_id": 1, "app_id": 1, "key_id": 1, "action": "register",
           "kind": "place", "key": "120101", "rest": "nothing", "request_id": "1",
           "token": "x", "fmt": "json", "name": "0123456789abcdef.jpg", "material_id": 1}
ROLES = {"citizen1": Role.CITIZEN, "worker.g1": Role.GRID_WORKER,
         "commander.d1": Role.COMMANDER, "clerk.d1": Role.CLERK, "admin": Role.ADMIN}
ENDPOINTS = sorted(e for e, rule in MATRIX.items() if isinstance(rule, ApiAccess))


def _requests(app: Flask) -> list[tuple[str, str, str | None]]:
    out = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if rule.endpoint not in ENDPOINTS:
                continue
            url = url_for(rule.endpoint, **{a: SAMPLES[a] for a in rule.arguments})
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                out.append((method, url, MATRIX[rule.endpoint].scope))  # type: ignore[union-attr]
    return out


def _call(client: Any, method: str, url: str, headers: dict[str, str]) -> Any:
    return client.open(url, method=method, headers=headers, json={})


def test_every_api_endpoint_is_listed(api_app):
    found = {e for e in api_app.view_functions if e.startswith(("api.", "open311."))}
    assert found == set(ENDPOINTS)


def test_anonymous_and_scopeless_keys(api_app, make_key):
    client = api_app.test_client()
    nothing = {"X-API-Key": make_key(["catalog:read"], name="narrow")}
    wrong = []
    for method, url, scope in _requests(api_app):
        anonymous = _call(client, method, url, {})
        narrow = _call(client, method, url, nothing)
        for who, r in (("anonymous", anonymous), ("narrow key", narrow)):
            if r.status_code >= 500:
                wrong.append(f"{method} {url} as {who}: {r.status_code}")
        if scope is not None and scope != "catalog:read":
            if anonymous.status_code != 401:
                wrong.append(f"{method} {url} anonymous: {anonymous.status_code}, not 401")
            if narrow.status_code != 403:
                wrong.append(f"{method} {url} without {scope}: {narrow.status_code}, not 403")
        if scope is None and anonymous.status_code in (401, 403) and "tokens" not in url:
            wrong.append(f"{method} {url} is open but refused anonymous: "
                         f"{anonymous.status_code}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("username", sorted(ROLES))
def test_tokens_follow_the_role_scopes(api_app, token_for, username):
    client = api_app.test_client()
    headers = token_for(username)
    allowed = ROLE_SCOPES[ROLES[username]]
    wrong = []
    for method, url, scope in _requests(api_app):
        if url.endswith("/tokens/current"):
            continue  # would log this token out for the rest of the walk
        r = _call(client, method, url, headers)
        if r.status_code >= 500:
            wrong.append(f"{method} {url}: {r.status_code}")
        elif scope is not None and scope not in allowed and r.status_code != 403:
            wrong.append(f"{method} {url} ({scope}) as {username}: {r.status_code}, not 403")
        elif scope in allowed and r.status_code == 401:
            wrong.append(f"{method} {url} ({scope}) as {username}: 401")
    assert not wrong, "\n".join(wrong)


def test_the_login_cookie_works_with_csrf(api_app):
    client = api_app.test_client()
    assert do_login(client, "citizen1").status_code == 302
    r = client.get("/api/v1/applications")
    assert r.status_code == 200
    body = {"item_code": "civil.residence-certificate"}
    r = client.post("/api/v1/applications", json=body)
    assert r.status_code == 403 and "X-CSRFToken" in r.get_json()["detail"]
    token = csrf_token(client, "/")
    r = client.post("/api/v1/applications", json=body, headers={"X-CSRFToken": token})
    assert r.status_code == 201
