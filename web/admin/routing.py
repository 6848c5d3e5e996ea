"""The routing table (派单目录) page: rules paged and filtered by item and area, with the form
to add or change a rule (prefilled from a row's "Change" link) and a delete button per row.
Every change goes through the grid API, which checks the admin role and writes the audit."""

from __future__ import annotations

import re
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from core.errors import JinzhiError
from core.identity.roles import Role
from plugins.grid import api as grid
from web.admin import bp
from web.admin.forms import DeleteRouteForm, RouteForm
from web.auth import actor, requires
from web.database import db, rollback
from web.paging import Page

AREA_PREFIX = re.compile(r"^\d{1,15}$")


def _filters() -> tuple[dict[str, str], dict[str, str]]:
    """The list's filters from the query string (item code, area code prefix) and their
    errors; a bad filter is shown next to its box and not applied."""
    item = (request.args.get("item") or "").strip()
    area = (request.args.get("area") or "").strip()
    errors = {}
    if item and item not in {i.code for i in grid.items(db())}:
        errors["item"] = _("There is no event item %(code)s.", code=item)
    if area and not AREA_PREFIX.match(area):
        errors["area"] = _("An area code has only digits, e.g. 120101 or 120101001")
    return ({k: v for k, v in (("item", item), ("area", area)) if v and k not in errors},
            errors)


def _back() -> str:
    """This list again, with its filters and page."""
    keep = {k: request.args[k] for k in ("item", "area", "page") if request.args.get(k)}
    return url_for("admin.routes", **keep)


def _save(form: RouteForm) -> Response | None:
    try:
        grid.set_route(db(), actor(), form.item_code.data.strip(), form.area_code.data.strip(),
                       form.department_code.data.strip())
    except JinzhiError as e:
        rollback()
        for name, message in (getattr(e, "fields", None) or {}).items():
            if name in form:
                form[name].errors = [*form[name].errors, message]
        form.form_errors.append(e.message)
        return None
    flash(_("Routing rule saved."), "success")
    return redirect(_back())


def _delete(form: DeleteRouteForm) -> Response | None:
    try:
        grid.delete_route(db(), actor(), form.item_code.data, form.area_code.data)
    except JinzhiError as e:
        rollback()
        form.form_errors.append(e.message)
        return None
    flash(_("Routing rule for %(item)s in %(area)s deleted.", item=form.item_code.data,
            area=form.area_code.data), "success")
    return redirect(_back())


@bp.route("/routes", methods=["GET", "POST"])
@requires(Role.ADMIN)
def routes() -> str | Response:
    """The routing table, a page at a time; POST adds, changes (``save``) or deletes."""
    deleting = request.method == "POST" and request.form.get("action") == "delete"
    form = RouteForm(formdata=request.form if request.method == "POST" and not deleting
                     else None, data=_prefill())
    remove = DeleteRouteForm(formdata=request.form if deleting else None)
    status = 200
    if deleting and remove.validate_on_submit():
        done = _delete(remove)
        if done:
            return done
        status = 404
    elif deleting:
        remove.form_errors.append(_("The rule to delete is not named. Reload the page."))
        status = 400
    elif form.validate_on_submit():
        done = _save(form)
        if done:
            return done
        status = 422
    elif request.method == "POST":
        status = 422
    filters, filter_errors = _filters()
    page = Page.from_request()
    rows = grid.routes(db(), actor(), item_code=filters.get("item"),
                       area_code=filters.get("area"), limit=page.offset + page.size + 1)
    shown = rows[page.offset:page.offset + page.size]
    return render_template(
        "admin/routes.html", form=form, remove=remove, routes=shown,
        page=page.with_total(None, len(rows) - page.offset), items=grid.items(db()),
        item=request.args.get("item", ""), area=request.args.get("area", ""),
        filter_errors=filter_errors,
    ), status


def _prefill() -> dict[str, Any]:
    """A row's "Change" link fills the form with that rule (``?edit=item@area&dept=…``)."""
    item, sep, area = (request.args.get("edit") or "").partition("@")
    if not sep:
        return {}
    return {"item_code": item, "area_code": area,
            "department_code": request.args.get("dept", "")}
