"""The web UI's hook implementations: the ``jinzhi serve`` and ``jinzhi demo`` commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.hookspecs import hookimpl

if TYPE_CHECKING:
    import click


@hookimpl
def jinzhi_cli_commands(cli: click.Group) -> None:
    from web.commands import demo, serve

    cli.add_command(serve)
    cli.add_command(demo)
