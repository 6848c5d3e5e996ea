"""An application's materials through the REST API, over real HTTP: a channel key acting for a
person uploads the required files and submits, the desk clerk sees and opens them; every
wrong upload is a 4xx problem that stores nothing; a held certificate can be reused."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from core.identity.models import Account, Department, Person
from plugins.services.models import Certificate, Material

ITEM = "veterans.preferential-card"  # district veterans bureau: clerk.d1's desk
ANSWERS = {"phone": "13812345678", "reason": "退役军人申请优待证", "delivery_method": "pickup"}
PDF = b"%PDF-1.4\n% discharge certificate\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 64
PROBLEM = "application/problem+json"


class Channel:
    """Calls to ``/api/v1`` over HTTP with fixed credentials."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        self.base, self.headers = base + "/api/v1", headers

    def get(self, path: str, **kw: Any) -> requests.Response:
        return requests.get(self.base + path, headers=self.headers, timeout=30, **kw)

    def post(self, path: str, version: int | None = None, **kw: Any) -> requests.Response:
        headers = {**self.headers, **kw.pop("headers", {})}
        if version is not None:
            headers["If-Match"] = f'"{version}"'
        return requests.post(self.base + path, headers=headers, timeout=30, **kw)

    def upload(self, app: dict[str, Any], code: str, *files: tuple[str, bytes],
               field: str = "file", version: int | None = None) -> requests.Response:
        return self.post(f"/applications/{app['id']}/materials/{code}",
                         version=app["version"] if version is None else version,
                         files=[(field, (name, content)) for name, content in files])


@pytest.fixture
def alipay(live_server: Any, make_key: Any, citizen_number: str) -> Channel:
    return Channel(live_server.url, {"X-API-Key": make_key(name="alipay"),
                                     "Jinzhi-On-Behalf-Of": citizen_number})


@pytest.fixture
def draft(alipay: Channel) -> dict[str, Any]:
    r = alipay.post("/applications", json={"item_code": ITEM, "lang": "en"})
    assert r.status_code == 201, r.json()
    r = alipay.post(f"/applications/{r.json()['id']}/answers", version=r.json()["version"],
                    json={"answers": ANSWERS})
    assert r.status_code == 200 and not r.json()["errors"], r.json()
    return r.json()


def _stored(platform: Any, app_id: int) -> int:
    with platform.session() as s:
        return s.scalar(select(func.count()).select_from(Material)
                        .where(Material.application_id == app_id))


def _folder(platform: Any, app_id: int) -> Path:
    return Path(platform.config.upload_dir) / "services" / str(app_id)


