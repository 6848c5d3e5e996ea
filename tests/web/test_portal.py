"""The citizen portal: catalog and guides for everyone; applying one step per page with an
error summary, check your answers, confirmation; my applications; rating."""

from __future__ import annotations

import io
import re

from webclient import csrf_token, do_login, post

ITEM = "civil.residence-certificate"


def _version(html: str) -> str:
    m = re.search(r'name="version" value="(\d+)"', html)
    assert m, "no version field"
    return m.group(1)


def _start(client) -> str:
    r = post(client, f"/services/{ITEM}/apply", token_from=f"/services/{ITEM}")
    assert r.status_code == 302
    return r.headers["Location"]


def test_catalog_search_and_guide_are_public(client):
    html = client.get("/services?q=居住").get_data(as_text=True)
    assert f'href="/services/{ITEM}"' in html
    guide = client.get(f"/services/{ITEM}").get_data(as_text=True)
    assert "承诺时限" in guide and "登录后申请" in guide


def test_catalog_filters_by_level(client):
    html = client.get("/services?level=city").get_data(as_text=True)
    assert f'href="/services/{ITEM}"' not in html  # a street-level item


def test_unknown_item_is_404(client):
    assert client.get("/services/no.such-item").status_code == 404


def test_step_errors_have_a_summary_linked_to_fields(client, login):
    login(client, "citizen1")
    step1 = _start(client)
    html = client.get(step1).get_data(as_text=True)
    r = client.post(step1, data={"csrf_token": csrf_token(client, step1),
                                 "version": _version(html), "phone": "123"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'class="error-summary"' in html
    assert 'href="#answer-phone"' in html and 'id="answer-phone-error"' in html
    assert 'aria-describedby="answer-phone-hint answer-phone-error"' in html
    assert "<title>错误：" in html


def test_apply_check_submit_and_see_it_listed(client, login):
    login(client, "citizen1")
    step1 = _start(client)
    html = client.get(step1).get_data(as_text=True)
    r = client.post(step1, data={
        "csrf_token": csrf_token(client, step1), "version": _version(html),
        "address": "西青区中北镇星光路12号", "purpose": "孩子入学需要", "phone": "13812345678"})
    assert r.status_code == 302
    step2 = r.headers["Location"]
    html = client.get(step2).get_data(as_text=True)
    r = client.post(step2, data={"csrf_token": csrf_token(client, step2),
                                 "version": _version(html), "delivery_method": "electronic"})
    check = r.headers["Location"]
    assert check.endswith("/check")
    html = client.get(check).get_data(as_text=True)
    assert "13812345678" in html and "修改" in html
    r = client.post(check, data={"csrf_token": csrf_token(client, check),
                                 "version": _version(html)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/submitted")
    done = client.get(r.headers["Location"]).get_data(as_text=True)
    ref = re.search(r'id="reference">([^<]+)<', done).group(1)
    assert ref in client.get("/my/applications").get_data(as_text=True)


def test_stale_version_is_a_conflict_not_a_lost_update(client, login):
    login(client, "citizen1")
    step1 = _start(client)
    html = client.get(step1).get_data(as_text=True)
    version = _version(html)
    form = {"csrf_token": csrf_token(client, step1), "version": version,
            "address": "西青区中北镇星光路12号", "purpose": "孩子入学需要",
            "phone": "13812345678"}
    assert client.post(step1, data=form).status_code == 302
    r = client.post(step1, data=form)  # the same, now stale, version
    assert r.status_code == 409 and "他人已先修改" in r.get_data(as_text=True)


def test_another_citizens_application_is_not_found(client, login, platform):
    login(client, "citizen1")
    step1 = _start(client)
    app_id = re.search(r"/applications/(\d+)/", step1).group(1)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert do_login(client, "clerk.d1").status_code == 302
    # a clerk is not the applicant: the portal's pages refuse them outright
    assert client.get(f"/applications/{app_id}/step/1").status_code == 403


def test_profile_shows_the_data_use_slot(client, login):
    login(client, "citizen1")
    html = client.get("/my/profile").get_data(as_text=True)
    assert "谁使用了我的数据" in html and "id=\"data-use\"" in html


def test_certificate_already_held_is_offered_and_reused(client, login, platform):
    import datetime as dt

    from sqlalchemy import select

    from core.identity.models import Account, Department
    from plugins.services.models import Certificate

    with platform.session() as s:
        person = s.scalar(select(Account.person_id).where(Account.username == "citizen1"))
        dept = s.scalar(select(Department.code).limit(1))
        s.add(Certificate(number="CERT-SKILL-1", type="certificate.skill_level",
                          title="职业技能等级证书（四级）", holder_kind="person", holder_id=person,
                          issued_by=dept, issued_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC),
                          valid_until=None, application_id=None, data={}))
    login(client, "citizen1")
    item = "hrss.skill-subsidy"
    r = post(client, f"/services/{item}/apply", token_from=f"/services/{item}")
    app_id = re.search(r"/applications/(\d+)/", r.headers["Location"]).group(1)
    steps = client.get(f"/services/{item}").get_data(as_text=True).count("<li>")
    documents = None
    for n in range(1, steps + 2):
        html = client.get(f"/applications/{app_id}/step/{n}").get_data(as_text=True)
        if "CERT-SKILL-1" in html:
            documents = n
            break
    assert documents, "the held certificate was not offered"
    r = client.post(f"/applications/{app_id}/reuse", data={
        "csrf_token": csrf_token(client, f"/applications/{app_id}/step/{documents}"),
        "version": _version(html), "material_code": "skill_certificate",
        "certificate_id": re.search(r'name="certificate_id" value="(\d+)"', html).group(1)})
    assert r.status_code == 302
    html = client.get(f"/applications/{app_id}/step/{documents}").get_data(as_text=True)
    assert "调用电子证照" in html


def test_catalog_by_department_and_flagship_store(client):
    html = client.get("/services").get_data(as_text=True)
    assert "/services?department=civil_affairs" in html
    html = client.get("/services?department=civil_affairs").get_data(as_text=True)
    assert f'href="/services/{ITEM}"' not in html and "民政局" in html
    home = client.get("/").get_data(as_text=True)
    store = re.search(r'href="/stores/([^"]+)"', home)
    if store:  # the Xiqing plugin's flagship store, when installed
        assert client.get(f"/stores/{store.group(1)}").status_code == 200


def test_citizen_report_goes_through_linkage_and_shows_in_my_reports(client, login, platform):
    """两津联动 link 1: the portal's report is linked to the citizen (linkage.my_reports)."""
    from sqlalchemy import select
    from webclient import csrf_token

    from core.areas.models import Area
    from core.identity.accounts import load_actor
    from core.identity.models import Account, Person

    with platform.session() as s:
        person_id = s.scalar(select(Account.person_id).where(Account.username == "citizen1"))
        grid = s.get(Person, person_id).home_grid
        area = s.get(Area, grid)
        lon, lat = area.label_lon, area.label_lat
    login(client, "citizen1")
    page = client.get("/report").get_data(as_text=True)
    assert 'name="photos"' in page  # photos go through linkage too
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    # a file that is no image: the error at the field, nothing stored
    r = client.post("/report", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/report"), "item_code": "0101",
        "description": "路灯不亮了，晚上很黑", "lon": f"{lon:.6f}", "lat": f"{lat:.6f}",
        "photos": (io.BytesIO(b"%PDF-1.7 not a photo"), "lamp.pdf")})
    assert r.status_code == 200 and "JPEG" in r.get_data(as_text=True)
    with platform.session() as s:
        account_id = s.scalar(select(Account.id).where(Account.username == "citizen1"))
        from plugins.linkage import api as linkage

        assert linkage.my_reports(s, load_actor(s, account_id)) == []
    r = client.post("/report", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/report"), "item_code": "0101",
        "description": "路灯不亮了，晚上很黑", "lon": f"{lon:.6f}", "lat": f"{lat:.6f}",
        "photos": (io.BytesIO(png), "lamp.png")})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    event_id = r.headers["Location"].rsplit("/", 1)[1]
    # the citizen sees the photo on their report's page, and may fetch it
    detail = client.get(f"/my/reports/{event_id}").get_data(as_text=True)
    photo = re.search(rf'src="(/console/photos/{event_id}/[^"]+)"', detail)
    assert photo, detail[:3000]
    fetched = client.get(photo.group(1))
    assert fetched.status_code == 200 and fetched.data == png
    from plugins.linkage import api as linkage

    with platform.session() as s:
        account_id = s.scalar(select(Account.id).where(Account.username == "citizen1"))
        mine = linkage.my_reports(s, load_actor(s, account_id))
    assert [m.event.id for m in mine][:1] == [event_id]
    html = client.get("/my/reports").get_data(as_text=True)
    assert f"/my/reports/{event_id}" in html


def test_save_and_come_back_later_keeps_what_was_typed(client, login):
    login(client, "citizen1")
    step1 = _start(client)
    html = client.get(step1).get_data(as_text=True)
    assert 'name="later" value="1"' in html  # a submit button, not a link
    r = client.post(step1, data={
        "csrf_token": csrf_token(client, step1), "version": _version(html), "later": "1",
        "address": "西青区中北镇星光路12号", "phone": "123"})  # phone invalid, address valid
    assert r.status_code == 302 and r.headers["Location"].endswith("/my/applications")
    again = client.get(step1).get_data(as_text=True)
    assert "西青区中北镇星光路12号" in again


def test_documents_step_offers_save_and_come_back_later(client, login):
    login(client, "citizen1")
    step1 = _start(client)
    html = client.get(step1).get_data(as_text=True)
    r = client.post(step1, data={
        "csrf_token": csrf_token(client, step1), "version": _version(html),
        "address": "西青区中北镇星光路12号", "purpose": "孩子入学需要", "phone": "13812345678"})
    docs = r.headers["Location"]
    html = client.get(docs).get_data(as_text=True)
    assert 'name="later" value="1"' in html
    r = client.post(docs, data={"csrf_token": csrf_token(client, docs),
                                "version": _version(html), "later": "1"},
                    content_type="multipart/form-data")
    assert r.status_code == 302 and r.headers["Location"].endswith("/my/applications")


def test_catalog_search_box_is_wide_enough_for_its_placeholder(client):
    from pathlib import Path

    html = client.get("/services").get_data(as_text=True)
    assert 'class="field search-q"' in html
    css = (Path(__file__).resolve().parents[2] / "web" / "static" / "jinzhi.css").read_text()
    assert ".filters .search-q { flex: 1 1 22rem; min-width: min(22rem, 100%); }" in css


def test_guide_and_wizard_count_the_same_steps(client, login):
    guide = client.get(f"/services/{ITEM}").get_data(as_text=True)
    listed = guide.split("<h2>办理步骤</h2>")[1].split("</ol>")[0].count("<li>")
    login(client, "citizen1")
    html = client.get(_start(client)).get_data(as_text=True)
    total = int(re.search(r"共 (\d+) 步", html).group(1))
    assert total == listed, (total, listed)


def test_check_page_summary_links_each_problem_to_its_answer(client, login):
    login(client, "citizen1")
    step1 = _start(client)
    check = step1.replace("/step/1", "/check")
    html = client.get(check).get_data(as_text=True)
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#check-phone"' in summary and 'id="check-phone"' in html
    assert "联系电话：" in summary and "联系电话:" not in summary  # a Chinese colon
