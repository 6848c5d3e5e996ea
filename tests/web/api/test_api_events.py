"""Events through the REST API: a channel reports for a citizen, staff take it through the
whole workflow with their tokens and If-Match, the citizen follows it to the end."""

from __future__ import annotations

from typing import Any

import pytest

G1 = "120101001001001"
ITEM = "0101"  # 暴露垃圾: city management
HANDLER = "handler.d1.city_management"
PROBLEM = "application/problem+json"


@pytest.fixture
def channel(make_key: Any, citizen_number: str) -> dict[str, str]:
    return {"X-API-Key": make_key(name="alipay"), "Jinzhi-On-Behalf-Of": citizen_number}


@pytest.fixture
def point(api: Any, channel: dict[str, str]) -> list[float]:
    return api.get(f"/api/v1/areas/{G1}", headers=channel).get_json()["label_point"]


def act(api: Any, headers: dict[str, str], event: dict[str, Any], action: str,
        **fields: Any) -> dict[str, Any]:
    r = api.post(f"/api/v1/events/{event['id']}/actions/{action}", json={"fields": fields},
                 headers={**headers, "If-Match": f'"{event["version"]}"'})
    assert r.status_code == 200, (action, r.get_json())
    assert r.headers["ETag"] == f'"{r.get_json()["version"]}"'
    return r.get_json()


def test_report_follow_and_close(api, channel, point, token_for):
    items = api.get("/api/v1/event-items?citizen=true&per_page=300").get_json()
    assert ITEM in [i["code"] for i in items["items"]]
    r = api.post("/api/v1/events", headers=channel, json={
        "item_code": ITEM, "description": "小区门口垃圾堆了三天", "lon": point[0],
        "lat": point[1], "reporter_phone": "13800000001"})
    assert r.status_code == 201, r.get_json()
    event = r.get_json()
    assert r.headers["Location"] == f"/api/v1/events/{event['id']}"
    assert event["status"] == "reported" and event["grid_code"] == G1
    assert event["channel"] == "alipay" and event["reported_at"].endswith("+08:00")

    mine = api.get("/api/v1/events?mine=true", headers=channel).get_json()
    assert event["id"] in [e["id"] for e in mine["items"]]

    commander, handler = token_for("commander.c1"), token_for(HANDLER)
    worker = token_for("worker.g1")
    event = api.get(f"/api/v1/events/{event['id']}", headers=commander).get_json()
    assert "register" in event["actions"] and event["reporter_phone"] == "13800000001"
    event = act(api, commander, event, "register", note="符合立案条件")
    event = act(api, commander, event, "dispatch")
    assert event["department_code"] == "120101.city_management" and event["due_at"]
    event = act(api, handler, event, "accept")
    event = act(api, handler, event, "feedback", note="已清运")
    event = act(api, worker, event, "verify_pass", note="现场已干净")
    event = act(api, commander, event, "close", outcome="fixed", public_note="垃圾已清运")

    seen = api.get(f"/api/v1/events/{event['id']}", headers=channel).get_json()
    assert seen["status"] == "closed" and not seen["open"]
    assert seen["public_note"] == "垃圾已清运"
    steps = api.get(f"/api/v1/events/{event['id']}/timeline", headers=channel).get_json()
    assert [e["action"] for e in steps["entries"]][-1] == "close"


def test_if_match_is_required_and_checked(api, channel, point, token_for):
    event = api.post("/api/v1/events", headers=channel, json={
        "item_code": ITEM, "description": "垃圾", "lon": point[0], "lat": point[1]}).get_json()
    commander = token_for("commander.c1")
    url = f"/api/v1/events/{event['id']}/actions/register"
    r = api.post(url, headers=commander, json={})
    assert r.status_code == 428 and r.mimetype == PROBLEM
    r = api.post(url, headers={**commander, "If-Match": '"7"'}, json={})
    assert r.status_code == 412
    r = api.post(url, headers={**commander, "If-Match": "soon"}, json={})
    assert r.status_code == 400 and "If-Match" in r.get_json()["errors"]
    r = api.post(url, headers={**commander, "If-Match": '"1"'}, json={})
    assert r.status_code == 200
    r = api.post(url, headers={**commander, "If-Match": '"1"'}, json={})
    assert r.status_code == 412  # a newer change is never overwritten
    r = api.post(f"/api/v1/events/{event['id']}/actions/register", json={},
                 headers={**commander, "If-Match": '"2"'})
    assert r.status_code == 409  # not allowed in this status: the problem says why
    assert r.get_json()["detail"]
    r = api.post(f"/api/v1/events/{event['id']}/actions/fly", json={},
                 headers={**commander, "If-Match": '"2"'})
    assert r.status_code == 404


