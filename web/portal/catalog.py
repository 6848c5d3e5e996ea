"""The catalog: the portal's home, search by level, department and district flagship store,
an item's guide page, and a district's flagship store. Open to everyone."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.areas.codes import Level, level_of
from core.areas.models import Area
from core.errors import InvalidInput
from core.identity.models import Department
from core.identity.roles import Role
from plugins.services import api as services
from web.access import public
from web.database import db, rollback
from web.i18n import text
from web.paging import Page
from web.portal import bp
from web.portal.forms import SearchForm

LEVELS = ("city", "district", "street")


def department_names() -> dict[str, dict[str, str]]:
    """A name for each department type (``education`` → 教育局 / Education Bureau), taken
    from the city's own department or else a district's with the district's name cut off;
    built once per app from ``core_department``."""
    cached = current_app.extensions.get("jinzhi_department_names")
    if cached is not None:
        return cached
    names: dict[str, dict[str, str]] = {}
    areas = dict(db().execute(select(Area.code, Area.name).where(Area.level <= 2)).all())
    rows = db().execute(select(Department.dept_type, Department.name, Department.name_en,
                               Department.area_code).order_by(Department.area_code)).all()
    for dept_type, name, name_en, area in rows:
        if dept_type in names or area not in areas:
            continue
        if level_of(area) is not Level.CITY:
            name = name.removeprefix(areas[area])
        names[dept_type] = {"zh": name, "en": name_en or name}
    current_app.extensions["jinzhi_department_names"] = names
    return names


@bp.app_template_filter("department")
def department_filter(dept_type: str) -> str:
    return text(department_names().get(dept_type)) or dept_type


@bp.get("/")
@public
def home() -> str:
    return render_template(
        "portal/home.html", form=SearchForm(request.args, meta={"csrf": False}),
        stores=services.storefronts(db()), top=services.top_items(db(), 8),
    )


@bp.get("/services")
@public
def catalog() -> str:
    """Search; a filter that cannot be right (a typed-in level or district code) is said at
    the top and left out, and the search runs without it."""
    form = SearchForm(request.args, meta={"csrf": False})
    page = Page.from_request(size=20)
    errors: list[tuple[str | None, str]] = []
    level = form.level.data or None
    if level is not None and level not in LEVELS:
        errors.append(("level", _("Choose a level from the list")))
        level = form.level.data = None
    q = (form.q.data or "").strip()[:100] or None
    search = {"q": q, "level": level, "department": form.department.data or None,
              "page": page.number, "per_page": page.size}
    try:
        result = services.search_items(db(), district=form.district.data or None, **search)
    except InvalidInput:
        rollback()
        errors.append((None, _("There is no district with the code %(code)s: services of "
                               "every district are shown", code=form.district.data)))
        form.district.data = None
        result = services.search_items(db(), **search)
    return render_template("portal/catalog.html", form=form, result=result, errors=errors,
                           page=page.with_total(result.total))


@bp.get("/services/<code>")
@public
def item(code: str) -> str:
    """An item's guide; a citizen with a draft of it is offered to continue that draft
    (starting again would leave the first one behind)."""
    found = services.get_item(db(), code)
    draft = None
    if current_user.is_authenticated and current_user.actor.role is Role.CITIZEN:
        drafts = services.list_applications(db(), current_user.actor, status="draft",
                                            item_code=found.code, per_page=1)
        draft = drafts.items[0] if drafts.items else None
    return render_template("portal/item.html", item=found, steps=services.form_steps(found),
                           draft=draft)


@bp.get("/stores/<code>")
@public
def store(code: str) -> str:
    front = services.get_storefront(db(), code)
    page = Page.from_request(size=20)
    result = services.search_items(db(), storefront=code, page=page.number, per_page=page.size)
    return render_template("portal/store.html", store=front, result=result,
                           page=page.with_total(result.total))
