"""Benchmark: land-use composition of every park, ours (geo.overlay) vs geopandas.overlay + groupby.

ILLUSTRATIVE parcels (layers.landuse.illustrative_parcels) tile the parks' bounding box at 10k,
100k and 1M parcels; every park polygon is a zone. The bundled parks are approximate-location
points (no outline has been drawn yet), so a point park stands in as a BENCHMARK-ONLY disc of its
stated area (1 km² when none is stated) around its point: the zones have realistic sizes and
places, and nothing of them is shown or stored anywhere. Times are medians; the ratio is taken within
one run. Inputs are EPSG:4547 here (the overlay itself); the 4326 -> 4547 projection a page pays
is timed separately at 1M.

    python -m bench.landuse_bench [--sizes 10000 100000 1000000] [--baseline-max 100000] [--dask-sizes 1000000 5000000]

The dask-geopandas partitioned version (2 partitions, processes and threads) runs at --dask-sizes.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import geopandas as gpd

from geo.crs import PLANAR
from geo.overlay import composition, composition_partitioned
from layers import registry
from layers.landuse import illustrative_parcels


def baseline(zones: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame):
    z = zones[["geometry"]].reset_index().rename(columns={"index": "zone"})
    pieces = gpd.overlay(parcels[["code", "geometry"]], z, how="intersection", keep_geom_type=True)
    return pieces.assign(area=pieces.area).groupby(["zone", "code"])["area"].sum()


def benchmark_zones(parks: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Zones in EPSG:4547: park polygons as they are; point parks as discs of their stated area."""
    planar = parks[["stated_area_km2", "geometry"]].to_crs(PLANAR)
    points = planar.geom_type == "Point"
    area_m2 = planar["stated_area_km2"].fillna(1.0).clip(lower=0.05) * 1e6
    radius = (area_m2 / math.pi) ** 0.5
    geoms = planar.geometry.where(~points, planar.geometry.buffer(radius, quad_segs=16))
    return gpd.GeoDataFrame(geometry=geoms, crs=PLANAR)


def timed(func, *args, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func(*args)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(sizes: list[int], baseline_max: int, dask_sizes: list[int]) -> dict:
    parks = registry.load("parks")
    zones = benchmark_zones(parks)
    bounds = tuple(parks.total_bounds)
    print(f"composition of {len(zones)} zones ({int((parks.geom_type == 'Point').sum())} benchmark discs around point parks); parcels tile lon/lat {[round(float(b), 2) for b in bounds]}")
    print(f"{'parcels':>10}{'ours s':>10}{'overlay s':>11}{'overlay/ours':>14}")
    results = {}
    for n in sizes:
        parcels = illustrative_parcels(bounds, n, seed=1, crs="planar")
        repeat = 3 if n <= 100_000 else 1
        ours = timed(composition, zones, parcels, "code", repeat=repeat)
        row = {"parcels": len(parcels), "ours_s": ours}
        if n <= baseline_max:
            base = timed(baseline, zones, parcels, repeat=repeat)
            row.update(overlay_s=base, ratio=base / ours)
            print(f"{len(parcels):>10}{ours:>10.2f}{base:>11.2f}{base / ours:>13.1f}x")
        else:
            print(f"{len(parcels):>10}{ours:>10.2f}{'-':>11}{'-':>14}")
        results[n] = row
    if dask_sizes:
        print(f"\n{'parcels':>10}{'1 process s':>13}{'dask 2 proc s':>15}{'dask 2 thr s':>14}{'1 proc/dask':>13}")
    for n in dask_sizes:
        parcels = illustrative_parcels(bounds, n, seed=1, crs="planar")
        one = timed(composition, zones, parcels, "code", repeat=1)
        procs = timed(composition_partitioned, zones, parcels, "code", 2, "processes", repeat=1)
        threads = timed(composition_partitioned, zones, parcels, "code", 2, "threads", repeat=1)
        results[f"dask-{n}"] = {"parcels": len(parcels), "single_s": one, "dask_processes_s": procs, "dask_threads_s": threads}
        print(f"{len(parcels):>10}{one:>13.2f}{procs:>15.2f}{threads:>14.2f}{one / min(procs, threads):>12.2f}x")
    big = max(sizes)
    wgs = illustrative_parcels(bounds, big, seed=1, crs="wgs84")
    t0 = time.perf_counter()
    wgs.to_crs(PLANAR)
    print(f"projecting {len(wgs)} parcels 4326 -> 4547: {time.perf_counter() - t0:.2f} s")
    return results


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--baseline-max", type=int, default=100_000)
    ap.add_argument("--dask-sizes", type=int, nargs="*", default=[1_000_000, 5_000_000])
    a = ap.parse_args()
    run(a.sizes, a.baseline_max, a.dask_sizes)
