"""A deterministic synthetic city: four levels of areas, each tiling its parent.

``generate_city(scale, seed)`` builds the ``Area`` rows in memory; ``seed_city`` bulk-inserts
them into an empty database. Same seed, same polygons and names, byte for byte.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import Polygon
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session
from tqdm import tqdm

from core.areas.codes import child_code
from core.areas.geojson import area_from_geometry
from core.areas.locate import invalidate
from core.areas.models import Area
from core.errors import InvalidInput
from simulator.names import Namer, grid_name
from simulator.tiling import Density, area_km2, sample_points, to_planar, to_wgs84, voronoi_children

CITY_CODE = "120000"
CITY_NAME = ("天津市", "Tianjin")
CENTRE = (117.20, 39.12)  # the old city centre, where areas are smallest
TIANJIN_KM2 = 11_900.0
# A rough outline of Tianjin (lon, lat), clockwise from the northern tip; scaled to TIANJIN_KM2.
_OUTLINE = (
    (117.45, 40.25), (117.65, 40.22), (117.78, 40.10), (117.72, 39.95), (117.60, 39.86),
    (117.75, 39.70), (117.95, 39.62), (118.05, 39.45), (118.02, 39.25), (117.85, 39.15),
    (117.78, 39.00), (117.72, 38.85), (117.62, 38.70), (117.55, 38.58), (117.35, 38.55),
    (117.15, 38.58), (116.95, 38.65), (116.75, 38.72), (116.72, 38.90), (116.85, 39.05),
    (116.92, 39.22), (116.80, 39.35), (116.75, 39.55), (116.95, 39.62), (117.10, 39.72),
    (117.12, 39.88), (117.20, 40.00), (117.25, 40.12), (117.35, 40.18),
)
_SMALL_HALF_KM = 5.0
_CORE = 0.03  # how concentrated the centre is (smaller = more)


@dataclass(frozen=True)
class Scale:
    """Totals per level, and how unevenly children are shared among parents."""

    name: str
    districts: int
    streets: int
    communities: int
    grids: int
    minimum: tuple[int, int, int]  # fewest streets per district, communities, grids
    even: bool = False  # every parent gets the same number of children
    dense_centre: bool = False  # districts are smaller near the centre


SCALES: dict[str, Scale] = {
    "small": Scale("small", 3, 9, 27, 108, (3, 3, 4), even=True),
    "tianjin": Scale("tianjin", 16, 272, 5_607, 21_408, (6, 4, 1), dense_centre=True),
}


@dataclass(frozen=True)
class CountPlan:
    """How many children each parent gets, parents in code order."""

    districts: int
    streets: tuple[int, ...]  # per district
    communities: tuple[int, ...]  # per street
    grids: tuple[int, ...]  # per community


@dataclass(frozen=True)
class CitySummary:
    districts: int
    streets: int
    communities: int
    grids: int

    @property
    def total(self) -> int:
        return 1 + self.districts + self.streets + self.communities + self.grids


def get_scale(scale: str) -> Scale:
    try:
        return SCALES[scale]
    except KeyError:
        raise InvalidInput(
            f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}",
            fields={"scale": f"one of {', '.join(SCALES)}"},
        ) from None


def _rng(seed: int, *path: int) -> np.random.Generator:
    return np.random.default_rng([seed, *path])


def _allocate(total: int, parents: int, minimum: int, rng: np.random.Generator) -> list[int]:
    """Share ``total`` among ``parents`` unevenly, each getting at least ``minimum``."""
    extra = total - parents * minimum
    if extra < 0:
        raise ValueError(f"cannot give {parents} parents {minimum} of {total} each")
    weights = rng.gamma(2.0, size=parents)
    return [minimum + int(c) for c in rng.multinomial(extra, weights / weights.sum())]


def plan_counts(scale: str, seed: int) -> CountPlan:
    """The number of children of every area, without building any geometry."""
    sc = get_scale(scale)
    if sc.even:
        return CountPlan(
            sc.districts,
            (sc.streets // sc.districts,) * sc.districts,
            (sc.communities // sc.streets,) * sc.streets,
            (sc.grids // sc.communities,) * sc.communities,
        )
    rng = _rng(seed, 0)
    return CountPlan(
        sc.districts,
        tuple(_allocate(sc.streets, sc.districts, sc.minimum[0], rng)),
        tuple(_allocate(sc.communities, sc.streets, sc.minimum[1], rng)),
        tuple(_allocate(sc.grids, sc.communities, sc.minimum[2], rng)),
    )


def city_outline(scale: str) -> Polygon:
    """The city's boundary in the planar frame (see ``simulator.tiling``)."""
    if get_scale(scale).name == "small":
        half_lat = _SMALL_HALF_KM / 110.57
        lon, lat = to_planar(shapely.Point(CENTRE)).coords[0]
        return shapely.box(lon - half_lat, lat - half_lat, lon + half_lat, lat + half_lat)
    outline = to_planar(Polygon(_OUTLINE))
    factor = math.sqrt(TIANJIN_KM2 / area_km2(outline))
    return affinity.scale(outline, factor, factor, origin="centroid")


