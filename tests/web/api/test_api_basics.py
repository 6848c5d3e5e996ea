"""The REST API's common behaviour: documents, problems, credentials, scopes, paging, limits."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from core.identity.apikeys import ApiKey, ApiKeyUse
from core.identity.roles import SYSTEM
from core.platform import Platform
from plugins.services import api as services
from web import create_app

PROBLEM = "application/problem+json"


def test_openapi_document_lists_every_operation(api, api_app):
    r = api.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.get_json()
    assert doc["openapi"].startswith("3.1")
    documented = {(m.upper(), path) for path, item in doc["paths"].items() for m in item}
    routes = {(m, rule.rule.removeprefix("/api/v1")) for rule in api_app.url_map.iter_rules()
              if rule.endpoint.startswith("api.") and rule.endpoint not in (
                  "api.not_found", "api.openapi_json", "api.reference", "api.index")
              for m in rule.methods - {"HEAD", "OPTIONS"}}
    routes = {(m, re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", p)) for m, p in routes}
    assert documented == routes
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert op["summary"] and op["description"], (method, path)
            for status, response in op["responses"].items():
                if int(status) >= 400:
                    assert "application/problem+json" in response["content"]


def test_reference_page_is_self_contained(api):
    r = api.get("/api/v1/docs")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "POST" in page and "/api/v1/events" in page and "Problem" in page
    assert "<script" not in page and "<link" not in page  # nothing from elsewhere


def test_unknown_paths_and_methods_are_problems(api):
    r = api.get("/api/v1/nothing/here")
    assert r.status_code == 404 and r.mimetype == PROBLEM
    r = api.delete("/api/v1/areas")
    assert r.status_code == 405 and r.mimetype == PROBLEM
    assert "GET" in r.headers["Allow"]


def test_credentials_are_required_and_checked(api, make_key):
    r = api.get("/api/v1/areas")
    assert r.status_code == 401 and r.mimetype == PROBLEM
    assert "WWW-Authenticate" in r.headers
    r = api.get("/api/v1/areas", headers={"X-API-Key": "jzk_not-a-key"})
    assert r.status_code == 401
    r = api.get("/api/v1/areas", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401
    narrow = make_key(["catalog:read"])
    r = api.get("/api/v1/areas", headers={"X-API-Key": narrow})
    assert r.status_code == 403 and "areas:read" in r.get_json()["detail"]


def test_revoked_and_expired_keys_stop_working(api, platform, make_key, token_for):
    secret = make_key()
    headers = {"X-API-Key": secret}
    assert api.get("/api/v1/areas", headers=headers).status_code == 200
    admin = token_for("admin")
    with platform.session() as s:
        key_id = s.scalar(select(ApiKey.id).where(ApiKey.name == "channel"))
    r = api.delete(f"/api/v1/keys/{key_id}", headers=admin)
    assert r.status_code == 200 and r.get_json()["revoked_at"]
    r = api.get("/api/v1/areas", headers=headers)
    assert r.status_code == 401 and "revoked" in r.get_json()["detail"]
    expired = make_key(expires_at=platform.now())
    assert api.get("/api/v1/areas", headers={"X-API-Key": expired}).status_code == 401


def test_every_use_of_a_key_is_logged(api, platform, make_key, token_for):
    secret = make_key(name="wechat")
    for _ in range(3):
        api.get("/api/v1/areas?per_page=1", headers={"X-API-Key": secret})
    api.get("/api/v1/applications/999999", headers={"X-API-Key": secret})
    with platform.session() as s:
        key = s.scalar(select(ApiKey).where(ApiKey.name == "wechat"))
        uses = s.scalars(select(ApiKeyUse).where(ApiKeyUse.key_id == key.id)).all()
        assert [u.status for u in uses] == [200, 200, 200, 404]
        assert key.last_used_at is not None
        key_id = key.id
    r = api.get(f"/api/v1/keys/{key_id}/uses", headers=token_for("admin"))
    assert r.status_code == 200 and r.get_json()["total"] == 4


def test_keys_admin_needs_the_admin_role(api, token_for, key_headers):
    assert api.get("/api/v1/keys", headers=token_for("commander.city")).status_code == 403
    assert api.get("/api/v1/keys", headers=key_headers).status_code == 403
    admin = token_for("admin")
    r = api.post("/api/v1/keys", headers=admin, json={
        "name": "alipay", "scopes": ["events:write", "catalog:read"], "area_code": "120000"})
    assert r.status_code == 201
    secret = r.get_json()["secret"]
    assert secret.startswith("jzk_")
    listed = api.get("/api/v1/keys", headers=admin).get_json()
    assert "alipay" in [k["name"] for k in listed["items"]]
    assert all("secret" not in k for k in listed["items"])
    r = api.post("/api/v1/keys", headers=admin, json={
        "name": "x", "scopes": ["keys:admin"], "area_code": "120000"})
    assert r.status_code == 422 and "scopes.0" in r.get_json()["errors"]


def test_tokens_log_in_and_out(api):
    r = api.post("/api/v1/tokens", json={"username": "worker.g1", "password": "wrong-one"})
    assert r.status_code == 401 and r.mimetype == PROBLEM
    r = api.post("/api/v1/tokens", json={"username": "worker.g1", "password": "jinzhi-demo",
                                         "scopes": ["events:read"]})
    assert r.status_code == 201
    body = r.get_json()
    assert body["scopes"] == ["events:read"] and body["expires_at"].endswith("+08:00")
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert api.get("/api/v1/areas", headers=headers).status_code == 403  # narrowed
    assert api.delete("/api/v1/tokens/current", headers=headers).status_code == 204
    assert api.get("/api/v1/events", headers=headers).status_code == 401


def test_citizens_tokens_follow_the_role_rules(api, token_for):
    citizen = token_for("citizen1")
    assert api.get("/api/v1/areas", headers=citizen).status_code == 403
    assert api.get("/api/v1/keys", headers=citizen).status_code == 403


def test_bad_bodies_are_problems_that_name_the_field(api, token_for):
    citizen = token_for("citizen1")
    r = api.post("/api/v1/applications", headers=citizen, data="{not json",
                 content_type="application/json")
    assert r.status_code == 400 and r.mimetype == PROBLEM
    r = api.post("/api/v1/applications", headers=citizen, data="item_code=x")
    assert r.status_code == 415
    r = api.post("/api/v1/applications", headers=citizen, json={"item_code": 5, "colour": "x"})
    assert r.status_code == 422
    errors = r.get_json()["errors"]
    assert set(errors) == {"item_code", "colour"}
    r = api.post("/api/v1/applications", headers=citizen, json={"item_code": "no.such-item"})
    assert r.status_code == 404


def test_paging_links_and_totals(api, key_headers):
    r = api.get("/api/v1/areas?level=grid&per_page=5&page=2&sort=-code", headers=key_headers)
    assert r.status_code == 200
    body = r.get_json()
    assert body["page"] == 2 and len(body["items"]) == 5
    assert r.headers["X-Total-Count"] == str(body["total"])
    links = r.headers["Link"]
    assert 'rel="first"' in links and 'rel="prev"' in links and 'rel="next"' in links
    codes = [a["code"] for a in body["items"]]
    assert codes == sorted(codes, reverse=True)
    r = api.get("/api/v1/areas?per_page=500", headers=key_headers)
    assert r.status_code == 422 and "per_page" in r.get_json()["errors"]


def test_area_limit_of_a_key(api, make_key):
    district = "120101"
    headers = {"X-API-Key": make_key(area=district)}
    body = api.get("/api/v1/areas?per_page=100", headers=headers).get_json()
    assert body["total"] > 0 and all(a["code"].startswith(district) for a in body["items"])
    assert api.get("/api/v1/areas/120102", headers=headers).status_code == 404
    r = api.get(f"/api/v1/areas/{district}", headers=headers)
    assert r.status_code == 200 and r.get_json()["geometry"]["type"] in ("Polygon",
                                                                          "MultiPolygon")
    r = api.get(f"/api/v1/areas/{district}/children.geojson", headers=headers)
    assert r.mimetype == "application/geo+json"
    assert r.get_json()["type"] == "FeatureCollection" and r.get_json()["features"]


def test_catalog_is_open_to_anyone(api):
    r = api.get("/api/v1/catalog/items?q=幼儿园")
    assert r.status_code == 200
    codes = [i["code"] for i in r.get_json()["items"]]
    assert "edu.kindergarten-licence" in codes
    r = api.get("/api/v1/catalog/items/edu.kindergarten-licence")
    item = r.get_json()
    assert item["form"]["type"] == "object" and item["materials"] and item["form_steps"]
    assert api.get("/api/v1/catalog/items/nope").status_code == 404


def test_rate_limit_per_key(platform: Platform, make_key):
    app: Flask = create_app({"TESTING": True, "SECRET_KEY": "t", "RATELIMIT_ENABLED": True,
                             "API_RATE_LIMIT": "3 per minute"}, platform=platform)
    client = app.test_client()
    first, second = make_key(name="a"), make_key(name="b", rate_limit="5 per minute")
    statuses = [client.get("/api/v1/catalog/items", headers={"X-API-Key": first}).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    r = client.get("/api/v1/catalog/items", headers={"X-API-Key": first})
    assert r.mimetype == PROBLEM and int(r.headers["Retry-After"]) >= 1
    ok = [client.get("/api/v1/catalog/items", headers={"X-API-Key": second}).status_code
          for _ in range(5)]
    assert ok == [200] * 5  # the other key has its own, larger allowance
    assert client.get("/api/v1/catalog/items", headers={"X-API-Key": second}).status_code == 429


def test_failed_writes_store_nothing(api, platform, token_for):
    citizen = token_for("citizen1")

    def count() -> int:
        with platform.session() as s:
            return services.list_applications(s, SYSTEM, per_page=1).total

    before = count()
    for body in ({"item_code": ""}, {"item_code": "x" * 100}, {"lang": "fr"}, {}):
        assert api.post("/api/v1/applications", headers=citizen, json=body).status_code >= 400
    assert count() == before


def test_document_schemas_are_valid_json_schema(api):
    from jsonschema import Draft202012Validator

    doc = api.get("/api/v1/openapi.json").get_json()
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    assert set(doc["components"]["securitySchemes"]) == {"apiKey", "bearer", "session"}
    refs = {ref.rsplit("/", 1)[1] for ref in _refs(doc["paths"])}
    assert refs <= set(doc["components"]["schemas"])


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)
