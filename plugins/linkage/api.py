"""The public surface of the linkage plugin (两津联动), for ``web/``, the simulator and the CLI.

Every function takes a Session and never commits. Results are frozen dataclasses
(``views``, ``core.contracts``). Errors: ``InvalidInput`` (``fields`` says how to fix it;
nothing was stored), ``NotFound`` (an unknown identity number, case or record),
``PermissionDenied`` (not yours to see), ``ConfigurationError`` (a plugin it needs is off).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from core.contracts import Evidence, RecordRef, Subject
from core.errors import InvalidInput
from core.identity.roles import Actor
from plugins.linkage import datause, evidence, licensing, profiles, reports, subjects
from plugins.linkage.refs import parse_ref
from plugins.linkage.views import DataUseEntry, LicenceCheck, Profile, Report

__all__ = [
    "DataUseEntry", "LicenceCheck", "Profile", "Report", "check_licence_at", "citizen_report",
    "close_with_evidence", "confirm_evidence", "data_use_log", "my_reports", "offer_evidence",
    "parse_ref", "profile", "subject",
]


def subject(session: Session, kind: str, key: str | int) -> Subject:
    """A checked subject: ``person``/``org`` by id, identity number or credit code (an
    unknown number is ``NotFound``), ``place`` by area code."""
    return subjects.subject_of(session, kind, key)


def profile(
    session: Session, viewer: Actor, subject: Subject, *, case: RecordRef | None = None
) -> Profile:
    """A person's, organisation's or place's profile as ``viewer`` may see it, logged.
    Staff looking at a person or organisation must name the ``case``."""
    return profiles.profile(session, viewer, subject, case=case)


# ── link 1: a citizen's report becomes a grid event ─────────────────────────────────────


def citizen_report(
    session: Session, actor: Actor, *, item_code: str, description: str,
    lon: float | None = None, lat: float | None = None, address: str | None = None,
    photos: Iterable[Any] = (),
) -> Report:
    """Report a problem as a citizen; it becomes a grid event (at the point, else at home).
    ``photos``: ``bytes``, ``(filename, bytes)``, paths or file objects (JPEG, PNG, WebP
    within the upload limit; a bad one is ``InvalidInput`` and nothing is stored)."""
    return reports.citizen_report(session, actor, item_code=item_code, description=description,
                                  lon=lon, lat=lat, address=address, photos=photos)


def my_reports(session: Session, actor: Actor, *, limit: int = 50) -> list[Report]:
    """The citizen's own reports with their events' current status, newest first."""
    return reports.my_reports(session, actor, limit=limit)


# ── link 2: unlicensed trading → licence check → guidance → closed with the licence ─────


def check_licence_at(
    session: Session, actor: Actor, event: RecordRef, *, item_code: str, grid_code: str,
    lon: float | None = None, lat: float | None = None, credit_code: str | None = None,
) -> LicenceCheck:
    """Find the organisation at a licence event's place, check its licence, and open a
    guidance follow-up if it has none (runs by itself when such an event is reported)."""
    return licensing.check_licence_at(session, actor, event, item_code=item_code,
                                      grid_code=grid_code, lon=lon, lat=lat,
                                      credit_code=credit_code)


def close_with_evidence(
    session: Session, actor: Actor, event: RecordRef, *, evidence_id: str | None = None,
    note: str | None = None,
) -> RecordRef:
    """Close a licence event with the licence the organisation now holds."""
    return licensing.close_with_evidence(session, actor, event, evidence_id=evidence_id,
                                         note=note)


# ── link 3: once-only evidence ──────────────────────────────────────────────────────────


def offer_evidence(
    session: Session, actor: Actor, holder: Subject, type: str, case: RecordRef | None
) -> list[Evidence]:
    """Valid evidence of ``type`` the holder already has, for ``case`` (logged): shown to
    the applicant to preview before reusing one instead of an upload."""
    return evidence.offer_evidence(session, actor, holder, type, case)


def confirm_evidence(
    session: Session, actor: Actor, case: RecordRef | None, holder: Subject, type: str,
    evidence_id: str, *, material_code: str, version: int,
) -> RecordRef:
    """Use a previewed document in the application ``case`` (checked again, logged)."""
    return evidence.confirm_evidence(session, actor, case, holder, type, evidence_id,
                                     material_code=material_code, version=version)


# ── the data-use log ────────────────────────────────────────────────────────────────────


def data_use_log(
    session: Session, actor: Actor, subject: Subject | None = None, *, limit: int = 100,
    before_id: int | None = None, leave_out: Actor | None = None,
) -> list[DataUseEntry]:
    """Who used whose data, when and for which case, newest first. Without ``subject``: the
    actor's own. Only the person concerned, admins and auditors may read a log.
    ``leave_out``: skip that account's own uses (``leave_out=actor``: others' uses only), so
    ``limit`` counts only the rows that are shown."""
    if subject is None:
        if actor.person_id is None:
            raise InvalidInput("whose log? you are not a registered person",
                               fields={"subject": "a person or organisation"})
        subject = Subject("person", str(actor.person_id))
    return datause.uses_of(session, actor, subject, limit=limit, before_id=before_id,
                           leave_out=leave_out)