def test_a_channel_attaches_the_materials_and_submits(alipay, draft, live_server, token_for,
                                                      platform):
    listed = alipay.get(f"/applications/{draft['id']}/materials")
    assert listed.status_code == 200 and listed.headers["ETag"] == f'"{draft["version"]}"'
    body = listed.json()
    assert body["editable"] and set(body["missing_materials"]) == {"id_copy", "discharge_cert"}
    wanted = {m["code"]: m for m in body["materials"]}
    assert wanted["discharge_cert"]["media_types"] == ["application/pdf", "image/jpeg",
                                                       "image/png"]
    assert wanted["discharge_cert"]["attached"] is None
    assert wanted["discharge_cert"]["max_bytes"] == platform.config.upload_max_bytes

    r = alipay.post(f"/applications/{draft['id']}/submit", version=draft["version"])
    assert r.status_code == 422 and r.headers["Content-Type"].startswith(PROBLEM)
    assert "materials.discharge_cert" in r.json()["errors"]

    r = alipay.upload(draft, "id_copy", ("身份证.pdf", PDF))
    assert r.status_code == 201, r.json()
    first = r.json()
    assert r.headers["ETag"] == f'"{first["version"]}"'
    assert alipay.get(f"/applications/{draft['id']}").headers["ETag"] == r.headers["ETag"]
    [stored] = first["stored"]
    assert stored["material_code"] == "id_copy" and stored["size"] == len(PDF)
    assert stored["content_type"] == "application/pdf" and stored["uploaded_at"]
    assert r.headers["Location"] == stored["content_url"]
    assert first["missing_materials"] == ["discharge_cert"]
    r = alipay.upload({**draft, "version": first["version"]}, "discharge_cert",
                      ("discharge.jpg", JPEG))
    assert r.status_code == 201, r.json()
    version = r.json()["version"]
    assert r.json()["missing_materials"] == []

    got = alipay.get(stored["content_url"].removeprefix("/api/v1"))
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in got.headers["Cache-Control"]

    r = alipay.post(f"/applications/{draft['id']}/submit", version=version)
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "submitted" and len(r.json()["materials"]) == 2

    clerk = Channel(live_server.url, token_for("clerk.d1"))
    seen = clerk.get(f"/applications/{draft['id']}").json()
    assert {m["material_code"] for m in seen["materials"]} == {"id_copy", "discharge_cert"}
    listed = clerk.get(f"/applications/{draft['id']}/materials").json()
    assert not listed["editable"] and listed["missing_materials"] == []
    url = next(m["attached"]["content_url"] for m in listed["materials"]
               if m["code"] == "discharge_cert")
    got = clerk.get(url.removeprefix("/api/v1"))
    assert got.status_code == 200 and got.content == JPEG
    r = clerk.upload(seen, "id_copy", ("x.pdf", PDF))
    assert r.status_code == 403 and "applicant" in r.json()["detail"]
    r = alipay.upload(seen, "id_copy", ("late.pdf", PDF))
    assert r.status_code == 409 and "submitted" in r.json()["detail"]
    assert _stored(platform, draft["id"]) == 2


@pytest.mark.parametrize(("files", "field", "fix"), [
    ((("notes.txt", b"just text"),), "file", "not a PDF, JPEG or PNG"),
    ((("empty.pdf", b""),), "file", "empty"),
    ((("a.pdf", PDF), ("b.pdf", PDF)), "file", "send one file"),
    ((("a.pdf", PDF),), "document", "send the file in the field 'file'"),
])
def test_a_wrong_upload_stores_nothing(alipay, draft, platform, files, field, fix):
    r = alipay.upload(draft, "id_copy", *files, field=field)
    assert r.status_code == 422 and r.headers["Content-Type"].startswith(PROBLEM)
    assert fix in " ".join(r.json()["errors"].values()), r.json()
    assert _stored(platform, draft["id"]) == 0 and not _folder(platform, draft["id"]).exists()


def test_too_large_a_file_stores_nothing(alipay, draft, platform):
    big = PDF + b"\x00" * platform.config.upload_max_bytes
    r = alipay.upload(draft, "id_copy", ("scan.pdf", big))
    assert r.status_code == 422 and "at most" in r.json()["errors"]["file"]
    assert _stored(platform, draft["id"]) == 0 and not _folder(platform, draft["id"]).exists()


def test_the_request_itself_must_be_right(alipay, draft, platform):
    path = f"/applications/{draft['id']}/materials"
    r = alipay.upload(draft, "passport", ("a.pdf", PDF))
    assert r.status_code == 404 and "id_copy" in r.json()["errors"]["code"]
    r = alipay.post(f"{path}/id_copy", version=draft["version"], json={"file": "a.pdf"})
    assert r.status_code == 415 and "multipart/form-data" in r.json()["detail"]
    r = alipay.post(f"{path}/id_copy", files=[("file", ("a.pdf", PDF))])
    assert r.status_code == 428
    r = alipay.upload(draft, "id_copy", ("a.pdf", PDF), version=draft["version"] - 1)
    assert r.status_code == 412 and "read it again" in r.json()["detail"]
    assert _stored(platform, draft["id"]) == 0


