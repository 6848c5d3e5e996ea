"""Tokens for accounts (``POST /tokens``) and channel keys for admins (``/keys``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from flask import current_app, g
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from core.areas.models import Area
from core.errors import PermissionDenied
from core.identity import apikeys
from core.identity.apikeys import ApiKey, ApiKeyUse
from plugins.grid import api as grid
from web.api import api
from web.api.credentials import CHANNEL_SCOPES, ROLE_SCOPES, SCOPES, check_rate, current
from web.api.models import AreaCode, Body, PageQuery, QueryBool, Text, local, make_page, page_of
from web.api.problems import ApiProblem
from web.api.spec import ID
from web.database import db, platform

ScopeName = Literal[tuple(sorted(SCOPES))]  # type: ignore[valid-type]
ChannelScope = Literal[tuple(sorted(CHANNEL_SCOPES))]  # type: ignore[valid-type]
ChannelCode = Literal[tuple(grid.CHANNELS)]  # type: ignore[valid-type]


class TokenRequest(Body):
    username: Text = Field(min_length=1, max_length=80)
    password: Text = Field(min_length=1, max_length=200)
    scopes: list[ScopeName] | None = Field(
        None, description="narrow the token to these scopes (default: all your role allows)")


class Token(BaseModel):
    token: str = Field(description="send as 'Authorization: Bearer <token>'; shown only once")
    token_type: Literal["Bearer"]
    expires_at: dt.datetime
    scopes: list[str]
    area_code: str


class Key(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="the secret's first characters, to tell keys apart")
    scopes: list[str]
    area_code: str = Field(description="the area limit")
    rate_limit: str | None
    channel: str | None = Field(description="the channel its reports are recorded with")
    created_at: dt.datetime
    created_by: str
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class NewKeyAnswer(Key):
    secret: str = Field(description="the key itself; shown only now, store it safely")


class NewKey(Body):
    name: Text = Field(min_length=1, max_length=80, description="the channel, e.g. 'alipay'")
    scopes: list[ChannelScope] = Field(min_length=1)
    area_code: AreaCode = Field(description="the key's area limit")
    rate_limit: str | None = Field(None, pattern=r"^[1-9][0-9]{0,6} per (second|minute|hour)$",
                                   description="e.g. '600 per minute' (default: the server's)")
    expires_at: dt.datetime | None = None
    channel: ChannelCode | None = Field(
        None, description="the channel its reports are recorded with, e.g. 'wechat' "
                          "(default: the key's name if it is a channel, else 'other')")


class KeyUse(BaseModel):
    at: dt.datetime
    method: str
    path: str
    status: int
    person_id: int | None


class UseQuery(PageQuery):
    sort: Literal["-at", "at"] = "-at"


class KeyQuery(PageQuery):
    include_revoked: QueryBool = False
    sort: Literal["id", "-id", "name", "-last_used"] = "id"


def _key(k: ApiKey) -> Key:
    return Key(id=k.id, name=k.name, prefix=k.prefix, scopes=list(k.scopes),
               area_code=k.area_code, rate_limit=k.rate_limit, channel=k.channel,
               created_at=local(k.created_at),
               created_by=k.created_by, expires_at=local(k.expires_at),
               revoked_at=local(k.revoked_at), last_used_at=local(k.last_used_at))


def _city() -> str:
    code = db().scalar(select(Area.code).where(Area.level == 0).order_by(Area.code))
    if code is None:
        raise ApiProblem(409, "the city has no areas yet")
    return code


@api.route("/tokens", "POST", summary="Log in: get a bearer token", tag="tokens", scope=None,
           body=TokenRequest, response=Token, status=201)
def create_token(body: TokenRequest) -> Token:
    """Exchange a username and password for a bearer token (valid for a working day).

    The token acts as the account, with the same role and area rules as the web UI; pass
    ``scopes`` to narrow it. Failed attempts count towards the account's lockout."""
    check_rate(current(), current_app.config["API_TOKEN_RATE_LIMIT"],
               f"token:{body.username.lower()}")
    try:
        who = platform().hook.identity_authenticate(
            session=db(), username=body.username, password=body.password)
    except PermissionDenied as e:
        db().commit()  # keep the failed-login counters
        raise ApiProblem(401, e.message) from None
    if who is None:
        db().commit()
        raise ApiProblem(401, "the username or password is not right; check both",
                         headers={"WWW-Authenticate": 'Bearer realm="jinzhi"'})
    allowed = ROLE_SCOPES.get(who.role, frozenset())
    scopes = allowed & set(body.scopes) if body.scopes is not None else allowed
    if not scopes:
        raise ApiProblem(422, "your role allows none of these scopes",
                         errors={"scopes": "choose from " + ", ".join(sorted(allowed))})
    now = platform().now()
    expires = now + dt.timedelta(hours=current_app.config["API_TOKEN_HOURS"])
    key, secret = apikeys.issue(
        db(), f"token:{who.username}", scopes, who.scope_code or _city(), now=now,
        created_by=who.username, account_id=who.account_id, expires_at=expires)
    return Token(token=secret, token_type="Bearer", expires_at=local(expires),
                 scopes=sorted(scopes), area_code=key.area_code)


