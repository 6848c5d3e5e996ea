"""``jinzhi linkage …``: profiles, citizen reports, licence checks, once-only evidence and the
data-use log from a terminal. ``--as USERNAME`` names the account acting (the CLI is an
operator's tool and trusts the host); cases and records are written ``TYPE:ID``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select

from core.contracts import RecordRef
from core.errors import InvalidInput, NotFound
from core.identity.accounts import load_actor
from core.identity.models import Account
from core.identity.roles import Actor
from plugins.linkage import api
from plugins.linkage.refs import GRID_EVENT, show

_as = click.option("--as", "username", required=True, help="The account acting.")


@contextmanager
def _unit(ctx: click.Context, username: str) -> Iterator[tuple[Any, Actor]]:
    platform = ctx.obj.platform
    try:
        with platform.session() as session:
            account_id = session.scalar(select(Account.id).where(Account.username == username))
            actor = load_actor(session, account_id) if account_id else None
            if actor is None:
                raise NotFound(f"there is no active account {username!r}")
            yield session, actor
    except InvalidInput as e:
        for field, how in e.fields.items():
            click.echo(f"  {field}: {how}", err=True)
        raise


def _case(text: str | None) -> RecordRef | None:
    return api.parse_ref(text) if text else None


def _subject(session: Any, text: str) -> Any:
    kind, sep, key = text.partition(":")
    if not sep:
        raise InvalidInput(f"{text!r} is not KIND:KEY", fields={"holder": "person:ID or org:CODE"})
    return api.subject(session, kind, key)


def _status(ref: RecordRef) -> str:
    """A record's status for a terminal: the code, and its label when the plugin gives one."""
    return f"{ref.status} {ref.label}" if ref.label else ref.status


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@click.group(help="两津联动: profiles, citizen reports, licence checks, evidence, data use.")
def linkage() -> None:
    pass


@linkage.command("profile", help="Show a profile: KIND is person, org or place; KEY an id, an "
                 "identity number / credit code, or an area code.")
@click.argument("kind", type=click.Choice(["person", "org", "place"]))
@click.argument("key")
@_as
@click.option("--case", help="The case this look is for, TYPE:ID, one you work on (staff "
              "looking at a person or org).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def profile_cmd(ctx: click.Context, kind: str, key: str, username: str, case: str | None,
                as_json: bool) -> None:
    with _unit(ctx, username) as (s, actor):
        p = api.profile(s, actor, api.subject(s, kind, key), case=_case(case))
    if as_json:
        click.echo(json.dumps(_plain({
            "subject": {"kind": p.subject.kind, "key": p.subject.key}, "title": p.title,
            "masked": p.masked, "purpose": show(p.purpose),
            "sections": [{"key": x.key, "title": x.title, "summary": dict(x.summary),
                          "rows": [dict(r) for r in x.rows]} for x in p.sections]}),
            ensure_ascii=False, indent=1))
        return
    click.echo(f"{p.title}  ({p.subject.kind} {p.subject.key}; for {show(p.purpose)}"
               f"{'; numbers masked' if p.masked else ''})")
    for sec in p.sections:
        click.echo(f"\n== {sec.title} [{sec.key}]")
        for k, v in sec.summary.items():
            click.echo(f"  {k}: {_plain(v)}")
        for r in sec.rows:
            click.echo("  - " + "  ".join(f"{k}={_plain(v)}" for k, v in r.items()
                                          if v is not None))


