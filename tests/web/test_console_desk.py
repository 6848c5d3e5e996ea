"""The applications desk beyond the clerk's basics: the deliver form prefilled with what the
applicant chose, service-department handlers reviewing and deciding their department's
applications (and only those), and bad input that never reaches a 500."""

from __future__ import annotations

import re

import pytest
from webclient import PDF, actor_of, csrf_token, logout

from plugins.services import api as services

ITEM = "veterans.preferential-card"  # district veterans bureau; delivered by mail or pick-up
ADDRESS = "西青区中北镇星光路12号3门501"


def _apply(platform, method: str = "mail", address: str | None = ADDRESS) -> int:
    """citizen1 applies for ``ITEM`` choosing ``method`` (and an address); returns its id."""
    with platform.session() as s:
        citizen = actor_of(s, "citizen1")
        app = services.start_application(s, citizen, ITEM)
        answers = {"phone": "13812345678", "reason": "退役军人申请优待证",
                   "delivery_method": method}
        if address:
            answers["mail_address"] = address
        app = services.save_answers(s, citizen, app.id, version=app.version, answers=answers)
        app = services.attach_materials(s, citizen, app.id, {
            "id_copy": ("id.pdf", PDF), "discharge_cert": ("discharge.pdf", PDF)},
            version=app.version)
        services.submit(s, citizen, app.id, version=app.version)
        return app.id


def _advance(platform, app_id: int, *actions: str) -> None:
    with platform.session() as s:
        clerk = actor_of(s, "clerk.d1")
        for action in actions:
            app = services.get_application(s, clerk, app_id)
            services.act(s, clerk, app_id, action, version=app.version)


@pytest.fixture
def approved(platform) -> int:
    app_id = _apply(platform)
    _advance(platform, app_id, "accept", "approve")
    return app_id


def _page(client, app_id):
    return client.get(f"/console/applications/{app_id}").get_data(as_text=True)


def _act(client, app_id, action, version=None, **fields):
    url = f"/console/applications/{app_id}"
    html = client.get(url).get_data(as_text=True)
    if version is None:
        version = re.search(r'name="version" value="(\d+)"', html).group(1)
    return client.post(f"{url}/act", data={"csrf_token": csrf_token(client, url),
                                           "version": version, "action": action, **fields})


def _deliver_form(html: str) -> str:
    m = re.search(r'<details[^>]*id="act-deliver".*?</details>', html, re.S)
    assert m, "no deliver form on the page"
    return m.group(0)


# ── the deliver form starts with the applicant's choice ─────────────────────────────────


def test_deliver_form_is_prefilled_with_method_and_address(client, login, approved):
    login(client, "clerk.d1")
    form = _deliver_form(_page(client, approved))
    assert '<option value="mail" selected>' in form
    assert f'name="address" value="{ADDRESS}"' in form
    # only the methods this item delivers by (no electronic result for this card)
    assert 'value="pickup"' in form and 'value="electronic"' not in form


def test_deliver_form_prefills_pickup_without_an_address(client, login, platform):
    app_id = _apply(platform, method="pickup", address=None)
    _advance(platform, app_id, "accept", "approve")
    login(client, "clerk.d1")
    form = _deliver_form(_page(client, app_id))
    assert '<option value="pickup" selected>' in form
    assert 'name="address" value=""' in form


def test_delivering_by_post_with_the_prefilled_address(client, login, approved, platform):
    login(client, "clerk.d1")
    r = _act(client, approved, "deliver", method="mail", tracking_number="sf1234567890",
             address=ADDRESS)
    assert r.status_code == 302, r.get_data(as_text=True)[:1500]
    with platform.session() as s:
        app = services.get_application(s, actor_of(s, "clerk.d1"), approved)
        assert app.status == "delivered" and app.tracking_number == "SF1234567890"


def test_delivery_errors_are_in_the_page_language_and_keep_what_was_typed(
        client, login, approved):
    login(client, "clerk.d1")
    r = _act(client, approved, "deliver", method="mail", tracking_number="12", address="")
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "快递单号" in html and "8 to 30" not in html and "courier" not in html
    form = _deliver_form(html)
    assert 'name="tracking_number" value="12"' in form  # not replaced by the prefill
    client.get("/lang/en")
    html = _act(client, approved, "deliver", method="mail", tracking_number="12").get_data(
        as_text=True)
    assert "tracking number: 8 to 30 letters or digits" in html


def test_a_method_the_item_does_not_offer_is_an_inline_error(client, login, approved):
    login(client, "clerk.d1")
    r = _act(client, approved, "deliver", method="electronic")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "error-summary" in html and "送达方式" in html


# ── service-department handlers have a desk ─────────────────────────────────────────────


