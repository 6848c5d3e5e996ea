"""A channel key records its channel on every report: set when the key is issued (API or
CLI), else taken from the key's name when that names a channel, else ``other``."""

from __future__ import annotations

from typing import Any

import pytest

from core.errors import InvalidInput
from core.identity import apikeys

G1 = "120101001001001"
REPORT = {"item_code": "0101", "description": "垃圾满了", "grid_code": G1}


def _report(api: Any, secret: str) -> dict[str, Any]:
    r = api.post("/api/v1/events", headers={"X-API-Key": secret}, json=REPORT)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_a_key_issued_for_a_channel_records_it(api, token_for):
    admin = token_for("admin")
    r = api.post("/api/v1/keys", headers=admin, json={
        "name": "津心办-微信", "scopes": ["events:write"], "area_code": "120000",
        "channel": "wechat"})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["channel"] == "wechat"
    assert _report(api, r.get_json()["secret"])["channel"] == "wechat"
    listed = api.get("/api/v1/keys", headers=admin).get_json()["items"]
    assert {"津心办-微信": "wechat"}.items() <= {k["name"]: k["channel"] for k in listed}.items()


def test_without_a_channel_the_name_or_other(api, make_key):
    assert _report(api, make_key(name="alipay"))["channel"] == "alipay"
    assert _report(api, make_key(name="partner-app"))["channel"] == "other"
    assert _report(api, make_key(name="alipay", channel="open311"))["channel"] == "open311"


def test_an_unknown_channel_is_refused(api, token_for, platform):
    admin = token_for("admin")
    r = api.post("/api/v1/keys", headers=admin, json={
        "name": "x", "scopes": ["events:write"], "area_code": "120000", "channel": "telegram"})
    assert r.status_code == 422 and "channel" in r.get_json()["errors"]
    doc = api.get("/api/v1/openapi.json").get_json()
    allowed = doc["components"]["schemas"]["NewKey"]["properties"]["channel"]["anyOf"][0]
    assert {"wechat", "alipay", "open311"} <= set(allowed["enum"])


@pytest.mark.parametrize("channel", ["WeChat", "we chat", "", "x" * 21])
def test_core_checks_the_channel_code(platform, channel):
    with platform.session() as s, pytest.raises(InvalidInput) as e:
        apikeys.issue(s, "k", ["events:write"], "120000", now=platform.now(),
                      created_by="test", channel=channel)
    assert "channel" in e.value.fields


def test_tokens_have_no_channel(platform):
    with platform.session() as s, pytest.raises(InvalidInput) as e:
        apikeys.issue(s, "k", ["events:write"], "120000", now=platform.now(),
                      created_by="test", account_id=1, channel="wechat")
    assert "tokens" in e.value.fields["channel"]
