"""``jinzhi services …``: the catalog and the application lifecycle from a terminal.

Commands that act for someone take ``--as USERNAME`` (an account of this instance: the CLI is
an operator's tool and trusts the host). ``--version`` defaults to the current one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select

from core.errors import InvalidInput, NotFound
from core.identity.accounts import load_actor
from core.identity.models import Account
from core.identity.roles import Actor
from plugins.services import api


@contextmanager
def _unit(ctx: click.Context, username: str | None = None) -> Iterator[tuple[Any, Actor | None]]:
    platform = ctx.obj.platform
    try:
        with platform.session() as session:
            actor = _actor(session, username) if username else None
            yield session, actor
    except InvalidInput as e:
        raise one_line(e) from None


def one_line(e: InvalidInput) -> InvalidInput:
    """The same error with its field errors joined into its message, for one ``error:`` line."""
    parts = [f"{field}: {how}" for field, how in e.fields.items()
             if how not in e.message]  # what the message already says is not repeated
    message = " ".join(e.message.split())
    if parts:
        joined = "; ".join(" ".join(p.split()) for p in parts)
        message = joined if not message else f"{message.rstrip('.:：。')}: {joined}"
    out = InvalidInput(message, e.fields, **e.details)
    return out


def local_time(t: dt.datetime | None, tz: dt.tzinfo) -> str:
    """A moment in the city's local time with its offset: ``2026-12-02 17:30 +08:00``.

    The one way the CLI shows a time (naive values are UTC, as the database stores them).
    """
    if t is None:
        return "—"
    if t.tzinfo is None or t.utcoffset() is None:
        t = t.replace(tzinfo=dt.UTC)
    local = t.astimezone(tz)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def _actor(session: Any, username: str) -> Actor:
    account_id = session.scalar(select(Account.id).where(Account.username == username))
    actor = load_actor(session, account_id) if account_id else None
    if actor is None:
        raise NotFound(f"there is no active account {username!r}")
    return actor


def _pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for p in pairs:
        if "=" not in p:
            raise click.BadParameter(f"{p!r} is not FIELD=VALUE")
        k, v = p.split("=", 1)
        out[k.strip()] = v
    return out


def _show(ctx: click.Context, view: api.ApplicationView) -> None:
    tz = ctx.obj.platform.tz
    lang = view.lang
    click.echo(f"{view.ref}  #{view.id}  {view.item_name[lang]}")
    click.echo(f"  status   {view.status} ({view.status_label[lang]})  version {view.version}")
    if view.due_at:
        overdue = "  OVERDUE" if view.overdue else ""
        paused = "  (clock stopped)" if view.paused else ""
        click.echo(f"  due      {local_time(view.due_at, tz)}{overdue}{paused}")
    for k, v in view.answers.items():
        click.echo(f"  {k} = {v}")
    for k, v in view.errors.items():
        click.echo(f"  ! {k}: {v}")
    for m in view.materials:
        src = f"certificate {m.certificate_id}" if m.certificate_id else f"{m.size} bytes"
        click.echo(f"  material {m.material_code}: {m.filename} ({src})")
    if view.missing_materials:
        click.echo(f"  missing materials: {', '.join(view.missing_materials)}")
    if view.supplement_request and view.paused:
        click.echo(f"  supplement requested: {view.supplement_request}")
    if view.reason:
        click.echo(f"  reason   {view.reason}")
    if view.tracking_number:
        click.echo(f"  mailed   tracking number {view.tracking_number}")
    if view.rating:
        click.echo(f"  rating   {view.rating}/5 {view.rating_comment or ''}")
    if view.actions:
        click.echo(f"  next     {', '.join(view.actions)}")


def _version(session: Any, actor: Actor, app: str, version: int | None) -> int:
    return version if version is not None else api.get_application(session, actor, app).version


@click.group(help="Government services: the catalog, applications, statistics.")
def services() -> None:
    pass


@services.command("load", help="Load the catalog from every plugin into the database.")
@click.pass_context
def load_cmd(ctx: click.Context) -> None:
    with _unit(ctx) as (s, _):
        n = api.load_catalog(s)
    click.echo(f"loaded {n['items']} items and {n['storefronts']} storefronts")


@services.command("search", help="Search the catalog by words (Chinese or English) and filters.")
@click.argument("words", nargs=-1)
@click.option("--level", type=click.Choice(["city", "district", "street"]))
@click.option("--type", "type_")
@click.option("--department")
@click.option("--district")
@click.option("--storefront")
@click.option("--page", default=1, show_default=True)
@click.pass_context
def search_cmd(ctx: click.Context, words: tuple[str, ...], level: str | None, type_: str | None,
               department: str | None, district: str | None, storefront: str | None,
               page: int) -> None:
    with _unit(ctx) as (s, _):
        found = api.search_items(s, q=" ".join(words) or None, level=level, type=type_,
                                 department=department, district=district,
                                 storefront=storefront, page=page)
    click.echo(f"{found.total} items (page {found.page} of {found.pages})")
    for it in found:
        click.echo(f"  {it.code:45} {it.level:8} {it.type_label['zh']:6} {it.name['zh']}")


@services.command("item", help="Show a service item: conditions, materials, steps, limits.")
@click.argument("code")
@click.pass_context
def item_cmd(ctx: click.Context, code: str) -> None:
    with _unit(ctx) as (s, _):
        it = api.get_item(s, code)
    d = it.data
    click.echo(f"{it.code}  {it.name['zh']} / {it.name['en']}")
    click.echo(f"  {it.type_label['zh']} · {it.level} · {it.department} · "
               f"promised {it.promised_days} / legal {it.legal_days} working days · "
               f"visits {it.visits} · {'fully online' if it.online else 'partly online'}")
    if d.get("conditions"):
        click.echo(f"  conditions: {d['conditions']['zh']}")
    for m in it.materials:
        reuse = " (can be fetched)" if m.get("evidence_type") else ""
        click.echo(f"  material {m['code']}: {m['name']['zh']}"
                   f"{'' if m['required'] else ' (optional)'}{reuse}")
    for step in api.form_steps(it):
        names = ", ".join(f["name"] for f in step["fields"])
        click.echo(f"  step {step['number']}: {step['title']['zh']} — {names}")


@services.command("apply", help="Start an application (a draft) for an item.")
@click.argument("code")
@click.option("--as", "username", required=True)
@click.option("--on-behalf-of", help="The organisation's unified social credit code.")
@click.option("--area", help="The area you apply in (default: where you live).")
@click.option("--lang", type=click.Choice(["zh", "en"]))
@click.pass_context
def apply_cmd(ctx: click.Context, code: str, username: str, on_behalf_of: str | None,
              area: str | None, lang: str | None) -> None:
    with _unit(ctx, username) as (s, actor):
        view = api.start_application(s, actor, code, on_behalf_of=on_behalf_of,
                                     area_code=area, lang=lang)
    _show(ctx, view)


@services.command("answer", help="Save answers FIELD=VALUE … (valid ones are kept).")
@click.argument("app")
@click.argument("pairs", nargs=-1)
@click.option("--as", "username", required=True)
@click.option("--step", type=int, help="The step being answered (1-based).")
@click.option("--version", type=int)
@click.pass_context
def answer_cmd(ctx: click.Context, app: str, pairs: tuple[str, ...], username: str,
               step: int | None, version: int | None) -> None:
    with _unit(ctx, username) as (s, actor):
        view = api.save_answers(s, actor, app, version=_version(s, actor, app, version),
                                answers=_pairs(pairs), step=step)
    _show(ctx, view)
    if view.errors:  # the valid answers are saved (committed above); the rest need fixing
        ctx.exit(2)


@services.command("attach", help="Upload a material (PDF, JPEG or PNG).")
@click.argument("app")
@click.argument("material")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", required=True)
@click.option("--version", type=int)
@click.pass_context
def attach_cmd(ctx: click.Context, app: str, material: str, path: Path, username: str,
               version: int | None) -> None:
    with _unit(ctx, username) as (s, actor):
        view = api.attach_material(s, actor, app, material, filename=path.name,
                                   content=path.read_bytes(),
                                   version=_version(s, actor, app, version))
    _show(ctx, view)


@services.command("submit", help="Submit an application (checks every answer first).")
@click.argument("app")
@click.option("--as", "username", required=True)
@click.option("--version", type=int)
@click.pass_context
def submit_cmd(ctx: click.Context, app: str, username: str, version: int | None) -> None:
    with _unit(ctx, username) as (s, actor):
        view = api.submit(s, actor, app, version=_version(s, actor, app, version))
    _show(ctx, view)


@services.command("act", help="Take an action: accept, refuse reason=…, request_supplement "
                              "reason=…, approve, deliver method=mail tracking_number=…, rate "
                              "score=5 …")
@click.argument("app")
@click.argument("action", type=click.Choice(sorted(api.ACTIONS)))
@click.argument("pairs", nargs=-1)
@click.option("--as", "username", required=True)
@click.option("--version", type=int)
@click.pass_context
def act_cmd(ctx: click.Context, app: str, action: str, pairs: tuple[str, ...], username: str,
            version: int | None) -> None:
    with _unit(ctx, username) as (s, actor):
        view = api.act(s, actor, app, action, version=_version(s, actor, app, version),
                       **_pairs(pairs))
    _show(ctx, view)


@services.command("show", help="Show an application and its timeline.")
@click.argument("app")
@click.option("--as", "username", required=True)
@click.pass_context
def show_cmd(ctx: click.Context, app: str, username: str) -> None:
    with _unit(ctx, username) as (s, actor):
        view = api.get_application(s, actor, app)
        steps = api.timeline(s, actor, app)
    _show(ctx, view)
    for e in steps:
        at = local_time(e.at, ctx.obj.platform.tz)
        action = e.action if e.count == 1 else f"{e.action} ×{e.count}"
        click.echo(f"  {at}  {action:20} {e.actor:16} {e.status or ''}"
                   f"{'  ' + e.note if e.note else ''}")


@services.command("check", help="Check your answers before submitting.")
@click.argument("app")
@click.option("--as", "username", required=True)
@click.pass_context
def check_cmd(ctx: click.Context, app: str, username: str) -> None:
    with _unit(ctx, username) as (s, actor):
        summary = api.check_answers(s, actor, app)
    for step in summary["steps"]:
        click.echo(f"{step['number']}. {step['title']}")
        for r in step["rows"]:
            click.echo(f"   {r['label']}: {r['display'] if r['display'] is not None else '—'}"
                       f"{'  ! ' + r['error'] if r['error'] else ''}")
    for m in summary["materials"]:
        click.echo(f"   [{'x' if m['provided'] else ' '}] {m['name']}")
    click.echo("ready to submit" if summary["ready"] else f"{len(summary['errors'])} to fix")
    if not summary["ready"]:
        ctx.exit(2)


@services.command("inbox", help="A clerk's work lists.")
@click.option("--as", "username", required=True)
@click.pass_context
def inbox_cmd(ctx: click.Context, username: str) -> None:
    with _unit(ctx, username) as (s, actor):
        lists = api.inbox(s, actor)
    for name, page in lists.items():
        click.echo(f"{name}: {page.total}")
        for v in page:
            click.echo(f"  {getattr(v, 'ref', None) or v.title}")


@services.command("export", help="Export the catalog as JSON or CPSV-AP JSON-LD.")
@click.option("--format", "fmt", type=click.Choice(["json", "cpsv"]), default="json")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def export_cmd(ctx: click.Context, fmt: str, output: Path | None) -> None:
    with _unit(ctx) as (s, _):
        doc = api.export_catalog(s) if fmt == "json" else api.export_cpsv(s)
    text = json.dumps(doc, ensure_ascii=False, indent=1, default=str)
    if output:
        output.write_text(text, "utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text)


@services.command("import", help="Import a catalog exported as JSON (all or nothing).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_cmd(ctx: click.Context, path: Path) -> None:
    try:
        doc = json.loads(path.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InvalidInput(f"{path}: not valid JSON: {e}") from None
    with _unit(ctx) as (s, _):
        n = api.import_catalog(s, doc)
    click.echo(f"imported {n['items']} items and {n['storefronts']} storefronts")


@services.command("stats", help="Statistics for a period (ISO dates, end exclusive).")
@click.option("--as", "username", required=True)
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--item")
@click.option("--level", type=click.Choice(["city", "district", "street"]))
@click.pass_context
def stats_cmd(ctx: click.Context, username: str, start: dt.datetime, end: dt.datetime,
              item: str | None, level: str | None) -> None:
    tz = ctx.obj.platform.tz
    with _unit(ctx, username) as (s, actor):
        out = api.statistics(s, actor, start=start.replace(tzinfo=tz),
                             end=end.replace(tzinfo=tz), item_code=item, level=level)
        out["top_items"] = api.top_items(s, 10, start=start.replace(tzinfo=tz),
                                         end=end.replace(tzinfo=tz))
    click.echo(json.dumps(out, ensure_ascii=False, indent=1, default=str))