@linkage.command("report", help="Report a problem as a citizen (it becomes a grid event).")
@click.argument("item_code")
@click.argument("description")
@_as
@click.option("--lon", type=float)
@click.option("--lat", type=float)
@click.option("--address")
@click.option("--photo", "photos", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A photo of the problem (JPEG, PNG or WebP); repeat for more.")
@click.pass_context
def report_cmd(ctx: click.Context, item_code: str, description: str, username: str,
               lon: float | None, lat: float | None, address: str | None,
               photos: tuple[Path, ...]) -> None:
    with _unit(ctx, username) as (s, actor):
        r = api.citizen_report(s, actor, item_code=item_code, description=description,
                               lon=lon, lat=lat, address=address, photos=photos)
    click.echo(f"{show(r.event)}  {_status(r.event)}  {r.event.title}")


@linkage.command("reports", help="A citizen's own reports and where each stands.")
@_as
@click.pass_context
def reports_cmd(ctx: click.Context, username: str) -> None:
    with _unit(ctx, username) as (s, actor):
        found = api.my_reports(s, actor)
    for r in found:
        click.echo(f"{r.reported_at:%Y-%m-%d %H:%M}  {show(r.event)}  {_status(r.event)}  "
                   f"{r.event.title}")
    if not found:
        click.echo("no reports")


@linkage.command("check-licence", help="Check the licence of the organisation at a licence "
                 "event's place; open a guidance follow-up if it has none.")
@click.argument("event_id")
@click.option("--item", "item_code", required=True, help="The event item, e.g. 0801.")
@click.option("--grid", "grid_code", required=True)
@click.option("--lon", type=float)
@click.option("--lat", type=float)
@click.option("--org", "credit_code", help="The organisation's credit code, if known.")
@_as
@click.pass_context
def check_cmd(ctx: click.Context, event_id: str, item_code: str, grid_code: str,
              lon: float | None, lat: float | None, credit_code: str | None,
              username: str) -> None:
    with _unit(ctx, username) as (s, actor):
        c = api.check_licence_at(s, actor, RecordRef(GRID_EVENT, event_id), item_code=item_code,
                                 grid_code=grid_code, lon=lon, lat=lat, credit_code=credit_code)
    who = f"{c.organisation.name} ({c.organisation.number})" if c.organisation else "-"
    click.echo(f"{c.outcome}: {c.licence_type}  organisation {who}")
    for e in c.evidence:
        click.echo(f"  evidence {e.id} {e.title} valid until {e.valid_until or '-'}")
    if c.followup:
        click.echo(f"  follow-up {show(c.followup)} {_status(c.followup)} {c.followup.title}")
    for p in c.candidates if c.outcome == "ambiguous" else ():
        click.echo(f"  candidate {p.number} {p.name}")


@linkage.command("close", help="Close a licence event with the licence now held.")
@click.argument("event_id")
@_as
@click.option("--evidence", "evidence_id")
@click.option("--note")
@click.pass_context
def close_cmd(ctx: click.Context, event_id: str, username: str, evidence_id: str | None,
              note: str | None) -> None:
    with _unit(ctx, username) as (s, actor):
        r = api.close_with_evidence(s, actor, RecordRef(GRID_EVENT, event_id),
                                    evidence_id=evidence_id, note=note)
    click.echo(f"{show(r)}  {_status(r)}  {r.title}")


@linkage.group("evidence", help="Once-only: offer evidence already held, and use it.")
def evidence_group() -> None:
    pass


@evidence_group.command("offer", help="List valid evidence of TYPE the holder has (logged).")
@click.argument("type_")
@_as
@click.option("--holder", required=True, help="person:ID or org:ID/credit code.")
@click.option("--case", required=True, help="The application, services.application:ID.")
@click.pass_context
def offer_cmd(ctx: click.Context, type_: str, username: str, holder: str, case: str) -> None:
    with _unit(ctx, username) as (s, actor):
        found = api.offer_evidence(s, actor, _subject(s, holder), type_, _case(case))
    for e in found:
        click.echo(f"{e.id}  {e.type}  {e.title}  no. {e.data.get('number', '-')}  "
                   f"issued {e.issued_at:%Y-%m-%d} by {e.issued_by}  "
                   f"valid until {e.valid_until or '-'}")
    if not found:
        click.echo(f"no valid {type_} held: upload the document instead")


@evidence_group.command("use", help="Use evidence ID for MATERIAL in the application.")
@click.argument("evidence_id")
@_as
@click.option("--holder", required=True, help="person:ID or org:ID/credit code.")
@click.option("--type", "type_", required=True)
@click.option("--case", required=True, help="The application, services.application:ID.")
@click.option("--material", "material_code", required=True)
@click.option("--version", type=int, required=True, help="The application's version.")
@click.pass_context
def use_cmd(ctx: click.Context, evidence_id: str, username: str, holder: str, type_: str,
            case: str, material_code: str, version: int) -> None:
    with _unit(ctx, username) as (s, actor):
        r = api.confirm_evidence(s, actor, _case(case), _subject(s, holder), type_, evidence_id,
                                 material_code=material_code, version=version)
    click.echo(f"used evidence {evidence_id} for {material_code}: {show(r)} {_status(r)}")


@linkage.command("data-use", help="Who used your data (or SUBJECT's: admins, auditors), "
                 "when and for which case.")
@_as
@click.option("--subject", help="person:ID or org:ID (default: yourself).")
@click.option("--limit", default=100, show_default=True)
@click.pass_context
def data_use_cmd(ctx: click.Context, username: str, subject: str | None, limit: int) -> None:
    with _unit(ctx, username) as (s, actor):
        found = api.data_use_log(s, actor, _subject(s, subject) if subject else None,
                                 limit=limit)
    for e in found:
        what = f"{e.data_type}" + (f" {show(e.record)}" if e.record else "")
        click.echo(f"{e.at:%Y-%m-%d %H:%M}  {e.who} ({e.role})  {what}  for {show(e.purpose)}"
                   f"{' ' + e.purpose.title if e.purpose.title else ''}")
    if not found:
        click.echo("nobody has used this data")
