"""The catalog of service items: collected from ``catalog_service_items``, checked, stored,
imported and exported as JSON. (CPSV-AP JSON-LD export: ``cpsv.py``.)

Items are plain dicts; their schema is documented in ``README.md``. Every problem found while
loading names the item and the plugin it came from.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pluggy
import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import ConfigurationError, InvalidInput
from plugins.services.models import Item, Storefront
from plugins.services.search import index_text

BASE_CATALOG = Path(__file__).parent / "data" / "catalog.yaml"
FORMAT = "jinzhi.services.catalog/1"

TYPES: dict[str, dict[str, str]] = {
    "01": {"zh": "行政许可", "en": "Administrative licensing"},
    "02": {"zh": "行政处罚", "en": "Administrative penalty"},
    "03": {"zh": "行政强制", "en": "Administrative enforcement"},
    "04": {"zh": "行政征收", "en": "Administrative levy"},
    "05": {"zh": "行政给付", "en": "Benefits"},
    "06": {"zh": "行政检查", "en": "Inspection"},
    "07": {"zh": "行政确认", "en": "Administrative confirmation"},
    "08": {"zh": "行政奖励", "en": "Award"},
    "09": {"zh": "行政裁决", "en": "Administrative ruling"},
    "20": {"zh": "其他行政权力", "en": "Other administrative power"},
    "21": {"zh": "公共服务", "en": "Public service"},
    "22": {"zh": "便民服务", "en": "Convenience service"},  # ours: not in the national list
}
TYPE_ALIASES = {"licensing": "01", "benefits": "05", "confirmation": "07",
                "public_service": "21", "convenience": "22"}
LEVELS = ("city", "district", "street")
DELIVERY = {
    "mail": {"zh": "邮寄送达", "en": "By post"},
    "pickup": {"zh": "窗口领取", "en": "Pick up at the hall"},
    "electronic": {"zh": "电子证照", "en": "Electronic certificate"},
}
CHANNELS = ("web", "app", "alipay", "wechat", "hall")
FORMATS = ("pdf", "jpeg", "png")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@\-]{1,79}$")
DELIVERY_STEP = {"zh": "办理结果领取方式", "en": "How to receive the result"}


def base_items() -> list[dict[str, Any]]:
    """The shipped base catalog (``data/catalog.yaml``)."""
    data = yaml.safe_load(BASE_CATALOG.read_text("utf-8"))
    return data["items"]


def type_code(value: str) -> str:
    """A type code from a code or an alias (``"licensing"`` → ``"01"``)."""
    code = TYPE_ALIASES.get(value, value)
    if code not in TYPES:
        choices = ", ".join([*TYPES, *TYPE_ALIASES])
        raise InvalidInput(f"unknown item type {value!r}; use one of {choices}",
                           fields={"type": f"use one of {choices}"})
    return code


def collect(pm: pluggy.PluginManager) -> tuple[list[dict], list[dict]]:
    """Items and storefronts from every plugin, merged by code (first wins), checked."""
    items = _merged(pm.hook.catalog_service_items, "service item", normalize_item)
    fronts = _merged(pm.hook.catalog_storefronts, "storefront", normalize_storefront)
    codes = {i["code"] for i in items}
    for front in fronts:
        for code in front["featured"]:
            if code not in codes:
                raise ConfigurationError(
                    f"storefront {front['code']!r} (from plugin {front['_source']!r}) "
                    f"features unknown item {code!r}"
                )
    return items, fronts


def _merged(hook: Any, what: str, normalize: Any) -> list[dict]:
    seen: dict[str, dict] = {}
    for impl in reversed(hook.get_hookimpls()):  # the order pluggy calls them in
        for raw in impl.function() or []:
            code = raw.get("code") if isinstance(raw, Mapping) else None
            if code in seen:
                continue
            try:
                obj = normalize(raw)
            except InvalidInput as e:
                raise ConfigurationError(
                    f"{what} {code!r} (from plugin {impl.plugin_name!r}): {e.message}"
                ) from None
            obj["_source"] = impl.plugin_name
            seen[obj["code"]] = obj
    return list(seen.values())


def _i18n(value: Any, field: str, required: bool = True) -> dict[str, str] | None:
    if value is None and not required:
        return None
    if isinstance(value, str):
        return {"zh": value, "en": value}
    if isinstance(value, Mapping) and set(value) - {"zh", "en"}:
        extra = ", ".join(map(str, set(value) - {"zh", "en"}))
        raise InvalidInput(f"{field} has keys other than zh and en ({extra}): in YAML, quote "
                           "texts that contain a comma")
    if isinstance(value, Mapping) and isinstance(value.get("zh"), str):
        return {"zh": value["zh"], "en": str(value.get("en") or value["zh"])}
    raise InvalidInput(f"{field} must be {{zh: ..., en: ...}}", fields={field: "give zh and en"})


def normalize_item(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check one item and fill in defaults; ``InvalidInput`` says what is wrong."""
    if not isinstance(raw, Mapping):
        raise InvalidInput("an item must be a mapping")
    item = copy.deepcopy(dict(raw))
    item.pop("_source", None)
    code = item.get("code")
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise InvalidInput(f"code {code!r} must be 2–80 letters, digits, '.', '-', '_' or '@'")
    item["name"] = _i18n(item.get("name"), "name")
    item["type"] = type_code(str(item.get("type", "")))
    if item.get("level") not in LEVELS:
        raise InvalidInput(f"level must be one of {', '.join(LEVELS)}, not {item.get('level')!r}")
    if not isinstance(item.get("department"), str) or not item["department"]:
        raise InvalidInput("department (the implementing department's type) is required")
    for key in ("competent_authority", "legal_basis", "conditions", "description"):
        item[key] = _i18n(item.get(key), key, required=False)
    item.setdefault("area_code", None)
    item["keywords"] = [str(k) for k in item.get("keywords") or []]
    _check_limits(item)
    _check_choices(item, "delivery", DELIVERY, default=["electronic"])
    _check_choices(item, "channels", CHANNELS, default=["web"])
    if item.get("visits", 0) not in (0, 1, 2):
        raise InvalidInput(f"visits must be 0, 1 or 2, not {item.get('visits')!r}")
    item["visits"] = item.get("visits", 0)
    item["online"] = bool(item.get("online", item["visits"] == 0))
    item["fees"] = [_fee(f) for f in item.get("fees") or []]
    item["steps"] = [_i18n(s, "steps") for s in item.get("steps") or []]
    item["materials"] = _materials(item.get("materials") or [])
    if item.get("issues") is not None:
        issues = dict(item["issues"])
        if not isinstance(issues.get("type"), str):
            raise InvalidInput("issues.type (the certificate type, e.g. licence.food) is required")
        issues["title"] = _i18n(issues.get("title", item["name"]), "issues.title")
        item["issues"] = issues
    item["form"] = _form(item.get("form"), item["delivery"])
    return item


