"""Profiles (精准画像): every plugin's sections of one person, organisation or place, put
together through ``linkage_profile_sections``, masked for the viewer, and the view logged."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.areas.models import Area
from core.contracts import ProfileSection, RecordRef, Subject
from core.identity.roles import Actor
from core.platform import Platform
from plugins.linkage import cases, datause, privacy, subjects
from plugins.linkage.datause import Use
from plugins.linkage.refs import AREA, ORGANISATION, PERSON, SELF
from plugins.linkage.views import Profile

# Sections listing other people (a place's residents and organisations): each listed one is
# logged in their own data-use log too.
_LISTINGS = {"linkage.residents": "person", "linkage.organisations": "organisation"}


def profile(
    session: Session, viewer: Actor, subject: Subject, *, case: RecordRef | None = None
) -> Profile:
    """The profile of ``subject`` as ``viewer`` may see it.

    Persons and organisations: the person themself (or the legal representative) needs no
    case; staff must name one (``InvalidInput`` without, ``NotFound`` if it does not exist).
    Places: staff whose scope contains the place; the case defaults to looking after the
    area. Every view is written to the data-use log of each person or organisation shown.
    """
    subject = subjects.subject_of(session, subject.kind, subject.key)
    rights = privacy.rights(session, viewer, subject)
    purpose = _purpose(session, viewer, subject, case, rights.own)
    found = Platform.of(session).hook.linkage_profile_sections(
        session=session, subject=subject, viewer=viewer)
    merged = sorted((s for group in found for s in (group or ())),
                    key=lambda s: (s.order, s.key))
    if not rights.full_numbers:
        merged = [_scrubbed(s) for s in merged]
    _log(session, viewer, subject, merged, purpose)
    return Profile(subject=subject, title=_title(session, subject),
                   sections=tuple(merged), purpose=purpose, masked=not rights.full_numbers)


def _purpose(
    session: Session, viewer: Actor, subject: Subject, case: RecordRef | None, own: bool
) -> RecordRef:
    if own and case is None:
        return RecordRef(SELF, str(viewer.person_id), title="本人查看 / own data")
    if subject.kind == "place" and case is None:
        return RecordRef(AREA, subject.key, title="辖区管理 / looking after the area")
    return cases.require_case(session, viewer, case, f"this {subject.kind}'s profile")


def _scrubbed(s: ProfileSection) -> ProfileSection:
    return ProfileSection(key=s.key, title=s.title, summary=privacy.scrub(dict(s.summary)),
                          rows=tuple(privacy.scrub(dict(r)) for r in s.rows), order=s.order)


def _log(
    session: Session, viewer: Actor, subject: Subject, merged: list[ProfileSection],
    purpose: RecordRef,
) -> None:
    if subject.kind == "place":
        uses = [Use(Subject(_LISTINGS[s.key], str(r["id"])), f"profile.place:{s.key}",
                    RecordRef(AREA, subject.key))
                for s in merged if s.key in _LISTINGS for r in s.rows if "id" in r]
    else:
        record = RecordRef(PERSON if subject.kind == "person" else ORGANISATION, subject.key)
        uses = [Use(subject, f"profile:{s.key}", record) for s in merged]
    datause.record_uses(session, viewer, uses, purpose)


def _title(session: Session, subject: Subject) -> str:
    if subject.kind == "place":
        area = session.get(Area, subject.key)
        return area.name if area else subject.key
    return subjects.party_of(session, subject).name
