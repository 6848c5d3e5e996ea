"""Applications: start, save as you go, attach or reuse materials, and show them.

The lifecycle actions (submit, accept, …) are in ``actions.py``; the transition table in
``workflow.py``. Every function takes a Session and never commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core import audit
from core.areas.codes import ancestor_at, contains, level_of
from core.areas.models import Area
from core.contracts import DomainEvent, Party
from core.errors import ConfigurationError, Conflict, InvalidInput, NotFound, PermissionDenied
from core.identity.models import Department, Organisation, Person
from core.identity.roles import Actor
from core.platform import Platform
from plugins.services import access, deadlines, forms, workflow
from plugins.services.departments import LEVEL_OF, department_code
from plugins.services.models import Application, Followup, Item, Material
from plugins.services.views import ApplicationView, FollowupView, MaterialView

ENTITY = "services.application"


def item_dict(session: Session, code: str) -> dict[str, Any]:
    """The catalog dict of item ``code`` (read once per transaction); ``NotFound`` if none."""
    cache = session.info.setdefault(access.ITEMS, {})
    data = cache.get(code)
    if data is None:
        data = session.scalar(select(Item.data).where(Item.code == code))
        if data is None:
            raise NotFound(f"there is no service item {code!r}")
        cache[code] = data
    return data


def _forget_items(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost transaction, not a flush's
        session.info.pop(access.ITEMS, None)
        session.info.pop(access._KEPT, None)
        session.info.pop(access.EXTRA, None)


event.listen(Session, "after_transaction_end", _forget_items)


def rule_item(item: Mapping[str, Any], app: Application) -> dict[str, Any]:
    """The item as handed to ``catalog_validate_application``: ``area_code`` is the area the
    application is handled in (so a district's rule can apply to its own applications)."""
    return {**item, "area_code": app.area_code}


def applicant_party(session: Session, app: Application) -> Party:
    if app.organisation_id is not None:
        o = session.get(Organisation, app.organisation_id)
        return Party("organisation", o.id, o.credit_code, o.name, o.premises_grid)
    p = session.get(Person, app.applicant_id)
    return Party("person", p.id, p.id_number, p.name, p.home_grid)


# ── recording a step ────────────────────────────────────────────────────────────────────


def snapshot(app: Application) -> dict[str, Any]:
    return {"status": app.status, "version": app.version, "due_at": app.due_at,
            "paused_at": app.paused_at}


def record(
    session: Session, actor: Actor, app: Application, action: str,
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None = None,
    note: str | None = None,
) -> None:
    """Audit the step and queue its domain event, then flush (the optimistic lock)."""
    platform = Platform.of(session)
    now = platform.now()
    state = {"status": app.status, "due_at": app.due_at, "paused_at": app.paused_at,
             **(after or {})}
    audit.record(session, actor, f"{ENTITY}.{action}", ENTITY, app.id, at=now,
                 before=before, after=state, area_code=app.area_code, note=note)
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(
            f"application {app.ref} was changed by someone else meanwhile: reload and try again"
        ) from None
    platform.publish(session, DomainEvent(
        name=f"{ENTITY}.{action}", entity_type=ENTITY, entity_id=str(app.id), at=now,
        actor=actor.username, area_code=app.area_code,
        data={"ref": app.ref, "item_code": app.item_code, "status": app.status,
              "version": app.version, "department_code": app.department_code,
              "applicant_id": app.applicant_id, "organisation_id": app.organisation_id},
    ))


def check_version(app: Application, version: int) -> None:
    if version != app.version:
        raise Conflict(
            f"application {app.ref} is at version {app.version}, you sent {version}: "
            "someone changed it meanwhile; reload it and try again",
            current=app.version,
        )


def _applicant(actor: Actor, app: Application, doing: str) -> None:
    if not access.is_applicant(actor, app):
        raise PermissionDenied(f"only the applicant may {doing}")


def _editable(app: Application, doing: str) -> None:
    if app.status not in workflow.EDITABLE:
        raise workflow.InvalidTransition(
            f"cannot {doing}: application {app.ref} is {app.status}; answers can only change "
            "while it is a draft or a supplement is requested")


# ── starting ────────────────────────────────────────────────────────────────────────────


def start(
    session: Session, actor: Actor, item_code: str, *, on_behalf_of: str | None = None,
    area_code: str | None = None, lang: str | None = None,
) -> Application:
    """Open a draft application for ``actor`` (a person), possibly for an organisation."""
    if actor.person_id is None:
        raise PermissionDenied("only a person can apply: log in with your own account")
    platform = Platform.of(session)
    lang = forms.lang_of(lang)
    item = session.scalar(select(Item).where(Item.code == item_code))
    if item is None:
        raise NotFound(f"there is no service item {item_code!r}")
    person = session.get(Person, actor.person_id)
    org = None
    if on_behalf_of:
        party = platform.hook.identity_resolve(session=session, kind="organisation",
                                               number=on_behalf_of)
        if party is None:
            raise NotFound(f"no organisation holds the credit code {on_behalf_of}",
                           fields={"on_behalf_of": "check the unified social credit code"})
        org = session.get(Organisation, party.id)
        if org.legal_rep_id is not None and org.legal_rep_id != person.id:
            raise PermissionDenied(
                f"you are not registered as the legal representative of {org.name}")
    home = area_code or (org.premises_grid if org else None) or person.home_grid
    area = _area_for(session, item, home)
    dept = department_code(area, item.department)
    if session.get(Department, dept) is None:
        raise ConfigurationError(f"department {dept} does not exist: run `jinzhi seed` first")
    now = platform.now()
    app = Application(
        ref=_next_ref(session, now.astimezone(platform.tz)), item_code=item.code,
        level=item.level, applicant_id=person.id, organisation_id=org.id if org else None,
        status="draft", lang=lang, form_data={}, errors={}, area_code=area,
        department_code=dept, created_at=now, updated_at=now, overdue=False, paused_days=0,
        supplement_answered=False,
    )
    session.add(app)
    session.flush()  # the id, for the audit row
    record(session, actor, app, "start", None, {"item_code": item.code, "area_code": area})
    return app


def _area_for(session: Session, item: Item, home: str | None) -> str:
    level = LEVEL_OF[item.level]
    if item.area_code and (home is None or not contains(item.area_code, home)):
        if level_of(item.area_code) != level:
            raise InvalidInput(f"{item.name_en} is offered in area {item.area_code} only: "
                               "give the area you apply in", fields={"area_code": "choose it"})
        home = item.area_code
    if home is None:
        raise InvalidInput(f"which {level.label} do you apply in? Give its area code",
                           fields={"area_code": f"choose the {level.label}"})
    area = ancestor_at(home, level)
    if area is None or session.get(Area, area) is None:
        raise InvalidInput(f"area {home} is not inside a {level.label}",
                           fields={"area_code": f"choose a {level.label} or an area in one"})
    return area


def _next_ref(session: Session, local: dt.datetime) -> str:
    prefix = f"A{local:%Y%m%d}-"
    last = session.scalar(select(func.max(Application.ref)).where(
        Application.ref >= prefix, Application.ref < f"A{local:%Y%m%d}.")
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:06d}"


# ── answers ─────────────────────────────────────────────────────────────────────────────


def save(
    session: Session, actor: Actor, app_id: int | str, *, version: int,
    answers: Mapping[str, Any], step: int | None = None, lang: str | None = None,
) -> Application:
    """Keep every valid answer; record what is wrong with the others, per field."""
    app = access.load(session, actor, app_id)
    _applicant(actor, app, "change the answers")
    check_version(app, version)
    _editable(app, "change the answers")
    if not isinstance(answers, Mapping):
        raise InvalidInput("answers must be a mapping of field to value")
    item = item_dict(session, app.item_code)
    require: list[str] = []
    if step is not None:
        all_steps = forms.steps(item)
        if not isinstance(step, int) or not 1 <= step <= len(all_steps):
            raise InvalidInput(f"step must be 1 to {len(all_steps)}, not {step!r}",
                               fields={"step": f"use 1 to {len(all_steps)}"})
        require = list(all_steps[step - 1]["fields"])
    if lang is not None:
        app.lang = forms.lang_of(lang)
    before = {"answers": dict(app.form_data or {}), **snapshot(app)}
    answers = forms.coerce(item, answers)
    checked = forms.check(
        rule_item(item, app), answers, kept=app.form_data, require=require,
        rules=Platform.of(session).hook.catalog_validate_application,
        applicant=applicant_party(session, app),
    )
    old = app.errors or {}
    known = set(item["form"].get("properties") or {})
    # Earlier errors of fields not sent again stay; errors about fields the form does not
    # have (a typo such as "nosuch") only concern the save that sent them.
    carried = {k: v for k, v in (old.get("fields") or {}).items()
               if k in known and k not in answers and k not in checked.valid}
    rejected = {k: v for k, v in (old.get("rejected") or {}).items()
                if k in known and k not in answers and k not in checked.valid}
    app.form_data = checked.valid
    app.errors = {"fields": {**carried, **checked.errors},
                  "rejected": {**rejected, **checked.rejected}}
    app.updated_at = Platform.of(session).now()
    record(session, actor, app, "save", before,
           {"answers": checked.valid, "errors": sorted(app.errors["fields"])})
    return app


def full_check(session: Session, app: Application) -> dict[str, dict[str, str]]:
    """Every problem that stops submission: form fields, cross-field rules, materials."""
    item = item_dict(session, app.item_code)
    checked = forms.check(
        rule_item(item, app), {}, kept=app.form_data, require=None,
        rules=Platform.of(session).hook.catalog_validate_application,
        applicant=applicant_party(session, app),
    )
    errors = dict(checked.errors)
    for code in missing_materials(session, app, item):
        m = next(m for m in item["materials"] if m["code"] == code)
        errors[f"materials.{code}"] = {
            "zh": f"请上传{m['name']['zh']}（{'、'.join(f.upper() for f in m['formats'])}）。",
            "en": f"Upload the {m['name']['en'].lower()} "
                  f"({', '.join(f.upper() for f in m['formats'])}).",
        }
    return errors


def missing_materials(session: Session, app: Application, item: Mapping[str, Any]) -> list[str]:
    if not any(m["required"] for m in item["materials"]):
        return []
    have = set(session.scalars(
        select(Material.material_code).where(Material.application_id == app.id)))
    return [m["code"] for m in item["materials"] if m["required"] and m["code"] not in have]


# ── views ───────────────────────────────────────────────────────────────────────────────


def view(session: Session, app: Application, actor: Actor) -> ApplicationView:
    from plugins.services.actions import available  # late: actions imports this module

    now = Platform.of(session).now()
    item = item_dict(session, app.item_code)
    person = session.get(Person, app.applicant_id)
    org = session.get(Organisation, app.organisation_id) if app.organisation_id else None
    mats = session.scalars(select(Material).where(Material.application_id == app.id)
                           .order_by(Material.id)).all() if item["materials"] else []
    have = {m.material_code for m in mats}
    fups = session.scalars(select(Followup).where(Followup.application_id == app.id)
                           .order_by(Followup.id)).all() if app.rating is not None else []
    errs = (app.errors or {}).get("fields") or {}
    return ApplicationView(
        id=app.id, ref=app.ref, version=app.version, item_code=app.item_code,
        item_name=item["name"], status=app.status, status_label=workflow.STATUSES[app.status],
        lang=app.lang, applicant_id=app.applicant_id, applicant_name=person.name,
        organisation_id=app.organisation_id, organisation_name=org.name if org else None,
        area_code=app.area_code, department_code=app.department_code,
        answers=dict(app.form_data or {}), errors=forms.in_lang(errs, app.lang),
        errors_i18n=errs, rejected=dict((app.errors or {}).get("rejected") or {}),
        materials=tuple(material_view(m) for m in mats),
        missing_materials=tuple(m["code"] for m in item["materials"]
                                if m["required"] and m["code"] not in have),
        created_at=app.created_at, submitted_at=app.submitted_at,
        accepted_at=app.accepted_at, decided_at=app.decided_at,
        delivered_at=app.delivered_at, due_at=app.due_at,
        overdue=deadlines.is_overdue(app, now), paused=app.paused_at is not None,
        paused_days=app.paused_days or 0, supplement_request=app.supplement_request,
        reason=app.reason, delivery_method=app.delivery_method,
        tracking_number=app.tracking_number, certificate_id=app.certificate_id,
        rating=app.rating, rating_comment=app.rating_comment,
        actions=tuple(available(session, actor, app)),
        followups=tuple(followup_view(f, now) for f in fups),
    )


def material_view(m: Material) -> MaterialView:
    return MaterialView(id=m.id, material_code=m.material_code, filename=m.filename,
                        content_type=m.content_type, size=m.size, sha256=m.sha256,
                        certificate_id=m.certificate_id, created_at=m.created_at)


def followup_view(f: Followup, now: dt.datetime) -> FollowupView:
    return FollowupView(
        id=f.id, kind=f.kind, status=f.status, title=f.title, description=f.description,
        application_id=f.application_id, organisation_id=f.organisation_id,
        person_id=f.person_id, item_code=f.item_code, department_code=f.department_code,
        area_code=f.area_code, due_at=f.due_at, overdue=f.status == "open" and now > f.due_at,
        answer=f.answer, answered_at=f.answered_at,
        origin=(f.origin_type, f.origin_id) if f.origin_type else None,
    )