def _density(outline: Polygon) -> Density:
    """Areas near the centre are smaller: density falls with the distance from it."""
    cx, cy = to_planar(shapely.Point(CENTRE)).coords[0]
    minx, miny, maxx, maxy = outline.bounds
    reach = max(maxx - minx, maxy - miny)

    def density(xy: np.ndarray) -> np.ndarray:
        return (_CORE / (_CORE + np.hypot(xy[:, 0] - cx, xy[:, 1] - cy) / reach)) ** 2

    return density


@dataclass
class _Node:
    code: str
    name: str
    name_en: str
    planar: Polygon
    urban: bool = True  # a street (not a town), a community (not a village)


def _tile_level(
    parents: list[_Node], counts: tuple[int, ...], seed: int, density: Density | None
) -> list[list[Polygon]]:
    seeds = [
        sample_points(p.planar, n, _rng(seed, int(p.code)), density=density)
        for p, n in zip(parents, counts, strict=True)
    ]
    return voronoi_children(np.array([p.planar for p in parents], dtype=object), seeds)


def _levels(scale: str, seed: int) -> Iterator[list[_Node]]:
    """Yield the nodes of each level in turn: city, districts, streets, communities, grids."""
    plan = plan_counts(scale, seed)
    outline = city_outline(scale)
    density = _density(outline) if get_scale(scale).dense_centre else None
    namer = Namer(seed)
    city = _Node(CITY_CODE, *CITY_NAME, outline)
    yield [city]
    level: list[_Node] = [city]
    cx, cy = to_planar(shapely.Point(CENTRE)).coords[0]
    reach = max(b - a for a, b in zip(outline.bounds[:2], outline.bounds[2:], strict=True)) / 2
    per_level = ((plan.districts,), plan.streets, plan.communities, plan.grids)
    for depth, counts in enumerate(per_level):
        cells = _tile_level(level, counts, seed, density if depth == 0 else None)
        children: list[_Node] = []
        for parent, polys in zip(level, cells, strict=True):
            taken: set[str] = set()
            for seq, poly in enumerate(polys, 1):
                code = child_code(parent.code, seq)
                if depth == 0:
                    name, name_en = namer.district(seq, taken)
                    children.append(_Node(code, name, name_en, poly))
                elif depth == 1:
                    far = math.hypot(poly.centroid.x - cx, poly.centroid.y - cy) / reach
                    town = namer.coin(min(max(far * 1.2 - 0.15, 0.0), 0.85))
                    name, name_en = namer.street(seq, town, taken)
                    children.append(_Node(code, name, name_en, poly, urban=not town))
                elif depth == 2:
                    village = namer.coin(0.1 if parent.urban else 0.85)
                    name, name_en = namer.community(seq, village, taken)
                    children.append(_Node(code, name, name_en, poly, urban=not village))
                else:
                    children.append(_Node(code, *grid_name(seq), poly))
        yield children
        level = children


def generate_city(scale: str, seed: int, progress: bool = False) -> list[Area]:
    """Every area of the synthetic city, parents before children (rows not in any session)."""
    sc = get_scale(scale)
    total = 1 + sc.districts + sc.streets + sc.communities + sc.grids
    bar = tqdm(total=total, desc="city", unit=" areas", disable=not progress)
    rows: list[Area] = []
    with bar:
        for nodes in _levels(sc.name, seed):
            geoms = to_wgs84(np.array([n.planar for n in nodes], dtype=object))
            for n, g in zip(nodes, geoms, strict=True):
                rows.append(area_from_geometry(n.code, n.name, g, n.name_en))
                bar.update()
    return rows


_COLUMNS = [c.key for c in Area.__table__.columns]


def seed_city(
    session: Session, scale: str, seed: int, progress: bool = False, chunk: int = 2_000
) -> CitySummary:
    """Generate the city and bulk-insert it; ``InvalidInput`` if any area exists already."""
    get_scale(scale)
    existing = session.scalar(select(func.count()).select_from(Area))
    if existing:
        raise InvalidInput(
            f"the database already has {existing} areas: seed only an empty database "
            "(use a new database file or URL)"
        )
    rows = generate_city(scale, seed, progress)
    with tqdm(total=len(rows), desc="insert", unit=" areas", disable=not progress) as bar:
        for start in range(0, len(rows), chunk):
            batch = rows[start : start + chunk]
            session.execute(insert(Area), [{k: getattr(a, k) for k in _COLUMNS} for a in batch])
            bar.update(len(batch))
    invalidate(session)
    levels = [a.level for a in rows]
    return CitySummary(*(levels.count(i) for i in range(1, 5)))
