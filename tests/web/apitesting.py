"""Fixtures shared by the public API tests (tests/web/api, tests/web/open311): the app,
channel keys, tokens, and a live server on loopback."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.serving import make_server

from core.identity import apikeys
from core.identity.models import Account, Person
from core.platform import Platform
from web import create_app

PASSWORD = "jinzhi-demo"
CITY = "120000"
CHANNEL_SCOPES = ["applications:read", "applications:write", "areas:read", "catalog:read",
                  "events:read", "events:write", "persons:act-for", "profiles:read",
                  "statistics:read"]


@pytest.fixture
def api_app(platform: Platform) -> Flask:
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                       "RATELIMIT_ENABLED": False}, platform=platform)


@pytest.fixture
def api(api_app: Flask) -> FlaskClient:
    return api_app.test_client()


@pytest.fixture
def make_key(platform: Platform) -> Callable[..., str]:
    """``make_key(scopes=..., area=..., **kw)``: a channel key's secret."""

    def _make(scopes: list[str] | None = None, area: str = CITY, name: str = "channel",
              **kw: Any) -> str:
        with platform.session() as s:
            _, secret = apikeys.issue(s, name, scopes or CHANNEL_SCOPES, area,
                                      now=platform.now(), created_by="test", **kw)
        return secret

    return _make


@pytest.fixture
def key_headers(make_key: Callable[..., str]) -> dict[str, str]:
    return {"X-API-Key": make_key()}


@pytest.fixture
def token_for(api: FlaskClient) -> Callable[[str], dict[str, str]]:
    """``token_for(username)``: Authorization headers with a fresh bearer token."""

    def _token(username: str) -> dict[str, str]:
        r = api.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
        assert r.status_code == 201, r.get_json()
        return {"Authorization": f"Bearer {r.get_json()['token']}"}

    return _token


class LiveServer:
    """The app served over real HTTP on 127.0.0.1 (one request at a time: the test platform's
    single connection is shared with the test, which waits for each answer)."""

    def __init__(self, app: Flask) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=False)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(5)
        self.server.server_close()


@pytest.fixture
def live_server(api_app: Flask) -> Iterator[LiveServer]:
    with LiveServer(api_app) as server:
        yield server


@pytest.fixture
def citizen_number(platform: Platform) -> str:
    """citizen1's resident identity number (what a channel sends as Jinzhi-On-Behalf-Of)."""
    with platform.session() as s:
        return s.scalar(select(Person.id_number).join(Account, Account.person_id == Person.id)
                        .where(Account.username == "citizen1"))
