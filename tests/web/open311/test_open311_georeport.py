"""Open311 GeoReport v2 over real HTTP, with an independent client from PyPI (``georeport``).

``georeport`` reads (services, definitions, requests, one request) in XML — what FixMyStreet
asks for — and JSON. It has no POST, so requests are posted the way FixMyStreet's Open311
client does: a form-encoded POST to ``requests.xml`` with ``api_key`` and ``jurisdiction_id``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests
import xmltodict
from georeport import GeoReport
from sqlalchemy import select

from core.identity.accounts import load_actor
from core.identity.models import Account, Person
from core.identity.roles import Actor
from plugins.grid import api as grid

JURISDICTION = "tianjin.gov.cn"
G1 = "120101001001001"
ITEM = "0101"  # 暴露垃圾
FACILITY = "0201"


def post_form(url: str, data: dict[str, Any]) -> requests.Response:
    """A form-encoded POST, as FixMyStreet's Open311 client sends it."""
    return requests.post(url, data=data, timeout=10)


def actor_of(session: Any, username: str) -> Actor:
    found = load_actor(session, session.scalar(
        select(Account.id).where(Account.username == username)))
    assert found is not None
    return found


@pytest.fixture
def endpoint(live_server: Any) -> str:
    return f"{live_server.url}/open311/v2"


@pytest.fixture
def key(make_key: Any) -> str:
    return make_key(["events:write", "events:read", "applications:write",
                     "persons:act-for"], name="fixmystreet")


