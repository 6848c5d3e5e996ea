"""Fixtures for the web UI: ``app`` on the test platform (all writes roll back), ``client``,
and ``login(client, username)``. CSRF protection stays on: helpers read the token from the
page like a browser would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from webclient import do_login

from core.platform import Platform
from web import create_app


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
