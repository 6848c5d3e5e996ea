"""The public surface of the services plugin, for ``web/``, the simulator and the CLI.

Every function takes a Session and never commits. Results are frozen dataclasses (``views``)
or plain dicts. Errors: ``NotFound`` (missing or outside your scope), ``PermissionDenied``,
``Conflict`` (stale ``version``), ``InvalidTransition`` (not allowed now, with the reason),
``InvalidInput`` (``fields`` maps each field to how to fix it; nothing was stored).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.areas.codes import level_of
from core.areas.models import Area
from core.contracts import Page
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.identity.models import Organisation
from core.identity.roles import Actor, Role
from core.platform import Platform
from plugins.services import (
    access,
    actions,
    applications,
    catalog,
    certificates,
    cpsv,
    deadlines,
    followups,
    forms,
    materials,
    search,
)
from plugins.services import (
    statistics as stats,
)
from plugins.services import (
    storefronts as fronts,
)
from plugins.services.models import Application, Followup, Item
from plugins.services.views import (
    ApplicationView,
    CertificateView,
    FollowupView,
    ItemView,
    StorefrontView,
    TimelineEntry,
)
from plugins.services.workflow import ACTIONS, STATUSES, TRANSITIONS

__all__ = [
    "ACTIONS",
    "SORTS",
    "STATUSES",
    "TRANSITIONS",
    "act",
    "answer_followup",
    "attach_material",
    "attach_materials",
    "certificates_of",
    "check_answers",
    "export_catalog",
    "export_cpsv",
    "followups_of",
    "form_steps",
    "get_application",
    "get_item",
    "get_storefront",
    "import_catalog",
    "inbox",
    "list_applications",
    "load_catalog",
    "material_file",
    "preview_evidence",
    "reuse_certificate",
    "save_answers",
    "search_items",
    "serves_applications",
    "start_application",
    "statistics",
    "storefronts",
    "submit",
    "timeline",
    "top_items",
]

# ── the catalog ─────────────────────────────────────────────────────────────────────────


def search_items(
    session: Session, *, q: str | None = None, level: str | None = None,
    type: str | None = None, department: str | None = None, district: str | None = None,
    storefront: str | None = None, page: int = 1, per_page: int = 20,
) -> Page[ItemView]:
    """Items matching words (Chinese or English) and filters, best match first."""
    page, per_page = max(1, int(page)), min(max(1, int(per_page)), 200)
    if level is not None and level not in catalog.LEVELS:
        raise InvalidInput(f"level must be one of {', '.join(catalog.LEVELS)}",
                           fields={"level": f"use {', '.join(catalog.LEVELS)}"})
    if storefront:
        district = fronts.get(session, storefront).district_code
    elif district and session.get(Area, district) is None:
        raise InvalidInput(f"there is no area {district!r}: give a district code such as 120101",
                           fields={"district": f"no area {district!r}"})
    rows, total = search.search(
        session, q=q, page=page, per_page=per_page, level=level,
        type=catalog.type_code(type) if type else None, department=department, district=district)
    return Page(tuple(fronts.item_view(r) for r in rows), total, page, per_page)


def get_item(session: Session, code: str) -> ItemView:
    row = session.scalar(select(Item).where(Item.code == code))
    if row is None:
        raise NotFound(f"there is no service item {code!r}")
    return fronts.item_view(row)


def form_steps(
    item: ItemView | Mapping[str, Any] | Session, code: str | None = None
) -> list[dict[str, Any]]:
    """The form's steps, numbered from 1, each with its fields described for a generic form.
    Pass an item (view or dict), or a session and an item code."""
    if isinstance(item, Session):
        item = get_item(item, code or "")
    data = item.data if isinstance(item, ItemView) else item
    form = data["form"]
    required = set(form.get("required") or [])
    out = []
    for n, step in enumerate(forms.steps(data), start=1):
        fields = []
        for name in step["fields"]:
            prop = form["properties"][name]
            fields.append({
                "name": name, "label": prop["x-label"], "hint": prop.get("x-hint"),
                "example": prop.get("x-example"), "required": name in required,
                "type": prop.get("type"), "format": prop.get("format"),
                "enum": prop.get("enum") or (prop.get("items") or {}).get("enum"),
                "enum_labels": prop.get("x-enum-labels"),
                "minimum": prop.get("minimum"), "maximum": prop.get("maximum"),
            })
        out.append({"number": n, "title": step["title"], "fields": fields})
    return out


def storefronts(session: Session) -> list[StorefrontView]:
    return fronts.all_(session)


def get_storefront(session: Session, code: str) -> StorefrontView:
    return fronts.get(session, code)


def load_catalog(session: Session) -> dict[str, int]:
    """(Re)load items and storefronts from every plugin's hooks."""
    return catalog.load(session, Platform.of(session).pm)


