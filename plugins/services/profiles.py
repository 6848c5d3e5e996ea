"""The services side of linkage's one picture (两津联动): a person's or organisation's
applications, certificates and ratings; a place's applications and the overdue ones; a
record's status (code and label); whether someone works on a record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.areas.codes import Level, level_of
from core.contracts import ProfileSection, RecordRef, Subject
from core.errors import InvalidInput, NotFound
from core.identity.models import Person
from core.identity.roles import Actor
from core.platform import Platform
from plugins.services import access, certificates, deadlines, followups
from plugins.services.models import Application, Followup, Item
from plugins.services.workflow import STATUSES, TRANSITIONS

APPLICATION = "services.application"
ROWS = 20
OVERDUE_ROWS = 10
FOLLOWUP_LABELS = {"open": "待答复", "answered": "已答复"}


def record_status(session: Session, record: RecordRef) -> RecordRef | None:
    if record.type == APPLICATION:
        stmt = select(Application, Item.name_zh).join(Item, Item.code == Application.item_code)
        key = record.id
        stmt = stmt.where(Application.id == int(key) if key.isdigit() else Application.ref == key)
        found = session.execute(stmt).first()
        if found is None:
            return None
        app, name = found
        return RecordRef(APPLICATION, str(app.id), title=f"{app.ref} {name}",
                         status=app.status, url=f"/services/applications/{app.id}",
                         label=STATUSES[app.status]["zh"])
    if record.type == followups.KIND and record.id.isdigit():
        f = session.get(Followup, int(record.id))
        return _followup_ref(f) if f else None
    return None


def _followup_ref(f: Followup) -> RecordRef:
    found = followups.ref(f)
    return RecordRef(found.type, found.id, title=found.title, status=found.status,
                     url=found.url, label=FOLLOWUP_LABELS.get(f.status, f.status))


def involves(session: Session, record: RecordRef, actor: Actor) -> bool | None:
    """Whether ``actor`` works on the application (its applicant, staff of its department
    and area) or the follow-up (the person it is for, staff of its department and area)."""
    if record.type == APPLICATION:
        key = record.id
        app = session.scalar(select(Application).where(
            Application.id == int(key) if key.isdigit() else Application.ref == key))
        return app is not None and access.may_see(actor, app)
    if record.type == followups.KIND:
        f = session.get(Followup, int(record.id)) if record.id.isdigit() else None
        return f is not None and (
            (actor.person_id is not None and f.person_id == actor.person_id)
            or access.staff_sees(actor, f.area_code, f.department_code))
    return None


def record_action(
    session: Session, record: RecordRef, action: str, data: Mapping[str, Any], actor: Actor
) -> RecordRef | None:
    """Act on one of our records for another domain: on ``services.application`` the
    lifecycle actions of ``workflow.TRANSITIONS`` (data: ``version`` + the action's fields) and
    ``reuse_certificate`` (data: ``material_code``, ``certificate_id``, ``version``); on
    ``services.followup`` the action ``answer`` (data: ``answer``)."""
    from plugins.services import actions, materials  # late: they import this module's peers

    if record.type == APPLICATION:
        version = data.get("version")
        if not isinstance(version, int):
            raise InvalidInput("say which version you acted on", fields={"version": "a number"})
        if action == "reuse_certificate":
            cert = str(data.get("certificate_id", ""))
            if not cert.isdigit():
                raise InvalidInput("certificate_id must be a certificate's id",
                                   fields={"certificate_id": "an id"})
            materials.reuse(session, actor, record.id, str(data.get("material_code", "")),
                            int(cert), version=version)
        elif action in TRANSITIONS:
            fields = {k: v for k, v in data.items() if k != "version"}
            actions.act(session, actor, record.id, action, version=version, **fields)
        else:
            raise InvalidInput(f"an application has no action {action!r}",
                               fields={"action": ", ".join(["reuse_certificate", *TRANSITIONS])})
        return record_status(session, RecordRef(APPLICATION, record.id))
    if record.type == followups.KIND:
        if action != "answer":
            raise InvalidInput(f"a follow-up has no action {action!r}",
                               fields={"action": "answer"})
        if not record.id.isdigit():
            raise NotFound(f"there is no follow-up {record.id}")
        return _followup_ref(followups.answer(session, actor, int(record.id),
                                              str(data.get("answer") or "")))
    return None


def sections(session: Session, subject: Subject, viewer: Actor) -> list[ProfileSection]:
    if subject.kind == "place":
        return _place(session, subject, viewer)
    if subject.kind not in ("person", "organisation") or not str(subject.key).isdigit():
        return []
    key = int(subject.key)
    if not (access.is_staff(viewer) or (subject.kind == "person" and viewer.person_id == key)):
        return []
    col = Application.applicant_id if subject.kind == "person" else Application.organisation_id
    stmt = (select(Application, Item.name_zh).join(Item, Item.code == Application.item_code)
            .where(col == key, access.scope_clause(viewer)))
    rows = session.execute(stmt.order_by(Application.created_at.desc()).limit(ROWS)).all()
    apps = tuple({"ref": a.ref, "item": name, "status": a.status,
                  "status_label": STATUSES[a.status]["zh"], "submitted_at": a.submitted_at,
                  "rating": a.rating} for a, name in rows)
    rated = [a.rating for a, _ in rows if a.rating is not None]
    certs = certificates.held_by(session, subject.kind, key)
    return [
        ProfileSection(
            key="services.applications", title="办件 / Applications",
            summary={"applications": len(apps), "ratings": len(rated),
                     "mean_rating": round(sum(rated) / len(rated), 2) if rated else None},
            rows=apps, order=30),
        ProfileSection(
            key="services.certificates", title="证照 / Certificates",
            summary={"certificates": len(certs)},
            rows=tuple({"number": c.number, "type": c.type, "title": c.title,
                        "issued_at": c.issued_at, "valid_until": c.valid_until} for c in certs),
            order=31),
    ]


def _place(session: Session, subject: Subject, viewer: Actor) -> list[ProfileSection]:
    """Applications of the people who live in the place, counted by status, and those past
    their time limit (the clock running: ``deadlines.overdue_clause``) — counted in the same
    pass; listed, the most overdue first, only when there are any."""
    try:
        level_of(subject.key)
    except InvalidInput:
        return []
    if not access.is_staff(viewer) or not viewer.sees(subject.key):
        return []
    now = Platform.of(session).now()
    prefix = subject.key[:2] if level_of(subject.key) is Level.CITY else subject.key
    # an index range, not LIKE: SQLite cannot use an index for LIKE prefix || '%'
    residents = (Person.home_grid >= prefix, Person.home_grid < prefix + ":",
                 access.scope_clause(viewer))
    late = deadlines.overdue_clause(now)
    stmt = (select(Application.status, func.count(), func.sum(case((late, 1), else_=0)))
            .join(Person, Person.id == Application.applicant_id)
            .where(*residents).group_by(Application.status))
    counts, overdue = {}, 0
    for status, n, n_late in session.execute(stmt):
        counts[status] = n
        overdue += int(n_late or 0)
    return [ProfileSection(
        key="services.applications", title="办件 / Applications",
        summary={"applications": sum(counts.values()), **counts},
        rows=tuple({"status": s, "status_label": STATUSES[s]["zh"], "count": n}
                   for s, n in sorted(counts.items())), order=30),
        _overdue(session, residents, late, overdue, now)]


def _overdue(session: Session, residents: tuple[Any, ...], late: Any, total: int,
             now: Any) -> ProfileSection:
    rows: tuple[dict[str, Any], ...] = ()
    if total:
        stmt = (select(Application, Item.name_zh)
                .join(Person, Person.id == Application.applicant_id)
                .join(Item, Item.code == Application.item_code)
                .where(*residents, late)
                .order_by(Application.due_at, Application.id).limit(OVERDUE_ROWS))
        rows = tuple({"ref": a.ref, "item": name, "status": a.status,
                      "status_label": STATUSES[a.status]["zh"], "area_code": a.area_code,
                      "department_code": a.department_code, "due_at": a.due_at,
                      "days_overdue": (now - a.due_at).days}
                     for a, name in session.execute(stmt))
    return ProfileSection(
        key="services.overdue", title="超期办件 / Overdue applications",
        summary={"overdue": total, "shown": len(rows)}, rows=rows, order=32)
