"""Rate limits shared between app instances (gunicorn workers) through Redis, per process
with memory://, and the startup warning when gunicorn runs several workers on memory://."""

from __future__ import annotations

import logging
import os
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask

from core.platform import Platform
from web import create_app
from web.api import ratelimit

REDIS_URL = os.environ.get("JINZHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
URL = "/api/v1/catalog/items?per_page=1"


def _app(platform: Platform, storage: str) -> Flask:
    return create_app({"TESTING": True, "SECRET_KEY": "t", "RATELIMIT_ENABLED": True,
                       "RATELIMIT_STORAGE_URI": storage, "API_RATE_LIMIT": "3 per minute"},
                      platform=platform)


@pytest.fixture
def redis_url(platform: Platform) -> str:
    try:
        import redis
    except ImportError:
        pytest.skip("the redis client is not installed (pip install 'jinzhi[redis]')")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as e:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {e}")
    return REDIS_URL


def _counters(url: str, key_id: int) -> list[bytes]:
    import redis

    return list(redis.Redis.from_url(url).scan_iter(match=f"*jinzhi-api/key:{key_id}/*"))


def _forget(url: str, key_id: int) -> None:
    """Drop this key's counters (ids repeat between runs: each test rolls its rows back)."""
    import redis

    for name in _counters(url, key_id):
        redis.Redis.from_url(url).delete(name)


def _key(platform: Platform, make_key: Any) -> tuple[str, int]:
    from core.identity import apikeys

    secret = make_key(["catalog:read"], name="shared")
    with platform.session() as s:
        return secret, apikeys.find(s, secret).id


def test_the_limit_holds_across_two_apps_sharing_redis(platform, make_key, redis_url):
    secret, key_id = _key(platform, make_key)
    _forget(redis_url, key_id)
    first, second = (_app(platform, redis_url).test_client() for _ in range(2))
    headers = {"X-API-Key": secret}
    statuses = [c.get(URL, headers=headers).status_code
                for c in (first, second, first, second)]
    assert statuses == [200, 200, 200, 429]  # 3 per minute in all, not 3 per worker
    refused = second.get(URL, headers=headers)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert _counters(redis_url, key_id)  # the counts are in Redis, not in either process
    _forget(redis_url, key_id)


def test_memory_counts_per_app(platform, make_key):
    """Why production needs a shared storage: each process counts on its own."""
    secret, _ = _key(platform, make_key)
    first, second = (_app(platform, "memory://").test_client() for _ in range(2))
    headers = {"X-API-Key": secret}
    assert [first.get(URL, headers=headers).status_code for _ in range(4)] == \
        [200, 200, 200, 429]
    assert second.get(URL, headers=headers).status_code == 200


def _load_as_gunicorn(platform: Platform, workers: int, storage: str) -> Flask:
    self = SimpleNamespace(cfg=SimpleNamespace(workers=workers))  # noqa: F841 - gunicorn's
    return _app(platform, storage)


@pytest.mark.parametrize(("workers", "storage", "warned"), [
    (2, "memory://", True), (1, "memory://", False), (4, REDIS_URL, False)])
def test_warning_under_gunicorn_with_several_workers(platform, monkeypatch, caplog, workers,
                                                     storage, warned):
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    with caplog.at_level(logging.WARNING, logger="web.api.ratelimit"):
        _load_as_gunicorn(platform, workers, storage)
    found = [r.getMessage() for r in caplog.records if r.name == "web.api.ratelimit"]
    assert bool(found) is warned
    if warned:
        assert "2 gunicorn workers" in found[0] and "JINZHI_RATELIMIT_STORAGE_URI" in found[0]


def test_no_warning_outside_gunicorn(monkeypatch):
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    assert ratelimit.gunicorn_workers() is None


def test_the_storage_comes_from_the_environment(platform, monkeypatch):
    monkeypatch.setenv("JINZHI_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/3")
    app = create_app({"TESTING": True, "SECRET_KEY": "t"}, platform=platform)
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    monkeypatch.delenv("JINZHI_RATELIMIT_STORAGE_URI")
    app = create_app({"TESTING": True, "SECRET_KEY": "t"}, platform=platform)
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_a_dead_storage_counts_per_process_instead_of_failing(platform, make_key, caplog):
    """Redis down (nothing listens on port 1): requests are still answered and limited, by
    this process's own count, and the log says so — never a 500."""
    pytest.importorskip("redis")
    secret, _ = _key(platform, make_key)
    client = _app(platform, "redis://127.0.0.1:1/0").test_client()
    headers = {"X-API-Key": secret}
    with caplog.at_level(logging.WARNING):
        statuses = [client.get(URL, headers=headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert any("counting per process" in r.getMessage() for r in caplog.records)
