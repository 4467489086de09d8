"""Spatial-index queries over GeoDataFrames in EPSG:4326.

Every function uses the frame's spatial index (`GeoDataFrame.sindex`, an STRtree) to find
candidates and exact geometry tests to decide, so a query costs O(log n + k), not O(n).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geo.crs import PLANAR, project, require_wgs84, transformer
from geo.measure import geodesic_area_m2


def features_at(gdf: gpd.GeoDataFrame, lon: float, lat: float, tolerance_m: float = 25.0) -> pd.Index:
    """Index labels of the features at a clicked location, the most specific first.

    gdf: features in EPSG:4326. lon, lat: the location in degrees (WGS84).
    tolerance_m: how far (metres, planar EPSG:4547) a point or line may be from the location
    and still count as "at" it; polygons count when they contain the location.
    Returns labels ordered by geodesic area ascending (a phase before the park that contains it,
    a point before any polygon), or an empty Index.

    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"id": ["park", "phase"]},
    ...     geometry=[box(113.0, 23.0, 113.1, 23.1), box(113.0, 23.0, 113.01, 23.01)], crs=4326)
    >>> list(g.loc[features_at(g, 113.005, 23.005), "id"])
    ['phase', 'park']
    """
    require_wgs84(gdf)
    if gdf.empty:
        return gdf.index[:0]
    # Degrees per metre are larger in longitude at 23° N; 1e-5° lat ≈ 1.1 m, so this box is generous.
    pad = tolerance_m / 90_000.0
    probe = Point(lon, lat).buffer(pad)
    candidates = gdf.iloc[gdf.sindex.query(probe, predicate="intersects")]
    if candidates.empty:
        return gdf.index[:0]
    x, y = transformer(4326, PLANAR.to_epsg()).transform(lon, lat)
    planar = project(candidates.geometry, PLANAR)
    here = Point(x, y)
    polygonal = planar.geom_type.isin(["Polygon", "MultiPolygon"])
    hit = (polygonal & planar.contains(here)) | (~polygonal & (planar.distance(here) <= tolerance_m))
    chosen = candidates[hit.to_numpy()]
    order = geodesic_area_m2(chosen.geometry).sort_values(kind="stable").index
    return order


def nearest(sources: gpd.GeoDataFrame, targets: gpd.GeoDataFrame) -> pd.DataFrame:
    """The nearest target of each source feature, and how far it is.

    sources, targets: EPSG:4326. Distances are planar in EPSG:4547 metres, from the source's
    boundary (0 for a target inside a source polygon) to the target geometry.
    Returns a DataFrame on the sources' index with `target` (the target's index label, or None when
    there are no targets) and `distance_m` (NaN when none). Ties go to the first target in order.

    >>> from shapely.geometry import Point, box
    >>> parks = gpd.GeoDataFrame(geometry=[box(113.0, 23.0, 113.01, 23.01)], index=["p"], crs=4326)
    >>> stations = gpd.GeoDataFrame(geometry=[Point(113.02, 23.005), Point(113.5, 23.5)], index=["a", "b"], crs=4326)
    >>> row = nearest(parks, stations).loc["p"]
    >>> row["target"], round(float(row["distance_m"]))
    ('a', 1025)
    """
    require_wgs84(sources, "sources")
    require_wgs84(targets, "targets")
    out = pd.DataFrame({"target": pd.Series([None] * len(sources), index=sources.index, dtype=object),
                        "distance_m": pd.Series(float("nan"), index=sources.index)})
    if sources.empty or targets.empty:
        return out
    src = project(sources.geometry, PLANAR)
    tgt = project(targets.geometry, PLANAR)
    tree = tgt.sindex
    src_pos, tgt_pos = tree.nearest(src.values, return_all=False)
    positions = pd.Series(tgt_pos, index=src_pos)
    labels = targets.index.to_numpy()[positions.to_numpy()]
    dists = src.values[positions.index.to_numpy()].distance(tgt.values[positions.to_numpy()])
    out.iloc[positions.index.to_numpy(), 0] = labels
    out.iloc[positions.index.to_numpy(), 1] = dists
    return out


def within_distance(sources: gpd.GeoDataFrame, targets: gpd.GeoDataFrame, distance_m: float) -> pd.Series:
    """For each source feature, the labels of the targets within `distance_m` metres of it.

    sources, targets: EPSG:4326; distance planar in EPSG:4547 metres, boundary to geometry (a
    target inside a source polygon is at 0). Returns a Series of lists on the sources' index, each
    ordered by distance, nearest first.

    >>> from shapely.geometry import Point, box
    >>> parks = gpd.GeoDataFrame(geometry=[box(113.0, 23.0, 113.01, 23.01)], index=["p"], crs=4326)
    >>> stations = gpd.GeoDataFrame(geometry=[Point(113.02, 23.005), Point(113.005, 23.005)], index=["a", "in"], crs=4326)
    >>> within_distance(parks, stations, 800).loc["p"], within_distance(parks, stations, 2000).loc["p"]
    (['in'], ['in', 'a'])
    """
    require_wgs84(sources, "sources")
    require_wgs84(targets, "targets")
    result = pd.Series([[] for _ in range(len(sources))], index=sources.index, dtype=object)
    if sources.empty or targets.empty:
        return result
    src = project(sources.geometry, PLANAR)
    tgt = project(targets.geometry, PLANAR)
    src_pos, tgt_pos = tgt.sindex.query(src.values, predicate="dwithin", distance=distance_m)
    if len(src_pos) == 0:
        return result
    dists = src.values[src_pos].distance(tgt.values[tgt_pos])
    pairs = pd.DataFrame({"s": src_pos, "t": tgt_pos, "d": dists}).sort_values(["s", "d", "t"], kind="stable")
    labels = targets.index.to_numpy()
    for s, group in pairs.groupby("s", sort=False):
        result.iloc[s] = [labels[t] for t in group["t"]]
    return result
