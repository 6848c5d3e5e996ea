"""``jinzhi serve`` (werkzeug's threaded server, or gunicorn) and ``jinzhi demo``.

``demo`` must seed the small city, but the web UI may not import the simulator. It looks the
``seed`` command up by name in the CLI group at run time (the simulator adds it through
``jinzhi_cli_commands``) and invokes it — see docs/decisions/0002-web-demo-command.md.
"""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy import inspect, select

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
    url = f"http://{host}:{port}/"
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
