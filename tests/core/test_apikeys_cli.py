"""``jinzhi apikeys`` through click's CliRunner against the seeded database: create prints the
secret once and it works, list/revoke/usage by name or id, bad input is one line and exit 2."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core.cli import Context, build_cli
from core.identity import apikeys
from core.identity.apikeys import ApiKey
from core.identity.models import Account


@pytest.fixture
def run(platform: Any) -> Any:
    group = build_cli(platform.pm)
    obj = Context(platform.config, platform.pm)
    obj.__dict__["platform"] = platform  # the test's platform (its sessions roll back)
    runner = CliRunner()

    def _run(*args: str) -> Any:
        return runner.invoke(group, ["apikeys", *args], obj=obj)

    return _run


def _key(platform: Any, name: str) -> ApiKey:
    with platform.session() as s:
        key = s.scalar(select(ApiKey).where(ApiKey.name == name).order_by(ApiKey.id.desc()))
        s.expunge(key)
        return key


def test_create_prints_the_secret_once_and_it_works(run, platform):
    r = run("create", "wechat-mini", "--scopes", "events:read,events:write",
            "--scopes", "catalog:read", "--area", "120101", "--channel", "wechat",
            "--rate-limit", "100 per minute", "--expires", "2030-01-01T00:00:00+08:00")
    assert r.exit_code == 0, r.output
    secret = r.output.strip().splitlines()[-1]
    assert secret.startswith("jzk_") and "channel wechat" in r.output
    key = _key(platform, "wechat-mini")
    assert key.scopes == ["catalog:read", "events:read", "events:write"]
    assert (key.area_code, key.channel, key.rate_limit) == ("120101", "wechat", "100 per minute")
    assert key.expires_at == dt.datetime(2029, 12, 31, 16, tzinfo=dt.UTC)
    with platform.session() as s:
        assert apikeys.find(s, secret).id == key.id  # the printed secret is the key
    listed = run("list")
    assert listed.exit_code == 0 and "wechat-mini" in listed.output
    assert secret not in listed.output and key.prefix in listed.output


def test_revoke_by_name_or_id_and_usage(run, platform):
    assert run("create", "alipay", "--scopes", "events:read", "--area", "120000").exit_code == 0
    key = _key(platform, "alipay")
    with platform.session() as s:
        apikeys.record_use(s, s.get(ApiKey, key.id), now=platform.now(), method="GET",
                           path="/api/v1/events", status=200, person_id=7)
    r = run("usage", "alipay")
    assert r.exit_code == 0, r.output
    assert "/api/v1/events" in r.output and "for person 7" in r.output
    assert "1 use(s) in all" in r.output
    assert "+08:00" in r.output  # the city's local time
    r = run("revoke", "alipay")
    assert r.exit_code == 0 and f"revoked key {key.id}" in r.output
    assert _key(platform, "alipay").revoked_at is not None
    assert "already revoked" in run("revoke", str(key.id)).output
    assert "alipay" not in run("list").output
    assert "revoked" in run("list", "--all").output
    assert run("usage", str(key.id)).exit_code == 0  # a revoked key's log stays readable


@pytest.mark.parametrize(("args", "message"), [
    (("create", "x", "--scopes", "event:write", "--area", "120000"), "not a scope: event:write"),
    (("create", "x", "--scopes", "keys:admin", "--area", "120000"), "cannot have keys:admin"),
    (("create", "x", "--scopes", "events:read", "--area", "999999"), "there is no area"),
    (("create", "x", "--scopes", "events:read", "--area", "12"), "area_code"),
    (("create", "x", "--scopes", "events:read", "--area", "120000", "--channel", "We Chat"),
     "channel"),
    (("create", "x", "--scopes", "events:read", "--area", "120000", "--rate-limit", "lots"),
     "600 per minute"),
    (("create", "x", "--scopes", "events:read", "--area", "120000", "--expires", "tomorrow"),
     "not a date-time"),
    (("create", "x", "--scopes", "events:read", "--area", "120000", "--expires",
      "2030-01-01T00:00:00"), "time zone"),
    (("create", "x", "--scopes", "events:read", "--area", "120000", "--expires",
      "2001-01-01T00:00:00+08:00"), "in the past"),
    (("create", "x", "--area", "120000"), "Missing option '--scopes'"),
    (("revoke", "nobody"), "no channel key named 'nobody'"),
    (("revoke", "999999"), "no channel key 999999"),
    (("usage", "nobody"), "no channel key named"),
])
def test_bad_input_is_one_line_and_exit_2(run, platform, args, message):
    r = run(*args)
    assert r.exit_code == 2, r.output
    last = r.output.strip().splitlines()[-1]
    assert last.startswith("Error: ") and message in last  # one line says what to fix
    assert "Traceback" not in r.output


def test_bad_input_stores_nothing(run, platform):
    before = _count(platform)
    run("create", "x", "--scopes", "events:read,nope:nope", "--area", "120000")
    run("create", "x", "--scopes", "events:read", "--area", "999999")
    assert _count(platform) == before


def test_an_ambiguous_name_asks_for_the_id(run, platform):
    for _ in range(2):
        assert run("create", "twin", "--scopes", "events:read", "--area", "120000") \
            .exit_code == 0
    r = run("revoke", "twin")
    assert r.exit_code == 2 and "give the id instead" in r.output


def test_tokens_are_not_channel_keys(run, platform):
    with platform.session() as s:
        admin = s.scalar(select(Account.id).where(Account.username == "admin"))
        key, _ = apikeys.issue(s, "token:admin", ["events:read"], "120000",
                               now=platform.now(), created_by="admin", account_id=admin)
        key_id = key.id
    assert run("revoke", str(key_id)).exit_code == 2
    assert "token:admin" not in run("list", "--all").output


def _count(platform: Any) -> int:
    with platform.session() as s:
        return len(s.scalars(select(ApiKey.id)).all())
