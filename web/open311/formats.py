"""Open311 answers in XML (which the spec requires) and JSON, from the same plain data.

XML follows the spec's shapes: a plural root (``services``, ``service_requests``, ``errors``)
holding one element per item (``service``, ``request``, ``error``); lists inside an item are
wrapped the same way (``attributes``/``attribute``, ``values``/``value``). Booleans are
``true``/``false``; times are W3C date-times with an offset.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

from flask import Response, json

# list element → name of each item in it
ITEMS = {
    "services": "service", "service_requests": "request", "errors": "error",
    "attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format",
}
MIME = {"xml": "text/xml", "json": "application/json"}


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        tag = ITEMS.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, tag), child)
    else:
        element.text = text(value)


def to_xml(root: str, value: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, value)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return text(value)
    return value


def respond(fmt: str, root: str, value: Any, status: int = 200) -> Response:
    """``value`` as XML under ``root`` or as JSON (the spec's JSON drops the root)."""
    if fmt == "xml":
        return Response(to_xml(root, value), status, mimetype=MIME["xml"])
    body = json.dumps(_jsonable(value), ensure_ascii=False)
    return Response(body, status, mimetype=MIME["json"])


def errors(fmt: str, status: int, description: str) -> Response:
    """The spec's error format: a list of ``{code, description}``."""
    return respond(fmt, "errors", [{"code": status, "description": description}], status)
