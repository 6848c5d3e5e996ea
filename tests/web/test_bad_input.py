"""Bad input on the portal's and the desk's pages: a 4xx page or an inline message saying
what to fix, never a 500 — typed-in ids beyond any integer column, unknown codes, broken
versions, filters that cannot be right."""

from __future__ import annotations

import re

import pytest
from webclient import csrf_token

ITEM = "veterans.preferential-card"
HUGE = "9" * 23  # beyond every integer column (and SQLite's 64 bits)


@pytest.fixture
def draft(client, login) -> tuple[int, str]:
    """citizen1's draft: its id and a CSRF token."""
    login(client, "citizen1")
    r = client.post(f"/services/{ITEM}/apply",
                    data={"csrf_token": csrf_token(client, f"/services/{ITEM}")})
    app_id = int(re.search(r"/applications/(\d+)/", r.headers["Location"]).group(1))
    return app_id, csrf_token(client, r.headers["Location"])


@pytest.mark.parametrize(("url", "expected"), [
    (f"/applications/{HUGE}/check", 404),
    (f"/applications/{HUGE}/step/1", 404),
    ("/applications/{id}/step/0", 404),
    (f"/applications/{{id}}/step/{HUGE}", 404),
    (f"/my/applications/{HUGE}", 404),
    ("/my/applications?status=zzz&page=-1", 200),
    (f"/my/applications?page={HUGE}", 200),
    (f"/console/events/{HUGE}", 404),  # no such route: ids stop at the columns' range
    ("/services/nope", 404),
    ("/stores/nope", 404),
])
def test_bad_urls(client, draft, url, expected):
    r = client.get(url.replace("{id}", str(draft[0])))
    assert r.status_code == expected


@pytest.mark.parametrize(("path", "data", "expected"), [
    ("reuse", {"certificate_id": "abc", "version": "1", "material_code": "id_copy"}, 400),
    ("reuse", {"certificate_id": HUGE, "version": "1", "material_code": "id_copy"}, 422),
    ("reuse", {"certificate_id": "1", "version": "1", "material_code": "nope"}, 400),
    ("reuse", {"certificate_id": "1", "version": "x", "material_code": "id_copy"}, 400),
    ("step/1", {"version": HUGE}, 409),
    ("step/1", {"version": "1", "phone": "x" * 5000, "reason": "\x00"}, 200),
    ("check", {"version": "x"}, 200),  # not ready: the page says what is missing
])
def test_bad_posts_while_applying(client, draft, path, data, expected):
    app_id, token = draft
    r = client.post(f"/applications/{app_id}/{path}", data={"csrf_token": token, **data})
    assert r.status_code == expected, r.get_data(as_text=True)[:500]
    if path == "reuse" and expected == 422:  # said at the document, on the documents page
        html = r.get_data(as_text=True)
        assert 'id="file-id_copy-error"' in html and "该证照不能用于此材料" in html


@pytest.mark.parametrize(("data", "expected"), [
    ({"action": "rate", "version": "1", "score": "99"}, {409, 422}),
    ({"action": "withdraw", "version": "abc"}, {400}),
    ({"action": "withdraw", "version": HUGE}, {409}),
    ({"action": "approve", "version": "1"}, {400}),  # not the applicant's to take
])
def test_bad_posts_on_my_application(client, draft, data, expected):
    app_id, token = draft
    r = client.post(f"/my/applications/{app_id}/act", data={"csrf_token": token, **data})
    assert r.status_code in expected


def test_a_text_where_a_file_belongs_is_ignored(client, draft, platform):
    app_id, token = draft
    r = client.post(f"/applications/{app_id}/step/2", data={
        "csrf_token": token, "version": "1", "file-id_copy": "not a file"},
        content_type="multipart/form-data")
    assert r.status_code in (200, 409)


@pytest.mark.parametrize(("query", "message"), [
    ("level=zzz", "请从列表中选择层级"),
    ("district=999999", "没有代码为 999999 的区"),
    ("district=abc&level=zzz&q=%00", "没有代码为 abc 的区"),
])
def test_catalog_filters_that_cannot_be_right_are_said_at_the_top(client, query, message):
    r = client.get(f"/services?{query}")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "error-summary" in html and message in html
    assert "找到" in html  # the search still ran, without the bad filter


def test_a_very_long_search_is_cut_not_refused(client):
    r = client.get("/services?q=" + "幼儿园" * 500 + f"&page={HUGE}")
    assert r.status_code == 200


@pytest.mark.parametrize(("user", "url"), [
    ("commander.c1", f"/console/events/{HUGE}"),
    ("commander.c1", f"/console/photos/{HUGE}/x.jpg"),
    ("clerk.d1", f"/console/applications/{HUGE}"),
    ("handler.d1.veterans", f"/console/applications/{HUGE}"),
    ("citizen1", f"/my/reports/{HUGE}"),
])
def test_huge_ids_on_staff_pages_are_404(client, login, user, url):
    login(client, user)
    assert client.get(url).status_code == 404
    r = client.post(url + "/act", data={"csrf_token": csrf_token(client, "/"), "version": "1",
                                        "action": "accept"})
    assert r.status_code in (404, 405)


@pytest.mark.parametrize(("user", "url"), [
    ("commander.d1", "/console/events?q=%00&item=%00"),
    ("commander.d1", "/console/events?area=%00"),
    ("clerk.d1", "/console/applications?box=all&item=%00&status=%00"),
    ("citizen1", "/my/applications?status=%00"),
    ("citizen1", "/services?q=%00&department=%00"),
])
def test_a_nul_byte_in_a_filter_is_never_a_500(client, login, user, url):
    """PostgreSQL refuses NUL in text: a list shows no match or a 400, never a traceback."""
    login(client, user)
    assert client.get(url).status_code in (200, 400)
