"""The departments that implement service items, per city, district and street.

An item names a department *type* (``"approval"``); the department that handles an
application is ``"<area code>.<type>"`` in the area the application belongs to.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.areas.codes import Level
from core.areas.models import Area
from core.identity.registry import ensure_department

DISTRICT_TYPES: dict[str, tuple[str, str]] = {
    "approval": ("行政审批局", "Administrative Approval Bureau"),
    "market_regulation": ("市场监督管理局", "Market Regulation Bureau"),
    "education": ("教育局", "Education Bureau"),
    "civil_affairs": ("民政局", "Civil Affairs Bureau"),
    "public_security": ("公安分局", "Public Security Bureau"),
    "housing_construction": ("住房和建设委员会", "Housing and Construction Commission"),
    "city_management": ("城市管理委员会", "City Management Commission"),
    "fire_rescue": ("消防救援支队", "Fire and Rescue Detachment"),
    "veterans": ("退役军人事务局", "Veterans Affairs Bureau"),
    "agriculture": ("农业农村委员会", "Agriculture and Rural Affairs Commission"),
    "human_resources_social_security": (
        "人力资源和社会保障局", "Human Resources and Social Security Bureau"
    ),
    "health": ("卫生健康委员会", "Health Commission"),
}
CITY_TYPES: dict[str, tuple[str, str]] = {
    "approval": ("市政务服务办公室", "Government Services Office"),
    "civil_affairs": ("市民政局", "Civil Affairs Bureau"),
    "human_resources_social_security": (
        "市人力资源和社会保障局", "Human Resources and Social Security Bureau"
    ),
    "housing_fund": ("住房公积金管理中心", "Housing Provident Fund Centre"),
    "health": ("市卫生健康委员会", "Health Commission"),
    "education": ("市教育委员会", "Education Commission"),
    "culture_tourism": ("市文化和旅游局", "Culture and Tourism Bureau"),
    "transport": ("市交通运输委员会", "Transport Commission"),
}
STREET_TYPES: dict[str, tuple[str, str]] = {
    "service_centre": ("政务服务中心", "Government Service Centre"),
}
TYPES_BY_LEVEL = {"city": CITY_TYPES, "district": DISTRICT_TYPES, "street": STREET_TYPES}
LEVEL_OF = {"city": Level.CITY, "district": Level.DISTRICT, "street": Level.STREET}


def department_code(area_code: str, dept_type: str) -> str:
    return f"{area_code}.{dept_type}"


def unit_name(area_name: str, unit: str, level: str) -> str:
    """The department's full name: area name + unit (天津市 + 市民政局 → 天津市民政局).

    Only city-level templates carry a leading 市 that the city's own name already ends with;
    a district unit such as 市场监督管理局 keeps every character.
    """
    if level == "city" and unit.startswith("市") and area_name.endswith("市"):
        unit = unit[1:]
    return f"{area_name}{unit}"


def seed_departments(session: Session) -> int:
    """Create every service department of every city, district and street (idempotent)."""
    n = 0
    for level, types in TYPES_BY_LEVEL.items():
        areas = session.execute(
            select(Area.code, Area.name).where(Area.level == int(LEVEL_OF[level]))
        ).all()
        for code, name in areas:
            for dept_type, (zh, en) in types.items():
                zh_name = unit_name(name, zh, level)
                ensure_department(
                    session, department_code(code, dept_type), zh_name, dept_type, code, en
                )
                n += 1
    session.flush()
    return n