def test_handler_reviews_and_decides_their_departments_applications(client, login, platform):
    app_id = _apply(platform)
    _advance(platform, app_id, "accept")
    login(client, "handler.d1.veterans")
    home = client.get("/console/inbox").get_data(as_text=True)
    assert 'href="/console/applications"' in home  # the desk is in the navigation
    desk = client.get("/console/applications").get_data(as_text=True)
    assert f"/console/applications/{app_id}" in desk
    assert "待审查" in desk and "待受理" not in desk  # the review desk, not the window's
    html = _page(client, app_id)
    assert 'id="act-start_review"' in html and 'id="act-accept"' not in html
    assert _act(client, app_id, "start_review").status_code == 302
    assert _act(client, app_id, "approve", note="符合条件").status_code == 302
    html = _page(client, app_id)
    assert 'id="act-deliver"' not in html  # the window delivers
    assert _act(client, app_id, "deliver", version="1", method="pickup").status_code == 403


def test_handler_may_not_accept_at_the_window(client, login, platform):
    app_id = _apply(platform)
    login(client, "handler.d1.veterans")
    assert _act(client, app_id, "accept").status_code == 403


def test_handler_of_another_department_cannot_see_it(client, login, platform):
    app_id = _apply(platform)
    _advance(platform, app_id, "accept")
    login(client, "handler.d1.approval")
    assert client.get(f"/console/applications/{app_id}").status_code == 404
    html = client.get("/console/applications?box=all").get_data(as_text=True)
    assert f"/console/applications/{app_id}" not in html
    csv = client.get("/console/applications/export.csv?box=all").get_data(as_text=True)
    assert ITEM not in csv


def test_handler_of_a_grid_only_department_has_no_desk(client, login, platform):
    app_id = _apply(platform)
    login(client, "handler.d1.gas")
    assert 'href="/console/applications"' not in client.get("/console/inbox").get_data(
        as_text=True)
    assert client.get("/console/applications").status_code == 403
    assert client.get(f"/console/applications/{app_id}").status_code == 403


def test_serves_applications(platform):
    with platform.session() as s:
        assert services.serves_applications(s, actor_of(s, "handler.d1.veterans"))
        assert services.serves_applications(s, actor_of(s, "clerk.d1"))
        assert not services.serves_applications(s, actor_of(s, "handler.d1.gas"))
        assert not services.serves_applications(s, actor_of(s, "citizen1"))
        assert not services.serves_applications(s, actor_of(s, "commander.d1"))


# ── bad input: a 4xx page, never a traceback ────────────────────────────────────────────


@pytest.mark.parametrize("data", [
    {"action": "approve", "version": "x"},
    {"action": "approve"},
    {"action": "fly", "version": "1"},
    {"action": "", "version": "1"},
    {"action": "deliver", "version": "1", "method": "fax"},
    {"action": "reject", "version": "99999999999999999999999"},
    {"action": "approve", "version": "-1"},
])
def test_bad_posts_are_4xx(client, login, approved, data):
    login(client, "clerk.d1")
    url = f"/console/applications/{approved}"
    r = client.post(f"{url}/act", data={"csrf_token": csrf_token(client, url), **data})
    assert 400 <= r.status_code < 500, (data, r.status_code)
    assert "Traceback" not in r.get_data(as_text=True)


@pytest.mark.parametrize("query", [
    "box=nope", "box=all&status=nope", "box=all&sort=nope", "box=all&overdue=maybe",
    "box=all&page=-3", "box=all&page=abc&per_page=10000", "box=all&item=%00",
])
def test_bad_list_arguments_are_not_errors(client, login, approved, query):
    login(client, "clerk.d1")
    r = client.get(f"/console/applications?{query}")
    assert r.status_code == 200, (query, r.status_code)


def test_unknown_and_foreign_ids_are_404(client, login):
    login(client, "clerk.d1")
    assert client.get("/console/applications/999999").status_code == 404
    assert client.get("/console/applications/export.pdf").status_code == 404


def test_the_applicants_timeline_names_roles_not_staff_logins(client, login, approved):
    login(client, "citizen1")
    html = client.get(f"/my/applications/{approved}").get_data(as_text=True)
    timeline = html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    assert "clerk.d1" not in timeline and "citizen1" not in timeline
    assert "窗口人员" in timeline and "您" in timeline
    logout(client)
    login(client, "clerk.d1")
    staff = _page(client, approved).split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    assert "政务服务窗口" in staff  # staff see who did it, by name (the login: admins only)


def test_an_action_not_possible_now_is_a_409_in_the_page_language(client, login, platform):
    app_id = _apply(platform)
    login(client, "clerk.d1")
    r = _act(client, app_id, "approve")  # still submitted: accept first
    html = r.get_data(as_text=True)
    assert r.status_code == 409
    assert "现在不能“准予许可”：当前状态为“已提交”" in html and "cannot approve" not in html
