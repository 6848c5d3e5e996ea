"""Fixtures for the REST API tests (they live in ``tests/web/apitesting.py``)."""

from apitesting import (  # noqa: F401
    api,
    api_app,
    citizen_number,
    key_headers,
    live_server,
    make_key,
    token_for,
)
