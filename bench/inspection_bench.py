"""Benchmark: 500 outlined parks against a constraint layer of 1,000,000 polygons (goal ≤ 10 s).

A district's 永久基本农田 has about 10⁶ patches. The SYNTHETIC layer here is a 1000 × 1000 grid of
jittered quadrilateral patches with gaps between them (no real data), tiling lon/lat
113.0–113.8 E, 22.8–23.6 N (~80 × 90 km) in EPSG:4326, as a constraint layer is stored. The parks
are 500 SYNTHETIC 32-gon discs of 0.3–1.5 km² (a tenth of them two-part) scattered over the same box.
Timed: `prepare_constraint` (CRS and validity checks of every polygon, STRtree) and `check_parks`
for the `avoid` and the `within` rule; the layer is built before the clock starts.

    python -m bench.inspection_bench [--patches 1000000] [--parks 500]
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd
import numpy as np
import shapely

from geo.constraints import check_parks, prepare_constraint

BOUNDS = (113.0, 22.8, 113.8, 23.6)


def synthetic_patches(n: int, seed: int = 0) -> gpd.GeoSeries:
    """About `n` jittered quadrilateral patches with gaps, tiling BOUNDS (EPSG:4326). NOT real data."""
    rng = np.random.default_rng(seed)
    side = int(round(np.sqrt(n)))
    x0, y0, x1, y1 = BOUNDS
    dx, dy = (x1 - x0) / side, (y1 - y0) / side
    gx, gy = np.meshgrid(np.arange(side), np.arange(side))
    cx = x0 + (gx.ravel() + 0.5) * dx
    cy = y0 + (gy.ravel() + 0.5) * dy
    m = len(cx)
    # four corners, each pulled in by 5-25 % of a cell: irregular patches, gaps between them
    jitter = rng.uniform(0.05, 0.25, size=(m, 4, 2))
    signs = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=float)
    half = np.array([dx / 2, dy / 2])
    corners = np.stack([cx, cy], axis=1)[:, None, :] + signs[None] * half * (1 - jitter)
    ring = np.concatenate([corners, corners[:, :1]], axis=1)
    return gpd.GeoSeries(shapely.polygons(ring), crs=4326)


def synthetic_parks(n: int, seed: int = 1) -> gpd.GeoDataFrame:
    """`n` SYNTHETIC park outlines (EPSG:4326): discs of 0.3-1.5 km², every tenth with a second part."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = BOUNDS
    cx, cy = rng.uniform(x0 + 0.02, x1 - 0.02, n), rng.uniform(y0 + 0.02, y1 - 0.02, n)
    area_km2 = rng.uniform(0.3, 1.5, n)
    r_deg = np.sqrt(area_km2 / np.pi) / 105.0  # ~km per degree here
    discs = shapely.buffer(shapely.points(cx, cy), r_deg, quad_segs=8)
    extra = shapely.buffer(shapely.points(cx + 3 * r_deg, cy), r_deg / 2, quad_segs=8)
    geoms = np.where(np.arange(n) % 10 == 0, shapely.multipolygons(np.stack([discs, extra], axis=1)), discs)
    return gpd.GeoDataFrame(geometry=list(geoms), index=[f"park-{i}" for i in range(n)], crs=4326)


def run(patches: int, n_parks: int) -> dict:
    layer = synthetic_patches(patches)
    parks = synthetic_parks(n_parks)
    print(f"{len(parks)} synthetic parks against {len(layer):,} synthetic constraint patches (EPSG:4326)")
    t0 = time.perf_counter()
    prepared = prepare_constraint(layer, name="synthetic 永久基本农田")
    t1 = time.perf_counter()
    avoid = check_parks(parks, prepared, "avoid", tolerance_m2=100)
    t2 = time.perf_counter()
    within = check_parks(parks, prepared, "within", tolerance_m2=100)
    t3 = time.perf_counter()
    pairs = int(avoid["candidates"].sum())
    print(f"prepare (validate + STRtree): {t1 - t0:6.2f} s")
    print(f"check avoid:                  {t2 - t1:6.2f} s   ({pairs:,} park-patch pairs; "
          f"verdicts {avoid['verdict'].value_counts().to_dict()})")
    print(f"check within:                 {t3 - t2:6.2f} s")
    print(f"prepare + avoid:              {t2 - t0:6.2f} s   (goal <= 10 s)")
    return {"prepare_s": t1 - t0, "avoid_s": t2 - t1, "within_s": t3 - t2, "pairs": pairs,
            "total_s": t2 - t0, "verdicts": avoid["verdict"].value_counts().to_dict(),
            "within_verdicts": within["verdict"].value_counts().to_dict()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patches", type=int, default=1_000_000)
    parser.add_argument("--parks", type=int, default=500)
    args = parser.parse_args()
    run(args.patches, args.parks)


if __name__ == "__main__":
    main()
