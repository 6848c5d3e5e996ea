"""The documents step checks every file at once (``services.attach_materials``): one error per
bad file, in the summary and at the field, and nothing stored while any file is wrong."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select
from webclient import PDF, csrf_token

from core.identity.accounts import load_actor
from core.identity.models import Account
from plugins.services import api as services

ITEM = "veterans.preferential-card"  # two documents: id_copy, discharge_cert
GIF = b"GIF89a\x01\x00\x01\x00"


def _citizen(s):
    return load_actor(s, s.scalar(select(Account.id).where(Account.username == "citizen1")))


@pytest.fixture
def documents(platform) -> tuple[int, str]:
    """A draft with its answers given; returns its id and the documents step's URL."""
    with platform.session() as s:
        who = _citizen(s)
        app = services.start_application(s, who, ITEM)
        services.save_answers(s, who, app.id, version=app.version, answers={
            "phone": "13812345678", "reason": "退役军人申请优待证",
            "delivery_method": "pickup"})
        steps = services.form_steps(s, ITEM)
        return app.id, f"/applications/{app.id}/step/{len(steps) + 1}"


def _post(client, url, files, **extra):
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    data = {"csrf_token": csrf_token(client, url), "version": version, **extra}
    for code, (name, content) in files.items():
        data[f"file-{code}"] = (io.BytesIO(content), name)
    return client.post(url, data=data, content_type="multipart/form-data")


def _stored(platform, app_id):
    with platform.session() as s:
        return {m.material_code for m in services.get_application(s, _citizen(s), app_id)
                .materials}


def test_every_bad_file_gets_its_own_error_and_nothing_is_stored(
        client, login, platform, documents):
    app_id, url = documents
    login(client, "citizen1")
    r = _post(client, url, {"id_copy": ("id.gif", GIF), "discharge_cert": ("empty.pdf", b"")})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#file-id_copy"' in summary and 'href="#file-discharge_cert"' in summary
    assert 'id="file-id_copy-error"' in html and 'id="file-discharge_cert-error"' in html
    assert "PDF、JPEG、PNG" in html  # what to do about the GIF
    assert "文件是空的" in html  # and about the empty one
    assert 'aria-describedby="file-id_copy-hint file-id_copy-error"' in html
    assert _stored(platform, app_id) == set()


def test_a_good_file_is_not_stored_while_another_is_bad(client, login, platform, documents):
    app_id, url = documents
    login(client, "citizen1")
    r = _post(client, url, {"id_copy": ("id.pdf", PDF), "discharge_cert": ("d.gif", GIF)})
    html = r.get_data(as_text=True)
    assert 'id="file-discharge_cert-error"' in html and 'id="file-id_copy-error"' not in html
    assert _stored(platform, app_id) == set()
    # sending both good files then moves on to "check your answers"
    r = _post(client, url, {"id_copy": ("id.pdf", PDF), "discharge_cert": ("d.pdf", PDF)})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/applications/{app_id}/check")
    assert _stored(platform, app_id) == {"id_copy", "discharge_cert"}


def test_a_bad_file_and_a_missing_one_are_both_listed(client, login, platform, documents):
    app_id, url = documents
    login(client, "citizen1")
    html = _post(client, url, {"id_copy": ("id.gif", GIF)}).get_data(as_text=True)
    assert 'id="file-id_copy-error"' in html and 'id="file-discharge_cert-error"' in html
    error = html.split('id="file-discharge_cert-error"', 1)[1].split("</span>", 2)[1]
    assert "请上传该材料或调用已有证照" in error
    assert _stored(platform, app_id) == set()


def test_save_for_later_with_a_bad_file_shows_the_error_instead_of_saying_saved(
        client, login, platform, documents):
    app_id, url = documents
    login(client, "citizen1")
    r = _post(client, url, {"id_copy": ("id.gif", GIF)}, later="1")
    assert r.status_code == 200 and 'id="file-id_copy-error"' in r.get_data(as_text=True)
    assert _stored(platform, app_id) == set()


def test_errors_in_english_when_applying_in_english(client, login, platform):
    login(client, "citizen1")
    client.get("/lang/en")
    r = client.post(f"/services/{ITEM}/apply",
                    data={"csrf_token": csrf_token(client, f"/services/{ITEM}")})
    app_id = int(re.search(r"/applications/(\d+)/", r.headers["Location"]).group(1))
    with platform.session() as s:
        who = _citizen(s)
        app = services.get_application(s, who, app_id)
        services.save_answers(s, who, app_id, version=app.version, answers={
            "phone": "13812345678", "reason": "veteran card", "delivery_method": "pickup"})
        n = len(services.form_steps(s, ITEM)) + 1
    html = _post(client, f"/applications/{app_id}/step/{n}",
                 {"id_copy": ("id.gif", GIF), "discharge_cert": ("d.gif", GIF)}).get_data(
        as_text=True)
    assert html.count("upload it as PDF, JPEG, PNG") >= 2 and "请上传" not in html


@pytest.mark.parametrize("data", [{"version": "x"}, {}, {"version": "1"}])
def test_bad_version_is_4xx(client, login, documents, data):
    _app_id, url = documents
    login(client, "citizen1")
    r = client.post(url, data={"csrf_token": csrf_token(client, url), **data,
                               "file-id_copy": (io.BytesIO(PDF), "id.pdf")},
                    content_type="multipart/form-data")
    assert 400 <= r.status_code < 500


def test_a_file_for_an_unknown_material_is_ignored(client, login, platform, documents):
    app_id, url = documents
    login(client, "citizen1")
    r = _post(client, url, {"nope": ("x.pdf", PDF)})
    assert r.status_code == 200 and 'id="file-id_copy-error"' in r.get_data(as_text=True)
    assert _stored(platform, app_id) == set()
