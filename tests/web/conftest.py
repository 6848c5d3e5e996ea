"""Fixtures for the web UI: ``app`` on the test platform (all writes roll back), ``client``,
and ``login(client, username)``. CSRF protection stays on: helpers read the token from the
page like a browser would."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from core.platform import Platform
from web import create_app

PASSWORD = "jinzhi-demo"
_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                    r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session", autouse=True)
def _sqlite_savepoints(seeded_engine: Engine) -> None:
    """Make the shared ``platform`` fixture's rollback real on SQLite.

    pysqlite does not emit BEGIN for the outer transaction, so the fixture's RELEASE SAVEPOINT
    commits for good (SQLAlchemy's "Serializable isolation / Savepoints" recipe fixes it).
    Applied only when the engine does not already begin transactions itself.
    """
    if seeded_engine.dialect.name != "sqlite":
        return
    with seeded_engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
        if conn.connection.dbapi_connection.in_transaction:
            return

    @event.listens_for(seeded_engine, "connect")
    def _no_implicit(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None

    @event.listens_for(seeded_engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN")

    seeded_engine.dispose()


@pytest.fixture
def app(platform: Platform) -> Flask:
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                       "RATELIMIT_ENABLED": False}, platform=platform)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


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


@pytest.fixture
def login() -> Callable[[FlaskClient, str], Any]:
    """``login(client, username)``: log in through the form; asserts it worked."""

    def _login(client: FlaskClient, username: str) -> Any:
        r = do_login(client, username)
        assert r.status_code == 302, f"login as {username} failed: {r.status_code}"
        return r

    return _login
