"""Services' department types share the grid's vocabulary, and their names are built right."""

from __future__ import annotations

from pathlib import Path

import yaml

from plugins.services import departments

GRID_TYPES = Path(__file__).parents[3] / "plugins/grid/data/department_types.yaml"


def test_department_types_reuse_the_grid_codes_for_the_same_body() -> None:
    grid = {t["unit"]["zh"]: t["code"] for t in yaml.safe_load(GRID_TYPES.read_text())
            if "unit" in t}
    for dept_type, (zh, _en) in departments.DISTRICT_TYPES.items():
        if zh in grid:
            assert dept_type == grid[zh], (zh, dept_type, grid[zh])
    city_units = {zh.removeprefix("市"): t for t, (zh, _) in departments.CITY_TYPES.items()}
    for zh, dept_type in city_units.items():
        if zh in grid:
            assert dept_type == grid[zh], (zh, dept_type, grid[zh])


def test_department_names_strip_only_the_city_templates_prefix() -> None:
    assert departments.unit_name("河西区", "市场监督管理局", "district") == "河西区市场监督管理局"
    assert departments.unit_name("天津市", "市民政局", "city") == "天津市民政局"
    fund = departments.unit_name("天津市", "住房公积金管理中心", "city")
    assert fund == "天津市住房公积金管理中心"


def test_catalog_names_only_known_department_types() -> None:
    from jinzhi_xiqing import items as xiqing_items
    from plugins.services import catalog

    known = {t for types in departments.TYPES_BY_LEVEL.values() for t in types}
    raw = catalog.base_items() + list(xiqing_items.ITEMS)
    assert {i["department"] for i in raw if "department" in i} <= known
