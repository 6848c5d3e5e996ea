"""Who is calling the API, with which scopes, within which area — and how often.

Three kinds of credentials, tried in this order:

* ``Authorization: Bearer <secret>`` or ``X-API-Key: <secret>`` — a channel key (``jzk_…``,
  issued by an admin) or a bearer token (``jzt_…``, from ``POST /api/v1/tokens``);
* the web UI's login cookie (unsafe methods then need the ``X-CSRFToken`` header);
* nothing: only public operations.

A **channel key** acts as an ``Actor`` of role *citizen* named ``channel:<key name>`` whose
scope is the key's area limit: it reports events as a member of the public would, and only
inside its area. With the ``persons:act-for`` scope it may name the person it acts for in the
``Jinzhi-On-Behalf-Of`` header (a resident identity number the channel has verified); the
actor then carries that person, so the person's own applications and reports are theirs.
A **token** or **session** acts as the account itself: the plugin APIs apply the same role and
area rules as in the web UI; scopes only narrow what a key may be used for.
Every use of a key is logged in ``core_api_key_use``; every caller is rate-limited
(Flask-Limiter's storage): per key, per account, or per address when anonymous.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import Any, Literal

import limits
from flask import Response, current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import Row

from core.areas.codes import contains
from core.errors import InvalidInput
from core.identity import apikeys
from core.identity.accounts import load_actor
from core.identity.apikeys import SCOPES
from core.identity.roles import Actor, Role
from web.api.problems import ApiProblem
from web.database import platform, reading, writing

CHANNEL_SCOPES = frozenset(SCOPES) - {"keys:admin"}
_READ_ALL = frozenset({"areas:read", "catalog:read", "events:read", "statistics:read"})
ROLE_SCOPES: dict[Role, frozenset[str]] = {
    Role.CITIZEN: frozenset({"catalog:read", "events:read", "events:write",
                             "applications:read", "applications:write", "profiles:read"}),
    Role.GRID_WORKER: _READ_ALL | {"events:write", "profiles:read"},
    Role.COMMANDER: _READ_ALL | {"events:write", "profiles:read"},
    Role.HANDLER: _READ_ALL | {"events:write", "applications:read", "applications:write"},
    Role.CLERK: _READ_ALL | {"applications:read", "applications:write", "profiles:read"},
    Role.ADMIN: frozenset(SCOPES) - {"persons:act-for"},
    Role.SYSTEM: frozenset(SCOPES),
}
ON_BEHALF = "Jinzhi-On-Behalf-Of"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Principal:
    actor: Actor | None
    scopes: frozenset[str]
    area_code: str | None  # the area limit; None: the actor's own scope rules only
    kind: Literal["key", "token", "session", "anonymous"]
    key_id: int | None = None
    rate_limit: str | None = None

    @property
    def rate_key(self) -> str:
        if self.key_id is not None:
            return f"key:{self.key_id}"
        if self.actor is not None and self.actor.account_id is not None:
            return f"account:{self.actor.account_id}"
        return f"address:{request.remote_addr}"

    def within(self, area_code: str) -> bool:
        return self.area_code is None or contains(self.area_code, area_code)

    def require_area(self, area_code: str, field: str = "area") -> None:
        """Refuse an area outside the key's limit (a 403 that names the limit)."""
        if not self.within(area_code):
            raise ApiProblem(403, f"area {area_code} is outside this key's area limit "
                                  f"({self.area_code})", errors={field: "use an area inside "
                                                                       "the key's limit"})


ANONYMOUS = Principal(None, frozenset(), None, "anonymous")


def _secret() -> str | None:
    header, key = request.headers.get("Authorization"), request.headers.get("X-API-Key")
    bearer = None
    if header is not None:
        kind, _, value = header.partition(" ")
        if kind.lower() != "bearer" or not value.strip():
            raise _unauthenticated("use 'Authorization: Bearer <token or key>'")
        bearer = value.strip()
    if bearer is not None and key is not None and key != bearer:
        raise _unauthenticated("send one credential: Authorization or X-API-Key, not both")
    return bearer or key or None


def _unauthenticated(detail: str) -> ApiProblem:
    return ApiProblem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="jinzhi"'})


def principal_of_secret(secret: str) -> Principal:
    """The principal behind a key or token; 401 if it is unknown, revoked or expired."""
    session = reading()
    key = apikeys.lookup(session, secret)
    if key is None:
        raise _unauthenticated("this API key or token is not known; check it was copied whole")
    why = apikeys.unusable(key, platform().now())
    if why:
        raise _unauthenticated(why)
    g.api_key = key
    if key.account_id is not None:
        actor = load_actor(session, key.account_id)
        if actor is None:
            raise _unauthenticated("the account of this token is no longer active")
        scopes = frozenset(key.scopes) & ROLE_SCOPES.get(actor.role, frozenset())
        return Principal(actor, scopes, key.area_code, "token", key.id, key.rate_limit)
    return Principal(_channel_actor(key), frozenset(key.scopes), key.area_code, "key", key.id,
                     key.rate_limit)


