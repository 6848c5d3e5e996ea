"""Follow-up tasks that must be answered by a deadline: the call-back after a bad rating
(差评回访整改) and guidance tasks opened by another domain (``linkage_open_case`` with kind
``"services.followup"``, e.g. "help this shop apply for a food business licence")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from core import audit
from core.areas.codes import Level, ancestor_at
from core.contracts import CaseRequest, DomainEvent, RecordRef
from core.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from core.identity.models import Department, Organisation, Person
from core.identity.roles import Actor
from core.platform import Platform
from plugins.services import access
from plugins.services.departments import LEVEL_OF, department_code
from plugins.services.models import Application, Followup, Item

KIND = "services.followup"
RATING_DAYS = 5  # working days to call back and fix or explain a bad rating
GUIDANCE_DAYS = 10
BAD_RATING = 2  # ratings of 1 or 2 out of 5 are bad (差评)


def open_for_rating(
    session: Session, app: Application, score: int, comment: str | None
) -> Followup:
    platform = Platform.of(session)
    now = platform.now()
    f = Followup(
        kind="rating", status="open",
        title=f"差评回访：{app.ref}（{score}分）",
        description=comment, application_id=app.id, person_id=app.applicant_id,
        organisation_id=app.organisation_id, item_code=app.item_code,
        department_code=app.department_code, area_code=app.area_code,
        due_at=platform.calendar.add_working_days(now, RATING_DAYS), created_at=now,
    )
    session.add(f)
    session.flush()
    return f


def open_guidance(session: Session, request: CaseRequest, actor: Actor) -> RecordRef:
    """Open a guidance task from ``request.data``: ``title`` (required), ``description``,
    ``item_code`` (what to apply for), ``organisation_id`` or ``credit_code`` or
    ``request.on_behalf_of`` (who), ``person_id``, ``area_code`` (else the organisation's
    premises), ``due_days`` (working days, default 10)."""
    data: Mapping[str, Any] = request.data
    title = str(data.get("title") or "").strip()
    if not title:
        raise InvalidInput("a guidance task needs a title", fields={"title": "say what to do"})
    org = _organisation(session, data, request)
    person_id = data.get("person_id")
    if person_id is not None and session.get(Person, int(person_id)) is None:
        raise NotFound(f"there is no person {person_id}")
    area = data.get("area_code") or (org.premises_grid if org else None)
    if not area:
        raise InvalidInput("where is it? give area_code", fields={"area_code": "an area code"})
    item = None
    if data.get("item_code"):
        item = session.scalar(select(Item).where(Item.code == data["item_code"]))
        if item is None:
            raise NotFound(f"there is no service item {data['item_code']!r}")
    dept = _department(session, str(area), item)
    platform = Platform.of(session)
    now = platform.now()
    days = int(data.get("due_days") or GUIDANCE_DAYS)
    f = Followup(
        kind="guidance", status="open", title=title[:300],
        description=str(data.get("description") or "")[:2000] or None,
        organisation_id=org.id if org else None,
        person_id=int(person_id) if person_id is not None else None,
        item_code=item.code if item else None, department_code=dept, area_code=str(area),
        origin_type=request.origin.type if request.origin else None,
        origin_id=request.origin.id if request.origin else None,
        due_at=platform.calendar.add_working_days(now, days), created_at=now,
    )
    session.add(f)
    session.flush()
    _record(session, actor, f, "open", {"title": f.title, "origin": f.origin_type})
    return ref(f)


def _department(session: Session, area: str, item: Item | None) -> str:
    """The department that guides: the item's own at its level, else the district's approval
    bureau."""
    district = ancestor_at(area, Level.DISTRICT) or area
    if item is not None:
        at = ancestor_at(area, LEVEL_OF[item.level])
        if at and session.get(Department, department_code(at, item.department)) is not None:
            return department_code(at, item.department)
    return department_code(district, "approval")


def _organisation(session: Session, data: Mapping[str, Any], request: CaseRequest):
    if data.get("organisation_id") is not None:
        org = session.get(Organisation, int(data["organisation_id"]))
        if org is None:
            raise NotFound(f"there is no organisation {data['organisation_id']}")
        return org
    number = data.get("credit_code") or (
        request.on_behalf_of.number
        if request.on_behalf_of and request.on_behalf_of.kind == "organisation" else None)
    if number:
        org = session.scalar(select(Organisation).where(Organisation.credit_code == number))
        if org is None:
            raise NotFound(f"no organisation holds the credit code {number}")
        return org
    return None


def answer(session: Session, actor: Actor, followup_id: int, text: str) -> Followup:
    """Answer an open follow-up (staff of its department and area)."""
    f = session.get(Followup, followup_id)
    if f is None or not access.staff_sees(actor, f.area_code, f.department_code):
        raise NotFound(f"there is no follow-up {followup_id} that you can see")
    if not access.is_staff(actor):
        raise PermissionDenied("only staff may answer a follow-up")
    close(session, actor, f, text)
    return f


def close(session: Session, actor: Actor, f: Followup, text: str) -> None:
    if f.status != "open":
        raise InvalidTransition(
            f"follow-up {f.id} was already answered on {f.answered_at:%Y-%m-%d}")
    if not text or not text.strip():
        raise InvalidInput("say what was done", fields={"answer": "what was fixed or explained"})
    f.status, f.answer = "answered", text.strip()[:2000]
    f.answered_at, f.answered_by = Platform.of(session).now(), actor.username
    session.flush()
    _record(session, actor, f, "answer", {"answer": f.answer})


def _guidance_waiting() -> Any:
    holder = or_(
        and_(Application.organisation_id.is_not(None),
             Followup.organisation_id == Application.organisation_id),
        and_(Application.organisation_id.is_(None), Followup.person_id == Application.applicant_id),
    )
    return exists().where(Followup.status == "open", Followup.kind == "guidance",
                          Followup.item_code == Application.item_code, holder)


# SQL: whether an open guidance task waits for an application like this one
GUIDANCE_WAITING = _guidance_waiting()


def close_guidance_for(
    session: Session, actor: Actor, app: Application, waiting: bool | None = None
) -> None:
    """An application for the item a guidance task asked for closes the task.
    ``waiting`` (from ``GUIDANCE_WAITING``) skips the lookup when False."""
    if waiting is False:
        return
    holder = (Followup.organisation_id == app.organisation_id if app.organisation_id
              else Followup.person_id == app.applicant_id)
    with session.no_autoflush:
        ids = session.execute(select(Followup.id).where(
            Followup.status == "open", Followup.kind == "guidance",
            Followup.item_code == app.item_code, holder)).scalars().all()
    for fid in ids:
        close(session, actor, session.get(Followup, fid),
              f"已提交申请 {app.ref} / applied: {app.ref}")


def ref(f: Followup) -> RecordRef:
    return RecordRef(KIND, str(f.id), title=f.title, status=f.status)


def _record(session: Session, actor: Actor, f: Followup, action: str, after: dict) -> None:
    platform = Platform.of(session)
    now = platform.now()
    audit.record(session, actor, f"{KIND}.{action}", KIND, f.id, at=now,
                 after={"status": f.status, **after}, area_code=f.area_code)
    platform.publish(session, DomainEvent(
        name=f"{KIND}.{action}", entity_type=KIND, entity_id=str(f.id), at=now,
        actor=actor.username, area_code=f.area_code,
        data={"kind": f.kind, "status": f.status, "application_id": f.application_id},
    ))
