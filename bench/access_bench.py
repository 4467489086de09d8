"""Benchmark: access of every park to stations, spatial index vs the naive all-pairs distance.

Runs `geo.query.nearest` and `within_distance` (STRtree) against a naive baseline that computes
every park-to-node distance, on (a) the bundled parks and nodes and (b) the bundled parks against a
synthetic network of 10,000 nodes scattered over Guangzhou-Foshan-Qingyuan. Prints the median
time of each and the ratio, measured in one run (the machine is shared: compare ratios).

    python -m bench.access_bench
"""

from __future__ import annotations

import statistics
import time

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from geo.crs import PLANAR
from geo.query import nearest, within_distance
from layers import registry
from layers.transport import placed


def naive(parks: gpd.GeoDataFrame, nodes: gpd.GeoDataFrame, radius_m: float) -> tuple[pd.Series, pd.Series]:
    """Every park against every node: the nearest distance and the count within radius_m."""
    p = parks.geometry.to_crs(PLANAR).values
    n = nodes.geometry.to_crs(PLANAR).values
    d = np.array([n.distance(geom) for geom in p])  # parks x nodes
    return pd.Series(d.min(axis=1), index=parks.index), pd.Series((d <= radius_m).sum(axis=1), index=parks.index)


def indexed(parks: gpd.GeoDataFrame, nodes: gpd.GeoDataFrame, radius_m: float) -> tuple[pd.Series, pd.Series]:
    return nearest(parks, nodes)["distance_m"], within_distance(parks, nodes, radius_m).map(len)


def synthetic_nodes(n: int, seed: int = 42) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    lon = rng.uniform(112.6, 113.9, n)
    lat = rng.uniform(22.5, 23.9, n)
    return gpd.GeoDataFrame({"id": [f"s{i}" for i in range(n)]}, geometry=[Point(x, y) for x, y in zip(lon, lat)], crs=4326)


def timed(func, *args, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = func(*args)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def run() -> dict:
    parks = registry.load("parks")
    try:  # only placed nodes have a distance (named-only links have no geometry)
        bundled = placed(registry.load("transport_nodes"))
    except Exception:  # the bench still measures the synthetic case without bundled transport
        bundled = None
    cases = [("bundled nodes", bundled), ("synthetic 10k nodes", synthetic_nodes(10_000))]
    results = {}
    print(f"access of {len(parks)} parks: nearest node + nodes within 800 m (median of 5)")
    print(f"{'case':<22}{'nodes':>8}{'STRtree ms':>12}{'naive ms':>10}{'naive/STRtree':>15}")
    for name, nodes in cases:
        if nodes is None or nodes.empty:
            print(f"{name:<22}{'-':>8}  (no data)")
            continue
        t_idx, (near_i, cnt_i) = timed(indexed, parks, nodes, 800.0)
        t_naive, (near_n, cnt_n) = timed(naive, parks, nodes, 800.0)
        assert np.allclose(near_i.to_numpy(), near_n.to_numpy(), atol=1e-6) and (cnt_i == cnt_n).all()
        results[name] = {"nodes": len(nodes), "strtree_ms": t_idx * 1e3, "naive_ms": t_naive * 1e3, "ratio": t_naive / t_idx}
        print(f"{name:<22}{len(nodes):>8}{t_idx * 1e3:>12.1f}{t_naive * 1e3:>10.1f}{t_naive / t_idx:>14.1f}x")
    return results


if __name__ == "__main__":
    run()