def _check_limits(item: dict) -> None:
    limits = item.get("time_limit") or {}
    legal, promised = limits.get("legal"), limits.get("promised")
    if not (isinstance(legal, int) and isinstance(promised, int) and 0 < promised <= legal):
        raise InvalidInput(
            "time_limit needs whole numbers of working days with 0 < promised ≤ legal, "
            f"got {limits!r}"
        )
    item["time_limit"] = {"legal": legal, "promised": promised}


def _check_choices(item: dict, key: str, allowed: Iterable[str], default: list[str]) -> None:
    values = item.get(key) or default
    bad = [v for v in values if v not in allowed]
    if bad:
        raise InvalidInput(f"{key}: unknown {bad}; use {', '.join(allowed)}")
    item[key] = list(values)


def _fee(fee: Mapping[str, Any]) -> dict[str, Any]:
    amount = fee.get("amount_cny")
    if not isinstance(amount, int | float) or amount < 0:
        raise InvalidInput(f"a fee needs amount_cny ≥ 0, got {amount!r}")
    return {"name": _i18n(fee.get("name"), "fees.name"), "amount_cny": amount,
            "basis": fee.get("basis")}


def _materials(materials: list) -> list[dict[str, Any]]:
    out, codes = [], set()
    for m in materials:
        m = dict(m)
        code = m.get("code")
        if not isinstance(code, str) or code in codes:
            raise InvalidInput(f"material code {code!r} is missing or repeated")
        codes.add(code)
        formats = m.get("formats") or list(FORMATS)
        if any(f not in FORMATS for f in formats):
            raise InvalidInput(f"material {code!r}: formats must be among {', '.join(FORMATS)}")
        out.append({
            "code": code,
            "name": _i18n(m.get("name"), f"materials.{code}.name"),
            "required": bool(m.get("required", True)),
            "formats": list(formats),
            "max_bytes": m.get("max_bytes"),
            "hint": _i18n(m.get("hint"), "hint", required=False),
            "example": _i18n(m.get("example"), "example", required=False),
            "evidence_type": m.get("evidence_type"),
        })
    return out


def _form(form: Any, delivery: list[str]) -> dict[str, Any]:
    form = copy.deepcopy(dict(form or {"type": "object", "properties": {}}))
    if form.get("type") != "object" or not isinstance(form.get("properties"), Mapping):
        raise InvalidInput("form must be a JSON Schema of type object with properties")
    props = form["properties"]
    if "delivery_method" not in props:
        props["delivery_method"] = {
            "type": "string", "enum": list(delivery),
            "x-label": {"zh": "领取方式", "en": "How you want the result"},
            "x-enum-labels": {d: DELIVERY[d] for d in delivery},
        }
        fields = ["delivery_method"]
        if "mail" in delivery:
            props["mail_address"] = {
                "type": "string", "minLength": 6, "maxLength": 200,
                "x-label": {"zh": "邮寄地址", "en": "Postal address"},
                "x-hint": {"zh": "选择邮寄时必填，写到门牌号",
                           "en": "needed for post; down to the house number"},
            }
            fields.append("mail_address")
        form.setdefault("required", []).append("delivery_method")
        form.setdefault("x-steps", []).append({"title": DELIVERY_STEP, "fields": fields})
    for name, prop in props.items():
        label = _i18n(prop.get("x-label") or prop.get("title") or name, f"form.{name}")
        prop["x-label"] = label
        prop.setdefault("title", label["zh"])
    steps = form.get("x-steps") or [{"title": {"zh": "填写", "en": "Your answers"},
                                     "fields": list(props)}]
    placed: list[str] = []
    for step in steps:
        step["title"] = _i18n(step.get("title"), "x-steps.title")
        unknown = [f for f in step.get("fields", []) if f not in props]
        if unknown:
            raise InvalidInput(f"form step {step['title']['zh']!r} lists unknown fields {unknown}")
        placed.extend(step["fields"])
    missing = [f for f in props if f not in placed]
    if missing:
        steps.append({"title": {"zh": "其他", "en": "Other"}, "fields": missing})
    form["x-steps"] = steps
    form.setdefault("additionalProperties", False)
    try:
        Draft202012Validator.check_schema(form)
    except SchemaError as e:
        raise InvalidInput(f"form is not a valid JSON Schema: {e.message}") from None
    return form


