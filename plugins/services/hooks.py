"""Hook implementations of the `services` plugin (registered through the `jinzhi` entry point).

Thin: each hook hands over to the module that owns the concept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from sqlalchemy import update
from sqlalchemy.orm import Session

from core.contracts import CaseRequest, Evidence, Party, ProfileSection, RecordRef, Subject
from core.hookspecs import hookimpl
from core.identity.roles import Actor
from core.platform import Platform
from plugins.services import (
    catalog,
    certificates,
    deadlines,
    departments,
    followups,
    profiles,
    rules,
)
from plugins.services.models import Application


@hookimpl
def jinzhi_migration_dirs() -> list[str]:
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def jinzhi_seed_reference(session: Session, platform: Platform) -> None:
    departments.seed_departments(session)
    catalog.load(session, platform.pm)


@hookimpl
def jinzhi_cli_commands(cli: click.Group) -> None:
    from plugins.services.cli import services

    cli.add_command(services)


@hookimpl(trylast=True)
def catalog_service_items() -> list[Mapping[str, Any]]:
    return catalog.base_items()


@hookimpl
def catalog_validate_application(
    item: Mapping[str, Any], data: Mapping[str, Any], applicant: Party | None
) -> Mapping[str, Any] | None:
    return rules.check(item, data) or None


@hookimpl
def events_tick(session: Session, now: dt.datetime) -> Mapping[str, int]:
    result = session.execute(
        update(Application).where(deadlines.overdue_clause(now), Application.overdue.is_(False))
        .values(overdue=True).execution_options(synchronize_session=False)
    )
    return {"services.overdue_flagged": result.rowcount or 0}


@hookimpl
def linkage_evidence(session: Session, holder: Subject, type: str | None) -> list[Evidence]:
    return certificates.evidence(session, holder, type)


@hookimpl
def linkage_open_case(session: Session, request: CaseRequest, actor: Actor) -> RecordRef | None:
    if request.kind != followups.KIND:
        return None
    return followups.open_guidance(session, request, actor)


@hookimpl
def linkage_record_status(session: Session, record: RecordRef) -> RecordRef | None:
    return profiles.record_status(session, record)


@hookimpl
def linkage_case_involves(session: Session, record: RecordRef, actor: Actor) -> bool | None:
    return profiles.involves(session, record, actor)


@hookimpl
def linkage_record_action(
    session: Session, record: RecordRef, action: str, data: Mapping[str, Any], actor: Actor
) -> RecordRef | None:
    return profiles.record_action(session, record, action, data, actor)


@hookimpl
def linkage_profile_sections(
    session: Session, subject: Subject, viewer: Actor
) -> list[ProfileSection]:
    return profiles.sections(session, subject, viewer)
