"""``jinzhi apikeys``: issue, list and revoke channel keys, and read a key's usage log.

The same rules as ``POST /api/v1/keys``: a channel key has a name, scopes, an area limit and
optionally the channel its reports are recorded with; its secret is printed once. Bad input
is one ``Error:`` line and exit status 2.
"""

from __future__ import annotations

import datetime as dt
import getpass

import click
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import InvalidInput
from core.identity import apikeys
from core.identity.apikeys import CHANNEL_SCOPES, ApiKey, ApiKeyUse


class Refused(click.ClickException):
    """Input the user can fix: one line, exit status 2."""

    exit_code = 2


def _scopes(values: tuple[str, ...]) -> list[str]:
    found = [s.strip() for v in values for s in v.split(",") if s.strip()]
    admin = sorted((set(found) - CHANNEL_SCOPES) & set(apikeys.SCOPES))
    if admin:
        raise Refused(f"a channel key cannot have {', '.join(admin)}; admins use their own "
                      "login or token")
    return found


def _when(text: str | None, now: dt.datetime) -> dt.datetime | None:
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Refused(f"--expires {text!r} is not a date-time; write it like "
                      "2027-01-01T00:00:00+08:00") from None
    if value.tzinfo is None:
        raise Refused("--expires needs a time zone offset, e.g. 2027-01-01T00:00:00+08:00")
    if value <= now:
        raise Refused("--expires is in the past; give a later time")
    return value


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"[:80]
    except (KeyError, OSError):  # no user name in this environment
        return "cli"


def find_key(session: Session, ref: str) -> ApiKey:
    """The channel key with this id or name; an error naming the choices if it is ambiguous."""
    if ref.isdigit():
        key = session.get(ApiKey, int(ref))
        if key is None or key.account_id is not None:
            raise Refused(f"there is no channel key {ref}; see `jinzhi apikeys list --all`")
        return key
    found = list(session.scalars(select(ApiKey).where(
        ApiKey.name == ref, ApiKey.account_id.is_(None)).order_by(ApiKey.id)))
    live = [k for k in found if k.revoked_at is None] or found
    if not live:
        raise Refused(f"there is no channel key named {ref!r}; see `jinzhi apikeys list`")
    if len(live) > 1:
        ids = ", ".join(str(k.id) for k in live)
        raise Refused(f"{len(live)} keys are named {ref!r} (ids {ids}); give the id instead")
    return live[0]


def _local(value: dt.datetime | None, tz: dt.tzinfo) -> str:
    if value is None:
        return "-"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(tz).isoformat(timespec="seconds")


def _state(key: ApiKey, now: dt.datetime) -> str:
    return "revoked" if key.revoked_at else ("expired" if key.usable(now) else "active")


@click.group("apikeys", help="Channel API keys (Alipay, WeChat, Open311 apps): issue, list, "
                             "revoke, and read their usage log.")
def apikeys_group() -> None:
    pass


@apikeys_group.command("create", help="Issue a channel key and print its secret (once).")
@click.argument("name")
@click.option("--scopes", "scopes", multiple=True, required=True,
              help="Comma-separated, or repeat the option: "
                   + ", ".join(sorted(CHANNEL_SCOPES)) + ".")
@click.option("--area", "area_code", required=True,
              help="The key's area limit: an area code, e.g. 120000 for the whole city.")
@click.option("--channel", help="The channel its reports are recorded with, e.g. wechat, "
                                "alipay, open311 (default: the key's name if it is a "
                                "channel, else other).")
@click.option("--rate-limit", help="e.g. '600 per minute' (default: the server's).")
@click.option("--expires", help="When it stops working, e.g. 2027-01-01T00:00:00+08:00.")
@click.pass_obj
def create(obj, name: str, scopes: tuple[str, ...], area_code: str, channel: str | None,
           rate_limit: str | None, expires: str | None) -> None:
    platform = obj.platform
    now = platform.now()
    with platform.session() as session:
        try:
            key, secret = apikeys.issue(
                session, name, _scopes(scopes), area_code.strip(), now=now, created_by=_who(),
                expires_at=_when(expires, now), rate_limit=rate_limit, channel=channel)
        except InvalidInput as e:
            raise Refused(e.message) from None
        click.echo(f"issued key {key.id} {key.name!r}: area {key.area_code}, "
                   f"scopes {', '.join(key.scopes)}, channel {key.channel or '(from its name)'}")
    click.echo("secret (shown only now; store it safely, the server keeps only its hash):")
    click.echo(secret)


@apikeys_group.command("list", help="List channel keys (active ones unless --all).")
@click.option("--all", "show_all", is_flag=True, help="Include revoked keys.")
@click.pass_obj
def list_keys(obj, show_all: bool) -> None:
    platform = obj.platform
    now = platform.now()
    with platform.session() as session:
        stmt = select(ApiKey).where(ApiKey.account_id.is_(None)).order_by(ApiKey.id)
        if not show_all:
            stmt = stmt.where(ApiKey.revoked_at.is_(None))
        keys = list(session.scalars(stmt))
        if not keys:
            click.echo("no channel keys" + ("" if show_all else " (--all shows revoked ones)"))
            return
        click.echo(f"{'id':>5}  {'name':20} {'prefix':11} {'state':8} {'channel':9} "
                   f"{'area':15} {'last used':26} scopes")
        for k in keys:
            click.echo(f"{k.id:>5}  {k.name[:20]:20} {k.prefix:11} {_state(k, now):8} "
                       f"{(k.channel or '-'):9} {k.area_code:15} "
                       f"{_local(k.last_used_at, platform.tz):26} {','.join(k.scopes)}")


@apikeys_group.command("revoke", help="Revoke a channel key at once (by id or name); its "
                                      "usage log stays.")
@click.argument("key_ref", metavar="NAME|ID")
@click.pass_obj
def revoke(obj, key_ref: str) -> None:
    platform = obj.platform
    with platform.session() as session:
        key = find_key(session, key_ref)
        if key.revoked_at is not None:
            click.echo(f"key {key.id} {key.name!r} was already revoked at "
                       f"{_local(key.revoked_at, platform.tz)}")
            return
        apikeys.revoke(session, key.id, now=platform.now())
        click.echo(f"revoked key {key.id} {key.name!r}")


@apikeys_group.command("usage", help="A key's newest uses (by id or name), newest first.")
@click.argument("key_ref", metavar="NAME|ID")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10000),
              help="How many uses to show.")
@click.pass_obj
def usage(obj, key_ref: str, limit: int) -> None:
    platform = obj.platform
    with platform.session() as session:
        key = find_key(session, key_ref)
        uses = apikeys.uses(session, key.id, limit)
        total = session.scalar(select(func.count()).where(ApiKeyUse.key_id == key.id))
        click.echo(f"key {key.id} {key.name!r}: {total} use(s) in all, last "
                   f"{_local(key.last_used_at, platform.tz)}; the newest {len(uses)}:")
        for u in uses:
            person = f" for person {u.person_id}" if u.person_id else ""
            click.echo(f"  {_local(u.at, platform.tz)}  {u.status}  {u.method:6} {u.path}"
                       f"{person}")
