"""Who may see whose profile, and who sees identity numbers in full.

Rules (docs/decisions/0020-linkage-privacy-and-cases.md):

* A person sees their own profile; the legal representative sees their organisation's.
* Staff (every role but citizen) see a person's or organisation's profile for a case;
  places only within their scope. Citizens see no one else's profile and no place's.
* Identity numbers and phone numbers are shown in full to the person themself, the legal
  representative, admins and the system, and to clerks and commanders whose scope contains
  the subject's grid (they check identities and coordinate); everyone else — grid workers,
  department handlers, staff outside the area — sees them masked (``mask``).
  Credit codes (GB 32100) are public by law and never masked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from core.contracts import Subject
from core.errors import NotFound, PermissionDenied
from core.identity.models import Organisation, Person
from core.identity.registry import mask
from core.identity.roles import Actor, Role

NUMBER_ROLES = (Role.ADMIN, Role.CLERK, Role.COMMANDER)
PUBLIC_KEYS = frozenset({"credit_code"})
AUDITOR = "auditor"  # an extra role (``identity_roles``) that may read anyone's data-use log
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)1\d{10}(?!\d)")


@dataclass(frozen=True, slots=True)
class Rights:
    """What a viewer may do with one subject's data."""

    own: bool  # the person themself, or the organisation's legal representative
    full_numbers: bool


def is_staff(actor: Actor) -> bool:
    return actor.role is not Role.CITIZEN


def is_privileged(actor: Actor) -> bool:
    return actor.role is Role.SYSTEM or actor.has_role(Role.ADMIN)


def grid_of(session: Session, subject: Subject) -> str | None:
    """The subject's grid (home, premises) or the place's own code; NotFound if unknown."""
    if subject.kind == "place":
        return subject.key
    model = Person if subject.kind == "person" else Organisation
    row = session.get(model, int(subject.key))
    if row is None:
        raise NotFound(f"there is no {subject.kind} {subject.key}")
    return row.home_grid if isinstance(row, Person) else row.premises_grid


def owns(session: Session, actor: Actor, subject: Subject) -> bool:
    if actor.person_id is None or subject.kind == "place":
        return False
    if subject.kind == "person":
        return str(actor.person_id) == str(subject.key)
    org = session.get(Organisation, int(subject.key))
    return org is not None and org.legal_rep_id == actor.person_id


def rights(session: Session, actor: Actor, subject: Subject) -> Rights:
    """The viewer's rights over ``subject``; ``PermissionDenied`` if they may not look."""
    grid = grid_of(session, subject)
    own = owns(session, actor, subject)
    if subject.kind == "place":
        if not is_staff(actor) or not actor.sees(subject.key):
            raise PermissionDenied(
                f"only staff whose area contains {subject.key} may see its profile")
    elif not (own or is_staff(actor)):
        raise PermissionDenied(f"you may see only your own profile, not this {subject.kind}'s")
    full = own or is_privileged(actor) or (
        actor.has_role(*NUMBER_ROLES) and grid is not None and actor.sees(grid))
    return Rights(own=own, full_numbers=full)


def may_read_data_use(session: Session, actor: Actor, subject: Subject) -> bool:
    return owns(session, actor, subject) or is_privileged(actor) or actor.has_role(AUDITOR)


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    return phone[:3] + "*" * max(0, len(phone) - 7) + phone[-4:] if len(phone) > 7 else "***"


def scrub(value: Any) -> Any:
    """Mask every resident identity number and mobile number inside ``value`` (a profile's
    summary or rows): the safety net under sections that forgot to mask. Values under a
    ``credit_code`` key stay (public, and may be all digits like an identity number)."""
    if isinstance(value, str):
        value = _RESIDENT_ID.sub(lambda m: mask(m.group(0)), value)
        return _PHONE.sub(lambda m: mask_phone(m.group(0)) or "", value)
    if isinstance(value, list | tuple):
        return type(value)(scrub(v) for v in value)
    if hasattr(value, "items"):
        return {k: v if k in PUBLIC_KEYS else scrub(v) for k, v in value.items()}
    return value