def export_catalog(session: Session) -> dict[str, Any]:
    return catalog.export_json(session)


def import_catalog(session: Session, document: Mapping[str, Any]) -> dict[str, int]:
    return catalog.import_json(session, document)


def export_cpsv(session: Session) -> dict[str, Any]:
    return cpsv.export(session)


# ── applying ────────────────────────────────────────────────────────────────────────────


def _view(session: Session, app: Application, actor: Actor) -> ApplicationView:
    return applications.view(session, app, actor)


def start_application(
    session: Session, actor: Actor, item_code: str, *, on_behalf_of: str | None = None,
    area_code: str | None = None, lang: str | None = None,
) -> ApplicationView:
    """A new draft; ``on_behalf_of`` is an organisation's unified social credit code."""
    app = applications.start(session, actor, item_code, on_behalf_of=on_behalf_of,
                             area_code=area_code, lang=lang)
    return _view(session, app, actor)


def save_answers(
    session: Session, actor: Actor, app_id: int | str, *, version: int,
    answers: Mapping[str, Any], step: int | None = None, lang: str | None = None,
) -> ApplicationView:
    """Save answers as you go: valid ones are kept, the others come back in ``errors``.
    ``step`` (1-based) also reports that step's unanswered required fields."""
    app = applications.save(session, actor, app_id, version=version, answers=answers,
                            step=step, lang=lang)
    return _view(session, app, actor)


def attach_material(
    session: Session, actor: Actor, app_id: int | str, material_code: str, *,
    filename: str, content: bytes, version: int,
) -> ApplicationView:
    app = materials.attach(session, actor, app_id, material_code, filename=filename,
                           content=content, version=version)
    return _view(session, app, actor)


def attach_materials(
    session: Session, actor: Actor, app_id: int | str, files: Mapping[str, tuple[str, bytes]],
    *, version: int,
) -> ApplicationView:
    """Attach several files at once; if any is wrong, ``InvalidInput.fields`` has an error for
    every failing material (``materials.<code>``) and nothing is stored."""
    app = materials.attach_many(session, actor, app_id, files, version=version)
    return _view(session, app, actor)


def material_file(session: Session, actor: Actor, app_id: int | str,
                  material_id: int) -> materials.MaterialFile:
    """An uploaded document's file (for the applicant and the staff who may see the
    application); ``NotFound`` otherwise, or for a reused certificate (it has no file)."""
    return materials.stored_file(session, actor, app_id, material_id)


def preview_evidence(
    session: Session, actor: Actor, app_id: int | str, material_code: str
) -> list[CertificateView]:
    """Certificates you hold that could stand in for ``material_code`` (look before reuse)."""
    return materials.preview_evidence(session, actor, app_id, material_code)


def reuse_certificate(
    session: Session, actor: Actor, app_id: int | str, material_code: str,
    certificate_id: int, *, version: int,
) -> ApplicationView:
    app = materials.reuse(session, actor, app_id, material_code, certificate_id, version=version)
    return _view(session, app, actor)


def submit(session: Session, actor: Actor, app_id: int | str, *, version: int) -> ApplicationView:
    return act(session, actor, app_id, "submit", version=version)


def act(
    session: Session, actor: Actor, app_id: int | str, action: str, *, version: int,
    **fields: Any,
) -> ApplicationView:
    """Take a lifecycle action; ``ACTIONS[action]["fields"]`` lists its fields."""
    app = actions.act(session, actor, app_id, action, version=version, **fields)
    return _view(session, app, actor)


