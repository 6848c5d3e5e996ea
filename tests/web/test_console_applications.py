"""The clerk's desk: inbox lists, generic action forms, refused actions, exports."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from webclient import csrf_token

from core.identity.accounts import load_actor
from core.identity.models import Account
from plugins.services import api as services

ITEM = "civil.residence-certificate"


@pytest.fixture
def submitted(platform) -> int:
    with platform.session() as s:
        citizen = load_actor(s, s.scalar(select(Account.id).where(Account.username == "citizen1")))
        app = services.start_application(s, citizen, ITEM)
        app = services.save_answers(s, citizen, app.id, version=app.version, answers={
            "address": "西青区中北镇星光路12号", "purpose": "孩子入学需要",
            "phone": "13812345678", "delivery_method": "electronic"})
        services.submit(s, citizen, app.id, version=app.version)
        return app.id


def _act(client, app_id, action, **fields):
    url = f"/console/applications/{app_id}"
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    return client.post(f"{url}/act", data={"csrf_token": csrf_token(client, url),
                                           "version": version, "action": action, **fields})


def test_inbox_lists_the_submitted_application(client, login, submitted):
    login(client, "clerk.d1")
    html = client.get("/console/applications").get_data(as_text=True)
    assert f'/console/applications/{submitted}"' in html and "待受理" in html


def test_accept_approve_deliver(client, login, submitted):
    login(client, "clerk.d1")
    for action, fields in (("accept", {}), ("approve", {}), ("deliver", {"method": "pickup"})):
        r = _act(client, submitted, action, **fields)
        assert r.status_code == 302, (action, r.get_data(as_text=True)[:2000])
    html = client.get(f"/console/applications/{submitted}").get_data(as_text=True)
    assert "已送达" in html


def test_required_field_error_is_shown_at_the_field(client, login, submitted):
    login(client, "clerk.d1")
    r = _act(client, submitted, "refuse")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "error-summary" in html and "请填写" in html


def test_action_not_allowed_now_is_a_409_page(client, login, submitted):
    login(client, "clerk.d1")
    r = _act(client, submitted, "deliver", method="electronic")
    assert r.status_code == 409


def test_stale_version_is_refused(client, login, submitted):
    login(client, "clerk.d1")
    url = f"/console/applications/{submitted}"
    token = csrf_token(client, url)
    assert _act(client, submitted, "accept").status_code == 302
    r = client.post(f"{url}/act", data={"csrf_token": token, "version": "1",
                                        "action": "start_review"})
    assert r.status_code == 409


def test_exports(client, login, submitted):
    login(client, "clerk.d1")
    r = client.get("/console/applications/export.csv?box=all")
    text = r.get_data(as_text=True)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert text.startswith("\ufeff") and "居住情况证明开具" in text
    r = client.get("/console/applications/export.xlsx?box=all")
    sheet = load_workbook(io.BytesIO(r.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][2] == ITEM
    assert client.get("/console/applications/export.pdf").status_code == 404


def test_list_filters_and_sorts(client, login, submitted):
    login(client, "clerk.d1")
    html = client.get("/console/applications?box=all&status=submitted&sort=due") \
        .get_data(as_text=True)
    assert f"/console/applications/{submitted}" in html
    html = client.get("/console/applications?box=all&status=delivered").get_data(as_text=True)
    assert f"/console/applications/{submitted}" not in html


def test_supplement_requested_and_answered(client, login, submitted):
    login(client, "clerk.d1")
    r = _act(client, submitted, "request_supplement", reason="请补充详细门牌号")
    assert r.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "citizen1")
    html = client.get(f"/my/applications/{submitted}").get_data(as_text=True)
    assert "请补充详细门牌号" in html and f"/applications/{submitted}/step/1" in html
    check = f"/applications/{submitted}/check"
    html = client.get(check).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    r = client.post(check, data={"csrf_token": csrf_token(client, check), "version": version})
    assert r.status_code == 302
    assert "已提交" in client.get(f"/my/applications/{submitted}").get_data(as_text=True)
