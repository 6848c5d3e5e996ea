"""API keys and bearer tokens: channel keys (Alipay, WeChat, Open311 apps) and staff tokens.

A key is a high-entropy random secret shown once when issued; only its SHA-256 is stored. Each
key has a name, scopes (``events:write``, …: the API defines which exist), an area limit and an
optional account: a key *with* an account is a bearer token acting as that account (a staff or
citizen login through the API); a key *without* one is a channel key, which may name the channel
its reports are recorded with (``wechat``, ``alipay``, …). Keys can expire and be revoked.
Every use is appended to ``core_api_key_use`` (the migration makes it append-only).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    Row,
    SmallInteger,
    String,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.areas.codes import level_of
from core.areas.models import Area
from core.db import Base
from core.errors import InvalidInput, NotFound
from core.types import Timestamp, intpk

KEY_PREFIX = "jzk_"  # channel keys
TOKEN_PREFIX = "jzt_"  # bearer tokens of an account
_CHANNEL = re.compile(r"^[a-z][a-z0-9_]{0,19}$")
_RATE = re.compile(r"^[1-9][0-9]{0,6} per (second|minute|hour)$")

# The scopes a key may carry: what each lets its holder do (``web.api`` enforces them).
SCOPES: dict[str, str] = {
    "areas:read": "read areas, their boundaries (GeoJSON) and figures",
    "catalog:read": "read the catalog of service items and event items",
    "events:read": "read grid events you may see",
    "events:write": "report grid events and act on them as your role allows",
    "applications:read": "read applications you may see",
    "applications:write": "start, fill in, submit and act on applications as your role allows",
    "profiles:read": "read the linked profile of a person (两津联动)",
    "statistics:read": "read statistics of events and applications",
    "persons:act-for": "act for a person the channel has identified (Jinzhi-On-Behalf-Of)",
    "keys:admin": "issue, list and revoke API keys",
}
CHANNEL_SCOPES = frozenset(SCOPES) - {"keys:admin"}  # a channel key never issues keys


class ApiKey(Base):
    __tablename__ = "core_api_key"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(16))  # first characters, to tell keys apart
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    area_code: Mapped[str] = mapped_column(String(15), ForeignKey("core_area.code"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("core_account.id"), index=True)
    rate_limit: Mapped[str | None] = mapped_column(String(40))  # e.g. "600/minute"; None: default
    channel: Mapped[str | None] = mapped_column(String(20))  # reports' channel, e.g. "wechat"
    created_at: Mapped[Timestamp]
    created_by: Mapped[str] = mapped_column(String(80))
    expires_at: Mapped[Timestamp | None]
    revoked_at: Mapped[Timestamp | None]
    last_used_at: Mapped[Timestamp | None]

    @property
    def is_token(self) -> bool:
        return self.account_id is not None

    def usable(self, now: dt.datetime) -> str | None:
        """Why the key cannot be used now (revoked, expired), or None if it can."""
        return unusable(self, now)


class ApiKeyUse(Base):
    """One request made with a key (append-only)."""

    __tablename__ = "core_api_key_use"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    key_id: Mapped[int] = mapped_column(ForeignKey("core_api_key.id"))
    at: Mapped[Timestamp]
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(300))
    status: Mapped[int] = mapped_column(SmallInteger)
    person_id: Mapped[int | None]  # the person a channel acted for, if any

    __table_args__ = (Index("ix_core_api_key_use_key", "key_id", "id"),)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def issue(
    session: Session,
    name: str,
    scopes: Iterable[str],
    area_code: str,
    *,
    now: dt.datetime,
    created_by: str,
    account_id: int | None = None,
    expires_at: dt.datetime | None = None,
    rate_limit: str | None = None,
    channel: str | None = None,
) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the secret (shown once, never stored).

    ``channel`` (channel keys only) is a lower-case code such as ``wechat``; which codes
    reports may carry is the grid's business (``POST /api/v1/keys`` offers only those)."""
    fields: dict[str, str] = {}
    if not name or not name.strip() or len(name) > 80:
        fields["name"] = "give the key a name of 1 to 80 characters (e.g. the channel's)"
    scopes = sorted(set(scopes))
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        fields["scopes"] = (f"not a scope: {', '.join(unknown)}; " if unknown else
                            "give at least one scope; ") + "use " + ", ".join(SCOPES)
    if rate_limit is not None and not _RATE.match(rate_limit):
        fields["rate_limit"] = "write it like '600 per minute' (per second, minute or hour)"
    try:
        level_of(area_code)
    except InvalidInput as e:
        fields["area_code"] = e.message
    if channel is not None and (account_id is not None or not _CHANNEL.match(channel)):
        fields["channel"] = ("a channel is for channel keys only, not tokens" if account_id
                             else "a lower-case code of at most 20 letters, digits or _, "
                                  "e.g. wechat")
    if fields:
        raise InvalidInput("the key cannot be issued: " + "; ".join(
            f"{k}: {v}" for k, v in fields.items()), fields=fields)
    if session.get(Area, area_code) is None:
        raise InvalidInput(f"there is no area {area_code}",
                           fields={"area_code": "use the code of an existing area"})
    secret = (TOKEN_PREFIX if account_id else KEY_PREFIX) + secrets.token_urlsafe(32)
    key = ApiKey(
        name=name.strip(), prefix=secret[:10], key_hash=hash_secret(secret), scopes=scopes,
        area_code=area_code, account_id=account_id, rate_limit=rate_limit, created_at=now,
        created_by=created_by, expires_at=expires_at, channel=channel,
    )
    session.add(key)
    session.flush()
    return key, secret


