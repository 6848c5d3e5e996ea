"""The applications desk: clerks accept, review, supplement, decide and deliver; handlers of a
service department review and decide their department's (``web.console.desk``). The full list
with filters, sorting, paging and export; one application with its answers, documents,
timeline and the actions this user may take now."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from core.errors import InvalidInput, InvalidTransition
from plugins.services import api as services
from web import actionforms, exports
from web.access import DESK
from web.auth import actor, requires
from web.console import bp, desk, people
from web.database import db, rollback
from web.documents import send_document
from web.errors import not_now
from web.i18n import text
from web.paging import Page

SORTS = ("-updated", "updated", "-created", "created", "due", "-submitted")


def _filters() -> dict[str, object]:
    status = request.args.get("status") or None
    sort = request.args.get("sort") or "-updated"
    overdue = {"1": True, "0": False}.get(request.args.get("overdue", ""))
    return {"status": status if status in services.STATUSES else None,
            "sort": sort if sort in SORTS else "-updated", "overdue": overdue,
            "item_code": (request.args.get("item") or "").replace("\x00", "") or None}


@bp.get("/applications")
@requires(*DESK)
def applications() -> str:
    who = actor()
    desk.require(db(), who)
    boxes = desk.boxes(who)
    lists = services.inbox(db(), who, per_page=20)
    box = request.args.get("box") or desk.first_busy(lists, who)
    if box in boxes:
        return render_template("console/applications_inbox.html", box=box, lists=lists,
                               boxes=boxes, current=lists[box])
    page = Page.from_request()
    result = services.list_applications(db(), actor(), page=page.number, per_page=page.size,
                                        **_filters())
    return render_template("console/applications_list.html", box="all", lists=lists,
                           boxes=boxes, result=result, page=page.with_total(result.total),
                           filters=_filters(), statuses=services.STATUSES)


@bp.get("/applications/export.<fmt>")
@requires(*DESK)
def applications_export(fmt: str) -> Response:
    if fmt not in ("csv", "xlsx"):
        abort(404)
    who, filters = actor(), _filters()
    desk.require(db(), who)
    rows = (
        (a.ref, text(a.item_name), a.item_code, text(a.status_label), a.applicant_name,
         a.organisation_name, a.area_code, a.department_code, a.submitted_at, a.due_at,
         "yes" if a.overdue else "", a.rating)
        for a in exports.paged(lambda p, n: services.list_applications(
            db(), who, page=p, per_page=n, **filters).items)
    )
    header = [_("Reference"), _("Service"), _("Item code"), _("Status"), _("Applicant"),
              _("On behalf of"), _("Area code"), _("Department code"), _("Submitted"),
              _("Deadline"), _("Overdue"), _("Rating")]
    return exports.respond(fmt, "applications", header, rows)


def _render(app_id: int, forms: list | None = None, status: int = 200) -> tuple[str, int]:
    app = services.get_application(db(), actor(), app_id)
    item = services.get_item(db(), app.item_code)
    mine = desk.actions(actor())
    built = actionforms.build(services.ACTIONS, [a for a in app.actions if a in mine])
    desk.limit_delivery(built, item)
    desk.prefill_delivery(built, app)
    if forms:
        by_name = {f.action: f for f in forms}
        built = [by_name.get(f.action, f) for f in built]
    timeline = services.timeline(db(), actor(), app_id)
    return render_template(
        "console/application.html", app=app, item=item, forms=built,
        steps=services.form_steps(item), timeline=timeline,
        people=people.lookup(db(), [t.actor for t in timeline]),
    ), status


@bp.get("/applications/<id:app_id>")
@requires(*DESK)
def application(app_id: int) -> tuple[str, int]:
    desk.require(db(), actor())
    return _render(app_id)


@bp.get("/applications/<id:app_id>/documents/<id:material_id>")
@requires(*DESK)
def application_document(app_id: int, material_id: int) -> Response:
    """One of the application's uploaded documents, for review."""
    desk.require(db(), actor())
    return send_document(app_id, material_id)


@bp.post("/applications/<id:app_id>/act")
@requires(*DESK)
def application_act(app_id: int) -> Response | tuple[str, int]:
    desk.require(db(), actor())
    app = services.get_application(db(), actor(), app_id)  # out of scope: 404 first
    name = request.form.get("action", "")
    if name not in desk.CLERK_ACTIONS:
        abort(400)
    if name not in desk.actions(actor()):
        abort(403)  # e.g. a handler delivering: the window does that
    try:
        version = int(request.form.get("version", ""))
    except ValueError:
        abort(400)
    form = actionforms.build(services.ACTIONS, [name])[0]
    desk.limit_delivery([form], services.get_item(db(), app.item_code))
    values = actionforms.read(form, request.form, request.files)
    if not form.errors:
        try:
            services.act(db(), actor(), app_id, name, version=version, **values)
        except InvalidInput as e:
            rollback()
            form.errors.update(desk.field_errors(name, e.fields, e.message))
        except InvalidTransition as e:
            rollback()
            return not_now(form.label, text(services.STATUSES.get(e.details.get("status"))))
        else:
            flash(_("Done: %(action)s.", action=form.label), "success")
            return redirect(url_for("console.application", app_id=app_id))
    return _render(app_id, [form], status=422)
