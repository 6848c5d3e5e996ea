"""District flagship stores (区级旗舰店): a district's own page in the city portal."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound
from plugins.services.catalog import TYPES
from plugins.services.models import Item, Storefront
from plugins.services.views import ItemView, StorefrontView


def item_view(row: Item) -> ItemView:
    d = row.data
    return ItemView(
        code=row.code, name=d["name"], type=row.type, type_label=TYPES[row.type],
        level=row.level, department=row.department, area_code=row.area_code,
        online=row.online, visits=row.visits, promised_days=d["time_limit"]["promised"],
        legal_days=d["time_limit"]["legal"], data=d,
    )


def view(session: Session, row: Storefront) -> StorefrontView:
    d = row.data
    codes = d.get("featured") or []
    items = {r.code: r for r in session.scalars(select(Item).where(Item.code.in_(codes)))}
    return StorefrontView(
        code=row.code, district_code=row.district_code, name=d["name"],
        description=d.get("description"),
        featured=tuple(item_view(items[c]) for c in codes if c in items), look=d.get("look") or {},
    )


def all_(session: Session) -> list[StorefrontView]:
    return [view(session, r) for r in session.scalars(select(Storefront).order_by(Storefront.code))]


def get(session: Session, code: str) -> StorefrontView:
    row = session.get(Storefront, code)
    if row is None:
        raise NotFound(f"there is no storefront {code!r}")
    return view(session, row)
