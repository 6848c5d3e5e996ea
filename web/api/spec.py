"""Declare each API operation once — route, scope, schemas — and get both the Flask view and
its OpenAPI 3.1 description from that declaration (no YAML kept beside the code).

``Registry.route`` registers the view on the blueprint and records an ``Operation``;
``openapi`` turns the recorded operations and their pydantic models into the document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from web.api.problems import PROBLEM_JSON, TITLES

_CONVERTER = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")
MAX_ID = 2**31 - 1
ID = "int"  # rules say <{ID}:name>; larger than MAX_ID is a 404 (see runtime.run)
_PATH_TYPES = {"int": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
               None: {"type": "string", "maxLength": 100}, "string": {"type": "string"}}


@dataclass(frozen=True)
class Operation:
    """One API operation as declared in code."""

    endpoint: str
    rule: str  # the Flask rule, relative to the blueprint
    method: str
    summary: str
    description: str
    tag: str
    scope: str | None  # None: anyone may call it
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None  # None: 204 No Content
    status: int = 200
    media_type: str = "application/json"
    versioned: bool = False  # needs If-Match: the version the client read
    etag: bool = False  # the answer carries an ETag (the record's version)
    paged: bool = False  # the answer carries Link and X-Total-Count
    errors: tuple[int, ...] = ()
    upload: str | None = None  # the body is multipart/form-data with files in this field
    upload_types: tuple[str, ...] = ()  # the media types those files may have
    upload_many: bool = True  # several files in one request (False: exactly one)
    binary: tuple[str, ...] = ()  # the answer is a file of one of these media types
    path_descriptions: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return _CONVERTER.sub(r"{\3}", self.rule)

    def path_params(self) -> list[tuple[str, dict[str, Any]]]:
        out = []
        for conv, args, name in _CONVERTER.findall(self.rule):
            if conv == "any":
                schema = {"type": "string", "enum": [a.strip() for a in args.split(",")]}
            else:
                schema = dict(_PATH_TYPES.get(conv or None, {"type": "string"}))
            out.append((name, schema))
        return out

    def error_statuses(self) -> list[int]:
        # 401/403: credentials sent are wrong or not enough (even where none are needed);
        # 404: a path or a referenced record not found
        found = {400, 401, 403, 404, 429, *self.errors}
        if self.query is not None or self.body is not None:
            found.add(422)
        if self.body is not None or self.upload is not None:
            found |= {409, 413, 415}
        if self.upload is not None:
            found.add(422)
        if self.versioned:
            found |= {409, 412, 428}
        return sorted(found)


Runner = Callable[[Operation, Callable[..., Any], dict[str, Any]], Any]


class Registry:
    """The operations of one blueprint; ``runner`` authenticates, parses and renders."""

    def __init__(self, bp: Blueprint, runner: Runner, decorate_view: Callable | None = None):
        self.bp = bp
        self.runner = runner
        self.decorate_view = decorate_view
        self.operations: list[Operation] = []

    def route(
        self, rule: str, method: str = "GET", *, summary: str, tag: str, scope: str | None,
        **options: Any,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
            op = Operation(
                endpoint=f"{self.bp.name}.{fn.__name__}", rule=rule, method=method,
                summary=summary, description=(fn.__doc__ or summary).strip(), tag=tag,
                scope=scope, **options,
            )

            def view(**path: Any) -> Any:
                return self.runner(op, fn, path)

            view.__name__ = fn.__name__
            view.__doc__ = fn.__doc__
            if self.decorate_view:
                self.decorate_view(op, view)
            self.bp.add_url_rule(rule, fn.__name__, view, methods=[method])
            self.operations.append(op)
            return fn

        return decorate


# ── the OpenAPI document ───────────────────────────────────────────────────────────────


def _drop_null(schema: dict[str, Any]) -> dict[str, Any]:
    """Optional query parameters are left out, never sent as null."""
    schema = dict(schema)
    options = schema.pop("anyOf", None)
    if options is not None:
        kept = [o for o in options if o.get("type") != "null"]
        if len(kept) == 1:
            schema.update(kept[0])
        else:
            schema["anyOf"] = kept
    if schema.get("default", 0) is None:
        schema.pop("default")
    schema.pop("title", None)
    return schema


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    js = model.model_json_schema()
    required = set(js.get("required", ()))
    out = []
    for name, prop in js.get("properties", {}).items():
        schema = _drop_null(prop)
        description = schema.pop("description", None)
        param: dict[str, Any] = {"name": name, "in": "query", "required": name in required,
                                 "schema": schema}
        if description:
            param["description"] = description
        out.append(param)
    return out


def _response_headers(op: Operation) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if op.etag:
        headers["ETag"] = {"description": "the record's version; send it back in If-Match",
                           "schema": {"type": "string"}}
    if op.status == 201:
        headers["Location"] = {"description": "the new resource", "schema": {"type": "string"}}
    if op.paged:
        headers["Link"] = {"description": "RFC 8288 links: first, prev, next, last",
                           "schema": {"type": "string"}}
        headers["X-Total-Count"] = {"description": "how many items match",
                                    "schema": {"type": "integer"}}
    return headers


def _upload_body(name: str, types: tuple[str, ...], many: bool) -> dict[str, Any]:
    """A multipart/form-data body with one file (or, if ``many``, one or more files) in the
    field ``name``."""
    file = {"type": "string", "contentMediaType": "application/octet-stream"}
    files = {"type": "array", "minItems": 1, "items": file} if many else file
    content: dict[str, Any] = {"schema": {
        "type": "object", "required": [name], "properties": {name: files}}}
    if types:
        content["encoding"] = {name: {"contentType": ", ".join(types)}}
    return {"required": True, "content": {"multipart/form-data": content}}


def _operation(op: Operation, refs: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": schema,
         **({"description": op.path_descriptions[name]} if name in op.path_descriptions else {})}
        for name, schema in op.path_params()
    ]
    if op.query is not None:
        params.extend(_query_parameters(op.query))
    if op.versioned:
        params.append({
            "name": "If-Match", "in": "header", "required": True,
            "description": "the version you read (the ETag of the record), e.g. \"3\"",
            "schema": {"type": "string", "pattern": r'^(W/)?"?[0-9]{1,9}"?$'},
        })
    success: dict[str, Any] = {"description": op.summary}
    if op.response is not None:
        success["content"] = {op.media_type: {"schema": refs[(op.response, "serialization")]}}
    elif op.binary:
        success["content"] = {t: {"schema": {"type": "string", "contentMediaType": t}}
                              for t in op.binary}
    headers = _response_headers(op)
    if headers:
        success["headers"] = headers
    responses: dict[str, Any] = {str(op.status): success}
    for status in op.error_statuses():
        responses[str(status)] = {
            "description": TITLES[status][1],
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    out: dict[str, Any] = {
        "operationId": op.endpoint.split(".", 1)[1],
        "summary": op.summary,
        "description": op.description,
        "tags": [op.tag],
        "parameters": params,
        "responses": responses,
    }
    if op.body is not None:
        out["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": refs[(op.body, "validation")]}}}
    elif op.upload is not None:
        out["requestBody"] = _upload_body(op.upload, op.upload_types, op.upload_many)
    if op.scope is None:
        out["security"] = [{}, {"apiKey": []}, {"bearer": []}]
    else:
        out["security"] = [{"apiKey": [op.scope]}, {"bearer": [op.scope]},
                           {"session": [op.scope]}]
        out["x-scope"] = op.scope
    return out


def openapi(
    operations: list[Operation], *, prefix: str, info: dict[str, Any],
    problem_model: type[BaseModel], security: dict[str, Any], tags: list[dict[str, str]],
) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``operations`` (paths relative to ``prefix``)."""
    wanted: list[tuple[type[BaseModel], str]] = [(problem_model, "serialization")]
    for op in operations:
        if op.body is not None:
            wanted.append((op.body, "validation"))
        if op.response is not None:
            wanted.append((op.response, "serialization"))
    unique = list(dict.fromkeys(wanted))
    refs, top = models_json_schema(unique, ref_template="#/components/schemas/{model}")
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, refs)
    return {
        "openapi": "3.1.0",
        "info": info,
        "servers": [{"url": prefix}],
        "tags": tags,
        "paths": paths,
        "components": {"schemas": top.get("$defs", {}), "securitySchemes": security},
    }
