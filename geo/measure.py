"""Geodesic areas and lengths on the WGS84 ellipsoid, planar areas in EPSG:4547, and area units.

Reported areas are geodesic (`pyproj.Geod(ellps="WGS84")`), so they do not depend on a projection
(DESIGN.md §2). Units: m², ha, km² and 亩 (mu), with 1 亩 = 10000/15 m² ≈ 666.667 m² and
1 km² = 100 ha = 1500 亩.
"""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import Geod

from geo._errors import UnitError
from geo.crs import require_wgs84, to_planar

GEOD = Geod(ellps="WGS84")

AreaUnit = Literal["m2", "ha", "km2", "mu"]

SQUARE_METRES_PER: dict[str, float] = {
    "m2": 1.0,
    "ha": 10_000.0,
    "km2": 1_000_000.0,
    "mu": 10_000.0 / 15.0,
}
"""How many square metres one of each area unit is."""


def convert_area(value_m2: float | pd.Series, unit: AreaUnit) -> float | pd.Series:
    """Convert an area in square metres to `unit` ("m2", "ha", "km2" or "mu" = 亩).

    >>> convert_area(1_000_000, "mu")
    1500.0
    >>> convert_area(1_000_000, "ha")
    100.0
    """
    try:
        return value_m2 / SQUARE_METRES_PER[unit]
    except KeyError:
        raise UnitError(f"unknown area unit {unit!r}; expected one of {sorted(SQUARE_METRES_PER)}") from None


def to_square_metres(value: float, unit: AreaUnit) -> float:
    """Convert an area given in `unit` ("m2", "ha", "km2" or "mu") to square metres.

    >>> round(to_square_metres(1, "mu"), 3)
    666.667
    """
    try:
        return value * SQUARE_METRES_PER[unit]
    except KeyError:
        raise UnitError(f"unknown area unit {unit!r}; expected one of {sorted(SQUARE_METRES_PER)}") from None


def geodesic_area_one_m2(geom: shapely.Geometry | None) -> float:
    """Geodesic area of one geometry on the WGS84 ellipsoid (EPSG:4326), in m²; 0 for None,
    points and lines.

    >>> round(geodesic_area_one_m2(shapely.box(113.0, 23.0, 113.01, 23.01)) / 1e6, 3)
    1.135
    """
    if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection"):
        return 0.0
    # Orient every ring (exterior counter-clockwise, holes clockwise) so that the signed areas of
    # the parts of a MultiPolygon add up instead of cancelling.
    oriented = shapely.orient_polygons(geom)
    area, _ = GEOD.geometry_area_perimeter(oriented)
    return abs(area)


def geodesic_area_m2(geometries: gpd.GeoSeries) -> pd.Series:
    """Area of each polygon on the WGS84 ellipsoid, in square metres.

    geometries: polygons in EPSG:4326 (raises CRSError for any other CRS); points and lines get 0.
    Returns a float Series on the same index.

    >>> from shapely.geometry import box
    >>> sq = gpd.GeoSeries([box(113.0, 23.0, 113.01, 23.01)], crs=4326)
    >>> round(float(geodesic_area_m2(sq).iloc[0]) / 1e6, 3)   # km²
    1.135
    """
    require_wgs84(geometries)
    return pd.Series([geodesic_area_one_m2(g) for g in geometries], index=geometries.index, dtype=float)


def _geodesic_length_one(geom: shapely.Geometry | None) -> float:
    if geom is None or geom.is_empty or geom.geom_type not in ("LineString", "MultiLineString", "LinearRing"):
        return 0.0
    return float(GEOD.geometry_length(geom))


def geodesic_length_m(geometries: gpd.GeoSeries) -> pd.Series:
    """Length of each line on the WGS84 ellipsoid, in metres.

    geometries: lines in EPSG:4326 (raises CRSError otherwise); points and polygons get 0
    (use `geodesic_perimeter_m` for polygon outlines). Returns a float Series on the same index.

    >>> from shapely.geometry import LineString
    >>> line = gpd.GeoSeries([LineString([(113.0, 23.0), (113.0, 23.01)])], crs=4326)
    >>> round(float(geodesic_length_m(line).iloc[0]), 1)   # 0.01° of latitude at 23° N
    1107.4
    """
    require_wgs84(geometries)
    return pd.Series([_geodesic_length_one(g) for g in geometries], index=geometries.index, dtype=float)


def geodesic_perimeter_m(geometries: gpd.GeoSeries) -> pd.Series:
    """Perimeter of each polygon (all rings) on the WGS84 ellipsoid, in metres; 0 for non-polygons."""
    require_wgs84(geometries)

    def one(geom: shapely.Geometry | None) -> float:
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            return 0.0
        return float(GEOD.geometry_area_perimeter(geom)[1])

    return pd.Series([one(g) for g in geometries], index=geometries.index, dtype=float)


def planar_area_m2(geometries: gpd.GeoSeries) -> pd.Series:
    """Area of each polygon after projection to EPSG:4547 (CGCS2000 GK CM 114E), in square metres.

    For analysis and for checking the geodesic figures; the figures we report are geodesic.
    geometries: EPSG:4326. Returns a float Series on the same index.
    """
    return to_planar(geometries).area.astype(float)
