"""Layers the user brings in (imported files, drawn shapes): how they are named, what they are
used as, and how their attributes map onto our schemas.

An imported layer keeps every attribute of the file. The user says which column holds the name,
the land-use code and the stated area, and what the layer is used as (`ROLES`): the mapping adds
our shared columns (`id`, `name_zh`, `name_en`, `source` = the file name, `geometry_quality`,
`as_of`) without touching the file's own, except for land use's floor area and building
footprint (m²), which are renamed to the columns the inspection reads (`layers.landuse_measures`). A new layer never replaces another: `unique_name`
gives it a name of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import geopandas as gpd
import pandas as pd

from layers._errors import LayerValidationError
from layers.landuse import CODES
from layers.landuse_measures import map_measures

ROLES: dict[str, tuple[str, str]] = {
    "overlay": ("普通叠加图层", "Plain overlay"),
    "parks": ("园区边界", "Park boundaries"),
    "landuse": ("用地地块", "Land-use parcels"),
    "transport": ("交通线路/站点", "Transport links or stations"),
    "facilities": ("设施", "Facilities"),
    "districts": ("行政区划", "Administrative districts"),
    "constraint": ("管控约束图层（三区三线等）", "Constraint layer (zoning control lines)"),
}
"""What an imported layer can be used as (zh, en). "districts": administrative boundaries whose
name column the park form checks a park's stated district against (`layers.districts`).
"constraint": polygons a park must avoid or lie within, of a kind, with a rule and a tolerance
kept on every feature (`layers.constraint_layers`)."""


@dataclass(frozen=True)
class AttributeMapping:
    """Which of the file's columns hold the name, the land-use code and a stated area (km²);
    for land use also the parcel's total floor area (m², 建筑面积) and building footprint (m²)."""

    name: str | None = None
    code: str | None = None
    area_km2: str | None = None
    floor_area_m2: str | None = None
    footprint_m2: str | None = None


@dataclass
class UserLayer:
    """A layer a user brought in or drew: its frame (EPSG:4326), role, origin (the file, or
    "drawn on the map") and import notes; once saved, its workspace id, when and by whom."""

    name: str
    gdf: gpd.GeoDataFrame
    role: str = "overlay"
    origin: str = ""
    notes: list[str] = field(default_factory=list)
    layer_id: str | None = None
    created_at: datetime | None = None
    created_by: str = ""

    @property
    def is_land_use(self) -> bool:
        """Whether the layer is land-use parcels with a code (composed, tiled and partitioned as such)."""
        return self.role == "landuse" and "code" in self.gdf.columns


def unique_name(wanted: str, taken: set[str]) -> str:
    """`wanted` (trimmed, or "layer"), with " (2)", " (3)" ... added when the name is taken.

    >>> unique_name("园区", {"园区", "园区 (2)"})
    '园区 (3)'
    """
    base = re.sub(r"\s+", " ", wanted or "").strip()[:80] or "layer"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base} ({n})"
    return name


def apply_mapping(gdf: gpd.GeoDataFrame, mapping: AttributeMapping, role: str, origin: str) -> gpd.GeoDataFrame:
    """The imported frame with our shared columns added from `mapping` (a new frame).

    origin: the user's file name, kept as `source`. Names come from the name column (else the
    file name and the feature's position); land-use codes must be in the code table when the
    layer is used as land use (LayerValidationError lists every unknown code with its row).
    Floor area and footprint (land use only) become `floor_area_m2` / `footprint_m2`, numbers
    ≥ 0 in m² (`layers.landuse_measures.map_measures`: every refused value listed with its row).
    """
    if role not in ROLES:
        raise LayerValidationError([f"{origin}: role {role!r} is not one of {', '.join(ROLES)}"])
    for col in (mapping.name, mapping.code, mapping.area_km2):
        if col is not None and col not in gdf.columns:
            raise LayerValidationError([f"{origin}: column {col!r} is not in the file (it has {', '.join(map(str, gdf.columns))})"])
    out = gdf.copy()
    positions = range(len(out))
    names = (out[mapping.name].astype("string").fillna("").str.strip() if mapping.name
             else pd.Series([""] * len(out), index=out.index))
    fallback = [f"{origin} #{i + 1}" for i in positions]
    out["name_zh"] = [n if n else f for n, f in zip(names, fallback)]
    out["name_en"] = out["name_zh"]
    out["id"] = [f"user-{i + 1}" for i in positions]
    out["source"] = origin
    out["geometry_quality"] = "surveyed" if role in ("parks", "landuse") else "reference"
    out["as_of"] = date.today().isoformat()
    if mapping.area_km2:
        out["stated_area_km2"] = pd.to_numeric(out[mapping.area_km2], errors="coerce")
    if mapping.code:
        codes = out[mapping.code].astype("string").str.strip()
        if role == "landuse":
            bad = [f"{origin}: feature #{i + 1}: field {mapping.code!r}: {c!r} is not a land-use code of the table"
                   for i, c in zip(positions, codes) if pd.isna(c) or c not in CODES]
            if bad:
                raise LayerValidationError(bad)
        out["code"] = codes
    if mapping.floor_area_m2 is not None or mapping.footprint_m2 is not None:
        if role != "landuse":
            raise LayerValidationError([f"{origin}: floor area and building footprint are mapped only for a layer "
                                        f"used as land-use parcels, not as {role!r}"])
        out = map_measures(out, mapping.floor_area_m2, mapping.footprint_m2, origin)
    return out
