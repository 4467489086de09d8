"""The transport layers: `transport_lines` (LineString/MultiLineString) and `transport_nodes`
(Point) — links the planning documents name near the parks, with their status as the document
states it (`as_of` its date) and, where a later opening is known, `open_year` with its own source.

Geometry drawn through real station positions or along a described corridor is `schematic`. A
link the document names but gives no two placeable points for (a road that bounds a park, a
pier "in the park") has NO geometry (null): it is kept, cited, with `park_ids` naming the parks
whose section promises it, and shown in their profiles — never drawn at an invented spot.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from layers.base import SHARED_COLUMNS, Column, LayerSchema, read_geojson, validate

LINE_MODES = ("metro", "tram", "intercity", "high-speed-rail", "expressway", "arterial", "bridge", "monorail", "ferry",
              "bus")
NODE_MODES = ("station", "tram-stop", "pier", "hsr-station", "airport", "airport-check-in", "hub", "bus-stop")
NODE_ROLES = ("hsr-station", "airport")
"""A node's `roles`: what else it is besides its mode — the high-speed-rail station or the airport
(an interchange that is the HSR station; the airport's own station), each with `roles_source`."""
STATUSES = ("existing", "under-construction", "planned")

MODE_LABELS: dict[str, tuple[str, str]] = {
    "metro": ("地铁", "Metro"), "tram": ("有轨电车", "Tram"), "intercity": ("城际铁路", "Intercity rail"),
    "high-speed-rail": ("高速铁路", "High-speed rail"), "expressway": ("高速公路/快速路", "Expressway"),
    "arterial": ("主干道", "Arterial road"), "bridge": ("桥梁/通道", "Bridge"), "monorail": ("单轨", "Monorail"),
    "ferry": ("水运", "Ferry"), "station": ("车站", "Station"), "tram-stop": ("电车站", "Tram stop"),
    "pier": ("码头", "Pier"), "hsr-station": ("高铁站", "HSR station"), "airport": ("机场", "Airport"),
    "airport-check-in": ("城市候机楼/值机点", "Airport check-in"), "hub": ("交通枢纽", "Transport hub"),
    "bus": ("公交", "Bus"), "bus-stop": ("公交站", "Bus stop"),
}
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "existing": ("已建成", "Existing"), "under-construction": ("在建", "Under construction"), "planned": ("规划", "Planned"),
}

_COMMON = (
    Column("status", allowed=STATUSES),
    Column("open_year", kind="int", nullable=True, minimum=1990),
    Column("open_year_source", nullable=True),
    Column("note", nullable=True),
    Column("park_ids", kind="str_list", nullable=True),
)
"""`park_ids`: the parks whose section of the document names the link (None or [] for none)."""


