"""Test helpers that act like a browser: read the CSRF token from a page, post forms, log in."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

PASSWORD = "jinzhi-demo"
_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                    r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str = "/login") -> str:
    """The CSRF token of the form at ``url`` (the session cookie ties it to the client)."""
    html = client.get(url).get_data(as_text=True)
    m = _TOKEN.search(html)
    assert m, f"no CSRF token on {url}"
    return m.group(1) or m.group(2)


def post(client: FlaskClient, url: str, data: dict[str, Any] | None = None,
         token_from: str | None = None, **kwargs: Any) -> Any:
    """POST a form with a valid CSRF token taken from ``token_from`` (default: ``url``)."""
    form = dict(data or {})
    form["csrf_token"] = csrf_token(client, token_from or url)
    return client.post(url, data=form, **kwargs)


def do_login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    return post(client, "/login", {"username": username, "password": password})


def logout(client: FlaskClient) -> Any:
    return client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
