"""The `facilities` layer: planned infrastructure each park's section of a document lists
(schools, hospitals, talent housing, parking, charging, commercial, public service, green).

A facility whose site the document does not give has no geometry (null): it belongs to its park
(`park_id`) and is shown at park level, never at an invented spot.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from layers.base import SHARED_COLUMNS, Column, LayerSchema, read_geojson, validate

CATEGORIES = ("school", "hospital", "housing", "parking", "charging", "commercial", "public-service", "green")
STATUSES = ("existing", "under-construction", "planned")

CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "school": ("学校", "School"), "hospital": ("医院/卫生", "Hospital / health"), "housing": ("人才住房", "Talent housing"),
    "parking": ("停车", "Parking"), "charging": ("充电设施", "EV charging"), "commercial": ("商业综合体", "Commercial"),
    "public-service": ("公共服务", "Public service"), "green": ("绿地/廊道", "Green space"),
}

SCHEMA = LayerSchema(
    layer_id="facilities",
    columns=SHARED_COLUMNS + (
        Column("park_id"),
        Column("category", allowed=CATEGORIES),
        Column("capacity", kind="float", nullable=True, minimum=0),
        Column("unit", nullable=True),
        Column("capacity_text", nullable=True),
        Column("status", allowed=STATUSES),
        Column("note", nullable=True),
    ),
    geometry_types=frozenset({"Point", "Polygon", "MultiPolygon", "LineString", "MultiLineString"}),
    geometry_nullable=True,
)


def load(path: Path) -> gpd.GeoDataFrame:
    """Read and validate facilities (EPSG:4326; null geometry = site not given), indexed by id."""
    return validate(read_geojson(path), SCHEMA, origin=str(path)).set_index("id", drop=False).rename_axis(None)


CATEGORY_COLOURS: dict[str, str] = {
    "school": "#1f77b4", "hospital": "#d62728", "housing": "#bcbd22", "parking": "#7f7f7f",
    "charging": "#17becf", "commercial": "#e377c2", "public-service": "#9467bd", "green": "#2ca02c",
}
"""Marker colour of each facility category (and of green corridors drawn as lines)."""