def get_application(session: Session, actor: Actor, app_id: int | str) -> ApplicationView:
    """By id or reference; ``NotFound`` outside your scope."""
    return _view(session, access.load(session, actor, app_id), actor)


def check_answers(session: Session, actor: Actor, app_id: int | str) -> dict[str, Any]:
    """The "check your answers" page: every answer by step, materials, what still blocks."""
    app = access.load(session, actor, app_id)
    item = applications.item_dict(session, app.item_code)
    lang = app.lang
    blocking = forms.in_lang(applications.full_check(session, app), lang)
    answers = app.form_data or {}
    steps_out = []
    for step in form_steps(item):
        rows = []
        for f in step["fields"]:
            value = answers.get(f["name"])
            shown = value
            if f["enum_labels"] and value in (f["enum_labels"] or {}):
                shown = f["enum_labels"][value][lang]
            rows.append({"field": f["name"], "label": f["label"][lang], "value": value,
                         "display": shown, "error": blocking.get(f["name"])})
        steps_out.append({"number": step["number"], "title": step["title"][lang], "rows": rows})
    have = {m.material_code: m for m in _view(session, app, actor).materials}
    mats = [{"code": m["code"], "name": m["name"][lang], "required": m["required"],
             "provided": m["code"] in have,
             "filename": have[m["code"]].filename if m["code"] in have else None,
             "from_certificate": have[m["code"]].certificate_id if m["code"] in have else None,
             "error": blocking.get(f"materials.{m['code']}")} for m in item["materials"]]
    return {"ref": app.ref, "item": item["name"][lang], "steps": steps_out, "materials": mats,
            "errors": blocking, "ready": not blocking, "version": app.version}


SORTS = {
    "-updated": Application.updated_at.desc(), "updated": Application.updated_at,
    "-created": Application.created_at.desc(), "created": Application.created_at,
    "due": Application.due_at, "-submitted": Application.submitted_at.desc(),
}


def list_applications(
    session: Session, actor: Actor, *, status: str | None = None, item_code: str | None = None,
    overdue: bool | None = None, sort: str = "-updated", page: int = 1, per_page: int = 50,
) -> Page[ApplicationView]:
    """Applications ``actor`` may see (their own, or their department's and area's)."""
    if sort not in SORTS:
        raise InvalidInput(f"sort must be one of {', '.join(SORTS)}",
                           fields={"sort": f"use {', '.join(SORTS)}"})
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"unknown status {status!r}",
                           fields={"status": f"use {', '.join(STATUSES)}"})
    stmt = select(Application).where(access.scope_clause(actor))
    if status:
        stmt = stmt.where(Application.status == status)
    if item_code:
        stmt = stmt.where(Application.item_code == item_code)
    if overdue is not None:
        clause = deadlines.overdue_clause(Platform.of(session).now())
        stmt = stmt.where(clause if overdue else ~clause)
    return _page(session, actor, stmt.order_by(SORTS[sort], Application.id), page, per_page)


def _page(session: Session, actor: Actor, stmt: Any, page: int, per_page: int) -> Page:
    page, per_page = max(1, int(page)), min(max(1, int(per_page)), 500)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(tuple(_view(session, r, actor) for r in rows), total, page, per_page)


def inbox(session: Session, actor: Actor, per_page: int = 20) -> dict[str, Page]:
    """A clerk's work lists: to accept, supplements answered, to review, to decide, to
    deliver, overdue, and open follow-ups."""
    if not access.is_staff(actor):
        raise _no_inbox()
    A = Application
    scope = select(A).where(access.scope_clause(actor))
    now = Platform.of(session).now()
    lists = {
        "to_accept": scope.where(A.status == "submitted", A.supplement_answered.is_(False)),
        "supplements_answered": scope.where(
            A.supplement_answered.is_(True),
            A.status.in_(("submitted", "accepted", "under_review"))),
        "to_review": scope.where(A.status == "accepted"),
        "to_decide": scope.where(A.status == "under_review"),
        "to_deliver": scope.where(A.status == "approved"),
        "overdue": scope.where(deadlines.overdue_clause(now)),
    }
    out = {k: _page(session, actor, s.order_by(A.due_at, A.id), 1, per_page)
           for k, s in lists.items()}
    out["followups"] = followups_of(session, actor, per_page=per_page)
    return out


