"""Hook implementations of the `grid` plugin (registered through the `jinzhi` entry point).

Thin: each hook hands over to the module that owns the concept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from core.areas.locate import Location
from core.contracts import CaseRequest, ProfileSection, RecordRef, Route, Subject
from core.hookspecs import hookimpl
from core.identity.roles import Actor
from core.platform import Platform
from plugins.grid import escalation, profiles, reference, routing, taxonomy


@hookimpl
def jinzhi_migration_dirs() -> list[str]:
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def jinzhi_seed_reference(session: Session, platform: Platform) -> None:
    reference.seed(session, platform.pm)


@hookimpl
def jinzhi_cli_commands(cli: click.Group) -> None:
    from plugins.grid.cli import grid

    cli.add_command(grid)


@hookimpl(trylast=True)
def catalog_event_items() -> list[Mapping[str, Any]]:
    return taxonomy.base_items()


@hookimpl(trylast=True)
def events_route(session: Session, item: Mapping[str, Any], location: Location) -> Route | None:
    return routing.lookup(session, str(item["code"]), location)


@hookimpl
def events_tick(session: Session, now: dt.datetime) -> Mapping[str, int]:
    return escalation.tick(session, now)


@hookimpl
def linkage_open_case(session: Session, request: CaseRequest, actor: Actor) -> RecordRef | None:
    if request.kind != profiles.KIND:
        return None
    return profiles.open_case(session, request, actor)


@hookimpl
def linkage_record_status(session: Session, record: RecordRef) -> RecordRef | None:
    if record.type != profiles.KIND:
        return None
    return profiles.record_status(session, record)


@hookimpl
def linkage_case_involves(session: Session, record: RecordRef, actor: Actor) -> bool | None:
    if record.type != profiles.KIND:
        return None
    return profiles.involves(session, record, actor)


@hookimpl
def linkage_record_action(
    session: Session, record: RecordRef, action: str, data: Mapping[str, Any], actor: Actor
) -> RecordRef | None:
    """``grid.event``: any workflow action (``workflow.ACTIONS``) at the event's current
    version, with the fields of ``data`` that the action takes (linkage closes a licence
    event: ``close`` with ``outcome`` and ``public_note``); the workflow's own rules apply."""
    if record.type != profiles.KIND:
        return None
    from plugins.grid import access, transitions, workflow

    t = workflow.transition(action)
    ev = access.load(session, actor, record.id, for_update=True)
    transitions.apply(session, actor, ev, action, {k: v for k, v in data.items()
                                                   if k in t.fields})
    return profiles.record_status(session, record)


@hookimpl
def linkage_profile_sections(
    session: Session, subject: Subject, viewer: Actor
) -> list[ProfileSection]:
    return profiles.sections(session, subject, viewer)