def normalize_storefront(raw: Mapping[str, Any]) -> dict[str, Any]:
    front = copy.deepcopy(dict(raw))
    front.pop("_source", None)
    if not isinstance(front.get("code"), str) or not CODE_RE.match(front["code"]):
        raise InvalidInput("a storefront needs a code")
    district = front.get("district")
    if not (isinstance(district, str) and len(district) == 6 and district.isdigit()):
        raise InvalidInput(f"district must be a 6-digit district code, not {district!r}")
    front["name"] = _i18n(front.get("name"), "name")
    front["description"] = _i18n(front.get("description"), "description", required=False)
    front["featured"] = [str(c) for c in front.get("featured") or []]
    look = dict(front.get("look") or {})
    look.setdefault("primary_color", "#1f5fa8")
    look.setdefault("logo_text", front["name"]["zh"][:4])
    if not re.match(r"^#[0-9a-fA-F]{6}$", str(look["primary_color"])):
        raise InvalidInput(
            f"look.primary_color must be like #1f5fa8, not {look['primary_color']!r}")
    front["look"] = look
    return front


# ── storing ─────────────────────────────────────────────────────────────────────────────


def item_row(item: Mapping[str, Any], row: Item | None = None) -> Item:
    row = row or Item(code=item["code"])
    row.name_zh, row.name_en = item["name"]["zh"], item["name"]["en"]
    row.type, row.level, row.department = item["type"], item["level"], item["department"]
    row.area_code = item.get("area_code")
    row.online, row.visits = item["online"], item["visits"]
    row.data = {k: v for k, v in item.items() if not k.startswith("_")}
    row.search_tokens = index_text(item)
    return row


def store(session: Session, items: list[dict], fronts: list[dict]) -> dict[str, int]:
    """Insert or update items and storefronts (never deletes: applications refer to items)."""
    existing = {r.code: r for r in session.scalars(
        select(Item).where(Item.code.in_([i["code"] for i in items])))} if items else {}
    for item in items:
        row = item_row(item, existing.get(item["code"]))
        if item["code"] not in existing:
            session.add(row)
    for front in fronts:
        row = session.get(Storefront, front["code"]) or Storefront(code=front["code"])
        row.district_code = front["district"]
        row.name_zh, row.name_en = front["name"]["zh"], front["name"]["en"]
        row.data = {k: v for k, v in front.items() if not k.startswith("_")}
        session.add(row)
    session.flush()
    return {"items": len(items), "storefronts": len(fronts)}


def load(session: Session, pm: pluggy.PluginManager) -> dict[str, int]:
    """Collect the catalog from every plugin and store it."""
    items, fronts = collect(pm)
    return store(session, items, fronts)


def export_json(session: Session) -> dict[str, Any]:
    """The whole catalog as one JSON document (``import_json`` reads it back)."""
    items = [r.data for r in session.scalars(select(Item).order_by(Item.code))]
    fronts = [r.data for r in session.scalars(select(Storefront).order_by(Storefront.code))]
    return {"format": FORMAT, "items": items, "storefronts": fronts}


def import_json(session: Session, document: Mapping[str, Any]) -> dict[str, int]:
    """Check every item of ``document`` first; store them only if all are valid."""
    if not isinstance(document, Mapping) or document.get("format") != FORMAT:
        raise InvalidInput(f"not a Jinzhi catalog: expected \"format\": \"{FORMAT}\"")
    items, fronts, problems = [], [], {}
    for n, raw in enumerate(document.get("items") or []):
        try:
            items.append(normalize_item(raw))
        except InvalidInput as e:
            code = raw.get("code") if isinstance(raw, Mapping) else ""
            problems[f"items[{n}] {code}"] = e.message
    for n, raw in enumerate(document.get("storefronts") or []):
        try:
            fronts.append(normalize_storefront(raw))
        except InvalidInput as e:
            problems[f"storefronts[{n}]"] = e.message
    if problems:
        first = next(iter(problems.items()))
        raise InvalidInput(f"{len(problems)} invalid entries, first: {first[0]}: {first[1]}",
                           fields=problems)
    return store(session, items, fronts)
