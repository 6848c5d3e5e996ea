"""The synthetic city: counts, tiling, codes, names and determinism."""

from __future__ import annotations

import itertools
from collections import defaultdict

import numpy as np
import pytest
import shapely
from sqlalchemy import func, select

from core.areas.codes import Level, child_code, level_of
from core.areas.locate import locator_for
from core.areas.models import Area
from core.errors import InvalidInput
from simulator.city import SCALES, generate_city, plan_counts, seed_city

TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def small() -> list[Area]:
    return generate_city("small", 1)


def _children(rows: list[Area]) -> dict[str, list[Area]]:
    kids: dict[str, list[Area]] = defaultdict(list)
    for r in rows:
        if r.parent_code is not None:
            kids[r.parent_code].append(r)
    return kids


def test_small_counts(small: list[Area]) -> None:
    levels = [r.level for r in small]
    assert [levels.count(int(lv)) for lv in Level] == [1, 3, 9, 27, 108]
    assert len({r.code for r in small}) == len(small)


def test_every_polygon_is_a_valid_polygon(small: list[Area]) -> None:
    geoms = shapely.from_wkb([r.geometry for r in small])
    assert all(g.geom_type == "Polygon" for g in geoms)
    assert shapely.is_valid(geoms).all()
    assert (shapely.area(geoms) > 0).all()


def test_children_tile_their_parent(small: list[Area]) -> None:
    geom = {r.code: shapely.from_wkb(r.geometry) for r in small}
    for parent, kids in _children(small).items():
        cells = [geom[k.code] for k in kids]
        union = shapely.union_all(cells)
        assert shapely.symmetric_difference(union, geom[parent]).area < TOLERANCE, parent
        for a, b in itertools.combinations(cells, 2):
            assert shapely.intersection(a, b).area < TOLERANCE, parent


def test_codes_are_children_of_their_parents(small: list[Area]) -> None:
    assert small[0].code == "120000" and small[0].parent_code is None
    for parent, kids in _children(small).items():
        assert [k.code for k in kids] == [child_code(parent, i) for i in range(1, len(kids) + 1)]
        for k in kids:
            assert int(level_of(k.code)) == k.level == int(level_of(parent)) + 1


def test_names_unique_among_siblings_with_level_suffixes(small: list[Area]) -> None:
    suffixes = {1: ("区",), 2: ("街道", "镇"), 3: ("社区", "村"), 4: ("网格",)}
    for kids in _children(small).values():
        assert len({k.name for k in kids}) == len(kids)
        for k in kids:
            assert k.name.endswith(suffixes[k.level]), k.name
            assert k.name_en
    assert small[-1].name.startswith("第") and small[-1].name_en.startswith("Grid ")


def test_small_city_is_a_10km_box_around_the_centre(small: list[Area]) -> None:
    city = small[0]
    assert city.min_lon < 117.20 < city.max_lon and city.min_lat < 39.12 < city.max_lat
    assert 0.08 < city.max_lat - city.min_lat < 0.1


def test_same_seed_same_city_other_seed_other_city(small: list[Area]) -> None:
    again = generate_city("small", 1)
    assert [(r.code, r.name, r.geometry) for r in again] == [
        (r.code, r.name, r.geometry) for r in small
    ]
    other = generate_city("small", 2)
    assert [r.geometry for r in other[1:]] != [r.geometry for r in small[1:]]
    assert [r.name for r in other] != [r.name for r in small]


def test_unknown_scale_lists_the_choices() -> None:
    with pytest.raises(InvalidInput) as e:
        generate_city("huge", 1)
    assert all(name in e.value.message for name in SCALES)
    with pytest.raises(InvalidInput):
        plan_counts("huge", 1)


def test_tianjin_count_plan() -> None:
    plan = plan_counts("tianjin", 1)
    assert plan.districts == 16
    assert len(plan.streets) == 16 and sum(plan.streets) == 272
    assert len(plan.communities) == 272 and sum(plan.communities) == 5_607
    assert len(plan.grids) == 5_607 and sum(plan.grids) == 21_408
    assert min(plan.streets) < max(plan.streets) and min(plan.grids) >= 1
    assert max(plan.communities) <= 999
    assert plan_counts("tianjin", 1) == plan
    assert plan_counts("tianjin", 2) != plan


@pytest.mark.slow
def test_tianjin_scale_geometry() -> None:
    rows = generate_city("tianjin", 1)
    levels = np.array([r.level for r in rows])
    assert np.bincount(levels).tolist() == [1, 16, 272, 5_607, 21_408]
    geoms = shapely.from_wkb([r.geometry for r in rows])
    assert set(shapely.get_type_id(geoms)) == {3}  # Polygon only
    assert shapely.is_valid(geoms).all()
    city = geoms[0]
    km2 = city.area * 110.57 * 111.32 * np.cos(np.radians(39.1))
    assert 11_000 < km2 < 12_800
    minx, miny, maxx, maxy = city.bounds
    assert minx > 116.6 and maxx < 118.2 and miny > 38.4 and maxy < 40.4
    for level in range(1, 5):
        total = shapely.area(geoms[levels == level]).sum()
        assert abs(total - city.area) < TOLERANCE


def test_seed_city_inserts_into_an_empty_database(empty_platform) -> None:
    with empty_platform.session() as session:
        summary = seed_city(session, "small", 1)
        assert (summary.districts, summary.streets, summary.communities, summary.grids) == (
            3, 9, 27, 108
        )
        assert session.scalar(select(func.count()).select_from(Area)) == summary.total == 148
        loc = locator_for(session).locate(117.20, 39.12)
        assert loc.grid.startswith(loc.community)


def test_seed_city_refuses_a_seeded_database(session) -> None:
    with pytest.raises(InvalidInput, match="already has 148 areas"):
        seed_city(session, "small", 1)
