"""Synthetic answers to a service item's application form, for system mode.

Each field gets the first candidate its own JSON Schema accepts: the item's example, then a
value built from the schema (an enum's first choice; a string that matches the pattern —
the pattern is parsed, not guessed — within the length limits; a number inside its bounds;
a real date; an array of enough distinct items). Numbers are taken from the middle of their
range on a log scale (a few classes, a few dozen children, a few hundred m²), so cross-field
rules such as "at most 35 children per class" or a district's "9 m² per child" hold, as
they do for a real applicant. ``tests/simulator/test_answers.py`` submits every shipped
item's answers through the services plugin in every district of the small city.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

try:  # the standard library's regular-expression parser (sre_parse before 3.11)
    from re import _parser as sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse as sre  # type: ignore[no-redef]

ID_PATTERN = "^[0-9]{17}[0-9X]$"
ID_EXAMPLE = "11010519491231002X"  # GB 11643's published example, a valid check digit
DATE = "2026-09-01"
_FORMATS = {"date": DATE, "date-time": "2026-09-01T09:00:00+08:00", "time": "09:00:00+08:00",
            "email": "zhang.wei@example.cn", "uri": "https://example.cn/",
            "uuid": "00000000-0000-4000-8000-000000000000"}
_TEXTS = (("address", "西青区中北镇星光路12号"), ("phone", "13812345678"),
          ("name", "张伟"), ("reason", "因生活需要，特此申请办理。"))
FILLER = "模拟填写的内容"


def form_answers(data: Mapping[str, Any]) -> dict[str, Any]:
    """An answer to every field of the item's form (``ItemView.data``)."""
    form = data.get("form") or {}
    return {name: answer(name, prop) for name, prop in (form.get("properties") or {}).items()}


def answer(name: str, prop: Mapping[str, Any]) -> Any:
    """The first candidate that the field's own schema accepts (the last one if none is)."""
    check = Draft202012Validator(_plain(prop), format_checker=FormatChecker())
    last = None
    for value in candidates(name, prop):
        last = value
        if check.is_valid(value):
            return value
    return last


def candidates(name: str, prop: Mapping[str, Any]) -> Iterator[Any]:
    """Values to try for one field, best first."""
    kind = prop.get("type")
    example = prop.get("x-example")
    if example is not None:
        yield [example] if kind == "array" and not isinstance(example, list) else example
    if prop.get("enum"):
        yield prop["enum"][0]
    if kind == "array":
        yield _array(name, prop)
    elif kind == "boolean":
        yield True
    elif kind in ("integer", "number"):
        yield _number(prop, kind == "integer")
    else:
        yield from _strings(name, prop)


def _plain(prop: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in prop.items() if not k.startswith("x-")}


def _array(name: str, prop: Mapping[str, Any]) -> list[Any]:
    items = prop.get("items") or {}
    n = max(int(prop.get("minItems") or 1), 1)
    if items.get("enum"):
        return list(items["enum"][:n])
    one = answer(name, items) if items else FILLER
    if n == 1:
        return [one]
    return [f"{one}{k + 1}" if isinstance(one, str) else one for k in range(n)]


def _number(prop: Mapping[str, Any], integer: bool) -> int | float:
    lo = prop.get("minimum")
    if lo is None and prop.get("exclusiveMinimum") is not None:
        lo = prop["exclusiveMinimum"] + (1 if integer else 0.5)
    hi = prop.get("maximum")
    if hi is None and prop.get("exclusiveMaximum") is not None:
        hi = prop["exclusiveMaximum"] - (1 if integer else 0.5)
    lo = 1 if lo is None else lo
    if hi is None:
        hi = max(lo, 1) * 100
    value = math.sqrt(lo * hi) if lo > 0 and hi > 0 else (lo + hi) / 2
    value = min(max(value, lo), hi)
    return math.floor(value) if integer and math.floor(value) >= lo else (
        math.ceil(value) if integer else round(value, 1))


def _strings(name: str, prop: Mapping[str, Any]) -> Iterator[str]:
    pattern = prop.get("pattern")
    fmt = prop.get("format")
    if fmt in _FORMATS:
        yield _FORMATS[fmt]
    if pattern == ID_PATTERN:
        yield ID_EXAMPLE
    if pattern:
        yield from _matching(pattern, prop)
        return
    text = next((t for key, t in _TEXTS if key in name), FILLER)
    yield _fit(text, prop)


def _fit(text: str, prop: Mapping[str, Any], prefix: str = "", suffix: str = "") -> str:
    """``text`` padded or cut to the length limits, keeping ``prefix`` and ``suffix``."""
    lo = int(prop.get("minLength") or 0)
    hi = prop.get("maxLength")
    room = None if hi is None else int(hi) - len(prefix) - len(suffix)
    while len(prefix) + len(text) + len(suffix) < lo:
        text += FILLER
    if room is not None:
        text = text[:max(room, 0)]
        if len(prefix) + len(text) + len(suffix) < lo:
            text += FILLER[:lo - len(prefix) - len(text) - len(suffix)]
    return prefix + text + suffix


def _matching(pattern: str, prop: Mapping[str, Any]) -> Iterator[str]:
    """Strings that ``re.search(pattern, …)`` finds, within the length limits."""
    try:
        core = _build(sre.parse(pattern))
    except (re.error, _Unsupported):
        return
    start, end = pattern.startswith("^"), pattern.endswith("$")
    if start and end:
        yield core
    elif start:
        yield _fit("", prop, core)
    else:
        yield _fit("", prop, "阳光", core) if end else _fit("", prop, "阳光" + core)


class _Unsupported(Exception):
    pass


def _build(parsed: Any) -> str:
    """The shortest string matching a parsed pattern (each repeat at its minimum, ≥ 1 for
    an open range so that ``\\d+`` gives a digit)."""
    out = []
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "ANY":
            out.append("0")
        elif name == "IN":
            out.append(_one_of(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, _hi, sub = arg
            out.append(_build(sub) * max(lo, 1))
        elif name == "SUBPATTERN":
            out.append(_build(arg[-1]))
        elif name == "BRANCH":
            out.append(_build(arg[1][0]))
        elif name == "AT":
            continue
        else:
            raise _Unsupported(name)
    return "".join(out)


def _one_of(items: list[tuple[Any, Any]]) -> str:
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            raise _Unsupported("negated class")
        if name == "LITERAL":
            return chr(arg)
        if name == "RANGE":
            return chr(arg[0])
        if name == "CATEGORY":
            cat = str(arg)
            if cat.endswith("DIGIT") and "NOT" not in cat:
                return "0"
            if cat.endswith("WORD") and "NOT" not in cat:
                return "a"
            if cat.endswith("SPACE") and "NOT" not in cat:
                return " "
            raise _Unsupported(cat)
    raise _Unsupported("empty class")
