"""The population register: persons, organisations and departments, keyed by their numbers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.areas.models import Area
from core.contracts import Party
from core.errors import Conflict, InvalidInput, NotFound
from core.identity.gb11643 import parse_resident_id
from core.identity.gb32100 import parse_credit_code
from core.identity.models import Department, Organisation, Person


def register_person(
    session: Session,
    id_number: str,
    name: str,
    *,
    phone: str | None = None,
    address: str | None = None,
    home_grid: str | None = None,
) -> Person:
    """Add a person; the identity number is validated (GB 11643) and must be new."""
    rid = parse_resident_id(id_number)
    if session.scalar(select(Person.id).where(Person.id_number == rid.number)):
        raise Conflict(f"a person with identity number {mask(rid.number)} is already registered")
    _check_area(session, home_grid)
    person = Person(
        id_number=rid.number,
        name=name,
        sex=rid.sex,
        birth_date=rid.birth_date,
        phone=phone,
        address=address,
        home_grid=home_grid,
    )
    session.add(person)
    session.flush()
    return person


def register_organisation(
    session: Session,
    credit_code: str,
    name: str,
    *,
    kind: str | None = None,
    legal_rep_id: int | None = None,
    address: str | None = None,
    premises_grid: str | None = None,
    lon: float | None = None,
    lat: float | None = None,
) -> Organisation:
    """Add an organisation; the credit code is validated (GB 32100) and must be new."""
    cc = parse_credit_code(credit_code)
    if session.scalar(select(Organisation.id).where(Organisation.credit_code == cc.code)):
        raise Conflict(f"an organisation with credit code {cc.code} is already registered")
    _check_area(session, premises_grid)
    org = Organisation(
        credit_code=cc.code,
        name=name,
        kind=kind,
        legal_rep_id=legal_rep_id,
        address=address,
        premises_grid=premises_grid,
        lon=lon,
        lat=lat,
    )
    session.add(org)
    session.flush()
    return org


def resolve(session: Session, kind: str, number: str) -> Party | None:
    """The person or organisation holding ``number`` (validated first), or None."""
    if kind == "person":
        number = parse_resident_id(number).number
        p = session.scalar(select(Person).where(Person.id_number == number))
        return Party("person", p.id, p.id_number, p.name, p.home_grid) if p else None
    if kind == "organisation":
        number = parse_credit_code(number).code
        o = session.scalar(select(Organisation).where(Organisation.credit_code == number))
        return Party("organisation", o.id, o.credit_code, o.name, o.premises_grid) if o else None
    raise InvalidInput(f"kind must be 'person' or 'organisation', not {kind!r}")


def ensure_department(
    session: Session, code: str, name: str, dept_type: str, area_code: str,
    name_en: str | None = None,
) -> Department:
    """Create the department if it does not exist yet (idempotent reference data)."""
    dept = session.get(Department, code)
    if dept is None:
        _check_area(session, area_code)
        dept = Department(
            code=code, name=name, name_en=name_en, dept_type=dept_type, area_code=area_code
        )
        session.add(dept)
    return dept


def mask(number: str) -> str:
    """Mask an identity number for display: first 3 and last 4 characters stay visible."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def age_on(person: Person, day: dt.date) -> int:
    b = person.birth_date
    return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


def _check_area(session: Session, code: str | None) -> None:
    if code is not None and session.get(Area, code) is None:
        raise NotFound(f"there is no area {code}")
