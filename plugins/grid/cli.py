"""``jinzhi grid …``: follow a case from the command line.

``--as USER`` acts as a (demo) account; without it the command acts as the system. Each
command is one transaction: it commits on success and changes nothing on error.
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
from sqlalchemy.orm import Session

from core.calendar import WorkingCalendar
from core.cli import Context, pass_ctx
from core.errors import InvalidInput, NotFound
from core.identity.accounts import load_actor
from core.identity.models import Account
from core.identity.roles import SYSTEM, Actor
from plugins.grid import api, reference, taxonomy

_TZ = WorkingCalendar.load().tz  # times are shown in the calendar's zone (Asia/Shanghai)
AS = click.option("--as", "username", default="system", show_default=True,
                  help="Act as this account (demo accounts: see `jinzhi seed`).")
JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


@contextmanager
def _session(ctx: Context, username: str) -> Iterator[tuple[Session, Actor]]:
    with ctx.platform.session() as session:
        yield session, _actor(session, username)


def _actor(session: Session, username: str) -> Actor:
    if username == "system":
        return SYSTEM
    account_id = session.scalar(select(Account.id).where(Account.username == username))
    found = load_actor(session, account_id) if account_id is not None else None
    if found is None:
        raise NotFound(f"there is no active account {username!r}")
    return found


def _dump(value: Any) -> str:
    def default(o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.date):
            return o.isoformat()
        if hasattr(o, "as_dict"):
            return o.as_dict()
        if hasattr(o, "__dataclass_fields__"):
            return {k: getattr(o, k) for k in o.__dataclass_fields__}
        if isinstance(o, Path):
            return str(o)
        return dict(o) if hasattr(o, "items") else str(o)

    return json.dumps(value, default=default, ensure_ascii=False, indent=2)


def _line(e: api.EventView) -> str:
    due = (f" due {e.due_at.astimezone(_TZ):%m-%d %H:%M} [{e.deadline_colour}]"
           if e.due_at else "")
    return (f"{e.ref}  v{e.version}  {e.status_label['zh']:<5} {e.item_code} "
            f"{e.item_name['zh']}  grid {e.grid_code}{due}")


@click.group(help="Grid governance: report events and follow them through the workflow.")
def grid() -> None:
    pass


@grid.command("report", help="Report an event (point with --lon/--lat, or --grid).")
@AS
@click.option("--item", "item_code", required=True, help="Item code, e.g. 0101.")
@click.option("--description", "-d", required=True)
@click.option("--lon", type=float)
@click.option("--lat", type=float)
@click.option("--grid", "grid_code")
@click.option("--address")
@click.option("--channel", default="app", show_default=True,
              type=click.Choice(sorted(api.CHANNELS)))
@click.option("--name", "reporter_name")
@click.option("--phone", "reporter_phone")
@click.option("--anonymous", is_flag=True)
@click.option("--photo", "photo_paths", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--self-handle", is_flag=True, help="Handled on the spot (自处); needs --note.")
@click.option("--note", "handled_note")
@JSON
@pass_ctx
def report_cmd(ctx: Context, username: str, photo_paths: tuple[Path, ...], as_json: bool,
               **kw: Any) -> None:
    with _session(ctx, username) as (session, actor):
        ev = api.report(session, actor, photos=list(photo_paths), **kw)
    click.echo(_dump(ev) if as_json else f"reported {_line(ev)}"
               + (f"\n  possible duplicate of event {ev.possible_duplicate_of}"
                  if ev.possible_duplicate_of else ""))


@grid.command("act", help="Take a workflow action, e.g. `act 12 dispatch -f note=…`.")
@click.argument("event")
@click.argument("action", type=click.Choice(list(api.ACTIONS)))
@AS
@click.option("--version", type=int, help="The version you saw (default: the current one).")
@click.option("-f", "--field", "fields", multiple=True, metavar="NAME=VALUE")
@click.option("--photo", "photo_paths", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@JSON
@pass_ctx
def act_cmd(ctx: Context, event: str, action: str, username: str, version: int | None,
            fields: tuple[str, ...], photo_paths: tuple[Path, ...], as_json: bool) -> None:
    values: dict[str, Any] = {}
    for pair in fields:
        name, sep, value = pair.partition("=")
        if not sep:
            raise InvalidInput(f"--field {pair!r}: write NAME=VALUE")
        values[name.strip()] = value
    if photo_paths:
        values["photos"] = list(photo_paths)
    with _session(ctx, username) as (session, actor):
        if version is None:
            version = api.get_event(session, actor, event).version
        ev = api.act(session, actor, event, action, version=version, **values)
    click.echo(_dump(ev) if as_json else f"{action}: {_line(ev)}")


@grid.command("show", help="An event, what you may do with it, and its timeline.")
@click.argument("event")
@AS
@JSON
@pass_ctx
def show_cmd(ctx: Context, event: str, username: str, as_json: bool) -> None:
    with _session(ctx, username) as (session, actor):
        ev = api.get_event(session, actor, event)
        actions = api.available_actions(session, actor, ev)
        steps = api.timeline(session, actor, ev.id)
    if as_json:
        click.echo(_dump({"event": ev, "actions": actions, "timeline": steps}))
        return
    click.echo(_line(ev))
    click.echo(f"  {ev.description}")
    click.echo(f"  reporter: {ev.reporter}  channel: {ev.channel}  department: "
               f"{ev.department_name or ev.department_code or '—'}")
    if ev.possible_duplicate_of:
        click.echo(f"  possible duplicate of event {ev.possible_duplicate_of}")
    for w in ev.whistles:
        calls = ", ".join(f"{c.department_code}{' ✓' if c.acked_at else ''}" for c in w.calls)
        click.echo(f"  whistle by {w.blown_by}: {calls} "
                   f"(respond by {w.respond_by.astimezone(_TZ):%m-%d %H:%M})")
    click.echo(f"  you may: {', '.join(actions) or 'nothing'}")
    for t in steps:
        click.echo(f"  {t.at.astimezone(_TZ):%Y-%m-%d %H:%M}  {t.label['zh']:<8} {t.actor}"
                   f"{'  ' + t.note if t.note else ''}")


@grid.command("list", help="Events you may see, newest first.")
@AS
@click.option("--status")
@click.option("--item", "item_code")
@click.option("--category")
@click.option("--area", "area_code")
@click.option("--overdue/--not-overdue", default=None)
@click.option("--q")
@click.option("--page", type=int, default=1)
@click.option("--per-page", type=int, default=50)
@JSON
@pass_ctx
def list_cmd(ctx: Context, username: str, as_json: bool, **kw: Any) -> None:
    with _session(ctx, username) as (session, actor):
        page = api.list_events(session, actor, **kw)
    if as_json:
        click.echo(_dump({"total": page.total, "items": page.items}))
        return
    for e in page:
        click.echo(_line(e))
    click.echo(f"{page.total} event(s); page {page.page} of {page.pages}")


@grid.command("inbox", help="Your work, box by box.")
@AS
@pass_ctx
def inbox_cmd(ctx: Context, username: str) -> None:
    with _session(ctx, username) as (session, actor):
        boxes = api.inbox(session, actor)
    for name, page in boxes.items():
        click.echo(f"{name} ({page.total})")
        for e in page:
            click.echo(f"  {_line(e)}")


@grid.command("tick", help="Escalate overdue events and mark late whistle calls, once.")
@click.option("--now", "now_text", help="ISO time to tick at (default: the clock).")
@pass_ctx
def tick_cmd(ctx: Context, now_text: str | None) -> None:
    now = dt.datetime.fromisoformat(now_text) if now_text else None
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=ctx.platform.tz)
    with ctx.platform.session() as session:
        counts = api.tick(session, now)
    click.echo(json.dumps(counts))


@grid.command("stats", help="Figures for an area (default: yours) and period.")
@AS
@click.option("--area", "area_code")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Exclusive.")
@click.option("--department", "department_code")
@click.option("--item", "item_code")
@click.option("--category")
@pass_ctx
def stats_cmd(ctx: Context, username: str, start: dt.datetime | None, end: dt.datetime | None,
              **kw: Any) -> None:
    with _session(ctx, username) as (session, actor):
        figures = api.statistics(session, actor, start=start.date() if start else None,
                                 end=end.date() if end else None, **kw)
    click.echo(_dump(figures))


@grid.command("figures", help="Per-area figures for the map (children of --parent).")
@AS
@click.option("--parent", "parent_code")
@click.option("--level", type=click.Choice(["district", "street", "community", "grid"]))
@pass_ctx
def figures_cmd(ctx: Context, username: str, parent_code: str | None, level: str | None) -> None:
    with _session(ctx, username) as (session, actor):
        rows = api.area_figures(session, actor, parent_code, level=level)
    for r in rows:
        rate = f"{r['on_time_close_rate']:.1%}" if r["on_time_close_rate"] is not None else "—"
        click.echo(f"{r['code']}  {r['name']:<12} events {r['events']:>6}  overdue "
                   f"{r['overdue']:>4}  on time {rate}")


@grid.command("items", help="The event item list (事项清单).")
@click.option("--category")
@pass_ctx
def items_cmd(ctx: Context, category: str | None) -> None:
    with ctx.platform.session() as session:
        for c in api.categories(session):
            if category and c["code"] != category:
                continue
            click.echo(f"{c['code']} {c['zh']} / {c['en']} ({c['items']})")
            for i in api.items(session, category=c["code"]):
                spot = " 自处" if i.self_handle else ""
                click.echo(f"  {i.code} {i.name} — {i.department_type}, "
                           f"{i.handle_limit['zh']}{spot}")


@grid.command("check", help="Load and validate the merged taxonomy of every plugin.")
@pass_ctx
def check_cmd(ctx: Context) -> None:
    tax = taxonomy.load(ctx.pm)
    sources: dict[str, int] = {}
    for i in tax.items.values():
        sources[i.source] = sources.get(i.source, 0) + 1
    click.echo(f"{len(tax.items)} items in {len(tax.categories)} categories: "
               + ", ".join(f"{n} from {s}" for s, n in sorted(sources.items())))


@grid.command("sync", help="Load the item list, departments and routing table again.")
@pass_ctx
def sync_cmd(ctx: Context) -> None:
    with ctx.platform.session() as session:
        counts = reference.seed(session, ctx.pm)
    click.echo(json.dumps(counts))


@grid.command("routes", help="The routing table (派单目录).")
@click.option("--item", "item_code")
@click.option("--area", "area_code")
@pass_ctx
def routes_cmd(ctx: Context, item_code: str | None, area_code: str | None) -> None:
    with ctx.platform.session() as session:
        for r in api.routes(session, item_code=item_code, area_code=area_code):
            click.echo(f"{r.item_code}  {r.area_code:<15} → {r.department_code} "
                       f"{r.department_name or ''}")


@grid.command("set-route", help="Route ITEM in AREA to DEPARTMENT (admins).")
@click.argument("item_code")
@click.argument("area_code")
@click.argument("department_code")
@AS
@pass_ctx
def set_route_cmd(ctx: Context, item_code: str, area_code: str, department_code: str,
                  username: str) -> None:
    with _session(ctx, username) as (session, actor):
        r = api.set_route(session, actor, item_code, area_code, department_code)
    click.echo(f"{r.item_code} in {r.area_code} → {r.department_code} {r.department_name}")


@grid.command("import", help="Import reports from a JSON-lines file (one report a line).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@AS
@pass_ctx
def import_cmd(ctx: Context, path: Path, username: str) -> None:
    rows = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise InvalidInput(f"{path}:{n}: not valid JSON: {e}") from None
            if row.get("reported_at"):
                row["reported_at"] = dt.datetime.fromisoformat(row["reported_at"])
            rows.append(row)
    with _session(ctx, username) as (session, actor):
        ids = api.import_events(session, actor, rows)
    click.echo(f"imported {len(ids)} events" + (f" ({ids[0]}–{ids[-1]})" if ids else ""))
