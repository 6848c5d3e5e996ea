"""Tile polygons into children: Voronoi cells of well-spaced seeded points, clipped to the parent.

All work happens in a planar frame (longitude scaled by cos(latitude), so cells are not
stretched north–south) and is converted back to WGS84 at the end. Every child is a valid,
non-empty ``Polygon``; the children of a parent cover it without gaps or overlaps.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import shapely
from shapely.geometry import Polygon

LAT0 = 39.1  # Tianjin: the latitude of the planar frame
_K = math.cos(math.radians(LAT0))
KM_PER_DEG_LAT = 110.57

# Relative density at candidate points, in (0, 1]; None for uniform density.
Density = Callable[[np.ndarray], np.ndarray]


def to_planar(geom: shapely.Geometry | np.ndarray) -> shapely.Geometry | np.ndarray:
    return shapely.transform(geom, lambda c: c * (_K, 1.0))


def to_wgs84(geom: shapely.Geometry | np.ndarray) -> shapely.Geometry | np.ndarray:
    return shapely.transform(geom, lambda c: c / (_K, 1.0))


def area_km2(planar: shapely.Geometry) -> float:
    """Area of a planar-frame geometry in square kilometres."""
    return float(shapely.area(planar)) * KM_PER_DEG_LAT**2


def sample_points(
    poly: Polygon, n: int, rng: np.random.Generator, k: int = 8, density: Density | None = None
) -> np.ndarray:
    """``n`` well-spaced points strictly inside ``poly`` (Mitchell's best candidate).

    Candidates are drawn with probability ``density`` at their place; each new point is the
    best of ``k`` candidates: the farthest from the points already chosen, the distance
    scaled by the local spacing (``density ** -0.5``).
    """
    shapely.prepare(poly)
    minx, miny, maxx, maxy = poly.bounds
    fill = max(shapely.area(poly) / max((maxx - minx) * (maxy - miny), 1e-300), 0.05)
    need = n * k
    found: list[np.ndarray] = []
    total = 0
    while total < need:
        m = int((need - total) / fill * 1.3) + 16
        xy = rng.uniform((minx, miny), (maxx, maxy), size=(m, 2))
        keep = shapely.contains_xy(poly, xy[:, 0], xy[:, 1])
        if density is not None:
            keep &= rng.random(m) < density(xy)
        xy = xy[keep]
        found.append(xy)
        total += len(xy)
    cands = np.concatenate(found)[:need].reshape(n, k, 2)
    weight = None if density is None else np.sqrt(density(cands.reshape(-1, 2)).reshape(n, k))
    chosen = np.empty((n, 2))
    chosen[0] = cands[0, 0]
    for i in range(1, n):
        d = np.sqrt(((cands[i][:, None, :] - chosen[None, :i, :]) ** 2).sum(-1)).min(1)
        if weight is not None:
            d = d * weight[i]
        chosen[i] = cands[i, int(np.argmax(d))]
    return chosen


def voronoi_children(parents: np.ndarray, seeds: Sequence[np.ndarray]) -> list[list[Polygon]]:
    """The children of each parent: Voronoi cells of its seed points clipped to it.

    Vectorised over parents; a parent with one seed is its own single child.
    """
    counts = np.array([len(s) for s in seeds])
    out: list[list[Polygon]] = [[] for _ in parents]
    multi = np.flatnonzero(counts > 1)
    if len(multi):
        flat = shapely.points(np.concatenate([seeds[i] for i in multi]))
        mps = shapely.multipoints(flat, indices=np.repeat(np.arange(len(multi)), counts[multi]))
        vor = shapely.voronoi_polygons(mps, extend_to=parents[multi], ordered=True)
        cells, owner = shapely.get_parts(vor, return_index=True)
        owner = multi[owner]
        clipped = shapely.intersection(cells, parents[owner])
        start = 0
        for i in multi:
            out[i] = list(clipped[start : start + counts[i]])
            start += counts[i]
    for i in np.flatnonzero(counts == 1):
        out[i] = [parents[i]]
    for i in multi:
        if not all(_is_polygon(c) for c in out[i]):
            out[i] = fix_cells(out[i])
    return out


def _is_polygon(g: shapely.Geometry) -> bool:
    return g.geom_type == "Polygon" and not g.is_empty and g.is_valid


def fix_cells(cells: list[shapely.Geometry]) -> list[Polygon]:
    """Make every cell one polygon: keep each cell's largest part, give the other parts to the
    neighbour sharing the longest border with them."""
    cells = list(cells)
    fragments: list[Polygon] = []
    for j, cell in enumerate(cells):
        if _is_polygon(cell):
            continue
        parts = sorted(
            (p for p in shapely.get_parts(shapely.make_valid(cell)) if p.geom_type == "Polygon"),
            key=lambda p: p.area,
            reverse=True,
        )
        parts = [p for p in parts if p.area > 0]
        cells[j] = parts[0]
        fragments.extend(parts[1:])
    for _ in range(10 * (len(fragments) + 1)):
        if not fragments:
            break
        frag = fragments.pop()
        shared = shapely.length(shapely.intersection(frag.boundary, np.array(cells, object)))
        j = int(np.argmax(shared))
        if shared[j] <= 0:  # touches its neighbours only at corners for now: try it later
            fragments.insert(0, frag)
            continue
        merged = shapely.union(cells[j], frag)
        if _is_polygon(merged):
            cells[j] = merged
            continue
        parts = sorted(shapely.get_parts(merged), key=lambda p: p.area, reverse=True)
        cells[j] = parts[0]
        fragments.extend(p for p in parts[1:] if p.geom_type == "Polygon" and p.area > 0)
    if fragments or not all(_is_polygon(c) for c in cells):
        raise RuntimeError("could not make every cell a single valid polygon")
    return cells
