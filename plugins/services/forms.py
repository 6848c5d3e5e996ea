"""Application forms: JSON Schema validation with messages an applicant can act on.

Every message is keyed by field and comes in Chinese and English (``{"zh": …, "en": …}``),
saying what is wrong *and* how to fix it. Forms are split into steps by the schema's
``x-steps`` list. ``check`` keeps every valid answer even when others are wrong.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from core.contracts import Party
from core.errors import InvalidInput

LANGS = ("zh", "en")
Message = dict[str, str]

_VALIDATORS: dict[str, tuple[dict[str, Any], Draft202012Validator]] = {}


def _validator(item: Mapping[str, Any]) -> Draft202012Validator:
    """One compiled validator per item, rebuilt when the item's form changes."""
    form = item["form"]
    cached = _VALIDATORS.get(item["code"])
    if cached is not None and cached[0] == form:
        return cached[1]
    if len(_VALIDATORS) > 4096:
        _VALIDATORS.clear()
    v = Draft202012Validator(form, format_checker=FormatChecker())
    _VALIDATORS[item["code"]] = (copy.deepcopy(dict(form)), v)
    return v


@dataclass(frozen=True)
class Checked:
    """The outcome of checking answers: what may be kept, and what is wrong with the rest."""

    valid: dict[str, Any]
    errors: dict[str, Message] = field(default_factory=dict)
    rejected: dict[str, Any] = field(default_factory=dict)  # what was typed, to show again


def lang_of(value: str | None) -> str:
    if value is None:
        return "zh"
    if value not in LANGS:
        raise InvalidInput(f"language must be zh or en, not {value!r}",
                           fields={"lang": "use zh or en"})
    return value