def test_only_the_applicant_and_the_right_scopes(alipay, draft, live_server, make_key,
                                                 platform):
    with platform.session() as s:
        mine = s.scalar(select(Account.person_id).where(Account.username == "citizen1"))
        other = s.scalar(select(Person.id_number).where(Person.id != mine).limit(1))
    stranger = Channel(live_server.url, {"X-API-Key": make_key(name="alipay"),
                                         "Jinzhi-On-Behalf-Of": other})
    r = stranger.upload(draft, "id_copy", ("a.pdf", PDF))
    assert r.status_code == 404 and r.headers["Content-Type"].startswith(PROBLEM)
    assert stranger.get(f"/applications/{draft['id']}/materials").status_code == 404
    read_only = Channel(live_server.url, {**alipay.headers, "X-API-Key": make_key(
        ["applications:read", "persons:act-for"], name="alipay-ro")})
    assert read_only.get(f"/applications/{draft['id']}/materials").status_code == 200
    r = read_only.upload(draft, "id_copy", ("a.pdf", PDF))
    assert r.status_code == 403 and "applications:write" in r.json()["detail"]
    nobody = Channel(live_server.url, {})
    assert nobody.upload(draft, "id_copy", ("a.pdf", PDF)).status_code == 401
    assert _stored(platform, draft["id"]) == 0

    r = alipay.upload(draft, "id_copy", ("a.pdf", PDF))
    assert r.status_code == 201
    url = r.json()["stored"][0]["content_url"].removeprefix("/api/v1")
    assert stranger.get(url).status_code == 404
    assert nobody.get(url).status_code == 401
    assert alipay.get(f"/applications/{draft['id']}/materials/999999/content"
                      ).status_code == 404


def test_a_held_certificate_is_offered_and_reused(alipay, platform):
    with platform.session() as s:
        person = s.scalar(select(Account.person_id).where(Account.username == "citizen1"))
        dept = s.scalar(select(Department.code).limit(1))
        cert = Certificate(number="CERT-SKILL-9", type="certificate.skill_level",
                           title="职业技能等级证书（四级）", holder_kind="person", holder_id=person,
                           issued_by=dept, issued_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC),
                           valid_until=None, application_id=None, data={})
        s.add(cert)
        s.flush()
        cert_id = cert.id
    app = alipay.post("/applications", json={"item_code": "hrss.skill-subsidy"}).json()
    listed = alipay.get(f"/applications/{app['id']}/materials").json()
    [skill] = [m for m in listed["materials"] if m["code"] == "skill_certificate"]
    assert [c["number"] for c in skill["reusable"]] == ["CERT-SKILL-9"]

    path = f"/applications/{app['id']}/materials/skill_certificate/reuse"
    r = alipay.post(path, version=app["version"], json={"certificate_id": cert_id + 1000})
    assert r.status_code == 422 and "certificate_id" in r.json()["errors"]
    assert _stored(platform, app["id"]) == 0
    r = alipay.post(path, version=app["version"], json={"certificate_id": cert_id})
    assert r.status_code == 201, r.json()
    [stored] = r.json()["stored"]
    assert stored["certificate_id"] == cert_id and stored["content_url"] is None
    assert "skill_certificate" not in r.json()["missing_materials"]
    r = alipay.get(f"/applications/{app['id']}/materials/{stored['id']}/content")
    assert r.status_code == 404 and "certificate" in r.json()["detail"]
    timeline = alipay.get(f"/applications/{app['id']}/timeline").json()["entries"]
    assert [e["action"] for e in timeline].count("reuse_certificate") == 1


