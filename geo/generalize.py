"""Geometry generalisation for display: simplify in metres, round coordinates.

Display only: areas and analyses always use the full geometry.
"""

from __future__ import annotations

import math

import geopandas as gpd
import shapely

from geo.crs import PLANAR, WGS84, project, require_wgs84


def simplify_for_display(geometries: gpd.GeoSeries, tolerance_m: float = 5.0, decimals: int = 6) -> gpd.GeoSeries:
    """Simplify (topology-preserving, in EPSG:4547 metres) and round to `decimals` degrees.

    geometries: EPSG:4326. tolerance_m: the largest shift of a vertex, metres. 6 decimals of a
    degree is about 0.1 m. Returns a new GeoSeries in EPSG:4326 on the same index; points pass
    through rounded.
    """
    require_wgs84(geometries)
    simplified = project(project(geometries, PLANAR).simplify(tolerance_m, preserve_topology=True), WGS84)
    return gpd.GeoSeries(shapely.set_precision(simplified.array, 10.0 ** -decimals), index=geometries.index, crs=WGS84)


def zoom_for_bounds(bounds: tuple[float, float, float, float], width_px: int = 900, height_px: int = 600,
                    max_zoom: int = 16) -> int:
    """The largest web-map zoom level at which lon/lat `bounds` (minx, miny, maxx, maxy) fit in
    a viewport of width_px x height_px (256-px Web Mercator tiles).

    >>> zoom_for_bounds((113.0, 23.0, 113.02, 23.02))
    15
    """
    minx, miny, maxx, maxy = bounds

    def merc_y(lat: float) -> float:
        s = math.sin(math.radians(max(min(lat, 85.0), -85.0)))
        return math.log((1 + s) / (1 - s)) / (4 * math.pi)  # in units of the world's width

    span_x = max(maxx - minx, 1e-6) / 360.0
    span_y = max(abs(merc_y(maxy) - merc_y(miny)), 1e-9)
    zx = math.log2(width_px / 256.0 / span_x)
    zy = math.log2(height_px / 256.0 / span_y)
    return int(max(1, min(max_zoom, math.floor(min(zx, zy)))))