@api.route("/tokens/current", "DELETE", summary="Log out: revoke this token", tag="tokens",
           scope=None, response=None, status=204, errors=(401,))
def revoke_token() -> None:
    """Revoke the bearer token this request is made with."""
    key = g.get("api_key")
    if key is None or key.account_id is None:
        raise ApiProblem(401, "call this with the bearer token to revoke",
                         headers={"WWW-Authenticate": 'Bearer realm="jinzhi"'})
    apikeys.revoke(db(), key.id, now=platform().now())


@api.route("/keys", summary="List channel keys", tag="keys", scope="keys:admin",
           query=KeyQuery, response=page_of(Key), paged=True)
def list_keys(query: KeyQuery) -> Any:
    """Channel keys (not login tokens), with when each was last used."""
    stmt = select(ApiKey).where(ApiKey.account_id.is_(None))
    if not query.include_revoked:
        stmt = stmt.where(ApiKey.revoked_at.is_(None))
    order = {"id": ApiKey.id, "-id": ApiKey.id.desc(), "name": ApiKey.name,
             "-last_used": ApiKey.last_used_at.desc()}[query.sort]
    total = db().scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db().scalars(stmt.order_by(order, ApiKey.id).limit(query.per_page)
                        .offset((query.page - 1) * query.per_page))
    return make_page(Key, [_key(k) for k in rows], total, query.page, query.per_page)


@api.route("/keys", "POST", summary="Issue a channel key", tag="keys", scope="keys:admin",
           body=NewKey, response=NewKeyAnswer, status=201)
def create_key(body: NewKey) -> Any:
    """A key for a channel (a mini-program, an Open311 app): its scopes and area limit.
    The secret is in the answer only; the server keeps its hash."""
    who = current()
    who.require_area(body.area_code, "area_code")
    if body.expires_at is not None and body.expires_at.tzinfo is None:
        raise ApiProblem(422, "expires_at needs a time zone",
                         errors={"expires_at": "add an offset, e.g. +08:00"})
    key, secret = apikeys.issue(
        db(), body.name, body.scopes, body.area_code, now=platform().now(),
        created_by=who.actor.username if who.actor else "?", rate_limit=body.rate_limit,
        expires_at=body.expires_at, channel=body.channel)
    return NewKeyAnswer(**_key(key).model_dump(), secret=secret)


def _admin_key(key_id: int) -> ApiKey:
    key = db().get(ApiKey, key_id)
    if key is None or key.account_id is not None or not current().within(key.area_code):
        raise ApiProblem(404, f"there is no channel key {key_id} within your area")
    return key


@api.route(f"/keys/<{ID}:key_id>", "DELETE", summary="Revoke a channel key", tag="keys",
           scope="keys:admin", response=Key)
def revoke_key(key_id: int) -> Key:
    """Revoke a key at once; its uses stay in the log."""
    return _key(apikeys.revoke(db(), _admin_key(key_id).id, now=platform().now()))


@api.route(f"/keys/<{ID}:key_id>/uses", summary="A key's usage log", tag="keys",
           scope="keys:admin", query=UseQuery, response=page_of(KeyUse), paged=True)
def key_uses(key_id: int, query: UseQuery) -> Any:
    """Every request made with the key, newest first (or oldest first)."""
    key = _admin_key(key_id)
    stmt = select(ApiKeyUse).where(ApiKeyUse.key_id == key.id)
    total = db().scalar(select(func.count()).select_from(stmt.subquery())) or 0
    order = ApiKeyUse.id.desc() if query.sort == "-at" else ApiKeyUse.id
    rows = db().scalars(stmt.order_by(order).limit(query.per_page)
                        .offset((query.page - 1) * query.per_page))
    return make_page(KeyUse, [KeyUse(at=local(u.at), method=u.method, path=u.path,
                                     status=u.status, person_id=u.person_id) for u in rows],
                     total, query.page, query.per_page)
