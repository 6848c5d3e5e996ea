"""Citizens report a problem with a pin on the map, and follow their reports."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from core.identity.roles import Role
from plugins.grid import api as grid
from web import reporting
from web.auth import actor, requires
from web.console.steps import event_step
from web.database import db
from web.map.places import names as place_names
from web.paging import Page
from web.portal import bp
from web.portal.forms import ReportForm


@bp.route("/report", methods=["GET", "POST"])
@requires(Role.CITIZEN)
def report() -> str | Response:
    form = ReportForm()
    form.item_code.choices = reporting.item_choices(citizen=True)
    # Through linkage (link 1, when it is on) the report is linked to the citizen; photos
    # go with it either way (reporting.submit).
    if form.validate_on_submit():
        event = reporting.submit(form, citizen=True)
        if event is not None:
            ref = getattr(event, "ref", None) or (event.title or "").split(" ")[0]
            flash(_("Thank you. Your report %(ref)s has been received.", ref=ref), "success")
            return redirect(url_for("portal.report_detail", event_id=int(event.id)))
    return render_template("portal/report.html", form=form,
                           **reporting.map_context())


@bp.get("/my/reports")
@requires(Role.CITIZEN)
def reports() -> str:
    page = Page.from_request(size=20)
    result = grid.list_events(db(), actor(), mine=True, page=page.number, per_page=page.size)
    return render_template("portal/reports.html", result=result,
                           page=page.with_total(result.total),
                           places=place_names(db(), [e.grid_code for e in result.items]))


@bp.get("/my/reports/<id:event_id>")
@requires(Role.CITIZEN)
def report_detail(event_id: int) -> str:
    event = grid.get_event(db(), actor(), event_id)
    return render_template("portal/report_detail.html", event=event,
                           timeline=grid.timeline(db(), actor(), event_id),
                           place=place_names(db(), [event.grid_code]).get(event.grid_code),
                           event_step=event_step)