@pytest.fixture
def point(platform: Any) -> tuple[float, float]:
    from core.areas.models import Area

    with platform.session() as s:
        area = s.get(Area, G1)
        return area.label_lon, area.label_lat


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_discover_services_and_definitions(endpoint, fmt):
    client = GeoReport(endpoint, jurisdiction=JURISDICTION, output_format=fmt)
    services = client.get_service_list()
    codes = {s["service_code"] for s in services}
    assert ITEM in codes and "civil.residence-certificate" in codes
    rubbish = next(s for s in services if s["service_code"] == ITEM)
    assert rubbish["service_name"] == "暴露垃圾" and rubbish["type"] == "realtime"
    assert str(rubbish["metadata"]).lower() == "false"
    facility = next(s for s in services if str(s["metadata"]).lower() == "true"
                    and s["service_code"][0].isdigit())
    definition = client.get_service_definition(facility["service_code"])
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
        attributes = attributes if isinstance(attributes, list) else [attributes]
    assert attributes[0]["code"] == "facility_code"
    form = client.get_service_definition("civil.residence-certificate")["attributes"]
    assert form  # the form's fields, as attributes
    r = requests.get(f"{endpoint}/discovery.json", timeout=10)
    assert r.json()["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"


def test_report_and_follow_through_the_real_workflow(endpoint, key, point, platform):
    r = post_form(f"{endpoint}/requests.xml", {
        "api_key": key, "jurisdiction_id": JURISDICTION, "service_code": ITEM,
        "lat": point[1], "long": point[0], "description": "路口垃圾没人清",
        "first_name": "王", "last_name": "建国", "phone": "13800000002",
        "email": "wang@example.com"})
    assert r.status_code == 201, r.text
    answer = xmltodict.parse(r.content)["service_requests"]["request"]
    request_id, token = answer["service_request_id"], answer["token"]
    assert request_id.isdigit()

    xml = GeoReport(endpoint, jurisdiction=JURISDICTION, output_format="xml")
    got = xml.get_service_request(request_id)
    assert got["status"] == "open" and got["service_code"] == ITEM
    assert got["description"] == "路口垃圾没人清"
    assert "13800000002" not in r.text + str(got)  # contact details never public
    requested = dt.datetime.fromisoformat(got["requested_datetime"])
    assert requested.utcoffset() == dt.timedelta(hours=8)

    with platform.session() as s:
        from core.identity.apikeys import ApiKey, ApiKeyUse

        used = s.scalars(select(ApiKeyUse.path).join(ApiKey, ApiKey.id == ApiKeyUse.key_id)
                         .where(ApiKey.name == "fixmystreet")).all()
        assert used == ["/open311/v2/requests.xml"]  # every use of the key is logged
    tok = requests.get(f"{endpoint}/tokens/{token}.json", timeout=10).json()
    assert tok == [{"service_request_id": request_id, "token": token}]

    # staff take it through the workflow; Open311 follows
    with platform.session() as s:
        eid = int(request_id)
        step = _stepper(s)
        step(eid, "register", "commander.c1")
        step(eid, "dispatch", "commander.c1")
    json_client = GeoReport(endpoint, jurisdiction=JURISDICTION, output_format="json")
    got = json_client.get_service_request(request_id)
    assert got["status"] == "open" and got["agency_responsible"]
    assert dt.datetime.fromisoformat(got["expected_datetime"]).tzinfo is not None
    with platform.session() as s:
        step = _stepper(s)
        step(eid, "accept", "handler.d1.city_management")
        step(eid, "feedback", "handler.d1.city_management", note="已清运")
        step(eid, "verify_pass", "worker.g1")
        step(eid, "close", "commander.c1", outcome="fixed", public_note="垃圾已清运，谢谢反映")
    got = xml.get_service_request(request_id)
    assert got["status"] == "closed" and got["status_notes"] == "垃圾已清运，谢谢反映"
    assert not got.get("expected_datetime")

    closed = json_client.get_service_requests(status="closed", service_code=ITEM)
    assert request_id in [c["service_request_id"] for c in closed]
    listed = xml.get_service_requests(service_request_id=request_id)
    listed = listed if isinstance(listed, list) else [listed]
    assert [x["service_request_id"] for x in listed] == [request_id]


def _stepper(session: Any) -> Any:
    def step(event_id: int, action: str, username: str, **fields: Any) -> None:
        who = actor_of(session, username)
        version = grid.get_event(session, who, event_id).version
        grid.act(session, who, event_id, action, version=version, **fields)

    return step


def test_service_item_requests_become_applications(endpoint, key, platform):
    with platform.session() as s:
        number = s.scalar(select(Person.id_number).join(Account, Account.person_id == Person.id)
                          .where(Account.username == "citizen1"))
    r = post_form(f"{endpoint}/requests.json", {
        "api_key": key, "service_code": "civil.residence-certificate", "account_id": number,
        "attribute[address]": "西青区中北镇星光路12号", "attribute[purpose]": "办理入学手续需要",
        "attribute[phone]": "13812345678", "attribute[delivery_method]": "electronic"})
    assert r.status_code == 201, r.text
    ref = r.json()[0]["service_request_id"]
    got = GeoReport(endpoint, output_format="json").get_service_request(ref)
    assert got["status"] == "open" and got["service_code"] == "civil.residence-certificate"
    assert number not in str(got)
    r = post_form(f"{endpoint}/requests.json", {
        "api_key": key, "service_code": "civil.residence-certificate", "account_id": number})
    assert r.status_code == 400 and r.json()[0]["code"] == 400  # says which answers are missing


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_errors_in_the_spec_format(endpoint, key, point, fmt):
    def errors(r: requests.Response) -> list[dict[str, Any]]:
        if fmt == "json":
            return r.json()
        found = xmltodict.parse(r.content)["errors"]["error"]
        return found if isinstance(found, list) else [found]

    url = f"{endpoint}/requests.{fmt}"
    r = post_form(url, {"service_code": ITEM, "lat": point[1], "long": point[0]})
    assert r.status_code == 403 and errors(r)[0]["description"].startswith("api_key")
    r = post_form(url, {"api_key": "jzk_wrong", "service_code": ITEM})
    assert r.status_code == 403
    r = post_form(url, {"api_key": key, "service_code": "nope", "lat": 1, "long": 1})
    assert r.status_code == 400 and str(errors(r)[0]["code"]) == "400"
    r = post_form(url, {"api_key": key, "service_code": ITEM})
    assert r.status_code == 400 and "lat" in errors(r)[0]["description"]
    r = requests.get(f"{endpoint}/services.{fmt}?jurisdiction_id=beijing.gov.cn", timeout=10)
    assert r.status_code == 404
    r = requests.get(f"{endpoint}/requests/999999999.{fmt}", timeout=10)
    assert r.status_code == 404
    r = requests.get(f"{endpoint}/requests.{fmt}?start_date=2026-01-01T00:00:00Z"
                     "&end_date=2026-12-01T00:00:00Z", timeout=10)
    assert r.status_code == 400 and "90" in errors(r)[0]["description"]
    r = requests.get(f"{endpoint}/tokens/forged.{fmt}", timeout=10)
    assert r.status_code == 404