def test_roles_and_area_limits_hold(api, make_key, point, token_for, channel):
    body = {"item_code": ITEM, "description": "垃圾", "lon": point[0], "lat": point[1]}
    elsewhere = {"X-API-Key": make_key(area="120102", name="wechat")}
    r = api.post("/api/v1/events", headers=elsewhere, json=body)
    assert r.status_code == 403 and r.mimetype == PROBLEM
    read_only = {"X-API-Key": make_key(["events:read"])}
    assert api.post("/api/v1/events", headers=read_only, json=body).status_code == 403
    event = api.post("/api/v1/events", headers=channel, json=body).get_json()
    # the citizen's channel may not register it; another district's worker cannot see it
    r = api.post(f"/api/v1/events/{event['id']}/actions/register", json={},
                 headers={**channel, "If-Match": '"1"'})
    assert r.status_code in (403, 409)
    assert api.get(f"/api/v1/events/{event['id']}",
                   headers=token_for("worker.g2")).status_code == 404


def test_bad_reports_store_nothing_and_name_the_fields(api, channel, token_for):
    commander = token_for("commander.city")
    before = api.get("/api/v1/events?per_page=1", headers=commander).get_json()["total"]
    r = api.post("/api/v1/events", headers=channel, json={
        "item_code": "9999", "description": "x", "lon": 0, "lat": 0})
    assert r.status_code == 422 and r.mimetype == PROBLEM
    assert {"description"} <= set(r.get_json()["errors"])
    r = api.post("/api/v1/events", headers=channel, json={
        "item_code": ITEM, "description": "垃圾堆", "lon": 0.0, "lat": 0.0})
    assert r.status_code == 422 and "location" in r.get_json()["errors"]
    after = api.get("/api/v1/events?per_page=1", headers=commander).get_json()["total"]
    assert after == before


def test_lists_filter_sort_and_page(api, token_for):
    commander = token_for("commander.d1")
    r = api.get("/api/v1/events?sort=reported_at&per_page=3&open_only=true", headers=commander)
    assert r.status_code == 200
    body = r.get_json()
    times = [e["reported_at"] for e in body["items"]]
    assert times == sorted(times) and all(e["open"] for e in body["items"])
    r = api.get("/api/v1/events?area=120102", headers=token_for("commander.s1"))
    assert r.status_code == 404
    r = api.get("/api/v1/events?status=flying", headers=commander)
    assert r.status_code == 422 and "status" in r.get_json()["errors"]


def test_statistics_for_staff_only(api, token_for):
    r = api.get("/api/v1/statistics/events?area=120101", headers=token_for("commander.d1"))
    assert r.status_code == 200 and "figures" in r.get_json()
    r = api.get("/api/v1/statistics/areas?parent=120101", headers=token_for("commander.d1"))
    assert r.status_code == 200 and r.get_json()["total"] >= 1
    assert api.get("/api/v1/statistics/events",
                   headers=token_for("citizen1")).status_code == 403
    r = api.get("/api/v1/statistics/applications", headers=token_for("clerk.d1"))
    assert r.status_code == 200


def test_a_channel_key_follows_its_own_report(api, make_key, point, token_for):
    plain = {"X-API-Key": make_key(name="wechat")}  # acts for nobody in particular
    r = api.post("/api/v1/events", headers=plain, json={
        "item_code": ITEM, "description": "路灯下垃圾成堆", "lon": point[0], "lat": point[1],
        "reporter_name": "王建国", "reporter_phone": "13800000003"})
    assert r.status_code == 201, r.get_json()
    event_id = r.get_json()["id"]
    seen = api.get(f"/api/v1/events/{event_id}", headers=plain).get_json()
    assert seen["status"] == "reported" and seen["channel"] == "wechat"
    assert seen["reporter_phone"] is None and "建国" not in seen["reporter"]
    assert seen["actions"] == []
    steps = api.get(f"/api/v1/events/{event_id}/timeline", headers=plain).get_json()
    assert steps["entries"][0]["action"] == "report"
    staff = api.get(f"/api/v1/events/{event_id}", headers=token_for("commander.c1")).get_json()
    assert staff["reporter_phone"] == "13800000003"


def test_profiles_through_linkage(api, token_for, channel):
    r = api.get("/api/v1/profiles/me", headers=token_for("citizen1"))
    assert r.status_code == 200 and r.get_json()["kind"] == "person"
    assert api.get("/api/v1/profiles/me", headers=channel).status_code == 200
    commander = token_for("commander.c1")
    r = api.get("/api/v1/profiles/place/120101001001", headers=commander)
    assert r.status_code == 200 and r.get_json()["sections"]
    r = api.get("/api/v1/profiles/person/1", headers=commander)
    assert r.status_code == 422  # staff must name the case they look for
