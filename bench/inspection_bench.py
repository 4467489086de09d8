"""Benchmark: 500 outlined parks against a constraint layer of 1,000,000 polygons (goal ≤ 10 s).

A district's 永久基本农田 has about 10⁶ patches. The SYNTHETIC layer here is a 1000 × 1000 grid of
jittered quadrilateral patches with gaps between them (no real data), tiling lon/lat
113.0–113.8 E, 22.8–23.6 N (~80 × 90 km) in EPSG:4326, as a constraint layer is stored. The parks
are 500 SYNTHETIC 32-gon discs of 0.3–1.5 km² (a tenth of them two-part) scattered over the same box.
Timed: `prepare_constraint` (CRS and validity checks of every polygon, STRtree) and `check_parks`
for the `avoid` and the `within` rule; the layer is built before the clock starts.

Then the same `avoid` check on the Dask cluster from partitioned GeoParquet, the land-use machinery
(`geo.partitioned`): the layer written once as Hilbert-ordered GeoParquet partitions (EPSG:4547, as
a big layer's job writes land use; timed apart, it is done once per layer version), and on a
2-worker dask.distributed `LocalCluster` each partition read by a worker (only the row groups near
parks), its patches prepared (`prepare_constraint`, the whole layer's extent) and checked against
the parks whose bounds meet the partition's; the parts in conflict are unioned per park and
measured (geodesic) in this process. Both are printed, with how far their areas differ.

    python -m bench.inspection_bench [--patches 1000000] [--parks 500] [--workers 2] [--no-dask]
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.constraints import check_parks, prepare_constraint, verdict
from geo.crs import PLANAR, WGS84, project
from geo.measure import geodesic_area_one_m2
from geo.partitioned import PartitionIndex, write_partitioned

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
            "within_verdicts": within["verdict"].value_counts().to_dict(), "avoid": avoid}


def _partition_conflicts(path: str, parks_wkb: list[bytes], park_pos: list[int], extent_wkb: bytes) -> list:
    """On a worker: one partition's patches near the parks (EPSG:4547 row-group bbox filter), back to
    lon/lat, prepared and checked (`avoid`) against those parks. [(park position, conflict WKB or
    None, candidates)]."""
    import pyarrow.compute as pc

    parks = gpd.GeoSeries(shapely.from_wkb(parks_wkb), index=park_pos, crs=4326)
    near = None
    for minx, miny, maxx, maxy in project(parks, PLANAR).bounds.to_numpy():
        box = ((pc.field("bbox", "xmin") <= maxx) & (pc.field("bbox", "xmax") >= minx)
               & (pc.field("bbox", "ymin") <= maxy) & (pc.field("bbox", "ymax") >= miny))
        near = box if near is None else near | box
    patches = gpd.read_parquet(path, columns=["geometry"], filters=near)
    if patches.empty:
        return []
    prepared = prepare_constraint(project(patches.geometry, WGS84), name="partition",
                                  extent=shapely.from_wkb(extent_wkb))
    result = check_parks(parks, prepared, "avoid")
    met = result[result["candidates"] > 0]
    return [(int(i), None if g is None else shapely.to_wkb(g), int(c))
            for i, g, c in zip(met.index, met.geometry, met["candidates"])]


def run_distributed(layer: gpd.GeoSeries, parks: gpd.GeoDataFrame, workers: int, tolerance_m2: float = 100) -> dict:
    """The `avoid` check of `parks` on a `workers`-worker LocalCluster from the layer written as
    partitioned GeoParquet; returns the timings and a frame like check_parks' (area_m2, verdict)."""
    from distributed import Client, LocalCluster, as_completed

    with tempfile.TemporaryDirectory(prefix="inspection-parts-") as tmp:
        folder = Path(tmp) / "patches"
        t0 = time.perf_counter()
        index = write_partitioned(gpd.GeoDataFrame({"kind": ["permanent_farmland"] * len(layer)}, geometry=layer, crs=4326),
                                  folder, "kind", rows_per_partition=100_000)
        t1 = time.perf_counter()
        extent = shapely.box(*layer.total_bounds)
        planar_bounds = project(parks.geometry, PLANAR).bounds.to_numpy()
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.CRITICAL) as cluster, \
                Client(cluster) as client:
            t2 = time.perf_counter()
            index = PartitionIndex.read(folder)
            wkb = shapely.to_wkb(np.asarray(parks.geometry.array))
            futures = []
            for part in index.partitions:
                near = np.flatnonzero((planar_bounds[:, 0] <= part.maxx) & (planar_bounds[:, 2] >= part.minx)
                                      & (planar_bounds[:, 1] <= part.maxy) & (planar_bounds[:, 3] >= part.miny))
                if len(near):
                    futures.append(client.submit(_partition_conflicts, str(index.path(part)), list(wkb[near]),
                                                 near.tolist(), shapely.to_wkb(extent), pure=False))
            pieces: dict[int, list] = {}
            candidates = np.zeros(len(parks), dtype=np.int64)
            for future in as_completed(futures):
                for i, g, c in future.result():
                    candidates[i] += c
                    if g is not None:
                        pieces.setdefault(i, []).append(shapely.from_wkb(g))
                future.release()
            area = np.zeros(len(parks))
            for i, parts in pieces.items():
                area[i] = geodesic_area_one_m2(parts[0] if len(parts) == 1 else shapely.union_all(parts))
            covered = shapely.covers(extent, np.asarray(parks.geometry.array))
            verdicts = [verdict(a, tolerance_m2, covered=bool(c)) for a, c in zip(area, covered)]
            t3 = time.perf_counter()
        frame = pd.DataFrame({"area_m2": area, "candidates": candidates, "verdict": verdicts}, index=parks.index)
    return {"write_s": t1 - t0, "cluster_s": t2 - t1, "avoid_s": t3 - t2, "partitions": len(index.partitions),
            "tasks": len(futures), "result": frame}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patches", type=int, default=1_000_000)
    parser.add_argument("--parks", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-dask", action="store_true", help="only the single-process check")
    args = parser.parse_args()
    one = run(args.patches, args.parks)
    if args.no_dask:
        return
    dist = run_distributed(synthetic_patches(args.patches), synthetic_parks(args.parks), args.workers)
    ours, theirs = dist["result"], one["avoid"]
    diff = float(np.nanmax(np.abs(ours["area_m2"].to_numpy() - theirs["area_m2"].to_numpy())))
    same = int((ours["verdict"] == theirs["verdict"]).sum())
    print(f"\non the Dask cluster ({args.workers}-worker LocalCluster, processes, 1 thread each, {os.cpu_count()} cores) "
          "from partitioned GeoParquet:")
    print(f"write partitions (once per layer version): {dist['write_s']:6.2f} s   ({dist['partitions']} partitions "
          "of ~100,000 patches, EPSG:4547)")
    print(f"start the LocalCluster:                    {dist['cluster_s']:6.2f} s")
    print(f"check avoid (read + prepare + check):      {dist['avoid_s']:6.2f} s   ({dist['tasks']} partition tasks; "
          f"candidates {int(ours['candidates'].sum()):,})")
    print(f"single process, prepare + avoid:           {one['total_s']:6.2f} s   "
          f"(distributed / single = {dist['avoid_s'] / one['total_s']:.2f}x)")
    print(f"agreement: verdicts {same}/{len(ours)} equal, largest area difference {diff:.3g} m²")


if __name__ == "__main__":
    main()