def serves_applications(session: Session, actor: Actor) -> bool:
    """Whether ``actor`` works on applications at all: clerks and admins do; a handler only
    when their department implements service items at its level (a department that only
    handles grid events has no applications to review)."""
    if not access.is_staff(actor):
        return False
    if actor.department_code is None or actor.has_role(Role.CLERK, Role.ADMIN):
        return True
    area, _, dept_type = actor.department_code.partition(".")
    try:
        level = level_of(area).label
    except InvalidInput:
        return False
    return session.scalar(select(Item.code).where(
        Item.department == dept_type, Item.level == level).limit(1)) is not None


def _no_inbox() -> PermissionDenied:
    return PermissionDenied("only clerks, handlers and admins have an inbox or statistics")


def followups_of(
    session: Session, actor: Actor, *, status: str = "open", page: int = 1, per_page: int = 20
) -> Page[FollowupView]:
    """Follow-up tasks ``actor`` may see, soonest due first."""
    stmt = select(Followup).where(access.scope_clause(actor, Followup),
                                  Followup.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(Followup.due_at, Followup.id)
                           .limit(per_page).offset((page - 1) * per_page)).all()
    now = Platform.of(session).now()
    return Page(tuple(applications.followup_view(f, now) for f in rows), total, page, per_page)


def answer_followup(
    session: Session, actor: Actor, followup_id: int, *, answer: str
) -> FollowupView:
    """Answer a follow-up task (a bad rating's call-back or a guidance task)."""
    f = followups.answer(session, actor, followup_id, answer)
    return applications.followup_view(f, Platform.of(session).now())


def timeline(session: Session, actor: Actor, app_id: int | str) -> list[TimelineEntry]:
    """The steps of an application from the audit trail, oldest first.

    Consecutive saves (or uploads) by the same person show as one entry, at the last one, with
    ``count``; the audit trail itself keeps every row.
    """
    app = access.load(session, actor, app_id)
    out: list[TimelineEntry] = []
    for r in audit.trail(session, applications.ENTITY, app.id):
        entry = TimelineEntry(at=r.at, action=r.action.rsplit(".", 1)[-1], actor=r.actor_name,
                              role=r.actor_role, status=(r.after or {}).get("status"),
                              note=r.note)
        last = out[-1] if out else None
        if (last is not None and entry.action in GROUPED_STEPS and last.action == entry.action
                and last.actor == entry.actor and last.status == entry.status):
            out[-1] = dataclasses.replace(entry, count=last.count + 1)
        else:
            out.append(entry)
    return out


GROUPED_STEPS = frozenset({"save", "attach_material"})


def certificates_of(session: Session, actor: Actor) -> list[CertificateView]:
    """Certificates held by ``actor`` and by the organisations they represent."""
    if actor.person_id is None:
        return []
    found = certificates.held_by(session, "person", actor.person_id)
    for org_id in session.scalars(select(Organisation.id).where(
            Organisation.legal_rep_id == actor.person_id)):
        found += certificates.held_by(session, "organisation", org_id)
    return [certificates.view(c) for c in found]


def statistics(
    session: Session, actor: Actor, *, start: dt.datetime, end: dt.datetime,
    item_code: str | None = None, department_code: str | None = None, level: str | None = None,
) -> dict[str, Any]:
    """Applications, acceptance and on-time rates, processing days, visits saved, ratings."""
    if not access.is_staff(actor):
        raise _no_inbox()
    _check_period(start, end)
    return stats.compute(session, actor, start=start, end=end, item_code=item_code,
                         department_code=department_code, level=level)


def top_items(
    session: Session, n: int = 10, *, start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """The most requested items (submitted in ``[start, end)`` if given): the ones to offer on
    other channels too."""
    if start is not None and end is not None:
        _check_period(start, end)
    return stats.top_items(session, n, start=start, end=end)


def _check_period(start: dt.datetime, end: dt.datetime) -> None:
    if end < start:
        raise InvalidInput(f"the period ends ({end:%Y-%m-%d}) before it starts "
                           f"({start:%Y-%m-%d}): give an end after the start",
                           fields={"end": "must be after start"})
