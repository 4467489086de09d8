"""The `parks` layer: zones, parks, carriers and phases named in the plans (`programmes` records).

Geometry: Polygon/MultiPolygon drawn from a document's 四至 or stated size (`schematic`), or a
Point where only the rough place is known (`approximate-location`), or None for a park an officer
recorded but has not placed yet (listed everywhere, drawn nowhere). Stored in EPSG:4326.
Which plans, cities and districts exist is data (the records), not code.
Computed areas are geodesic on the WGS84 ellipsoid (`geo.measure`), as of the data's `as_of`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.measure import convert_area, geodesic_area_m2
from layers.base import SHARED_COLUMNS, Column, LayerSchema, label, read_geojson, validate  # noqa: F401 (label re-exported)

KINDS = ("zone", "park", "carrier", "phase")
STATUSES = ("established", "developing", "planned")

KIND_LABELS: dict[str, tuple[str, str]] = {
    "zone": ("园区/片区", "Zone"),
    "park": ("园区", "Park"),
    "carrier": ("载体/基地", "Carrier"),
    "phase": ("分期", "Phase"),
}
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "established": ("已建成运营", "Established"),
    "developing": ("建设中", "Developing"),
    "planned": ("规划", "Planned"),
}
QUALITY_LABELS: dict[str, tuple[str, str]] = {
    "surveyed": ("测绘边界", "Surveyed"),
    "digitised": ("人工勾绘边界", "Digitised"),
    "reference": ("参考数据", "Reference data"),
    "schematic": ("示意边界", "Schematic"),
    "approximate-location": ("大致位置", "Approximate location"),
}
AREA_TOLERANCE = 0.20
"""Computed and stated areas may differ by this share before a feature must explain it in `note`."""


def _check_parents(gdf: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
    ids = set(gdf["id"])
    return [
        (fid, "parent_id", f"{parent!r} is not the id of a feature in this layer")
        for fid, parent in zip(gdf["id"], gdf["parent_id"])
        if isinstance(parent, str) and parent not in ids
    ]


def _check_translations(gdf: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
    return [
        (fid, "industries_en", f"has {len(en)} entries but industries has {len(zh)}")
        for fid, zh, en in zip(gdf["id"], gdf["industries"], gdf["industries_en"])
        if isinstance(zh, list) and isinstance(en, list) and len(zh) != len(en)
    ]


def _check_districts(gdf: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
    return [
        (fid, "district", f"{d!r} does not name a 区/县/市 (districts are joined by '、')")
        for fid, d in zip(gdf["id"], gdf["district"])
        if isinstance(d, str) and not all(part.endswith(("区", "县", "市")) for part in d.split("、"))
    ]


def _check_cities(gdf: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
    return [
        (fid, "city", f"{c!r} does not name a city (市, 州, 盟 or 地区)")
        for fid, c in zip(gdf["id"], gdf["city"])
        if isinstance(c, str) and not c.endswith(("市", "州", "盟", "地区"))
    ]


def _check_placed_quality(gdf: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
    return [(fid, "geometry_quality", "a placed park says how its geometry was made")
            for fid, geom, q in zip(gdf["id"], gdf.geometry, gdf["geometry_quality"])
            if geom is not None and not geom.is_empty and not (isinstance(q, str) and q)]


def _check_points_are_approximate(gdf: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
    return [
        (fid, "geometry_quality", "a Point must be 'approximate-location'")
        for fid, geom, q in zip(gdf["id"], gdf.geometry, gdf["geometry_quality"])
        if geom is not None and geom.geom_type == "Point" and q != "approximate-location"
    ]


_check_points_are_approximate.per_feature = True  # type: ignore[attr-defined]  # validate_feature runs it too
_check_translations.per_feature = True  # type: ignore[attr-defined]
_check_districts.per_feature = True  # type: ignore[attr-defined]
_check_cities.per_feature = True  # type: ignore[attr-defined]
_check_placed_quality.per_feature = True  # type: ignore[attr-defined]


SCHEMA = LayerSchema(
    layer_id="parks",
    columns=tuple(Column(c.name, nullable=True, allowed=c.allowed) if c.name in ("name_en", "geometry_quality") else c
                  for c in SHARED_COLUMNS)
    + (
        Column("kind", allowed=KINDS),
        Column("programme"),
        Column("parent_id", nullable=True),
        Column("city"),
        Column("district"),
        Column("town", nullable=True, optional=True),
        Column("industries", kind="str_list"),
        Column("industries_en", kind="str_list", nullable=True),
        Column("operator", nullable=True),
        Column("stated_area_km2", kind="float", nullable=True, minimum=0),
        Column("stated_area_text", nullable=True),
        Column("boundary_text", nullable=True),
        Column("status", allowed=STATUSES),
        Column("note", nullable=True),
    ),
    geometry_types=frozenset({"Polygon", "MultiPolygon", "Point"}),
    geometry_nullable=True,
    checks=(_check_parents, _check_translations, _check_districts, _check_cities, _check_placed_quality,
            _check_points_are_approximate),
)


def load(path: Path) -> gpd.GeoDataFrame:
    """Read and validate the parks file; add computed geodesic areas.

    Returns a GeoDataFrame in EPSG:4326 indexed by `id`, with the schema's columns plus
    `area_m2`, `area_km2`, `area_ha`, `area_mu` (geodesic, WGS84 ellipsoid; 0 for points) and
    `area_diff_pct` (computed vs stated, in %; NaN where either is unknown or for points).
    Raises LayerValidationError naming the file, feature id and field of every problem.
    """
    gdf = validate(read_geojson(path), SCHEMA, origin=str(path))
    return finish(gdf.set_index("id", drop=False).rename_axis(None))


def finish(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The parks frame as the app uses it: with geodesic areas (`with_areas`), and English names
    and industries filled from the Chinese where a park has none (an officer may record a park in
    Chinese only), flagged in `name_en_missing` so pages can mark the stand-in."""
    out = with_areas(gdf)
    missing = pd.Series([not (isinstance(v, str) and v.strip()) for v in out["name_en"]], index=out.index, dtype=bool)
    out["name_en_missing"] = missing
    if missing.any():
        out["name_en"] = out["name_en"].where(~missing, out["name_zh"])
    if "industries_en" in out.columns:
        out["industries_en"] = [en if isinstance(en, list) and (not isinstance(zh, list) or len(en) == len(zh))
                                else (list(zh) if isinstance(zh, list) else [])
                                for zh, en in zip(out["industries"], out["industries_en"])]
    return out


