"""Shapes the user draws on the map (folium's Draw tool): their geodesic measures while drawing,
and the layer they become (EPSG:4326, schematic, "drawn by user")."""

from __future__ import annotations

import datetime as dt
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo._errors import InputError
from geo.crs import WGS84
from geo.measure import convert_area, geodesic_area_m2, geodesic_length_m

DRAWN_SOURCE = "drawn by user"

_DRAWN_KINDS = {"Point": "point", "LineString": "line", "Polygon": "polygon"}


def _drawn_shape(geometry: object, where: str) -> shapely.Geometry:
    """A GeoJSON geometry dict from the Draw tool as a shapely geometry, or InputError saying why."""
    if not isinstance(geometry, dict) or "type" not in geometry or "coordinates" not in geometry:
        raise InputError(f"{where}: not a GeoJSON geometry (a dict with 'type' and 'coordinates')")
    kind = geometry["type"]
    if kind not in _DRAWN_KINDS:
        raise InputError(f"{where}: geometry type {kind!r} is not supported; expected Point, LineString or Polygon")
    try:
        coords = np.asarray(geometry["coordinates"], dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{where}: coordinates of the {kind} are not numbers in a regular array") from None
    depth = {"Point": 1, "LineString": 2, "Polygon": 3}[kind]
    if coords.ndim != depth or coords.shape[-1] not in (2, 3):
        raise InputError(f"{where}: coordinates do not have the shape of a {kind} (positions of 2 or 3 numbers)")
    if not np.isfinite(coords).all():
        raise InputError(f"{where}: coordinates contain NaN or infinity")
    lon, lat = coords[..., 0], coords[..., 1]
    if (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
        bad = coords.reshape(-1, coords.shape[-1])[((np.abs(lon) > 180) | (np.abs(lat) > 90)).reshape(-1)][0]
        raise InputError(f"{where}: position ({bad[0]:g}, {bad[1]:g}) is outside lon -180..180, lat -90..90")
    if kind == "LineString" and len(coords) < 2:
        raise InputError(f"{where}: a LineString needs at least 2 positions, got {len(coords)}")
    if kind == "Polygon" and (coords.shape[1] < 4 or not np.array_equal(coords[0, 0], coords[0, -1])):
        raise InputError(f"{where}: a Polygon ring needs at least 4 positions, the last equal to the first")
    return shapely.geometry.shape(geometry)


def measure_drawn(geojson_geometry: dict) -> dict:
    """Geodesic measures (WGS84 ellipsoid) of one shape drawn on the map, for showing while drawing.

    geojson_geometry: a GeoJSON Point, LineString or Polygon in lon/lat degrees (raises InputError
    otherwise). Returns {"kind": "polygon", "area_m2", "area_km2", "area_ha", "area_mu"} (亩),
    {"kind": "line", "length_m", "length_km"} or {"kind": "point"}.

    >>> sq = {"type": "Polygon", "coordinates": [[[113, 23], [113.01, 23], [113.01, 23.01], [113, 23.01], [113, 23]]]}
    >>> round(measure_drawn(sq)["area_km2"], 3)
    1.135
    """
    shape = _drawn_shape(geojson_geometry, "drawn shape")
    kind = _DRAWN_KINDS[shape.geom_type]
    series = gpd.GeoSeries([shape], crs=WGS84)
    if kind == "polygon":
        m2 = float(geodesic_area_m2(series).iloc[0])
        return {"kind": kind, "area_m2": m2, "area_km2": float(convert_area(m2, "km2")),
                "area_ha": float(convert_area(m2, "ha")), "area_mu": float(convert_area(m2, "mu"))}
    if kind == "line":
        m = float(geodesic_length_m(series).iloc[0])
        return {"kind": kind, "length_m": m, "length_km": m / 1000.0}
    return {"kind": kind}


def drawn_layer(features: list[dict], name: str) -> gpd.GeoDataFrame:
    """The GeoJSON features returned by the Draw tool as a layer (EPSG:4326).

    Columns: id ("drawn-<n>"), name_zh and name_en (the feature's own "name" property, else `name`,
    numbered when there are several), source "drawn by user", geometry_quality "schematic", as_of
    (today, ISO), and geometry. Raises InputError naming the feature for anything that is not a
    Point/LineString/Polygon with finite lon/lat positions in range.
    """
    if not isinstance(features, list) or not features:
        raise InputError("no drawn features: expected a non-empty list of GeoJSON features")
    if not isinstance(name, str) or not name.strip():
        raise InputError("a drawn layer needs a non-empty name")
    name = name.strip()
    rows, geoms = [], []
    for i, feature in enumerate(features, start=1):
        where = f"drawn feature {i}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise InputError(f"{where}: not a GeoJSON Feature")
        geoms.append(_drawn_shape(feature.get("geometry"), where))
        props = feature.get("properties") or {}
        prop_name = props.get("name")
        own = prop_name if isinstance(prop_name, str) and prop_name.strip() else None
        label = own.strip() if own else (name if len(features) == 1 else f"{name} {i}")
        rows.append({"id": f"drawn-{i}", "name_zh": label, "name_en": label, "source": DRAWN_SOURCE,
                     "geometry_quality": "schematic", "as_of": dt.date.today().isoformat()})
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=WGS84)

