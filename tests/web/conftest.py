"""Fixtures for the web UI: ``app`` on the test platform (all writes roll back), ``client``,
and ``login(client, username)``. CSRF protection stays on: helpers read the token from the
page like a browser would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from webclient import do_login

from core.platform import Platform
from web import create_app


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


@pytest.fixture
def login() -> Callable[[FlaskClient, str], Any]:
    """``login(client, username)``: log in through the form; asserts it worked."""

    def _login(client: FlaskClient, username: str) -> Any:
        r = do_login(client, username)
        assert r.status_code == 302, f"login as {username} failed: {r.status_code}"
        return r

    return _login
