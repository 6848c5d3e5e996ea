"""Photos through the REST API: multipart uploads checked file by file (nothing stored when
one is wrong), who may add them, and the files served back from the event's photo URLs."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from plugins.grid.models import GridPhoto

G1 = "120101001001001"
ITEM = "0101"
PROBLEM = "application/problem+json"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 64


@pytest.fixture
def alipay(make_key: Any, citizen_number: str) -> dict[str, str]:
    return {"X-API-Key": make_key(name="alipay"), "Jinzhi-On-Behalf-Of": citizen_number}


@pytest.fixture
def event(api: Any, alipay: dict[str, str]) -> dict[str, Any]:
    r = api.post("/api/v1/events", headers=alipay, json={
        "item_code": ITEM, "description": "楼下垃圾没人清", "grid_code": G1})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def upload(api: Any, event_id: int, headers: dict[str, str],
           files: list[tuple[bytes, str]], field: str = "photos") -> Any:
    data = {field: [(io.BytesIO(content), name) for content, name in files]}
    return api.post(f"/api/v1/events/{event_id}/photos", headers=headers, data=data,
                    content_type="multipart/form-data")


def _stored(platform: Any, event_id: int) -> int:
    with platform.session() as s:
        return s.scalar(select(func.count()).select_from(GridPhoto)
                        .where(GridPhoto.event_id == event_id))


def test_upload_photos_and_read_them_back(api, alipay, event, platform):
    r = upload(api, event["id"], alipay, [(PNG, "before.png"), (JPEG, "close.jpg")])
    assert r.status_code == 200, r.get_json()
    assert r.headers["ETag"] == f'"{r.get_json()["version"]}"'
    photos = r.get_json()["photos"]
    assert [p["content_type"] for p in photos] == ["image/png", "image/jpeg"]
    assert {p["stage"] for p in photos} == {"report"}
    for photo, content in zip(photos, (PNG, JPEG), strict=True):
        assert photo["url"] == f"/api/v1/events/{event['id']}/photos/{photo['name']}"
        got = api.get(photo["url"], headers=alipay)
        assert got.status_code == 200 and got.data == content
        assert got.mimetype == photo["content_type"]
    again = api.get(f"/api/v1/events/{event['id']}", headers=alipay).get_json()
    assert again["photos"] == photos
    assert api.get(photos[0]["url"]).status_code == 401
    missing = api.get(f"/api/v1/events/{event['id']}/photos/nope.png", headers=alipay)
    assert missing.status_code == 404 and missing.mimetype == PROBLEM


def test_one_bad_file_stores_nothing(api, alipay, event, platform):
    upload_dir = Path(platform.config.upload_dir) / "grid" / str(event["id"])
    r = upload(api, event["id"], alipay, [(PNG, "ok.png"), (b"%PDF-1.4 not a photo", "x.pdf")])
    assert r.status_code == 422 and r.mimetype == PROBLEM
    body = r.get_json()
    assert "photo 2" in body["detail"] and "JPEG, PNG or WebP" in body["errors"]["photos"]
    assert _stored(platform, event["id"]) == 0 and not upload_dir.exists()

    r = upload(api, event["id"], alipay, [(b"", "empty.png")])
    assert r.status_code == 422 and "empty" in r.get_json()["detail"]
    r = upload(api, event["id"], alipay, [(PNG, "a.png")] * 10)
    assert r.status_code == 422 and "at most 9" in r.get_json()["detail"]
    r = upload(api, event["id"], alipay, [(PNG, "a.png")], field="picture")
    assert r.status_code == 422 and "picture" in r.get_json()["errors"]
    r = api.post(f"/api/v1/events/{event['id']}/photos", headers=alipay,
                 data={"note": "no file"}, content_type="multipart/form-data")
    assert r.status_code == 422 and r.get_json()["errors"]["photos"]
    r = api.post(f"/api/v1/events/{event['id']}/photos", headers=alipay, json={"photos": []})
    assert r.status_code == 415 and "multipart/form-data" in r.get_json()["detail"]
    assert _stored(platform, event["id"]) == 0


def test_too_large_a_file_is_refused(api, alipay, event, platform):
    big = PNG + b"\x00" * platform.config.upload_max_bytes
    r = upload(api, event["id"], alipay, [(big, "huge.png")])
    assert r.status_code in (413, 422) and r.mimetype == PROBLEM
    assert _stored(platform, event["id"]) == 0


def test_who_may_add_photos(api, make_key, event, token_for):
    # the channel it came through (without naming the person) may; another channel may not
    same_channel = {"X-API-Key": make_key(name="alipay-backend", channel="alipay")}
    assert upload(api, event["id"], same_channel, [(PNG, "a.png")]).status_code == 200
    other = {"X-API-Key": make_key(name="wechat")}
    r = upload(api, event["id"], other, [(JPEG, "b.jpg")])
    assert r.status_code == 404 and r.mimetype == PROBLEM
    photo_url = api.get(f"/api/v1/events/{event['id']}", headers=same_channel) \
        .get_json()["photos"][0]["url"]
    assert api.get(photo_url, headers=same_channel).status_code == 200
    assert api.get(photo_url, headers=other).status_code == 404
    # scopes and areas
    read_only = {"X-API-Key": make_key(["events:read"], name="alipay")}
    assert upload(api, event["id"], read_only, [(PNG, "a.png")]).status_code == 403
    elsewhere = {"X-API-Key": make_key(name="alipay", area="120102")}
    assert upload(api, event["id"], elsewhere, [(PNG, "a.png")]).status_code == 404
    # staff who may see it add site photos; a grid worker of another grid may not
    commander = token_for("commander.c1")
    r = upload(api, event["id"], commander, [(JPEG, "site.jpg")])
    assert r.status_code == 200
    assert {p["stage"] for p in r.get_json()["photos"]} == {"report", "site"}
    assert upload(api, event["id"], token_for("worker.g2"), [(PNG, "x.png")]).status_code == 404


def test_no_photos_once_closed(api, alipay, event, token_for):
    commander = token_for("commander.c1")
    r = api.post(f"/api/v1/events/{event['id']}/actions/not_register",
                 json={"fields": {"reason": "重复上报"}},
                 headers={**commander, "If-Match": f'"{event["version"]}"'})
    assert r.status_code == 200, r.get_json()
    r = upload(api, event["id"], alipay, [(PNG, "late.png")])
    assert r.status_code == 422 and "open" in r.get_json()["detail"]


def test_the_upload_is_in_the_openapi_document(api):
    doc = api.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/events/{event_id}/photos"]["post"]
    form = op["requestBody"]["content"]["multipart/form-data"]
    assert form["schema"]["required"] == ["photos"]
    assert form["schema"]["properties"]["photos"]["type"] == "array"
    assert "image/png" in form["encoding"]["photos"]["contentType"]
    assert op["x-scope"] == "events:write" and {"413", "415", "422"} <= set(op["responses"])
    get = doc["paths"]["/events/{event_id}/photos/{name}"]["get"]
    assert set(get["responses"]["200"]["content"]) == {"image/jpeg", "image/png", "image/webp"}
    page = api.get("/api/v1/docs").get_data(as_text=True)
    assert "multipart/form-data, one or more files in the field <code>photos</code>" in page


def test_added_photos_are_in_the_staff_timeline(api, alipay, event, token_for):
    assert upload(api, event["id"], alipay, [(PNG, "more.png")]).status_code == 200
    staff = api.get(f"/api/v1/events/{event['id']}/timeline",
                    headers=token_for("commander.c1")).get_json()["entries"]
    added = [e for e in staff if e["action"] == "add_photos"]
    assert added and added[0]["label"] == {"zh": "补充照片", "en": "Photos added"}
    public = api.get(f"/api/v1/events/{event['id']}/timeline", headers=alipay).get_json()
    assert [e["action"] for e in public["entries"]] == ["report"]  # internal steps stay so
