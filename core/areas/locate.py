"""Locate points in the grid: point → grid and every ancestor, through a shapely STRtree."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from weakref import WeakKeyDictionary

import numpy as np
import shapely
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from core.areas.codes import Level, ancestor_at, level_of
from core.areas.models import Area
from core.errors import InvalidInput, NotFound


@dataclass(frozen=True, slots=True)
class Location:
    """Where a point (or a grid code) lies: the grid and each of its ancestors."""

    grid: str
    community: str
    street: str
    district: str
    city: str

    @classmethod
    def of_grid(cls, grid: str) -> Location:
        return cls(
            grid=grid,
            community=grid[:12],
            street=grid[:9],
            district=grid[:6],
            city=ancestor_at(grid, Level.CITY) or "",
        )


class Locator:
    """An immutable spatial index over the grid polygons of one database."""

    def __init__(self, codes: list[str], polygons: np.ndarray) -> None:
        self.codes = np.array(codes, dtype=object)
        self._code_set = set(codes)
        # Location of each grid, built on first use (locate() is on every request's path).
        self._locations: list[Location | None] = [None] * len(codes)
        self.tree = shapely.STRtree(polygons)
        self.bounds = shapely.total_bounds(polygons) if len(polygons) else None

    @classmethod
    def load(cls, session: Session) -> Locator:
        rows = session.execute(
            select(Area.code, Area.geometry)
            .where(Area.level == int(Level.GRID), Area.geometry.is_not(None))
            .order_by(Area.code)
        ).all()
        codes = [r[0] for r in rows]
        polygons = shapely.from_wkb([r[1] for r in rows]) if rows else np.array([])
        return cls(codes, polygons)

    def __len__(self) -> int:
        return len(self.codes)

    def locate(self, lon: float, lat: float) -> Location:
        """The grid containing the point; ``InvalidInput`` if it is outside the city."""
        _check_coords(lon, lat)
        # shapely.points((x, y)) is the cheapest way to a point geometry (faster than Point()).
        hits = self.tree.query(shapely.points((lon, lat)), predicate="intersects")
        if len(hits) == 1:
            i = int(hits[0])
        elif len(hits) == 0:
            raise InvalidInput(
                f"the point (lon {lon}, lat {lat}) is outside the city's grids",
                fields={"location": "pick a point inside the city"},
            )
        else:  # on a shared edge: the lowest index, like locate_many()
            i = int(hits.min())
        loc = self._locations[i]
        if loc is None:
            loc = self._locations[i] = Location.of_grid(self.codes[i])
        return loc

    def locate_many(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Grid codes for many points at once; ``None`` where a point is outside the city."""
        points = shapely.points(np.asarray(lons, float), np.asarray(lats, float))
        point_idx, tree_idx = self.tree.query(points, predicate="intersects")
        out = np.full(len(points), None, dtype=object)
        # Results come grouped by point, in input order. On a shared edge a point touches two
        # grids: keep the lowest index, like locate() (sorting only when that happens).
        if len(point_idx) > 1 and (point_idx[1:] == point_idx[:-1]).any():
            order = np.lexsort((tree_idx, point_idx))
            point_idx, tree_idx = point_idx[order], tree_idx[order]
            first = np.concatenate(([True], point_idx[1:] != point_idx[:-1]))
            point_idx, tree_idx = point_idx[first], tree_idx[first]
        out[point_idx] = self.codes[tree_idx]
        return out

    def grid(self, code: str) -> Location:
        """Validate a grid code and return its location."""
        if level_of(code) is not Level.GRID:
            raise InvalidInput(f"area code {code} is not a grid (grids have 15 digits)")
        if code not in self._code_set:
            raise NotFound(f"there is no grid {code} in this city")
        return Location.of_grid(code)


def _check_coords(lon: float, lat: float) -> None:
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidInput(
            f"coordinates (lon {lon}, lat {lat}) are not valid WGS84 degrees",
            fields={"location": "longitude -180..180, latitude -90..90"},
        )


_cache: WeakKeyDictionary[Engine, Locator] = WeakKeyDictionary()
_lock = threading.Lock()


def locator_for(session: Session) -> Locator:
    """The cached locator of the session's database (built on first use)."""
    engine = session.get_bind().engine
    with _lock:
        loc = _cache.get(engine)
    if loc is None:
        loc = Locator.load(session)
        with _lock:
            _cache[engine] = loc
    return loc


def invalidate(session: Session) -> None:
    """Forget the cached locator after areas change (import, reseed)."""
    with _lock:
        _cache.pop(session.get_bind().engine, None)
