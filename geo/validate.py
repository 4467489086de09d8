"""Geometry validity checks and repair, with a report of what was wrong.

Functions take a GeoSeries in any CRS (validity does not depend on it) and never mutate it.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely


def invalid_reasons(geometries: gpd.GeoSeries) -> pd.Series:
    """Why each geometry is invalid ("" when it is valid), on the same index.

    Empty and missing geometries are reported, and so are non-finite coordinates (NaN, inf), which
    GEOS may otherwise call valid.

    >>> from shapely.geometry import Polygon
    >>> bow = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    >>> invalid_reasons(gpd.GeoSeries([bow])).iloc[0]
    'Self-intersection[0.5 0.5]'
    """
    values = np.asarray(geometries.array, dtype=object)
    reasons = []
    for geom in values:
        if geom is None:
            reasons.append("missing geometry")
        elif geom.is_empty:
            reasons.append("empty geometry")
        elif not np.isfinite(shapely.get_coordinates(geom)).all():
            reasons.append("non-finite coordinate (NaN or infinity)")
        else:
            reason = shapely.is_valid_reason(geom)
            reasons.append("" if reason == "Valid Geometry" else reason)
    return pd.Series(reasons, index=geometries.index, dtype=object)


def out_of_lonlat_range(geometries: gpd.GeoSeries) -> pd.Series:
    """True where a geometry has a coordinate outside lon [-180, 180] or lat [-90, 90]."""
    bounds = geometries.bounds
    return ~(
        bounds["minx"].between(-180, 180)
        & bounds["maxx"].between(-180, 180)
        & bounds["miny"].between(-90, 90)
        & bounds["maxy"].between(-90, 90)
    )
