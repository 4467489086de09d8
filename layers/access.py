"""How well each park is served by transport: nearest stations and links, overall and by mode,
for the network in service in a given year or for the full plan.

Distances are planar in EPSG:4547 metres, measured from the park's boundary (0 when the station
is inside the park), computed with spatial-index queries (`geo.query`).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.query import nearest, within_distance
from layers.transport import FULL_PLAN, open_in, placed

STATION_MODES = ("station", "tram-stop", "hsr-station", "pier", "hub")
"""Nodes a person boards at; airports and airport check-in points are reported on their own."""

NEAR_M = 800.0
"""Walking distance to a station."""
REACH_M = 2000.0
"""A short feeder ride."""


def access_table(parks: gpd.GeoDataFrame, lines: gpd.GeoDataFrame, nodes: gpd.GeoDataFrame,
                 year: int | str = FULL_PLAN) -> pd.DataFrame:
    """One row per park (same index) describing its access in `year` (or the full plan).

    Columns: `nearest_stop` (node id) and `nearest_stop_m`: the nearest place to board of any
    kind (station, tram stop, HSR station, pier, hub); `nearest_<mode>` and `nearest_<mode>_m`
    for each node mode present (e.g. `nearest_station` = the nearest metro/rail station,
    tram-stop, hsr-station, airport); `stations_800m`, `stations_2km` (node ids, nearest first); `lines_800m`,
    `lines_2km` (line_refs, nearest first, each once). Distances in metres, EPSG:4547, from the
    park boundary; NaN / None / [] where nothing is in service.
    """
    lines, nodes = placed(lines), placed(nodes)  # named-only links (no geometry) have no distance
    lines_now = lines[open_in(lines, year)] if not lines.empty else lines
    nodes_now = nodes[open_in(nodes, year)] if not nodes.empty else nodes
    stations = nodes_now[nodes_now["mode"].isin(STATION_MODES)]
    out = pd.DataFrame(index=parks.index)
    first = nearest(parks, stations)
    out["nearest_stop"] = first["target"]
    out["nearest_stop_m"] = first["distance_m"]
    for mode in sorted(nodes["mode"].unique()) if not nodes.empty else []:
        subset = nodes_now[nodes_now["mode"] == mode]
        res = nearest(parks, subset)
        out[f"nearest_{mode}"] = res["target"]
        out[f"nearest_{mode}_m"] = res["distance_m"]
    out["stations_800m"] = within_distance(parks, stations, NEAR_M)
    out["stations_2km"] = within_distance(parks, stations, REACH_M)
    for label, dist in (("lines_800m", NEAR_M), ("lines_2km", REACH_M)):
        near_ids = within_distance(parks, lines_now, dist)
        out[label] = near_ids.map(lambda ids: list(dict.fromkeys(lines_now.loc[ids, "line_ref"])) if ids else [])
    return out
