"""Running one declared operation: authenticate, parse the query and body, check If-Match,
call the view, render its answer as JSON (with ETag, Location, Link headers)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Response, json, request, url_for
from pydantic import BaseModel, ValidationError

from web import database
from web.api import credentials
from web.api.problems import ApiProblem
from web.api.spec import MAX_ID, Operation

_IF_MATCH = re.compile(r'^\s*(?:W/)?"?([0-9]{1,9})"?\s*$')


@dataclass
class Reply:
    """What a view returns when it needs more than a model: a status or extra headers."""

    body: BaseModel | None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    version: int | None = None  # becomes the ETag
    location: str | None = None


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "body"


def _fix(err: Mapping[str, Any]) -> str:
    msg = str(err.get("msg", "not valid"))
    if err.get("type") == "extra_forbidden":
        return "not a known field: leave it out"
    if err.get("type") == "missing":
        return "required: give a value"
    return msg[0].lower() + msg[1:] if msg else msg


def validation_problem(e: ValidationError, where: str) -> ApiProblem:
    errors = {_field(tuple(err["loc"])): _fix(err) for err in e.errors()}
    return ApiProblem(422, f"the {where} has {len(errors)} problem(s); see errors",
                      errors=errors)


def parse_query(model: type[BaseModel]) -> BaseModel:
    data: dict[str, Any] = {}
    for name in request.args:
        values = request.args.getlist(name)
        data[name] = values if len(values) > 1 else values[0]
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise validation_problem(e, "query") from None


def parse_body(model: type[BaseModel]) -> BaseModel:
    if request.mimetype != "application/json":
        raise ApiProblem(415, "send the body as JSON with Content-Type: application/json")
    try:
        return model.model_validate_json(request.get_data() or b"")
    except ValidationError as e:
        if any(err["type"] == "json_invalid" for err in e.errors()):
            raise ApiProblem(400, "the body is not valid JSON") from None
        raise validation_problem(e, "body") from None
    except UnicodeDecodeError:
        raise ApiProblem(400, "the body is not UTF-8 text") from None


def if_match() -> int:
    """The version named by If-Match: 428 without it, 400 if it is not a version."""
    header = request.headers.get("If-Match")
    if header is None:
        raise ApiProblem(428, "send If-Match with the version (ETag) you read, so a newer "
                              "change is never overwritten")
    found = _IF_MATCH.match(header)
    if not found:
        raise ApiProblem(400, 'If-Match must be the ETag you read, e.g. "3"',
                         errors={"If-Match": 'use the ETag header value, e.g. "3"'})
    return int(found.group(1))


def _dump(body: BaseModel) -> str:
    return json.dumps(body.model_dump(mode="json", by_alias=True), ensure_ascii=False)


def _page_links(op: Operation, path: Mapping[str, Any], body: Any) -> dict[str, str]:
    total, page, per_page = body.total, body.page, body.per_page
    last = max(1, math.ceil(total / per_page))
    args = request.args.to_dict(flat=False)

    def link(n: int) -> str:
        return url_for(op.endpoint, **path, **{**args, "page": n, "per_page": per_page})

    rels = {"first": 1, "last": last}
    if page > 1:
        rels["prev"] = min(page - 1, last)
    if page < last:
        rels["next"] = page + 1
    return {"Link": ", ".join(f'<{link(n)}>; rel="{rel}"' for rel, n in rels.items()),
            "X-Total-Count": str(total)}


def render(op: Operation, path: Mapping[str, Any], result: Any) -> Response:
    if isinstance(result, Response):
        return result
    reply = result if isinstance(result, Reply) else Reply(result)
    status = reply.status or op.status
    if reply.body is None:
        response = Response(status=204 if status == 200 else status)
    else:
        response = Response(_dump(reply.body), status, mimetype=op.media_type)
    version = reply.version if reply.version is not None else getattr(reply.body, "version", None)
    if op.etag and isinstance(version, int):
        response.headers["ETag"] = f'"{version}"'
    if reply.location:
        response.headers["Location"] = reply.location
    if op.paged and reply.body is not None:
        response.headers.update(_page_links(op, path, reply.body))
    response.headers.update(reply.headers)
    return response


def run(op: Operation, view: Callable[..., Any], path: dict[str, Any]) -> Response:
    """Authenticate, parse, call the view; a change is committed (with the log of the key's
    use) before the answer is rendered, so SQLite's write lock is not held meanwhile."""
    credentials.authenticate(op.scope)
    if any(isinstance(v, int) and v > MAX_ID for v in path.values()):
        raise ApiProblem(404, "no record has so large an id")
    kwargs = dict(path)
    if op.query is not None:
        kwargs["query"] = parse_query(op.query)
    if op.body is not None:
        kwargs["body"] = parse_body(op.body)
    if op.versioned:
        kwargs["version"] = if_match()
    result = view(**kwargs)
    if request.method not in database.SAFE_METHODS:
        credentials.log_use(_status(op, result))
        database.commit()
    return render(op, path, result)


def _status(op: Operation, result: Any) -> int:
    if isinstance(result, Response):
        return result.status_code
    if isinstance(result, Reply) and result.status:
        return result.status
    if isinstance(result, Reply) and result.body is None and op.status == 200:
        return 204
    return op.status