def steps(item: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The form's steps: ``[{"title": {zh, en}, "fields": [...]}, …]``."""
    return list(item["form"].get("x-steps") or [])


def label(item: Mapping[str, Any], name: str) -> Message:
    prop = item["form"]["properties"].get(name) or {}
    return dict(prop.get("x-label") or {"zh": name, "en": name})


def coerce(item: Mapping[str, Any], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Turn text answers (a web form, the CLI) into the schema's types where they parse."""
    props = item["form"]["properties"]
    out: dict[str, Any] = {}
    for name, value in raw.items():
        kind = (props.get(name) or {}).get("type")
        if isinstance(value, str):
            text = value.strip()
            if text == "":
                out[name] = None
                continue
            try:
                if kind == "integer" and text.lstrip("-").isdigit():
                    value = int(text)
                elif kind == "number":
                    value = float(text) if any(c in text for c in ".eE") else int(text)
                elif kind == "boolean" and text.lower() in ("true", "false", "yes", "no", "1", "0"):
                    value = text.lower() in ("true", "yes", "1")
                elif kind == "array":
                    value = [v.strip() for v in text.split(",") if v.strip()]
                else:
                    value = text
            except ValueError:
                value = text
        out[name] = value
    return out


def check(
    item: Mapping[str, Any],
    answers: Mapping[str, Any],
    *,
    kept: Mapping[str, Any] | None = None,
    require: list[str] | None = None,
    rules: Any = None,
    applicant: Party | None = None,
) -> Checked:
    """Check ``answers`` (merged over ``kept``) against the item's schema and rules.

    :param require: the fields that must be answered now (a step's, or all on submit);
      other missing required fields are not errors yet.
    :param rules: ``pm.hook.catalog_validate_application`` (cross-field rules), or None.
    An answer of ``None`` clears a field.
    """
    props = item["form"]["properties"]
    data = {k: v for k, v in (kept or {}).items() if k in props}
    typed = {}
    for name, value in answers.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
            typed[name] = value
    required = set(item["form"].get("required") or [])
    must = set(required if require is None else require) & required
    errors: dict[str, Message] = {}
    for err in _validator(item).iter_errors(data):
        for name, msg in _explain(item, err, must):
            errors.setdefault(name, msg)
    valid = {k: v for k, v in data.items() if k not in errors}
    if rules is not None:
        for result in rules(item=dict(item), data=dict(valid), applicant=applicant):
            for name, msg in (result or {}).items():
                errors.setdefault(name, _as_message(msg))
    rejected = {k: v for k, v in typed.items() if k in errors and k not in valid}
    return Checked(valid=valid, errors=errors, rejected=rejected)


def _as_message(msg: Any) -> Message:
    if isinstance(msg, Mapping):
        zh = str(msg.get("zh") or msg.get("en") or "")
        return {"zh": zh, "en": str(msg.get("en") or zh)}
    return {"zh": str(msg), "en": str(msg)}


def in_lang(errors: Mapping[str, Message], lang: str) -> dict[str, str]:
    return {k: (v.get(lang) or v.get("zh") or "") for k, v in errors.items()}


# ── turning jsonschema's errors into advice ─────────────────────────────────────────────


def _explain(item: Mapping[str, Any], err: ValidationError, must: set[str]):
    props = item["form"]["properties"]
    if err.validator == "required":
        for name in err.validator_value:
            if name in must and name not in err.instance:
                yield name, _required(item, name)
        return
    if err.validator == "additionalProperties":
        for name in sorted(set(err.instance) - set(props)):
            yield name, {"zh": f"表单中没有“{name}”这一项，请删除它。",
                         "en": f"This form has no question “{name}”: leave it out."}
        return
    if not err.absolute_path:
        yield "_form", {"zh": err.message, "en": err.message}
        return
    name = str(err.absolute_path[0])
    yield name, _advice(item, name, err)


def _required(item: Mapping[str, Any], name: str) -> Message:
    lab = label(item, name)
    hint = (item["form"]["properties"][name].get("x-hint") or {})
    zh = f"请填写{lab['zh']}。" + (f"（{hint['zh']}）" if hint.get("zh") else "")
    en = f"Enter {lab['en'].lower()}." + (f" ({hint['en']})" if hint.get("en") else "")
    return {"zh": zh, "en": en}


def _advice(item: Mapping[str, Any], name: str, err: ValidationError) -> Message:
    prop = item["form"]["properties"].get(name) or {}
    lab = label(item, name)
    zl, el = lab["zh"], lab["en"]
    hint = prop.get("x-hint") or {}
    example = prop.get("x-example")
    v, val = err.validator, err.validator_value
    if v == "type":
        kinds = {
            "integer": ("整数", "a whole number", "12"),
            "number": ("数字", "a number", "120.5"),
            "string": ("文字", "text", "…"),
            "boolean": ("“是”或“否”", "yes or no", "true"),
            "array": ("一个或多个选项", "one or more choices", "[…]"),
            "object": ("一组信息", "a group of answers", "{…}"),
        }
        zh_kind, en_kind, ex = kinds.get(val if isinstance(val, str) else "string",
                                         ("正确类型", "the right kind of value", ""))
        ex = example or ex
        return {"zh": f"{zl}必须是{zh_kind}，请改为例如 {ex}。",
                "en": f"{el} must be {en_kind}; enter something like {ex}."}
    if v == "minLength":
        return {"zh": f"{zl}太短：至少要{val}个字，请补充完整。",
                "en": f"{el} is too short: use at least {val} characters."}
    if v == "maxLength":
        return {"zh": f"{zl}太长：最多{val}个字，请删减。",
                "en": f"{el} is too long: use {val} characters or fewer."}
    if v == "pattern":
        how_zh = hint.get("zh") or (f"例如 {example}" if example else "请检查格式")
        how_en = hint.get("en") or (f"for example {example}" if example else "check the format")
        return {"zh": f"{zl}格式不对，请按要求填写：{how_zh}。",
                "en": f"{el} is not in the right format: {how_en}."}
    if v in ("minimum", "exclusiveMinimum"):
        en = f"{el} must be {val} or more." if v == "minimum" else f"{el} must be more than {val}."
        zh = f"{zl}不能小于{val}" if v == "minimum" else f"{zl}必须大于{val}"
        return {"zh": f"{zh}，请修改。", "en": f"{en} Change it."}
    if v in ("maximum", "exclusiveMaximum"):
        en = f"{el} must be {val} or less." if v == "maximum" else f"{el} must be less than {val}."
        zh = f"{zl}不能大于{val}" if v == "maximum" else f"{zl}必须小于{val}"
        return {"zh": f"{zh}，请修改。", "en": f"{en} Change it."}
    if v == "enum":
        names = prop.get("x-enum-labels") or {}
        zh_opts = "、".join((names.get(o) or {}).get("zh", str(o)) for o in val)
        en_opts = ", ".join((names.get(o) or {}).get("en", str(o)) for o in val)
        return {"zh": f"{zl}请从以下选项中选择：{zh_opts}。",
                "en": f"Choose {el.lower()} from: {en_opts}."}
    if v == "format":
        if val == "date":
            return {"zh": f"{zl}不是有效日期，请按“年-月-日”填写，例如 2026-09-01。",
                    "en": f"{el} is not a real date: enter it as year-month-day, like 2026-09-01."}
        return {"zh": f"{zl}格式不对（应为 {val}），请修改。",
                "en": f"{el} must be a valid {val}; correct it."}
    if v == "minItems":
        return {"zh": f"{zl}至少要选择{val}项，请补选。",
                "en": f"Choose at least {val} for {el.lower()}."}
    if v == "maxItems":
        return {"zh": f"{zl}最多选择{val}项，请删减。",
                "en": f"Choose at most {val} for {el.lower()}."}
    if v == "uniqueItems":
        return {"zh": f"{zl}有重复的选项，请去掉重复项。",
                "en": f"{el} lists a choice twice: remove the repeat."}
    return {"zh": f"{zl}填写有误：{err.message}。请修改。",
            "en": f"{el} is not valid: {err.message}. Correct it."}

