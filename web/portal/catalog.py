"""The catalog: the portal's home, search by level, department and district flagship store,
an item's guide page, and a district's flagship store. Open to everyone."""

from __future__ import annotations

from flask import render_template, request

from plugins.services import api as services
from web.access import public
from web.database import db
from web.paging import Page
from web.portal import bp
from web.portal.forms import SearchForm

LEVELS = ("city", "district", "street")


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
    form = SearchForm(request.args, meta={"csrf": False})
    page = Page.from_request(size=20)
    result = services.search_items(
        db(), q=form.q.data or None, level=form.level.data or None,
        department=form.department.data or None, district=form.district.data or None,
        page=page.number, per_page=page.size,
    )
    return render_template("portal/catalog.html", form=form, result=result,
                           page=page.with_total(result.total))


@bp.get("/services/<code>")
@public
def item(code: str) -> str:
    found = services.get_item(db(), code)
    return render_template("portal/item.html", item=found, steps=services.form_steps(found))


@bp.get("/stores/<code>")
@public
def store(code: str) -> str:
    front = services.get_storefront(db(), code)
    page = Page.from_request(size=20)
    result = services.search_items(db(), storefront=code, page=page.number, per_page=page.size)
    return render_template("portal/store.html", store=front, result=result,
                           page=page.with_total(result.total))