def with_areas(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of `gdf` (EPSG:4326) with geodesic area columns in m², km², ha and 亩 and the
    difference from `stated_area_km2` in % (positive: the drawn polygon is larger)."""
    out = gdf.copy()
    area = geodesic_area_m2(out.geometry)
    out["area_m2"] = area
    out["area_km2"] = convert_area(area, "km2")
    out["area_ha"] = convert_area(area, "ha")
    out["area_mu"] = convert_area(area, "mu")
    stated = pd.to_numeric(out["stated_area_km2"], errors="coerce")
    has_both = (stated > 0) & (area > 0)
    out["area_diff_pct"] = np.where(has_both, (out["area_km2"] - stated) / stated * 100.0, np.nan)
    return out


def area_for_filtering_km2(parks: gpd.GeoDataFrame) -> pd.Series:
    """The area a size filter compares: computed for polygons, stated for points (NaN if unknown)."""
    stated = pd.to_numeric(parks["stated_area_km2"], errors="coerce")
    return parks["area_km2"].where(parks["area_km2"] > 0, stated)


def all_industries(parks: gpd.GeoDataFrame, lang: str) -> list[str]:
    """Every leading industry named in the layer, in the language `lang` ("zh" or "en"), sorted."""
    column = "industries" if lang == "zh" else "industries_en"
    return sorted({term for terms in parks[column] for term in terms})


def is_placed(parks: gpd.GeoDataFrame) -> pd.Series:
    """True for parks with a place on the map (an outline or a point); False for parks recorded
    but not placed yet (geometry None or empty): listed everywhere, drawn and measured nowhere."""
    return pd.Series([g is not None and not g.is_empty for g in parks.geometry], index=parks.index, dtype=bool)


def placed(parks: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The parks that have a place on the map (see `is_placed`)."""
    return parks[is_placed(parks)]


@dataclass(frozen=True)
class ParkFilter:
    """What the user narrowed the parks to. Empty tuples mean "all"; area bounds are km²
    (inclusive, compared with `area_for_filtering_km2`; features of unknown area pass when no
    bound is set, or when `include_unknown_area` says to keep them whatever the bounds)."""

    cities: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    industry: str = ""
    min_area_km2: float | None = None
    max_area_km2: float | None = None
    include_unknown_area: bool = False


def filter_parks(parks: gpd.GeoDataFrame, flt: ParkFilter) -> gpd.GeoDataFrame:
    """The rows of `parks` that pass `flt` (same index order; the input is not changed).

    The industry keyword matches, case-insensitively, any leading industry in Chinese or English
    or the park's names.
    """
    keep = pd.Series(True, index=parks.index)
    if flt.cities:
        keep &= parks["city"].isin(flt.cities)
    if flt.programmes:
        keep &= parks["programme"].isin(flt.programmes)
    if flt.kinds:
        keep &= parks["kind"].isin(flt.kinds)
    word = flt.industry.strip().casefold()
    if word:
        haystack = [
            " ".join([*zh, *en, name_zh, name_en]).casefold()
            for zh, en, name_zh, name_en in zip(parks["industries"], parks["industries_en"],
                                                parks["name_zh"], parks["name_en"])
        ]
        keep &= pd.Series([word in h for h in haystack], index=parks.index)
    if flt.min_area_km2 is not None or flt.max_area_km2 is not None:
        area = area_for_filtering_km2(parks)
        lo = -np.inf if flt.min_area_km2 is None else flt.min_area_km2
        hi = np.inf if flt.max_area_km2 is None else flt.max_area_km2
        keep &= area.between(lo, hi) | (area.isna() if flt.include_unknown_area else False)
    return parks[keep]


def area_range_km2(parks: gpd.GeoDataFrame) -> tuple[float, int]:
    """For an area filter: the largest known filtering area rounded up to a whole km² (at least 1),
    and how many parks have no known area (no outline and no stated area)."""
    area = area_for_filtering_km2(parks)
    known = area.dropna()
    return (float(max(1.0, np.ceil(known.max()))) if not known.empty else 1.0), int(area.isna().sum())
