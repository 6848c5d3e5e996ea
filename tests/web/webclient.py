"""Test helpers that act like a browser: read the CSRF token from a page, post forms, log in;
and the Actor of a demo account, for setting up data as that person."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

PASSWORD = "jinzhi-demo"
PDF = b"%PDF-1.4\n% a test document\n"  # a file the upload checks accept as a PDF
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


def actor_of(session: Any, username: str) -> Any:
    """The ``Actor`` of a demo account (``simulator.seed``), loaded as a login would."""
    from sqlalchemy import select

    from core.identity.accounts import load_actor
    from core.identity.models import Account

    account_id = session.scalar(select(Account.id).where(Account.username == username))
    return load_actor(session, account_id)
