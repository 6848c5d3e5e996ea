"""Open311 posts: the ``open311`` channel and ``media_url`` kept and given back, over real
HTTP with the independent ``georeport`` client reading in XML and JSON."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from georeport import GeoReport
from sqlalchemy import func, select

from plugins.grid.models import GridEvent

JURISDICTION = "tianjin.gov.cn"
G1 = "120101001001001"
ITEM = "0101"  # 暴露垃圾
PHOTO = "https://fixmystreet.example.org/photo/1234.jpeg?v=2"


@pytest.fixture
def endpoint(live_server: Any) -> str:
    return f"{live_server.url}/open311/v2"


@pytest.fixture
def key(make_key: Any) -> str:
    return make_key(["events:write", "events:read"], name="fixmystreet")


def _post(endpoint: str, key: str, **extra: Any) -> requests.Response:
    data = {"api_key": key, "jurisdiction_id": JURISDICTION, "service_code": ITEM,
            "address_id": G1, "description": "垃圾桶满了没人清", **extra}
    return requests.post(f"{endpoint}/requests.json", data=data, timeout=10)


def _count(platform: Any) -> int:
    with platform.session() as s:
        return s.scalar(select(func.count()).select_from(GridEvent))


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_media_url_is_stored_and_returned(endpoint, key, platform, fmt):
    r = _post(endpoint, key, media_url=PHOTO)
    assert r.status_code == 201, r.text
    request_id = r.json()[0]["service_request_id"]
    with platform.session() as s:
        ev = s.get(GridEvent, int(request_id))
        assert ev.channel == "open311"
        assert ev.media_url == PHOTO and ev.description == "垃圾桶满了没人清"
    client = GeoReport(endpoint, jurisdiction=JURISDICTION, output_format=fmt)
    got = client.get_service_request(request_id)
    assert got["media_url"] == PHOTO
    assert got["description"] == "垃圾桶满了没人清"
    listed = client.get_service_requests(service_request_id=request_id)
    listed = listed if isinstance(listed, list) else [listed]
    assert [x["media_url"] for x in listed] == [PHOTO]


def test_without_media_url_it_is_empty(endpoint, key):
    r = _post(endpoint, key)
    assert r.status_code == 201, r.text
    got = GeoReport(endpoint, output_format="json").get_service_request(
        r.json()[0]["service_request_id"])
    assert got["media_url"] == "" and got["description"] == "垃圾桶满了没人清"


@pytest.mark.parametrize("bad", ["ftp://example.org/a.jpg", "javascript:alert(1)",
                                 "https://example.org/a b.jpg", "https://" + "x" * 500])
def test_a_bad_media_url_is_refused_and_nothing_stored(endpoint, key, platform, bad):
    before = _count(platform)
    r = _post(endpoint, key, media_url=bad)
    assert r.status_code == 400
    assert "media_url" in r.json()[0]["description"]
    assert _count(platform) == before