def _open_year_cited(gdf: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
    return [
        (fid, "open_year_source", "is required when open_year is given")
        for fid, year, src in zip(gdf["id"], gdf["open_year"], gdf["open_year_source"])
        if year is not None and not pd.isna(year) and not (isinstance(src, str) and src.strip())
    ]


def _roles_cited(gdf: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
    out = []
    for fid, roles, src in zip(gdf["id"], gdf["roles"], gdf["roles_source"]):
        roles = roles if isinstance(roles, list) else []
        out += [(fid, "roles", f"{r!r} is not one of {', '.join(NODE_ROLES)}") for r in roles if r not in NODE_ROLES]
        if roles and not (isinstance(src, str) and src.strip()):
            out.append((fid, "roles_source", "is required when roles are given"))
    return out


LINES_SCHEMA = LayerSchema(
    layer_id="transport_lines",
    columns=SHARED_COLUMNS + (Column("mode", allowed=LINE_MODES), Column("line_ref")) + _COMMON,
    geometry_types=frozenset({"LineString", "MultiLineString"}),
    geometry_nullable=True,
    checks=(_open_year_cited,),
)

NODES_SCHEMA = LayerSchema(
    layer_id="transport_nodes",
    columns=SHARED_COLUMNS + (Column("mode", allowed=NODE_MODES), Column("line_refs", kind="str_list")) + _COMMON
    + (Column("roles", kind="str_list", nullable=True, optional=True),
       Column("roles_source", nullable=True, optional=True)),
    geometry_types=frozenset({"Point"}),
    geometry_nullable=True,
    checks=(_open_year_cited, _roles_cited),
)


def _load(path, schema: LayerSchema) -> gpd.GeoDataFrame:
    gdf = validate(read_geojson(path), schema, origin=str(path))
    return finish(gdf.set_index("id", drop=False).rename_axis(None))


def finish(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Lines or nodes as the app uses them: `open_year` as a nullable integer (a new frame)."""
    out = gdf.copy()
    out["open_year"] = pd.to_numeric(out["open_year"], errors="coerce").astype("Int64")
    return out


def load_lines(path) -> gpd.GeoDataFrame:
    """Read and validate transport_lines (EPSG:4326), indexed by id."""
    return _load(path, LINES_SCHEMA)


def load_nodes(path) -> gpd.GeoDataFrame:
    """Read and validate transport_nodes (EPSG:4326), indexed by id."""
    return _load(path, NODES_SCHEMA)


FULL_PLAN = "full"
"""`open_in(..., FULL_PLAN)`: every link, existing, under construction and planned."""


def open_in(gdf: gpd.GeoDataFrame, year: int | str) -> pd.Series:
    """True for the links (lines or nodes) in service in `year`, or for all of them with FULL_PLAN.

    A link is in service in `year` when its `open_year` is known and ≤ year, or, with no
    `open_year`, when its document (`as_of`) already called it existing and year ≥ that date's
    year. Under-construction and planned links with no known opening year count only in the full plan.
    """
    if year == FULL_PLAN:
        return pd.Series(True, index=gdf.index)
    year = int(year)
    opened = gdf["open_year"].astype("Int64")
    as_of_year = gdf["as_of"].str.slice(0, 4).astype(int)
    known = opened.notna() & (opened.fillna(9999) <= year)
    existing = opened.isna() & (gdf["status"] == "existing") & (as_of_year <= year)
    return (known | existing).astype(bool)


def placed(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The links that have a geometry (drawn and used for distances); named-only links are not."""
    return gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty] if not gdf.empty else gdf


def named_for_park(gdf: gpd.GeoDataFrame, park_id: str) -> gpd.GeoDataFrame:
    """The links whose `park_ids` name `park_id` (placed or not)."""
    if gdf.empty or "park_ids" not in gdf.columns:
        return gdf.iloc[0:0]
    return gdf[gdf["park_ids"].map(lambda ids: isinstance(ids, list) and park_id in ids)]


def check_line_refs(lines: gpd.GeoDataFrame, nodes: gpd.GeoDataFrame) -> list[str]:
    """Problems where a node names a line_ref that no line has."""
    known = set(lines["line_ref"])
    return [f"transport_nodes: feature '{nid}': field 'line_refs': {ref!r} is not the line_ref of any line"
            for nid, refs in zip(nodes["id"], nodes["line_refs"]) for ref in refs if ref not in known]


METRO_COLOURS: dict[str, str] = {
    "gz-metro-1": "#f3d03e", "gz-metro-2": "#00629b", "gz-metro-3": "#eca154", "gz-metro-4": "#00843d",
    "gz-metro-5": "#c5003e", "gz-metro-6": "#80225f", "gz-metro-7": "#97d700", "gz-metro-8": "#008c95",
    "gz-metro-9": "#71cc98", "gz-metro-13": "#8e8c13", "gz-metro-14": "#81312f", "gz-metro-18": "#0047ba",
    "gz-metro-21": "#201747", "guangfo-line": "#c4d600",
}
"""Line colours of the Guangzhou metro as the operator's maps show them (hue level; a line not
listed is drawn in the neutral metro colour)."""

MODE_COLOURS: dict[str, str] = {
    "metro": "#4d4d4d", "tram": "#2a9d8f", "monorail": "#e76f51", "intercity": "#6a4c93",
    "high-speed-rail": "#8338ec", "expressway": "#f4a261", "arterial": "#e9c46a", "bridge": "#d62828",
    "ferry": "#1d70b8",
}


def line_style(mode: str, line_ref: str, status: str) -> dict:
    """How a transport line is drawn: colour (metro lines in their line colour), weight, and a
    dash pattern for lines under construction (long dashes) or planned (short dashes)."""
    default = MODE_COLOURS.get(mode, "#555555")
    colour = METRO_COLOURS.get(line_ref, default) if mode == "metro" else default
    weight = 5 if mode in ("metro", "intercity", "high-speed-rail") else (4 if mode in ("expressway", "bridge") else 3)
    dash = {"existing": None, "under-construction": "10 6", "planned": "4 6"}[status]
    return {"color": colour, "weight": weight, "opacity": 0.9, "dashArray": dash}
