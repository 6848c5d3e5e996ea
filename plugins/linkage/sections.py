"""Linkage's own parts of a profile, from core's tables: who a person or organisation is and
where, what linkage has linked to them; a place's residents and organisations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.areas.codes import Level, ancestors, level_of
from core.areas.models import Area
from core.contracts import ProfileSection, Subject
from core.errors import PermissionDenied
from core.identity.models import Organisation, Person
from core.identity.registry import age_on, mask
from core.identity.roles import Actor
from core.platform import Platform
from plugins.linkage import links, privacy
from plugins.linkage.refs import subject_ref

ROWS = 20  # rows of a list shown in a profile
# How far down to count a place's people and organisations: each child area's share.
_CHILD_DIGITS = {Level.CITY: 6, Level.DISTRICT: 9, Level.STREET: 12, Level.COMMUNITY: 15}


def sections(session: Session, subject: Subject, viewer: Actor) -> list[ProfileSection]:
    try:
        rights = privacy.rights(session, viewer, subject)
    except PermissionDenied:
        return []
    full = rights.full_numbers
    if subject.kind == "person":
        return [_person(session, int(subject.key), full), _links(session, subject)]
    if subject.kind == "organisation":
        return [_organisation(session, int(subject.key), full), _links(session, subject)]
    return _place(session, subject.key, full)


# ── persons and organisations ───────────────────────────────────────────────────────────


def _person(session: Session, pid: int, full: bool) -> ProfileSection:
    p = session.get(Person, pid)
    assert p is not None  # privacy.rights checked it exists
    today = Platform.of(session).now().date()
    orgs = session.scalars(select(Organisation).where(Organisation.legal_rep_id == pid)
                           .order_by(Organisation.id).limit(ROWS)).all()
    return ProfileSection(
        key="linkage.identity", title="身份 / Identity", order=10,
        summary={
            "name": p.name, "id_number": p.id_number if full else mask(p.id_number),
            "sex": p.sex, "birth_date": p.birth_date if full else p.birth_date.year,
            "age": age_on(p, today), "phone": p.phone if full else privacy.mask_phone(p.phone),
            "address": p.address, "home_grid": p.home_grid, **_where(session, p.home_grid),
            "organisations": len(orgs),
        },
        rows=tuple({"id": o.id, "credit_code": o.credit_code, "name": o.name, "kind": o.kind,
                    "role": "legal_representative"} for o in orgs),
    )


def _organisation(session: Session, oid: int, full: bool) -> ProfileSection:
    o = session.get(Organisation, oid)
    assert o is not None
    rep = session.get(Person, o.legal_rep_id) if o.legal_rep_id else None
    return ProfileSection(
        key="linkage.identity", title="主体 / Organisation", order=10,
        summary={
            "name": o.name, "credit_code": o.credit_code, "kind": o.kind,
            "legal_rep": rep.name if rep else None,
            "legal_rep_id_number": (rep.id_number if full else mask(rep.id_number))
            if rep else None,
            "address": o.address, "premises_grid": o.premises_grid, "lon": o.lon, "lat": o.lat,
            **_where(session, o.premises_grid),
        },
    )


def _links(session: Session, subject: Subject) -> ProfileSection:
    """Records linkage has linked to the subject (reports, events about it), as they stand."""
    rows = []
    for row in links.touching(session, subject_ref(subject))[:ROWS]:
        mine_a = (row.a_type, row.a_id) == (subject_ref(subject).type, str(subject.key))
        other = links.b_ref(row) if mine_a else links.a_ref(row)
        now = links.status(session, other)
        rows.append({"relation": row.relation, "type": now.type, "id": now.id,
                     "title": now.title, "status": now.status,
                     "status_label": now.label or now.status, "url": now.url,
                     "linked_at": row.created_at})
    return ProfileSection(key="linkage.links", title="关联事项 / Linked records", order=40,
                          summary={"linked": len(rows)}, rows=tuple(rows))


def _where(session: Session, grid: str | None) -> dict[str, Any]:
    """The names of a grid and its ancestors: {"grid_name", "community_name", …}."""
    if not grid:
        return {}
    codes = [grid, *ancestors(grid)]
    names = dict(session.execute(select(Area.code, Area.name).where(Area.code.in_(codes))).all())
    return {f"{level_of(c).label}_name": names.get(c) for c in codes}


# ── places ──────────────────────────────────────────────────────────────────────────────


def _range(code: str) -> tuple[str, str]:
    """Grid codes under ``code`` lie in ``[lo, hi)``: an index range, not a LIKE."""
    prefix = code[:2] if level_of(code) is Level.CITY else code
    return prefix, prefix + ":"  # ':' sorts right after '9'


def _counts(session: Session, column: Any, code: str) -> dict[str, int]:
    """How many rows have ``column`` (a grid code) under ``code``, by child area."""
    lo, hi = _range(code)
    level = level_of(code)
    key = func.substr(column, 1, _CHILD_DIGITS[level]) if level in _CHILD_DIGITS else column
    stmt = select(key, func.count()).where(column >= lo, column < hi).group_by(key)
    return {k: n for k, n in session.execute(stmt)}


def _place(session: Session, code: str, full: bool) -> list[ProfileSection]:
    area = session.get(Area, code)
    assert area is not None
    people = _counts(session, Person.home_grid, code)
    orgs = _counts(session, Organisation.premises_grid, code)
    children = session.execute(select(Area.code, Area.name).where(Area.parent_code == code)
                               .order_by(Area.code)).all()
    place = ProfileSection(
        key="linkage.place", title="区域 / Place", order=10,
        summary={"code": code, "name": area.name, "level": level_of(code).label,
                 **{k: v for k, v in _where(session, code).items()
                    if k != f"{level_of(code).label}_name"},
                 "residents": sum(people.values()), "organisations": sum(orgs.values()),
                 "children": len(children)},
        rows=tuple({"code": c, "name": n, "residents": people.get(c, 0),
                    "organisations": orgs.get(c, 0)} for c, n in children),
    )
    return [place, _residents(session, code, full, place.summary["residents"]),
            _organisations(session, code, place.summary["organisations"])]


def _residents(session: Session, code: str, full: bool, total: int) -> ProfileSection:
    lo, hi = _range(code)
    today = Platform.of(session).now().date()
    found = session.scalars(select(Person).where(Person.home_grid >= lo, Person.home_grid < hi)
                            .order_by(Person.home_grid, Person.id).limit(ROWS)).all()
    return ProfileSection(
        key="linkage.residents", title="居民 / Residents", order=11,
        summary={"residents": total, "shown": len(found)},
        rows=tuple(_resident_row(p, full, today) for p in found),
    )


def _resident_row(p: Person, full: bool, today: dt.date) -> Mapping[str, Any]:
    return {"id": p.id, "name": p.name, "id_number": p.id_number if full else mask(p.id_number),
            "sex": p.sex, "age": age_on(p, today), "grid": p.home_grid}


def _organisations(session: Session, code: str, total: int) -> ProfileSection:
    lo, hi = _range(code)
    found = session.scalars(
        select(Organisation).where(Organisation.premises_grid >= lo,
                                   Organisation.premises_grid < hi)
        .order_by(Organisation.premises_grid, Organisation.id).limit(ROWS)).all()
    return ProfileSection(
        key="linkage.organisations", title="单位 / Organisations", order=12,
        summary={"organisations": total, "shown": len(found)},
        rows=tuple({"id": o.id, "name": o.name, "credit_code": o.credit_code, "kind": o.kind,
                    "address": o.address, "grid": o.premises_grid} for o in found),
    )
