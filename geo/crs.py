"""CRS constants and cached transforms.

Conventions (DESIGN.md §2): data is stored and exchanged in EPSG:4326 (WGS84 lon/lat); CGCS2000
(EPSG:4490) is treated as equal to it at map scale; planar analysis (buffers, distances, overlays)
runs in EPSG:4547, CGCS2000 / 3-degree Gauss-Kruger CM 114E, which covers Guangzhou, Foshan and
Qingyuan with an area scale error under 0.05 %.
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer

from geo._errors import CRSError

WGS84 = CRS.from_epsg(4326)
"""Storage and exchange CRS: WGS84 longitude/latitude in degrees."""

CGCS2000 = CRS.from_epsg(4490)
"""China Geodetic Coordinate System 2000 (geographic); equal to WGS84 at map scale."""

PLANAR = CRS.from_epsg(4547)
"""CGCS2000 / 3-degree Gauss-Kruger CM 114E, metres: our CRS for planar analysis."""


@lru_cache(maxsize=32)
def transformer(src: int | str, dst: int | str) -> Transformer:
    """A cached, always_xy `pyproj.Transformer` from `src` to `dst` (EPSG codes or strings).

    Built from its PROJ pipeline: pyproj re-creates a transformer's PROJ object in every thread
    that uses it, and Streamlit runs each rerun in a new thread; from a CRS pair that costs ~40 ms
    (a database search), from the pipeline text well under 1 ms.
    """
    found = Transformer.from_crs(src, dst, always_xy=True)
    return Transformer.from_pipeline(found.definition) if found.definition else found


def require_wgs84(data: gpd.GeoSeries | gpd.GeoDataFrame, what: str = "geometries") -> None:
    """Raise `CRSError` unless `data` is in EPSG:4326 (or CGCS2000 EPSG:4490, treated as equal)."""
    crs = data.crs
    if crs is None:
        raise CRSError(f"{what} have no CRS; expected EPSG:4326 (WGS84 lon/lat)")
    if not (crs.equals(WGS84) or crs.equals(CGCS2000)):
        raise CRSError(f"{what} are in {crs.to_string()}; expected EPSG:4326 (WGS84 lon/lat)")


def to_planar(data: gpd.GeoSeries | gpd.GeoDataFrame) -> gpd.GeoSeries | gpd.GeoDataFrame:
    """Return a copy of `data` (EPSG:4326) projected to EPSG:4547 metres for planar analysis."""
    require_wgs84(data)
    if isinstance(data, gpd.GeoDataFrame):
        return data.set_geometry(project(data.geometry, PLANAR))
    return project(data, PLANAR)


def project(geometries: gpd.GeoSeries, dst: CRS | int) -> gpd.GeoSeries:
    """`geometries` transformed to `dst` with a cached Transformer (GeoSeries.to_crs builds a new
    one on every call, which costs tens of milliseconds). Returns a new GeoSeries, same index."""
    if geometries.crs is None:
        raise CRSError("geometries have no CRS")
    dst_crs = CRS.from_user_input(dst)
    if geometries.crs.equals(dst_crs):
        return geometries.copy()
    tr = transformer(geometries.crs.to_wkt(), dst_crs.to_wkt())

    def xy(coords: np.ndarray) -> np.ndarray:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return gpd.GeoSeries(shapely.transform(np.asarray(geometries.array), xy), index=geometries.index, crs=dst_crs)
