"""/api/v1: a report may carry a link to a photo the channel's app hosts (``media_url``); it
is kept as given, returned on reads and shown to staff on the event page; a link that is
not http(s) is refused and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from plugins.grid.models import GridEvent

G1 = "120101001001001"
PHOTO = "https://wechat.example.org/media/abc.jpg"


def _report(client: Any, key: str, **extra: Any) -> Any:
    return client.post("/api/v1/events", headers={"X-API-Key": key}, json={
        "item_code": "0101", "description": "垃圾桶满了没人清", "grid_code": G1, **extra})


def test_media_url_is_kept_and_returned(api, make_key, platform):
    key = make_key(["events:write", "events:read"], name="wechat")
    r = _report(api, key, media_url=PHOTO)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["media_url"] == PHOTO
    got = api.get(f"/api/v1/events/{r.get_json()['id']}", headers={"X-API-Key": key})
    assert got.get_json()["media_url"] == PHOTO
    with platform.session() as s:
        ev = s.get(GridEvent, r.get_json()["id"])
        assert ev.media_url == PHOTO and ev.description == "垃圾桶满了没人清"


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "ftp://x.org/a.jpg",
                                 "https://" + "x" * 500])
def test_a_bad_media_url_is_refused_and_nothing_stored(api, make_key, platform, bad):
    key = make_key(["events:write"], name="wechat")
    with platform.session() as s:
        before = s.scalar(select(func.count()).select_from(GridEvent))
    r = _report(api, key, media_url=bad)
    assert r.status_code == 422
    assert "media_url" in r.get_data(as_text=True)
    with platform.session() as s:
        assert s.scalar(select(func.count()).select_from(GridEvent)) == before


def test_staff_see_the_link_on_the_event_page(api, make_key, client, login):
    key = make_key(["events:write"], name="wechat")
    event_id = _report(api, key, media_url=PHOTO).get_json()["id"]
    login(client, "commander.c1")
    page = client.get(f"/console/events/{event_id}").get_data(as_text=True)
    assert "照片链接" in page and f'href="{PHOTO}"' in page
