"""Spatial-index queries over GeoDataFrames in EPSG:4326.

Every function uses the frame's spatial index (`GeoDataFrame.sindex`, an STRtree) to find
candidates and exact geometry tests to decide, so a query costs O(log n + k), not O(n).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geo.crs import PLANAR, require_wgs84, transformer
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
    planar = candidates.geometry.to_crs(PLANAR)
    here = Point(x, y)
    polygonal = planar.geom_type.isin(["Polygon", "MultiPolygon"])
    hit = (polygonal & planar.contains(here)) | (~polygonal & (planar.distance(here) <= tolerance_m))
    chosen = candidates[hit.to_numpy()]
    order = geodesic_area_m2(chosen.geometry).sort_values(kind="stable").index
    return order
