"""Benchmark: ``core.areas.locate.Locator`` against a bare shapely STRtree over the same grids.

Builds the tianjin-scale city in memory, then times point-in-grid lookups one at a time and in
bulk over the same random points inside the city. Goal: our Locator reaches ≥ 0.80 of bare.

    .venv/bin/python bench/bench_locate.py [--seed 1] [--points 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import shapely

from core.areas.codes import Level
from core.areas.locate import Locator
from simulator.city import generate_city

GOAL = 0.80


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def random_points(city: shapely.Geometry, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = city.bounds
    shapely.prepare(city)
    xs, ys = [], []
    while sum(map(len, xs)) < n:
        x, y = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
        inside = shapely.contains_xy(city, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--points", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    t = time.perf_counter()
    rows = generate_city("tianjin", args.seed)
    built = time.perf_counter() - t
    grids = [r for r in rows if r.level == int(Level.GRID)]
    polys = shapely.from_wkb([r.geometry for r in grids])
    city = shapely.from_wkb(rows[0].geometry)
    lons, lats = random_points(city, args.points, args.seed + 1)
    locator = Locator([r.code for r in grids], polys)
    tree = shapely.STRtree(polys)
    pairs = list(zip(lons.tolist(), lats.tolist(), strict=True))

    def ours_one() -> None:
        for lon, lat in pairs:
            locator.locate(lon, lat)

    def bare_one() -> None:
        for lon, lat in pairs:
            tree.query(shapely.Point(lon, lat), predicate="intersects")

    def ours_bulk() -> None:
        locator.locate_many(lons, lats)

    def bare_bulk() -> None:
        tree.query(shapely.points(lons, lats), predicate="intersects")

    # Same answers first: every point is in exactly the grid the bare tree finds first.
    found = locator.locate_many(lons, lats)
    assert all(found[i] == locator.locate(lon, lat).grid for i, (lon, lat) in enumerate(pairs))
    assert (found != None).all()  # noqa: E711 - numpy elementwise

    n = len(pairs)
    print(f"tianjin city, seed {args.seed}: {len(grids):,} grids, built in {built:.1f} s; "
          f"{n:,} random points inside the city; best of {args.repeat}")
    print(f"{'lookup':<22}{'Locator pts/s':>16}{'bare STRtree pts/s':>20}{'ratio':>8}  goal")
    for label, ours, bare in (
        ("one at a time", ours_one, bare_one),
        ("bulk (locate_many)", ours_bulk, bare_bulk),
    ):
        bare_s = best_of(args.repeat, bare)
        ours_s = best_of(args.repeat, ours)
        ratio = bare_s / ours_s
        verdict = "ok" if ratio >= GOAL else "MISSED"
        print(f"{label:<22}{n / ours_s:>16,.0f}{n / bare_s:>20,.0f}{ratio:>8.2f}  "
              f"≥ {GOAL:.2f} {verdict}")


if __name__ == "__main__":
    main()
