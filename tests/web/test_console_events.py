"""Grid events in the console: report on patrol → register → dispatch → accept → feedback →
verify → close, each through the generic action form; scope, stale versions, lists, exports,
photos and the whistle."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from webclient import csrf_token, logout

from core.areas.models import Area
from core.identity.models import Account

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _centre(platform, username: str) -> tuple[float, float]:
    with platform.session() as s:
        scope = s.scalar(select(Account.scope_code).where(Account.username == username))
        area = s.get(Area, scope)
        return area.label_lon, area.label_lat


def _report(client, platform, **extra) -> int:
    lon, lat = _centre(platform, "worker.g1")
    form = {"csrf_token": csrf_token(client, "/console/report"), "item_code": "0101",
            "description": "路灯不亮了，晚上很黑", "lon": f"{lon:.6f}", "lat": f"{lat:.6f}",
            "photos": (io.BytesIO(PNG), "before.png"), **extra}
    r = client.post("/console/report", data=form, content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    return int(r.headers["Location"].rsplit("/", 1)[1])


def _act(client, event_id: int, action: str, files: bool = False, **fields):
    url = f"/console/events/{event_id}"
    html = client.get(url).get_data(as_text=True)
    assert f'value="{action}"' in html, f"{action} is not offered"
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    data = {"csrf_token": csrf_token(client, url), "version": version, "action": action,
            **fields}
    return client.post(f"{url}/act", data=data,
                       content_type="multipart/form-data" if files else None)


def _handler(platform, event_id: int) -> str:
    from core.identity.roles import SYSTEM
    from plugins.grid.api import get_event

    with platform.session() as s:
        dept = get_event(s, SYSTEM, event_id).department_code
        return s.scalar(select(Account.username).where(Account.department_code == dept))


@pytest.fixture
def reported(client, login, platform) -> int:
    login(client, "worker.g1")
    event_id = _report(client, platform)
    logout(client)
    return event_id


def test_report_form_has_a_pin_map_and_labelled_coordinates(client, login):
    login(client, "worker.g1")
    html = client.get("/console/report").get_data(as_text=True)
    assert 'id="pin-map"' in html and '<label for="lon">' in html
    assert "/vendor/leaflet/leaflet.js" in html and "/static/pin.js" in html


def test_report_outside_the_city_says_where_the_problem_is(client, login):
    login(client, "worker.g1")
    r = client.post("/console/report", data={
        "csrf_token": csrf_token(client, "/console/report"), "item_code": "0101",
        "description": "路灯不亮了", "lon": "10.0", "lat": "10.0"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "error-summary" in html and "lon-error" in html


def test_full_case_from_report_to_close(client, login, platform, reported):
    login(client, "commander.c1")
    assert _act(client, reported, "register").status_code == 302
    assert _act(client, reported, "dispatch").status_code == 302
    logout(client)
    login(client, _handler(platform, reported))
    assert f"/console/events/{reported}" in client.get("/console/inbox?box=to_accept") \
        .get_data(as_text=True)
    assert _act(client, reported, "accept").status_code == 302
    r = _act(client, reported, "feedback", files=True, note="已更换灯泡",
             photos=(io.BytesIO(PNG + b"after"), "after.png"))
    assert r.status_code == 302
    logout(client)
    login(client, "worker.g1")
    assert _act(client, reported, "verify_pass").status_code == 302
    logout(client)
    login(client, "commander.c1")
    assert _act(client, reported, "close", outcome="fixed", public_note="已修复").status_code == 302
    html = client.get(f"/console/events/{reported}").get_data(as_text=True)
    assert "已结案" in html and "处置反馈" in html and "核查通过" in html
    photos = re.findall(rf'/console/photos/{reported}/([^"]+)"', html)
    assert len(set(photos)) == 2
    assert client.get(f"/console/photos/{reported}/{photos[0]}").status_code == 200


def test_other_district_worker_gets_404_even_with_the_id(client, login, reported):
    login(client, "worker.g2")
    assert client.get(f"/console/events/{reported}").status_code == 404
    assert client.get(f"/console/photos/{reported}/x.png").status_code == 404
    assert f"/console/events/{reported}" not in client.get("/console/events") \
        .get_data(as_text=True)


def test_stale_version_is_a_409_page(client, login, reported):
    login(client, "commander.c1")
    url = f"/console/events/{reported}"
    token = csrf_token(client, url)
    assert _act(client, reported, "register").status_code == 302
    r = client.post(f"{url}/act", data={"csrf_token": token, "version": "1",
                                        "action": "dispatch"})
    assert r.status_code == 409 and "重新加载" in r.get_data(as_text=True)


def test_required_field_is_reported_at_the_field(client, login, reported):
    login(client, "commander.c1")
    r = _act(client, reported, "not_register")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "error-summary" in html and 'id="act-not_register"' in html


def test_whistle_summons_a_department_which_reports_in(client, login, platform, reported):
    login(client, "commander.s1")
    assert _act(client, reported, "register").status_code == 302
    with platform.session() as s:
        dept, handler = s.execute(select(Account.department_code, Account.username).where(
            Account.username == "handler.d1.public_security")).one()
    r = _act(client, reported, "whistle", departments=dept, hours="4", reason="群众反映强烈")
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    logout(client)
    login(client, handler)
    assert f"/console/events/{reported}" in client.get("/console/inbox?box=whistles") \
        .get_data(as_text=True)
    assert _act(client, reported, "whistle_ack", note="马上到").status_code == 302
    assert _act(client, reported, "whistle_act", note="已到场处置").status_code == 302
    assert "报到" in client.get(f"/console/events/{reported}").get_data(as_text=True)


def test_list_filters_sorts_pages_and_exports(client, login, reported):
    login(client, "commander.d1")
    html = client.get("/console/events?status=reported&sort=due").get_data(as_text=True)
    assert f"/console/events/{reported}" in html
    html = client.get("/console/events?status=closed").get_data(as_text=True)
    assert f"/console/events/{reported}" not in html
    r = client.get("/console/events/export.csv?status=reported")
    assert r.mimetype == "text/csv" and "0101" in r.get_data(as_text=True)
    book = load_workbook(io.BytesIO(client.get("/console/events/export.xlsx").data),
                         read_only=True)
    assert len(list(book.active.iter_rows(values_only=True))) >= 2


def test_citizen_follows_their_report(client, login, platform):
    login(client, "citizen1")
    lon, lat = _centre(platform, "worker.g1")
    r = client.post("/report", data={
        "csrf_token": csrf_token(client, "/report"), "item_code": "0101",
        "description": "小区门口垃圾堆了三天", "lon": f"{lon:.6f}", "lat": f"{lat:.6f}"})
    assert r.status_code == 302
    detail = r.headers["Location"]
    assert "待立案" in client.get(detail).get_data(as_text=True)
    assert detail in client.get("/my/reports").get_data(as_text=True)


def test_map_figures_and_pins(client, login, platform, reported):
    login(client, "commander.city")
    figures = client.get("/map/figures.json").get_json()["figures"]
    assert sum(f["events"] for f in figures.values()) >= 1
    with platform.session() as s:
        grid = s.scalar(select(Account.scope_code).where(Account.username == "worker.g1"))
    pins = client.get(f"/map/pins.json?area={grid[:12]}").get_json()
    assert any(f["id"] == reported for f in pins["features"])
    assert all(f["properties"]["url"].startswith("/console/events/") for f in pins["features"])


def test_dashboard_draws_svg_charts(client, login, reported):
    login(client, "commander.d1")
    html = client.get("/map/dashboard").get_data(as_text=True)
    assert "<svg" in html and 'id="chart-events"' in html
    r = client.get("/map/chart/events.svg")
    assert r.mimetype == "image/svg+xml" and b"<polyline" in r.data
    assert client.get("/map/chart/applications.svg").status_code == 404


def test_grid_worker_handles_on_the_spot(client, login, platform):
    login(client, "worker.g1")
    event_id = _report(client, platform, self_handle="y", handled_note="已清理")
    assert "已结案" in client.get(f"/console/events/{event_id}").get_data(as_text=True)


def test_a_typo_in_the_area_filter_is_an_inline_error_on_the_list(client, login):
    login(client, "commander.c1")
    r = client.get("/console/events?area=zzz", headers={"Accept-Language": "zh"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200, html[:2000]
    assert 'id="area-error"' in html and 'name="status"' in html


# English words that must not reach the Chinese UI (codes and untranslated fragments)
STRAY_ENGLISH = ("as routed", "channel app", "channel web", ">preview<", "inside the city",
                 " items<", " services found")


def test_event_page_in_chinese_has_no_stray_english(client, login, reported):
    login(client, "commander.c1")
    assert _act(client, reported, "register").status_code == 302
    html = client.get(f"/console/events/{reported}").get_data(as_text=True)
    assert "按派单目录" in html and "渠道：网格通App" in html
    for word in STRAY_ENGLISH:
        assert word not in html, word


def test_a_point_outside_the_city_is_explained_in_chinese(client, login):
    login(client, "worker.g1")
    r = client.post("/console/report", data={
        "csrf_token": csrf_token(client, "/console/report"), "item_code": "0101",
        "description": "路灯不亮了", "lon": "10.0", "lat": "10.0"})
    html = r.get_data(as_text=True)
    assert "请在市域范围内选点" in html and "inside the city" not in html


@pytest.mark.parametrize("url", ["/console/inbox", "/console/events", "/console/report",
                                 "/map/", "/map/dashboard"])
def test_main_pages_in_chinese_have_no_stray_english(client, login, url):
    login(client, "commander.c1")
    r = client.get(url)
    if r.status_code == 200:
        html = r.get_data(as_text=True)
        for word in STRAY_ENGLISH:
            assert word not in html, (url, word)


def test_event_page_names_the_community_and_grid(client, login, platform, reported):
    login(client, "worker.g1")
    html = client.get(f"/console/events/{reported}").get_data(as_text=True)
    with platform.session() as s:
        grid_code = s.scalar(select(Account.scope_code).where(Account.username == "worker.g1"))
        community = s.get(Area, grid_code[:12]).name
        grid_name = s.get(Area, grid_code).name
    where = html.split("<dt>位置</dt>", 1)[1].split("</dd>", 1)[0]
    assert f"{community} · {grid_name}" in where and grid_code in where
