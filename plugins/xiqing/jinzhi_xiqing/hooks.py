"""Xiqing's hooks: its items, its storefront and its own form rule."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.contracts import Party
from core.hookspecs import hookimpl
from jinzhi_xiqing import DISTRICT
from jinzhi_xiqing.items import ITEMS

MIN_M2_PER_CHILD = 9  # Xiqing's own standard for kindergarten buildings


@hookimpl
def catalog_service_items() -> list[Mapping[str, Any]]:
    return ITEMS


@hookimpl
def catalog_storefronts() -> list[Mapping[str, Any]]:
    return [{
        "code": "xiqing",
        "district": DISTRICT,
        "name": {"zh": "西青旗舰店", "en": "Xiqing Flagship Store"},
        "description": {
            "zh": "津心办首家区级旗舰店：西青区的事项一站办理，不见面、网上办、掌上办。",
            "en": "The first district store of the city portal: Xiqing's services in one "
                  "place, online and on your phone.",
        },
        "featured": ["edu.kindergarten-licence", "xiqing.business-startup",
                     "market.food-business-licence", "xiqing.talent-housing-subsidy"],
        "look": {"primary_color": "#c8102e", "logo_text": "西青"},
    }]


@hookimpl
def catalog_validate_application(
    item: Mapping[str, Any], data: Mapping[str, Any], applicant: Party | None
) -> Mapping[str, Any] | None:
    """In Xiqing a kindergarten needs at least 9 m² of buildings per child."""
    if item["code"] != "edu.kindergarten-licence":
        return None
    if not str(item.get("area_code") or "").startswith(DISTRICT):
        return None
    area, children = data.get("site_area_m2"), data.get("children")
    if not isinstance(area, int | float) or not isinstance(children, int) or children <= 0:
        return None
    if area >= children * MIN_M2_PER_CHILD:
        return None
    most = int(area // MIN_M2_PER_CHILD)
    return {"site_area_m2": {
        "zh": f"西青区要求园舍建筑面积每名幼儿不少于{MIN_M2_PER_CHILD}平方米："
              f"{children}名幼儿至少需要{children * MIN_M2_PER_CHILD}平方米。"
              f"请核对面积，或把招生人数减到{most}人以内。",
        "en": f"Xiqing requires at least {MIN_M2_PER_CHILD} m² of buildings per child: "
              f"{children} children need {children * MIN_M2_PER_CHILD} m². Check the area, "
              f"or enrol at most {most} children.",
    }}
