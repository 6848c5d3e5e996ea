"""Voronoi tiling: children are single polygons that cover their parent exactly."""

from __future__ import annotations

import numpy as np
import shapely

from simulator.tiling import fix_cells, sample_points, to_planar, to_wgs84, voronoi_children

# A "U": its arms are split by a notch that a convex Voronoi cell can straddle.
U = shapely.difference(shapely.box(0, 0, 3, 3), shapely.box(1, 1, 2, 3.5))


def _assert_tiles(parent: shapely.Geometry, cells: list) -> None:
    assert all(c.geom_type == "Polygon" and c.is_valid and c.area > 0 for c in cells)
    assert shapely.symmetric_difference(shapely.union_all(cells), parent).area < 1e-9
    assert abs(sum(c.area for c in cells) - parent.area) < 1e-9


def test_a_cell_split_by_the_parent_gives_its_far_part_to_a_neighbour() -> None:
    seeds = np.array([[0.9, 2.9], [0.2, 0.2], [2.8, 0.2]])
    vor = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=U,
                                                     ordered=True))
    raw = list(shapely.intersection(vor, U))
    assert raw[0].geom_type == "MultiPolygon"  # the case being tested
    _assert_tiles(U, fix_cells(raw))
    (cells,) = voronoi_children(np.array([U], dtype=object), [seeds])
    _assert_tiles(U, cells)


def test_one_seed_means_the_parent_itself() -> None:
    (cells,) = voronoi_children(np.array([U], dtype=object), [np.array([[0.5, 0.5]])])
    assert cells == [U]


def test_sample_points_are_inside_and_reproducible() -> None:
    pts = sample_points(U, 30, np.random.default_rng(5))
    assert pts.shape == (30, 2)
    assert shapely.contains_xy(U, pts[:, 0], pts[:, 1]).all()
    assert (sample_points(U, 30, np.random.default_rng(5)) == pts).all()
    dense = sample_points(U, 30, np.random.default_rng(5), density=lambda xy: 1 / (1 + xy[:, 0]))
    assert shapely.contains_xy(U, dense[:, 0], dense[:, 1]).all()


def test_planar_frame_round_trip() -> None:
    p = shapely.Point(117.2, 39.12)
    assert to_wgs84(to_planar(p)).equals_exact(p, 1e-12)
