"""GCJ-02 and BD-09, the offset coordinate systems of Chinese web maps, to and from WGS84.

Gaode (AMap), Tencent and Google-China tiles are in GCJ-02; Baidu in BD-09. Data copied from them
sits 100-700 m from its WGS84 position in our region (DESIGN.md §2). We store WGS84 only: these
functions convert imports into WGS84, and layers into GCJ-02 for display over a Gaode basemap.

The forward GCJ-02 formula is the published one (Krasovsky ellipsoid a = 6378245 m,
e² = 0.00669342162296594323); its inverse has no closed form, so `gcj02_to_wgs84` iterates the
forward formula to 1e-9° (about 0.1 mm). Outside mainland China's box there is no offset.
All functions take and return lon/lat in degrees, as floats or NumPy arrays.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geo.crs import require_wgs84

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0


def _outside_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    outside = _outside_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lon, lat):
    """WGS84 lon/lat (degrees) to GCJ-02.

    >>> [round(float(v), 4) for v in wgs84_to_gcj02(113.3163, 23.1337)]   # 体育西路 station
    [113.3217, 23.1311]
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _delta(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat, tolerance_deg: float = 1e-9, max_iter: int = 30):
    """GCJ-02 lon/lat (degrees) to WGS84, by iterating the forward formula (exact to tolerance_deg).

    >>> w = gcj02_to_wgs84(*wgs84_to_gcj02(113.3163, 23.1337))
    >>> [round(float(v), 7) for v in w]
    [113.3163, 23.1337]
    """
    glon, glat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(max_iter):
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = flon - glon, flat - glat
        wlon, wlat = wlon - elon, wlat - elat
        if np.all(np.abs(elon) < tolerance_deg) and np.all(np.abs(elat) < tolerance_deg):
            break
    return wlon, wlat


def gcj02_to_bd09(lon, lat):
    """GCJ-02 lon/lat to Baidu BD-09 (degrees)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat):
    """Baidu BD-09 lon/lat to GCJ-02 (degrees; the standard approximate inverse, within ~20 cm)."""
    x, y = np.asarray(lon, dtype=float) - 0.0065, np.asarray(lat, dtype=float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def wgs84_to_bd09(lon, lat):
    """WGS84 lon/lat to BD-09."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat):
    """BD-09 lon/lat to WGS84."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_TO_WGS84 = {"wgs84": None, "gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84}
_FROM_WGS84 = {"wgs84": None, "gcj02": wgs84_to_gcj02, "bd09": wgs84_to_bd09}


def _apply(geometries: gpd.GeoSeries, func) -> gpd.GeoSeries:
    def xy(coords: np.ndarray) -> np.ndarray:
        lon, lat = func(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return gpd.GeoSeries(shapely.transform(geometries.array, xy), index=geometries.index, crs=geometries.crs)


def to_wgs84(geometries: gpd.GeoSeries, system: str) -> gpd.GeoSeries:
    """Geometries whose lon/lat are in `system` ("wgs84", "gcj02" or "bd09") as true WGS84.

    geometries: lon/lat degrees, labelled EPSG:4326 (as offset data usually is). Returns a new
    GeoSeries on the same index; Z values are dropped.
    """
    require_wgs84(geometries)
    if system not in _TO_WGS84:
        raise ValueError(f"unknown coordinate system {system!r}; expected wgs84, gcj02 or bd09")
    func = _TO_WGS84[system]
    return geometries.copy() if func is None else _apply(geometries, func)


def from_wgs84(geometries: gpd.GeoSeries, system: str) -> gpd.GeoSeries:
    """WGS84 geometries shifted into `system` ("gcj02" or "bd09"), for display over that basemap
    or export to it. Never store the result."""
    require_wgs84(geometries)
    if system not in _FROM_WGS84:
        raise ValueError(f"unknown coordinate system {system!r}; expected wgs84, gcj02 or bd09")
    func = _FROM_WGS84[system]
    return geometries.copy() if func is None else _apply(geometries, func)