def test_the_operations_are_in_the_openapi_document(api):
    doc = api.get("/api/v1/openapi.json").get_json()
    up = doc["paths"]["/applications/{app_id}/materials/{code}"]["post"]
    form = up["requestBody"]["content"]["multipart/form-data"]
    assert form["schema"]["required"] == ["file"]
    assert form["schema"]["properties"]["file"]["type"] == "string"  # one file, not an array
    assert "one file in the field <code>file</code>" in api.get("/api/v1/docs").text
    assert "application/pdf" in form["encoding"]["file"]["contentType"]
    assert {"201", "412", "413", "415", "422", "428"} <= set(up["responses"])
    assert any(p["name"] == "If-Match" for p in up["parameters"])
    content = doc["paths"]["/applications/{app_id}/materials/{material_id}/content"]["get"]
    assert set(content["responses"]["200"]["content"]) == {"application/pdf", "image/jpeg",
                                                           "image/png"}
    reuse = doc["paths"]["/applications/{app_id}/materials/{code}/reuse"]["post"]
    assert reuse["x-scope"] == "applications:write"
    listed = doc["paths"]["/applications/{app_id}/materials"]["get"]
    assert listed["x-scope"] == "applications:read"


@pytest.mark.parametrize(("path", "method"), [
    ("/applications/{app_id}/materials/{code}", "POST"),
    ("/applications/{app_id}/materials/{code}/reuse", "POST"),
    ("/applications/{app_id}/materials", "GET"),
])
def test_fuzzed_requests_on_a_real_draft(api_app, make_key, citizen_number, platform, path,
                                         method):
    """Schemathesis against a real draft and material (the right If-Match sent): every
    answer matches the document, none is a 5xx, and a refused one stored nothing."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis import GenerationMode
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    client = api_app.test_client()
    headers = {"X-API-Key": make_key(name="alipay"), "Jinzhi-On-Behalf-Of": citizen_number}
    app = client.post("/api/v1/applications", headers=headers, json={"item_code": ITEM})
    assert app.status_code == 201, app.get_json()
    app_id, version = app.get_json()["id"], app.get_json()["version"]
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)[path][method]
    strategy = (operation.as_strategy(GenerationMode.POSITIVE)
                | operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=strategy)
    @settings(max_examples=25, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    def run(case: Any) -> None:
        case.path_parameters = {**(case.path_parameters or {}), "app_id": app_id}
        if "code" in case.path_parameters:
            case.path_parameters["code"] = "id_copy"
        before = _stored(platform, app_id)
        response = case.call_and_validate(
            headers={**headers, "If-Match": f'"{version}"'},
            excluded_checks=[positive_data_acceptance])
        assert response.status_code < 500
        if response.status_code >= 400:
            assert response.headers["content-type"][0].startswith(PROBLEM)
            assert _stored(platform, app_id) == before

    run()


def test_uploads_count_against_the_key_rate_limit(platform, make_key, citizen_number):
    from web import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "RATELIMIT_ENABLED": True,
                      "RATELIMIT_STORAGE_URI": "memory://"}, platform=platform)
    client = app.test_client()
    headers = {"X-API-Key": make_key(name="alipay", rate_limit="3 per minute"),
               "Jinzhi-On-Behalf-Of": citizen_number}
    draft = client.post("/api/v1/applications", headers=headers, json={"item_code": ITEM})
    assert draft.status_code == 201
    url = f"/api/v1/applications/{draft.get_json()['id']}/materials/id_copy"
    send = {**headers, "If-Match": draft.headers["ETag"]}
    assert client.get(url.rsplit("/", 1)[0], headers=headers).status_code == 200
    assert client.post(url, headers=send, data={"file": (io.BytesIO(PDF), "a.pdf")},
                       content_type="multipart/form-data").status_code == 201
    r = client.post(url, headers=send, data={"file": (io.BytesIO(JPEG), "b.jpg")},
                    content_type="multipart/form-data")
    assert r.status_code == 429 and r.mimetype == PROBLEM and int(r.headers["Retry-After"]) > 0
    with platform.session() as s:
        [kept] = s.scalars(select(Material).where(
            Material.application_id == draft.get_json()["id"]))
    assert kept.content_type == "application/pdf"  # the refused JPEG replaced nothing
