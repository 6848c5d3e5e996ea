"""``jinzhi serve`` (werkzeug's threaded server, or gunicorn) and ``jinzhi demo``.

``demo`` must seed the small city, but the web UI may not import the simulator. It looks the
``seed`` command up by name in the CLI group at run time (the simulator adds it through
``jinzhi_cli_commands``) and invokes it — see docs/decisions/0002-web-demo-command.md.
"""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy import inspect, select

DEMO_EVENTS = 600
DEMO_LOGINS = (
    "admin", "commander.city", "commander.d1", "commander.s1", "commander.c1",
    "worker.g1", "worker.g2", "clerk.d1", "handler.d1.<type>", "citizen1",
)


@click.command("serve", help="Serve the web UI (werkzeug by default, gunicorn with --gunicorn).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--gunicorn", "use_gunicorn", is_flag=True, help="Serve with gunicorn workers.")
@click.option("--workers", default=2, show_default=True, type=int)
@click.pass_obj
def serve(obj: Any, host: str, port: int, use_gunicorn: bool, workers: int) -> None:
    run(obj.config, host, port, use_gunicorn, workers)


@click.command("demo", help="Create and seed a demo database, print the logins, then serve.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the database only.")
@click.pass_context
def demo(ctx: click.Context, host: str, port: int, no_serve: bool) -> None:
    from core import schema
    from core.identity.models import Account

    obj = ctx.obj
    platform = obj.platform
    schema.upgrade(obj.pm, platform.engine)
    with platform.session() as session:
        seeded = inspect(session.get_bind()).has_table("core_account") and session.scalar(
            select(Account.id).limit(1)
        )
    if not seeded:
        root = ctx.find_root().command
        seed = root.get_command(ctx, "seed") if isinstance(root, click.Group) else None
        if seed is None:
            raise click.ClickException(
                "no `seed` command: the simulator plugin is disabled or not installed"
            )
        ctx.invoke(seed, scale="small")
        from plugins.grid import api as grid

        with platform.session() as session:
            made = grid.bench_events(session, DEMO_EVENTS, seed=1, days=120)
            fresh = _fresh_reports(session)
        click.echo(f"added {made} past events and {fresh} new reports for the demo inboxes")
    url = f"http://{host}:{port}/"
    if no_serve:
        click.echo("\nJinzhi demo: the database is ready; start the web UI with "
                   f"`jinzhi serve --host {host} --port {port}` (it will listen at {url})")
    else:
        click.echo(f"\nJinzhi demo: open {url}")
    click.echo("logins (password jinzhi-demo): " + ", ".join(DEMO_LOGINS) + "\n")
    if not no_serve:
        run(obj.config, host, port, False, 1, platform=platform)


def run(config: Any, host: str, port: int, use_gunicorn: bool, workers: int,
        platform: Any = None) -> None:
    if use_gunicorn:
        from web.gunicorn import serve_gunicorn

        serve_gunicorn(host, port, workers)
        return
    from web import create_app

    app = create_app(platform=platform)
    app.run(host=host, port=port, threaded=True, debug=False, use_reloader=False)


FRESH = (("0101", "小区门口路灯不亮，晚上很黑"), ("0102", "人行道井盖松动，踩上去会响"),
         ("0103", "楼道堆放杂物，堵住消防通道"), ("0104", "绿化带里有大量垃圾"))


def _fresh_reports(session: Any) -> int:
    """A few reports waiting in worker.g1's grid, so commander inboxes are not empty."""
    from core.areas.models import Area
    from core.identity.accounts import load_actor
    from core.identity.models import Account
    from plugins.grid import api as grid

    account = session.scalar(select(Account).where(Account.username == "worker.g1"))
    if account is None or account.scope_code is None:
        return 0
    worker = load_actor(session, account.id)
    area = session.get(Area, account.scope_code)
    codes = {i.code for i in grid.items(session)}
    made = 0
    for n, (code, text) in enumerate(FRESH):
        if code in codes:
            grid.report(session, worker, item_code=code, description=text,
                        lon=area.label_lon + 0.0003 * n, lat=area.label_lat)
            made += 1
    return made
