"""Open311 services backed by service items: the few that make sense without documents.

A service item is offered when it is fully online, needs no on-site visit and no document
upload (e.g. a residence certificate, unemployment registration). Its form fields become the
service definition's attributes. A request needs a key with ``applications:write`` and
``persons:act-for``, and names the applicant by resident identity number in ``account_id``
(channels such as Alipay and WeChat verify it); it becomes a submitted application like any
other, whose reference is the ``service_request_id``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.errors import NotFound
from core.identity.roles import SYSTEM, Actor
from plugins.services import api as services
from web.database import db, platform, reading

GROUP = {"zh": "政务服务", "en": "Government services"}
# Finished applications: the request is closed.
CLOSED = ("refused", "rejected", "delivered", "rated", "withdrawn")
DATATYPES = {"string": "string", "integer": "number", "number": "number", "boolean": "string"}


def offered(item: Any) -> bool:
    required = [m for m in item.materials if m.get("required", True)]
    return bool(item.online and item.visits == 0 and not required)


def items() -> list[Any]:
    found = services.search_items(db(), per_page=200)
    out = [i for i in found.items if offered(i)]
    for page in range(2, found.pages + 1):
        out += [i for i in services.search_items(db(), page=page, per_page=200).items
                if offered(i)]
    return out


def find(code: str) -> Any | None:
    try:
        item = services.get_item(reading(), code)
    except NotFound:
        return None
    return item if offered(item) else None


def _text(value: Any, lang: str) -> str:
    if isinstance(value, Mapping):
        return str(value.get(lang) or value.get("zh") or "")
    return "" if value is None else str(value)


def attributes(item: Any, lang: str) -> list[dict[str, Any]]:
    """The form's fields as Open311 attributes, in the form's order."""
    out = []
    for order, step in enumerate(services.form_steps(item), start=1):
        for n, f in enumerate(step["fields"], start=1):
            kind = f["type"] or "string"
            attr: dict[str, Any] = {
                "variable": True, "code": f["name"], "required": f["required"],
                "datatype": DATATYPES.get(kind, "string"), "order": order * 100 + n,
                "description": _text(f["label"], lang),
                "datatype_description": _text(f["hint"], lang),
            }
            if f["format"] == "date":
                attr["datatype"] = "datetime"
            if kind == "string" and not f["enum"] and (f.get("maximum") or 0) > 200:
                attr["datatype"] = "text"
            if f["enum"]:
                labels = f["enum_labels"] or {}
                attr["datatype"] = "multivaluelist" if kind == "array" else "singlevaluelist"
                attr["values"] = [{"key": v, "name": _text(labels.get(v, v), lang)}
                                  for v in f["enum"]]
            out.append(attr)
    return out


def _answers(item: Any, given: Mapping[str, list[str]]) -> dict[str, Any]:
    """Attribute values as typed answers (Open311 sends every value as text)."""
    kinds = {f["name"]: f for step in services.form_steps(item) for f in step["fields"]}
    out: dict[str, Any] = {}
    for name, values in given.items():
        f = kinds.get(name)
        if f is None:
            continue
        value: Any = values if f["type"] == "array" else values[-1]
        if f["type"] == "integer":
            value = int(value) if str(value).lstrip("-").isdigit() else value
        elif f["type"] == "boolean":
            value = {"true": True, "false": False}.get(str(value).lower(), value)
        out[name] = value
    return out


def create(item: Any, actor: Actor, given: Mapping[str, list[str]]) -> str:
    """Start, fill in and submit an application; returns its reference."""
    draft = services.start_application(db(), actor, item.code)
    saved = services.save_answers(db(), actor, draft.id, version=draft.version,
                                  answers=_answers(item, given))
    done = services.submit(db(), actor, saved.id, version=saved.version)
    return done.ref


def find_request(ref: str) -> Any | None:
    """The application with reference ``ref``. Its progress is public by reference number
    (办件查询), as on the city's portal; ``as_request`` shows nothing personal."""
    if not ref.isascii() or ref.isdigit() or len(ref) > 40:
        return None
    try:
        return services.get_application(db(), SYSTEM, ref)
    except NotFound:
        return None


def as_request(app: Any, lang: str) -> dict[str, Any]:
    """An application in the shape of an Open311 service request."""
    tz = platform().tz
    note = _text(app.status_label, lang)  # not the reason: it may be personal
    return {
        "service_request_id": app.ref,
        "status": "closed" if app.status in CLOSED else "open",
        "status_notes": note,
        "service_name": _text(app.item_name, lang),
        "service_code": app.item_code,
        "description": "",
        "agency_responsible": app.department_code,
        "service_notice": "",
        "requested_datetime": (app.submitted_at or app.created_at).astimezone(tz),
        "updated_datetime": max(t for t in (app.created_at, app.submitted_at, app.accepted_at,
                                            app.decided_at, app.delivered_at) if t).astimezone(tz),
        "expected_datetime": app.due_at.astimezone(tz) if app.due_at else None,
        "address": "", "address_id": "", "zipcode": "", "lat": None, "long": None,
        "media_url": "",
    }
