"""Hook implementations of the `linkage` plugin (registered through the `jinzhi` entry point).

Thin: each hook hands over to the module that owns the concept.
"""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.orm import Session

from core.contracts import DomainEvent, ProfileSection, Subject
from core.hookspecs import hookimpl
from core.identity.roles import Actor
from core.platform import Platform
from plugins.linkage import (
    licensing,
    models,  # noqa: F401  - registers the link_ tables
    sections,
)


@hookimpl
def jinzhi_migration_dirs() -> list[str]:
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def jinzhi_cli_commands(cli: click.Group) -> None:
    from plugins.linkage.cli import linkage

    cli.add_command(linkage)


@hookimpl
def events_published(event: DomainEvent, platform: Platform) -> None:
    licensing.on_event(platform, event)


@hookimpl
def linkage_profile_sections(
    session: Session, subject: Subject, viewer: Actor
) -> list[ProfileSection]:
    return sections.sections(session, subject, viewer)
