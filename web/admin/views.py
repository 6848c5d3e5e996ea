"""Admin pages. Accounts and plugins come from core; taxonomy and catalog from the grid and
services plugin APIs (the routing table has its own module, ``routing.py``)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from core.errors import JinzhiError
from core.identity.accounts import create_account
from core.identity.models import Account
from core.identity.roles import Role
from core.plugins import describe
from plugins.grid import api as grid
from plugins.services import api as services
from web.admin import bp
from web.admin.forms import ROLE_LABELS, AccountForm
from web.auth import requires
from web.database import db, platform, rollback
from web.paging import Page


@bp.get("/")
@requires(Role.ADMIN)
def index() -> str:
    return render_template("admin/index.html")


@bp.route("/accounts", methods=["GET", "POST"])
@requires(Role.ADMIN)
def accounts() -> str | Response:
    form = AccountForm()
    if form.validate_on_submit():
        try:
            create_account(
                db(), form.username.data.strip(), form.password.data, form.role.data,
                display_name=form.display_name.data or None,
                scope_code=form.scope_code.data or None,
                department_code=form.department_code.data or None,
            )
        except JinzhiError as e:
            rollback()
            form.form_errors.append(e.message)
        else:
            flash(_("Account %(name)s created.", name=form.username.data), "success")
            return redirect(url_for("admin.accounts"))
    role = request.args.get("role") or None
    q = (request.args.get("q") or "").strip()
    stmt = select(Account)
    if role:
        stmt = stmt.where(Account.role == role)
    if q:
        stmt = stmt.where(Account.username.contains(q))
    page = Page.from_request()
    total = db().scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db().scalars(stmt.order_by(Account.username).limit(page.size).offset(page.offset))
    return render_template(
        "admin/accounts.html", form=form, accounts=list(rows), page=page.with_total(total),
        roles=ROLE_LABELS, role=role, q=q,
    )


@bp.get("/plugins")
@requires(Role.ADMIN)
def plugins() -> str:
    pm = platform().pm
    return render_template(
        "admin/plugins.html", plugins=describe(pm),
        disabled=sorted(platform().config.disabled_plugins),
    )


@bp.get("/taxonomy")
@requires(Role.ADMIN)
def taxonomy() -> str:
    q = (request.args.get("q") or "").strip()
    items = grid.items(db())
    if q:
        items = [i for i in items if q in i.code or q in i.name or q.lower() in
                 (i.name_en or "").lower()]
    page = Page.from_request()
    return render_template("admin/taxonomy.html", items=items[page.offset:page.offset + page.size],
                           page=page.with_total(len(items)), q=q)


@bp.get("/catalog")
@requires(Role.ADMIN)
def catalog() -> str:
    page = Page.from_request()
    result = services.search_items(
        db(), q=request.args.get("q") or None, level=request.args.get("level") or None,
        page=page.number, per_page=page.size,
    )
    return render_template("admin/catalog.html", result=result, page=page)
