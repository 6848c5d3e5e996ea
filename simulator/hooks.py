"""Hook implementations of the simulator (registered through the ``jinzhi`` entry point)."""

from __future__ import annotations

import click

from core.hookspecs import hookimpl


@hookimpl
def jinzhi_cli_commands(cli: click.Group) -> None:
    from simulator.cli import simulate
    from simulator.seed import seed_command

    cli.add_command(seed_command)
    cli.add_command(simulate)