def find(session: Session, secret: str) -> ApiKey | None:
    """The key whose secret this is (revoked and expired ones too: check ``usable``)."""
    if not _plausible(secret):
        return None
    return session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_secret(secret)))


def lookup(session: Session, secret: str) -> Row[Any] | None:
    """``find`` for the request path: the key's columns as a read-only row (attribute access
    like an ``ApiKey``; no ORM object to build for every request)."""
    if not _plausible(secret):
        return None
    return session.connection().execute(_BY_HASH, {"h": hash_secret(secret)}).first()


def unusable(key: ApiKey | Row[Any], now: dt.datetime) -> str | None:
    """Why the key cannot be used now (revoked, expired), or None if it can."""
    if key.revoked_at is not None:
        return "this key was revoked; ask for a new one"
    if key.expires_at is not None and key.expires_at <= now:
        return "this key has expired; ask for a new one (or log in again)"
    return None


def _plausible(secret: str) -> bool:
    return secret.startswith((KEY_PREFIX, TOKEN_PREFIX)) and len(secret) <= 200


_KEYS = ApiKey.__table__
_BY_HASH = select(_KEYS).where(_KEYS.c.key_hash == bindparam("h"))


def revoke(session: Session, key_id: int, *, now: dt.datetime) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(f"there is no API key {key_id}")
    if key.revoked_at is None:
        key.revoked_at = now
    return key


def record_use(
    session: Session, key: ApiKey | Row[Any], *, now: dt.datetime, method: str, path: str,
    status: int, person_id: int | None = None,
) -> None:
    """Log one use; ``last_used_at`` moves at most once a minute (fewer writes to the key row)."""
    conn = session.connection()
    conn.execute(_USE, {"key_id": key.id, "at": now, "method": method[:10],
                        "path": path[:300], "status": status, "person_id": person_id})
    if key.last_used_at is None or now - key.last_used_at > dt.timedelta(minutes=1):
        conn.execute(_TOUCH, {"key": key.id, "at": now})


_USE = insert(ApiKeyUse.__table__)
_TOUCH = update(_KEYS).where(_KEYS.c.id == bindparam("key")).values(last_used_at=bindparam("at"))


def uses(session: Session, key_id: int, limit: int = 100) -> list[ApiKeyUse]:
    """The newest uses of a key, newest first."""
    stmt = (select(ApiKeyUse).where(ApiKeyUse.key_id == key_id)
            .order_by(ApiKeyUse.id.desc()).limit(limit))
    return list(session.scalars(stmt))