def _channel_actor(key: Row[Any]) -> Actor:
    person_id = None
    number = request.headers.get(ON_BEHALF)
    if number:
        if "persons:act-for" not in key.scopes:
            raise ApiProblem(403, f"this key may not act for a person (it lacks the scope "
                                  f"persons:act-for); leave out {ON_BEHALF}")
        try:
            party = platform().hook.identity_resolve(session=reading(), kind="person",
                                                     number=number.strip())
        except InvalidInput as e:
            raise ApiProblem(400, e.message, errors={ON_BEHALF: e.message}) from None
        if party is None:
            raise ApiProblem(422, "nobody with this resident identity number is registered",
                             errors={ON_BEHALF: "give the number of a registered person"})
        person_id = party.id
        g.on_behalf_of = person_id
    return Actor(account_id=None, username=f"channel:{key.name}"[:80], role=Role.CITIZEN,
                 scope_code=key.area_code, person_id=person_id)


def _session_principal() -> Principal | None:
    if not current_user.is_authenticated:
        return None
    if request.method in _UNSAFE:
        try:
            current_app.extensions["csrf"].protect()
        except CSRFError:
            raise ApiProblem(403, "a call with the login cookie needs the X-CSRFToken header "
                                  "(or use a token: POST /api/v1/tokens)") from None
    actor: Actor = current_user.actor
    return Principal(actor, ROLE_SCOPES.get(actor.role, frozenset()), None, "session")


def authenticate(scope: str | None) -> Principal:
    """Identify the caller, apply the rate limit and check ``scope`` (None: public)."""
    secret = _secret()
    found = principal_of_secret(secret) if secret else _session_principal() or ANONYMOUS
    g.principal = found
    check_rate(found)
    if scope is None:
        return found
    if found.kind == "anonymous":
        raise _unauthenticated(f"this needs credentials with the scope {scope}: an API key "
                               "(X-API-Key) or a token (POST /api/v1/tokens)")
    if scope not in found.scopes:
        raise ApiProblem(403, f"these credentials lack the scope {scope}"
                              + (" (your role does not allow it)" if found.kind != "key" else ""))
    return found


def current() -> Principal:
    return g.get("principal", ANONYMOUS)


# ── rate limits and the usage log ──────────────────────────────────────────────────────

_NAMESPACE = "jinzhi-api"


def check_rate(who: Principal, limit: str | None = None, ident: str | None = None) -> None:
    """Count one request against the caller's limit; 429 with Retry-After when used up."""
    limiter = current_app.extensions["jinzhi_limiter"]
    if not limiter.enabled:
        return
    item = _parse(limit or who.rate_limit or current_app.config["API_RATE_LIMIT"])
    ident = ident or who.rate_key
    g.rate_headers = {"RateLimit-Policy": f"{item.amount};w={item.get_expiry()}"}
    strategy = limiter.limiter
    try:
        allowed = strategy.hit(item, _NAMESPACE, ident)
    except Exception as e:  # the shared storage (Redis) is down: count in this process
        strategy = _fallback(strategy, e)
        allowed = strategy.hit(item, _NAMESPACE, ident)
    if allowed:
        return
    stats = strategy.get_window_stats(item, _NAMESPACE, ident)
    reset = max(1, int(stats.reset_time - time.time()))
    raise ApiProblem(429, f"this key may make {item} requests; wait {reset} s and retry",
                     headers={"Retry-After": str(reset), "RateLimit-Limit": str(item.amount),
                              "RateLimit-Remaining": "0", "RateLimit-Reset": str(reset)})


def _fallback(strategy: limits.strategies.RateLimiter, error: Exception
              ) -> limits.strategies.RateLimiter:
    """The same strategy over this process's memory, while the configured storage fails
    (a request is never refused because the counter store is down; the log says so)."""
    extensions = current_app.extensions
    if "jinzhi_rate_fallback" not in extensions:
        extensions["jinzhi_rate_fallback"] = type(strategy)(limits.storage.MemoryStorage())
    now = time.monotonic()
    if now - extensions.get("jinzhi_rate_fallback_logged", -60.0) >= 60:
        extensions["jinzhi_rate_fallback_logged"] = now
        current_app.logger.warning("rate-limit storage %s failed (%s): counting per process "
                                   "until it is back", current_app.config.get(
                                       "RATELIMIT_STORAGE_URI"), error)
    return extensions["jinzhi_rate_fallback"]


@functools.lru_cache(maxsize=256)
def _parse(text: str) -> limits.RateLimitItem:
    return limits.parse(text)


def log_use(status: int) -> None:
    """Log the use of the request's key, if any, once (committed with the request)."""
    key: Row[Any] | None = g.get("api_key")
    if key is None or status >= 500 or g.get("api_key_logged"):
        return
    g.api_key_logged = True
    apikeys.record_use(writing(), key, now=platform().now(), method=request.method,
                       path=request.path, status=status, person_id=g.get("on_behalf_of"))


def after_request(response: Response) -> Response:
    """Add the rate-limit headers and log the use of a key (committed with the request)."""
    for name, value in (g.get("rate_headers") or {}).items():
        response.headers.setdefault(name, value)
    log_use(response.status_code)
    return response
