"""Fixtures for the Open311 tests (they live in ``tests/web/apitesting.py``)."""

from apitesting import (  # noqa: F401
    api,
    api_app,
    key_headers,
    live_server,
    make_key,
    token_for,
)
