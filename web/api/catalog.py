"""The catalog of government service items (政务服务事项): search and read, open to anyone."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from plugins.services import api as services
from web.api import api
from web.api.models import AreaCode, Code, PageQuery, Text, make_page, page_of, texts
from web.database import db

ItemType = Literal["01", "02", "03", "04", "05", "06", "07", "08", "09", "20", "21", "22",
                   "licensing", "benefits", "confirmation", "public_service", "convenience"]


class CatalogItem(BaseModel):
    """A service item as listed: what it is, who handles it, how long it takes."""

    code: str
    name: dict[str, str] = Field(description="localised: {zh, en}")
    type: str = Field(description="type code, e.g. 01 licensing, 21 public service")
    type_label: dict[str, str]
    level: str = Field(description="city, district or street")
    department: str = Field(description="the implementing department type")
    area_code: str | None = Field(description="offered only in this area (a district's own)")
    online: bool = Field(description="can be done fully online")
    visits: int = Field(description="on-site visits needed: 0, 1 or 2")
    promised_days: int = Field(description="promised time limit, working days")
    legal_days: int = Field(description="legal time limit, working days")


class CatalogItemDetail(CatalogItem):
    """Everything an applicant needs: conditions, materials, steps, fees, delivery, the form."""

    description: dict[str, str] | None
    conditions: dict[str, str] | None
    legal_basis: dict[str, str] | None
    competent_authority: dict[str, str] | None
    materials: list[dict[str, Any]]
    steps: list[dict[str, str]]
    fees: list[dict[str, Any]]
    delivery: list[str]
    channels: list[str]
    form: dict[str, Any] = Field(description="JSON Schema (2020-12) of the answers; x-label, "
                                             "x-hint and x-steps describe the form's pages")
    form_steps: list[dict[str, Any]] = Field(description="the form's pages, each with its fields")


class CatalogQuery(PageQuery):
    q: Text | None = Field(None, max_length=100, description="words, Chinese or English")
    level: Literal["city", "district", "street"] | None = None
    type: ItemType | None = Field(None, description="type code (01 licensing, 21 public "
                                                    "service, …) or its alias")
    department: Code | None = Field(None, description="implementing department type")
    district: AreaCode | None = Field(None, description="items offered in this district")
    sort: Literal["relevance"] = Field(
        "relevance", description="best match first (items in catalog order without q)")


def item_summary(item: Any) -> CatalogItem:
    return CatalogItem(
        code=item.code, name=texts(item.name), type=item.type, type_label=texts(item.type_label),
        level=item.level, department=item.department, area_code=item.area_code,
        online=item.online, visits=item.visits, promised_days=item.promised_days,
        legal_days=item.legal_days)


def _opt(value: Any) -> dict[str, str] | None:
    return texts(value) if value else None


@api.route("/catalog/items", summary="Search the catalog", tag="catalog", scope=None,
           query=CatalogQuery, response=page_of(CatalogItem), paged=True)
def list_catalog_items(query: CatalogQuery) -> Any:
    """Service items matching words and filters, best match first. Open to anyone."""
    found = services.search_items(
        db(), q=query.q, level=query.level, type=query.type, department=query.department,
        district=query.district, page=query.page, per_page=query.per_page)
    return make_page(CatalogItem, [item_summary(i) for i in found.items], found.total,
                     query.page, query.per_page)


@api.route("/catalog/items/<code>", summary="Read a service item", tag="catalog", scope=None,
           response=CatalogItemDetail)
def get_catalog_item(code: str) -> CatalogItemDetail:
    """One service item with its conditions, materials, steps, fees and form (JSON Schema)."""
    item = services.get_item(db(), code)
    d = item.data
    return CatalogItemDetail(
        **item_summary(item).model_dump(),
        description=_opt(d.get("description")), conditions=_opt(d.get("conditions")),
        legal_basis=_opt(d.get("legal_basis")),
        competent_authority=_opt(d.get("competent_authority")),
        materials=[dict(m) for m in item.materials],
        steps=[texts(s) for s in d.get("steps") or []],
        fees=[dict(f) for f in d.get("fees") or []],
        delivery=list(d.get("delivery") or []), channels=list(d.get("channels") or []),
        form=dict(item.form), form_steps=services.form_steps(item))
