"""The GeoReport v2 endpoints. Every path ends in ``.xml`` or ``.json``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from web import database
from web.access import ApiAccess
from web.api import credentials
from web.api.credentials import ANONYMOUS, Principal
from web.api.problems import ApiProblem
from web.database import platform
from web.open311 import Open311Error, applications, bp, events
from web.open311.formats import MIME, respond

FMT = "<any(xml, json):fmt>"


def _route(rule: str, methods: tuple[str, ...] = ("GET",)) -> Any:
    def decorate(fn: Any) -> Any:
        fn.roles = ApiAccess(None)  # type: ignore[attr-defined]  # api_key checked inside
        bp.add_url_rule(rule, fn.__name__, fn, methods=list(methods))
        return fn

    return decorate


def _jurisdiction() -> None:
    given = _param("jurisdiction_id")
    if given and given != current_app.config["OPEN311_JURISDICTION"]:
        raise Open311Error(404, f"jurisdiction_id {given!r} is not served here; use "
                                f"{current_app.config['OPEN311_JURISDICTION']!r}")


def _param(name: str) -> str | None:
    value = request.form.get(name) if request.method == "POST" else None
    return value if value is not None else request.args.get(name)


def _lang() -> str:
    locale = (_param("locale") or "zh").lower()
    return "en" if locale.startswith("en") else "zh"


def _caller(required: bool, scope: str | None = None) -> Principal:
    """The key named by ``api_key`` (or X-API-Key); 403 as the spec says when it is wrong."""
    secret = _param("api_key") or request.headers.get("X-API-Key")
    try:
        if not secret:
            if required:
                raise Open311Error(403, "api_key is required to post a request; ask the city "
                                        "for a key")
            who = ANONYMOUS
        else:
            who = credentials.principal_of_secret(secret)
        credentials.check_rate(who)
    except ApiProblem as e:
        raise Open311Error(429 if e.status == 429 else 403, f"api_key: {e.detail}") from None
    if scope and scope not in who.scopes:
        raise Open311Error(403, f"this api_key lacks the scope {scope}")
    return who


def _tokens() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="open311-token")


@_route(f"/discovery.{FMT}")
def discovery(fmt: str) -> Any:
    base = request.host_url.rstrip("/") + bp.url_prefix
    return respond(fmt, "discovery", {
        "changeset": "2026-01-01T00:00:00+08:00",
        "contact": current_app.config["OPEN311_CONTACT"],
        "key_service": "Ask the city's API desk for an api_key (channel key).",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2", "url": base,
            "changeset": "2026-01-01T00:00:00+08:00", "type": "production",
            "formats": list(MIME.values()),
        }],
    })


@_route(f"/services.{FMT}")
def service_list(fmt: str) -> Any:
    _jurisdiction()
    _caller(required=False)
    lang = _lang()
    found = events.services(lang)
    for item in applications.items():
        found.append({
            "service_code": item.code, "service_name": applications._text(item.name, lang),
            "description": applications._text(item.data.get("description"), lang),
            "metadata": True, "type": "batch",
            "keywords": ",".join(item.data.get("keywords") or []),
            "group": applications.GROUP[lang],
        })
    return respond(fmt, "services", found)


@_route(f"/services/<code>.{FMT}")
def service_definition(code: str, fmt: str) -> Any:
    _jurisdiction()
    _caller(required=False)
    lang = _lang()
    item = events.find_item(code)
    if item is not None:
        attrs = events.attributes(item, lang)
    else:
        service_item = applications.find(code)
        if service_item is None:
            raise Open311Error(404, f"there is no service {code!r}; see services.{fmt}")
        attrs = applications.attributes(service_item, lang)
    return respond(fmt, "service_definition", {"service_code": code, "attributes": attrs})


def _attributes() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key in request.form:
        if key.startswith("attribute[") and key.endswith("]"):
            name = key[len("attribute["):-1].removesuffix("][]").rstrip("]").rstrip("[")
            out.setdefault(name, []).extend(request.form.getlist(key))
    return out


@_route(f"/requests.{FMT}", methods=("POST",))
def post_request(fmt: str) -> Any:
    _jurisdiction()
    code = _param("service_code")
    if not code:
        raise Open311Error(400, "service_code is required; see services.xml")
    item = events.find_item(code)
    if item is not None:
        who = _caller(required=True, scope="events:write")
        request_id = str(events.create(item, who, request.form, _attributes()))
    else:
        service_item = applications.find(code)
        if service_item is None:
            raise Open311Error(400, f"service_code {code!r} is not a service here")
        who = _caller(required=True, scope="applications:write")
        request_id = applications.create(service_item, events.person_actor(who),
                                         _attributes())
    credentials.log_use(201)
    database.commit()  # before the answer is rendered: SQLite's write lock is free meanwhile
    answer = {"service_request_id": request_id, "token": _tokens().dumps(request_id),
              "service_notice": events.NOTICE[_lang()],
              "account_id": _param("account_id") or ""}
    return respond(fmt, "service_requests", [answer], status=201)


def _when(name: str) -> dt.datetime | None:
    value = _param(name)
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} must be a W3C date-time, e.g. "
                                "2026-03-01T00:00:00+08:00") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=platform().tz)


def _list(name: str) -> list[str]:
    return [v.strip() for v in (_param(name) or "").split(",") if v.strip()]


@_route(f"/requests.{FMT}")
def get_requests(fmt: str) -> Any:
    _jurisdiction()
    who = _caller(required=False)
    lang = _lang()
    ids = _list("service_request_id")
    if ids:
        found = [r for r in (_one(i, who, lang) for i in ids[:100]) if r is not None]
        return respond(fmt, "service_requests", found)
    statuses = _list("status")
    if set(statuses) - {"open", "closed"}:
        raise Open311Error(400, "status must be open, closed or both (comma-separated)")
    days = dt.timedelta(days=current_app.config["OPEN311_SEARCH_DAYS"])
    start, end = _when("start_date"), _when("end_date")
    if start and end and end - start > days:
        raise Open311Error(400, f"start_date to end_date may span at most {days.days} days")
    if start and end and end < start:
        raise Open311Error(400, "end_date is before start_date")
    try:
        end = end or ((start + days) if start else platform().now())
        start = start or end - days
    except OverflowError:
        raise Open311Error(400, "start_date and end_date must be real dates") from None
    found = events.search(who, _list("service_code"), start, end, statuses,
                          current_app.config["OPEN311_MAX_REQUESTS"])
    return respond(fmt, "service_requests", [events.as_request(e, lang) for e in found])


def _one(request_id: str, who: Principal, lang: str) -> dict[str, Any] | None:
    if request_id.isdigit():
        found = events.get(int(request_id), who)
        return events.as_request(found, lang) if found else None
    app = applications.find_request(request_id)
    return applications.as_request(app, lang) if app else None


@_route(f"/requests/<request_id>.{FMT}")
def get_request(request_id: str, fmt: str) -> Any:
    _jurisdiction()
    who = _caller(required=False)
    found = _one(request_id, who, _lang())
    if found is None:
        raise Open311Error(404, f"there is no service request {request_id!r}")
    return respond(fmt, "service_requests", [found])


@_route(f"/tokens/<token>.{FMT}")
def get_token(token: str, fmt: str) -> Any:
    _jurisdiction()
    _caller(required=False)
    try:
        request_id = str(_tokens().loads(token))
    except BadSignature:
        raise Open311Error(404, "there is no such token") from None
    return respond(fmt, "service_requests", [{"service_request_id": request_id,
                                              "token": token}])


bp.after_request(credentials.after_request)
