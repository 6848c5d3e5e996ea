"""A citizen's own things: my applications (status, deadlines, timeline, rating), my profile
and who used my data (the linkage plugin fills that slot when it is installed)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from core.errors import InvalidInput, InvalidTransition
from core.identity.models import Person
from core.identity.registry import mask
from core.identity.roles import Role
from plugins.services import api as services
from web import actionforms, linkage
from web.auth import actor, requires
from web.console import people
from web.database import db, rollback
from web.documents import send_document
from web.errors import not_now
from web.i18n import text
from web.paging import Page
from web.portal import bp
from web.portal import profile as profile_view

APPLICANT_ACTIONS = ("withdraw", "rate")  # submit / answer_supplement go through the steps


@bp.get("/my/applications")
@requires(Role.CITIZEN)
def applications() -> str:
    page = Page.from_request(size=20)
    status = request.args.get("status") or None
    if status not in services.STATUSES:
        status = None
    result = services.list_applications(db(), actor(), status=status, page=page.number,
                                        per_page=page.size)
    return render_template("portal/applications.html", result=result,
                           page=page.with_total(result.total), status=status,
                           statuses=services.STATUSES)


def _render(app_id: int, forms: list | None = None, status: int = 200) -> tuple[str, int]:
    app = services.get_application(db(), actor(), app_id)
    names = [a for a in app.actions if a in APPLICANT_ACTIONS]
    built = actionforms.build(services.ACTIONS, names)
    if forms:
        by_name = {f.action: f for f in forms}
        built = [by_name.get(f.action, f) for f in built]
    return render_template(
        "portal/application.html", app=app, forms=built,
        timeline=services.timeline(db(), actor(), app_id),
        editable=app.status in ("draft", "supplement_requested"),
    ), status


@bp.get("/my/applications/<id:app_id>")
@requires(Role.CITIZEN)
def application(app_id: int) -> tuple[str, int]:
    return _render(app_id)


@bp.get("/my/applications/<id:app_id>/documents/<id:material_id>")
@requires(Role.CITIZEN)
def application_document(app_id: int, material_id: int) -> Response:
    """One of your own application's uploaded documents."""
    return send_document(app_id, material_id)


@bp.post("/my/applications/<id:app_id>/act")
@requires(Role.CITIZEN)
def act(app_id: int) -> Response | tuple[str, int]:
    """Withdraw or rate an application (the generic action form)."""
    services.get_application(db(), actor(), app_id)  # not yours: 404 first
    name = request.form.get("action", "")
    if name not in APPLICANT_ACTIONS:
        abort(400)
    try:
        version = int(request.form.get("version", ""))
    except ValueError:
        abort(400)
    form = actionforms.build(services.ACTIONS, [name])[0]
    values = actionforms.read(form, request.form, request.files)
    if not form.errors:
        try:
            services.act(db(), actor(), app_id, name, version=version, **values)
        except InvalidInput as e:
            rollback()
            form.errors.update(e.fields or {"": e.message})
        except InvalidTransition as e:
            rollback()
            return not_now(form.label, text(services.STATUSES.get(e.details.get("status"))))
        else:
            flash(_("Done: %(action)s.", action=form.label), "success")
            return redirect(url_for("portal.application", app_id=app_id))
    return _render(app_id, [form], status=422)


@bp.get("/my/profile")
@requires(Role.CITIZEN)
def profile() -> str:
    """My profile (the linkage plugin's sections, in words) and who used my data: others
    by name, role and unit; my own views (each visit logs one per section) left out."""
    who = actor()
    person = db().get(Person, who.person_id) if who.person_id else None
    sections = linkage.profile_sections(who)
    others = profile_view.used_by_others(who)
    return render_template(
        "portal/profile.html", person=person,
        id_number=mask(person.id_number) if person else None,
        certificates=services.certificates_of(db(), who), sections=sections, view=profile_view,
        data_use=others,
        people=people.lookup(db(), {u.who for u in others or ()}),
    )
