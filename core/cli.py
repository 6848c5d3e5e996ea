"""The ``jinzhi`` command. Core adds its own commands; plugins, the simulator and the web UI
add theirs through the ``jinzhi_cli_commands`` hook, so core never imports them."""

from __future__ import annotations

import json
import sys
from functools import cached_property
from pathlib import Path

import click
import pluggy
from sqlalchemy import exc as sa_exc

from core import schema
from core.config import Config
from core.errors import ConfigurationError, JinzhiError
from core.plugins import describe, make_plugin_manager


class Context:
    """What every command gets as ``ctx.obj``: config, plugins, and a platform on demand."""

    def __init__(self, config: Config, pm: pluggy.PluginManager) -> None:
        self.config = config
        self.pm = pm

    @cached_property
    def platform(self):
        from core.platform import Platform

        self.config.instance_path.mkdir(parents=True, exist_ok=True)
        return Platform(self.config, pm=self.pm)


pass_ctx = click.make_pass_decorator(Context)


@click.group(help="Jinzhi (津治): city services, grid governance, linkage and simulation.")
@click.version_option(package_name="jinzhi")
def cli() -> None:
    pass


@cli.group(help="Database schema (Alembic migrations of core and every plugin).")
def db() -> None:
    pass


@db.command("upgrade", help="Create or upgrade the database schema to the newest version.")
@pass_ctx
def db_upgrade(ctx: Context) -> None:
    schema.upgrade(ctx.pm, ctx.platform.engine)
    click.echo(f"database is up to date: {ctx.platform.engine.url.render_as_string()}")


@db.command("check", help="Exit non-zero if the database schema differs from the models.")
@pass_ctx
def db_check(ctx: Context) -> None:
    differences = schema.diff(ctx.platform.engine)
    for d in differences:
        click.echo(f"  {d}")
    if differences:
        raise JinzhiError(f"{len(differences)} difference(s): run `jinzhi db upgrade`")
    click.echo("schema matches the models")


@db.command("revision", help="Autogenerate a migration for one plugin's tables (developers).")
@click.option("--branch", required=True, help="The plugin's branch label, e.g. grid.")
@click.option("--prefix", required=True, help="The plugin's table prefix, e.g. grid_.")
@click.option("--dir", "directory", required=True, type=click.Path(file_okay=False))
@click.option("--new-branch", is_flag=True, help="The plugin's first migration.")
@click.option("-m", "--message", required=True)
@pass_ctx
def db_revision(
    ctx: Context, branch: str, prefix: str, directory: str, new_branch: bool, message: str
) -> None:
    Path(directory).mkdir(parents=True, exist_ok=True)
    schema.revision(ctx.pm, ctx.platform.engine, message, branch, directory, prefix, new_branch)


@cli.command("plugins", help="List the plugins and the hooks each implements.")
@click.option("--docs", is_flag=True, help="Print the hook reference (docs/plugin_hooks.md).")
@pass_ctx
def plugins_cmd(ctx: Context, docs: bool) -> None:
    if docs:
        from core.hookdocs import render

        click.echo(render(), nl=False)
        return
    for name, hooks in describe(ctx.pm):
        click.echo(f"{name}")
        for hook in hooks:
            click.echo(f"    {hook}")
    blocked = sorted(ctx.config.disabled_plugins)
    if blocked:
        click.echo(f"disabled: {', '.join(blocked)}")


@cli.command("tick", help="Run periodic work once: deadline checks and escalation.")
@pass_ctx
def tick(ctx: Context) -> None:
    platform = ctx.platform
    with platform.session() as session:
        results = platform.hook.events_tick(session=session, now=platform.now())
    totals: dict[str, int] = {}
    for r in results:
        for k, v in (r or {}).items():
            totals[k] = totals.get(k, 0) + v
    click.echo(json.dumps(totals, ensure_ascii=False) if totals else "nothing to do")


@cli.group(help="The city's areas: locate points, import and export GeoJSON.")
def areas() -> None:
    pass


@areas.command("locate", help="Print the grid and ancestors of a point (LON LAT).")
@click.argument("lon", type=float)
@click.argument("lat", type=float)
@pass_ctx
def areas_locate(ctx: Context, lon: float, lat: float) -> None:
    from core.areas.locate import locator_for

    with ctx.platform.session() as session:
        loc = locator_for(session).locate(lon, lat)
    for level in ("city", "district", "street", "community", "grid"):
        click.echo(f"{level:10} {getattr(loc, level)}")


