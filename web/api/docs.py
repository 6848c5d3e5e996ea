"""The OpenAPI 3.1 document, generated from the declared operations, and a browsable reference
page rendered from that same document by our own template (no scripts, nothing from a CDN)."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Response, current_app, render_template, request
from markupsafe import Markup, escape

from web.access import ApiAccess
from web.api import api, bp
from web.api.credentials import SCOPES
from web.api.models import Problem
from web.api.spec import openapi

DESCRIPTION = """\
The public API of Jinzhi (津治): Tianjin's one-stop government services (津心办) and grid
governance (津治通), for third-party channels (Alipay and WeChat mini-programs) and staff tools.
Civic apps that speak Open311 GeoReport v2 find it at `/open311/v2`.

**Credentials.** A channel key (`X-API-Key: jzk_…` or `Authorization: Bearer jzk_…`, issued by
an administrator with scopes and an area limit), or a bearer token for an account
(`POST /tokens`, `Authorization: Bearer jzt_…`), or the web UI's login cookie (then unsafe
methods need `X-CSRFToken`). A channel key acts as a member of the public inside its area;
with the scope `persons:act-for` it may name the person it acts for in the
`Jinzhi-On-Behalf-Of` header (a resident identity number it has verified). Tokens and the
cookie act as the account, with the same role and area rules as the web UI. Every use of a key
is logged.

**Errors** are RFC 9457 problem details (`application/problem+json`): `detail` says what went
wrong and what to do, `errors` maps each bad field to how to fix it. A request that fails
stores nothing.

**Lists** take `page` and `per_page` (at most 100) and `sort`; answers carry the totals, a
`Link` header (first, prev, next, last) and `X-Total-Count`.

**Versions.** Records carry `version` and an `ETag`. Changes need `If-Match` with the version
you read: 428 without it, 412 when someone changed the record first.

**Rate limits** apply per key, token or address; answers carry `RateLimit-Policy`
(requests;w=seconds), and a 429 carries `Retry-After` and `RateLimit-Reset`.

**Times** are RFC 3339 with an offset (the city's time, +08:00).
"""

TAGS = [
    {"name": "areas", "description": "The four-level grid: city, districts, streets, "
                                     "communities, grids"},
    {"name": "event-items", "description": "What can be reported: 9 categories of items"},
    {"name": "events", "description": "Grid events: report, list, read, act on, follow, "
                                      "add photos"},
    {"name": "catalog", "description": "Government service items (政务服务事项)"},
    {"name": "applications", "description": "Applying for a service item, and handling it"},
    {"name": "profiles", "description": "One picture of a person (两津联动)"},
    {"name": "statistics", "description": "Figures of events and applications"},
    {"name": "tokens", "description": "Bearer tokens for accounts"},
    {"name": "keys", "description": "Channel keys (administrators)"},
]


def _security() -> dict[str, Any]:
    scopes = "; ".join(f"`{k}`: {v}" for k, v in SCOPES.items())
    return {
        "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key",
                   "description": f"A channel key. Scopes: {scopes}"},
        "bearer": {"type": "http", "scheme": "bearer",
                   "description": "A token from POST /tokens, or a channel key"},
        "session": {"type": "apiKey", "in": "cookie", "name": "session",
                    "description": "The web UI's login cookie (unsafe methods need "
                                   "X-CSRFToken)"},
    }


def document() -> dict[str, Any]:
    """The document, built once per app."""
    cached = current_app.extensions.get("jinzhi_openapi")
    if cached is None:
        cached = openapi(
            api.operations, prefix=bp.url_prefix or "",
            info={"title": "Jinzhi API", "version": "1.0.0", "description": DESCRIPTION,
                  "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}},
            problem_model=Problem, security=_security(), tags=TAGS)
        current_app.extensions["jinzhi_openapi"] = cached
    return cached


def openapi_json() -> Response:
    body = json.dumps(document(), ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/json",
                    headers={"Access-Control-Allow-Origin": "*"})


def _md(text: str) -> Markup:
    """The little Markdown the descriptions use: paragraphs, **bold** and `code`."""
    html = str(escape(text or ""))
    html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html)
    html = re.sub(r"``?([^`]+?)``?", r"<code>\1</code>", html)
    return Markup("".join(f"<p>{p}</p>" for p in html.split("\n\n") if p.strip()))


def _schema_text(schema: dict[str, Any] | None) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) if schema else ""


def reference() -> str:
    """A readable reference of every operation, from the document."""
    doc = document()
    by_tag: dict[str, list[dict[str, Any]]] = {t["name"]: [] for t in doc["tags"]}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            content = (op.get("requestBody") or {}).get("content", {})
            body = content.get("application/json")
            form = (content.get("multipart/form-data") or {}).get("schema", {})
            by_tag.setdefault(op["tags"][0], []).append({
                "method": method.upper(), "path": doc["servers"][0]["url"] + path, "op": op,
                "body_ref": (body or {}).get("schema", {}).get("$ref", "").rsplit("/", 1)[-1],
                "upload": ", ".join(form.get("required", ())),
                "upload_many": any(f.get("type") == "array"
                                   for f in form.get("properties", {}).values()),
            })
    schemas = {name: _schema_text(s) for name, s in doc["components"]["schemas"].items()}
    return render_template("api/reference.html", doc=doc, by_tag=by_tag, schemas=schemas,
                           root=request.host_url.rstrip("/"), md=_md)


def index() -> Response:
    return Response(json.dumps({
        "openapi": f"{bp.url_prefix}/openapi.json", "docs": f"{bp.url_prefix}/docs",
        "open311": "/open311/v2/discovery.json"}), mimetype="application/json")


for rule, fn in (("/openapi.json", openapi_json), ("/docs", reference), ("/", index)):
    fn.roles = ApiAccess(None)  # type: ignore[attr-defined]
    bp.add_url_rule(rule, fn.__name__, fn, methods=["GET"])
