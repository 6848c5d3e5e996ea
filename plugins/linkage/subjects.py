"""Turning what a user types (an id, an identity number, an area code) into a ``Subject``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.areas.codes import level_of
from core.areas.models import Area
from core.contracts import Party, Subject
from core.errors import InvalidInput, NotFound
from core.identity.models import Organisation, Person
from core.identity.registry import mask
from core.platform import Platform

KINDS = {"person": "person", "org": "organisation", "organisation": "organisation",
         "place": "place"}


def subject_of(session: Session, kind: str, key: str | int) -> Subject:
    """A checked subject. Persons and organisations by database id or by identity number /
    credit code (resolved through ``identity_resolve``); places by area code."""
    if kind not in KINDS:
        raise InvalidInput(f"a profile is of a person, an organisation or a place, not {kind!r}",
                           fields={"kind": "person, organisation (org) or place"})
    kind = KINDS[kind]
    key = str(key).strip()
    if kind == "place":
        level_of(key)  # InvalidInput for a malformed code
        if session.get(Area, key) is None:
            raise NotFound(f"there is no area {key}")
        return Subject("place", key)
    if key.isdigit() and len(key) < 15:
        model = Person if kind == "person" else Organisation
        if session.get(model, int(key)) is None:
            raise NotFound(f"there is no {kind} {key}")
        return Subject(kind, key)
    party = resolve(session, kind, key)
    return Subject(kind, str(party.id))


def resolve(session: Session, kind: str, number: str) -> Party:
    """The party holding an identity number or credit code; a clear error if nobody does."""
    party = Platform.of(session).hook.identity_resolve(session=session, kind=kind, number=number)
    if party is None:
        what = "identity number" if kind == "person" else "credit code"
        shown = mask(number) if kind == "person" else number
        raise NotFound(f"nobody is registered with the {what} {shown}")
    return party


def party_of(session: Session, subject: Subject) -> Party:
    if subject.kind == "person":
        p = session.get(Person, int(subject.key))
        if p is None:
            raise NotFound(f"there is no person {subject.key}")
        return Party("person", p.id, p.id_number, p.name, p.home_grid)
    o = session.get(Organisation, int(subject.key))
    if o is None:
        raise NotFound(f"there is no organisation {subject.key}")
    return Party("organisation", o.id, o.credit_code, o.name, o.premises_grid)