@areas.command("export", help="Write areas as a GeoJSON FeatureCollection.")
@click.option("--level", type=click.Choice(["city", "district", "street", "community", "grid"]))
@click.option("--within", help="Only areas under this area code.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def areas_export(ctx: Context, level: str | None, within: str | None, output: Path | None) -> None:
    from core.areas.codes import Level
    from core.areas.geojson import export_areas

    with ctx.platform.session() as session:
        fc = export_areas(session, Level[level.upper()] if level else None, within)
    text = json.dumps(fc, ensure_ascii=False)
    if output:
        output.write_text(text, "utf-8")
        click.echo(f"wrote {len(fc['features'])} areas to {output}")
    else:
        click.echo(text)


@areas.command("import", help="Insert or update areas from a GeoJSON FeatureCollection.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def areas_import(ctx: Context, path: Path) -> None:
    from core.areas.geojson import import_areas

    try:
        data = json.loads(path.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise JinzhiError(f"{path}: not valid JSON: {e}") from None
    with ctx.platform.session() as session:
        n = import_areas(session, data)
    click.echo(f"imported {n} areas")


@cli.group(help="Identity numbers and accounts.")
def identity() -> None:
    pass


@identity.command("check", help="Validate a resident identity number or credit code.")
@click.argument("number")
def identity_check(number: str) -> None:
    from core.identity.gb11643 import parse_resident_id
    from core.identity.gb32100 import parse_credit_code

    number = number.strip()
    try:
        rid = parse_resident_id(number)
    except JinzhiError as as_resident:
        # An all-digit credit code looks like a resident number: try it before giving up.
        try:
            cc = parse_credit_code(number)
        except JinzhiError as as_credit:
            raise (as_resident if number[:17].isdigit() else as_credit) from None
        click.echo(f"valid unified social credit code: area {cc.area_code}")
        return
    click.echo(f"valid resident identity number: area {rid.area_code}, "
               f"born {rid.birth_date}, sex {rid.sex}")


@identity.command("add-account", help="Create a login (staff need --scope).")
@click.argument("username")
@click.option("--role", required=True)
@click.option("--scope", "scope_code", help="Area code the account may act in.")
@click.option("--department", "department_code")
@click.password_option()
@pass_ctx
def identity_add_account(
    ctx: Context, username: str, role: str, scope_code: str | None,
    department_code: str | None, password: str,
) -> None:
    from core.identity.accounts import create_account

    with ctx.platform.session() as session:
        create_account(session, username, password, role, scope_code=scope_code,
                       department_code=department_code)
    click.echo(f"created {role} account {username}")


def _core_groups() -> None:
    from core.identity.apikeys_cli import apikeys_group

    cli.add_command(apikeys_group)


_core_groups()


def build_cli(pm: pluggy.PluginManager) -> click.Group:
    """The root group with every plugin's commands; a failing plugin is named."""
    for impl in pm.hook.jinzhi_cli_commands.get_hookimpls():
        try:
            impl.function(cli=cli)
        except Exception as e:  # name the plugin instead of a deep traceback
            raise ConfigurationError(
                f"plugin {impl.plugin_name!r} failed to add its commands: {type(e).__name__}: {e}"
            ) from e
    return cli


def main(argv: list[str] | None = None) -> None:
    """Entry point: one-line errors for everything a user can fix, exit status 2."""
    try:
        config = Config.load()
        pm = make_plugin_manager(config.disabled_plugins)
        group = build_cli(pm)
        group.main(args=argv, obj=Context(config, pm), standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except JinzhiError as e:
        click.echo(f"error: {e.message}", err=True)
        sys.exit(2)
    except (sa_exc.OperationalError, sa_exc.ProgrammingError) as e:
        reason = str(e.orig).strip().splitlines()[0] if e.orig else str(e)
        hint = ""
        if "no such table" in reason or "does not exist" in reason:
            hint = " (the schema is missing or old: run `jinzhi db upgrade`, or `jinzhi demo`)"
        click.echo(f"error: database problem: {reason}{hint}", err=True)
        sys.exit(2)
    except OSError as e:
        where = f": {e.filename}" if e.filename else ""
        click.echo(f"error: {e.strerror or e}{where}", err=True)
        sys.exit(2)
    except ConfigurationError as e:  # pragma: no cover - subclass of JinzhiError
        click.echo(f"error: {e.message}", err=True)
        sys.exit(2)
