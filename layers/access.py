"""How well each park is served by transport: nearest stations and links, overall and by mode,
for the network in service in a given year or for the full plan — and what that network is.

Distances are planar in EPSG:4547 metres, measured from the park's boundary (0 when the station
is inside the park), computed with spatial-index queries (`geo.query`).

Two networks can be measured (`AccessNetwork`): the **plan** network — the links the five
planning documents name, placed where they can be placed (most named links have no position and
are not measured) — and a **user** network the user imported (a GTFS feed). Every figure shown
says which network it measures (`network_statement`).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geo.query import nearest, within_distance
from layers.transport import FULL_PLAN, NODE_ROLES, STATUS_LABELS, open_in, placed

STATION_MODES = ("station", "tram-stop", "hsr-station", "pier", "hub", "bus-stop")
"""Nodes a person boards at; airports and airport check-in points are reported on their own."""

NEAR_M = 800.0
"""Walking distance to a station."""
REACH_M = 2000.0
"""A short feeder ride."""

PLAN = "plan"
"""`AccessNetwork.key` of the bundled network: the links the planning documents name."""


def with_role(nodes: gpd.GeoDataFrame, role: str) -> pd.Series:
    """True for the nodes that are `role` ("hsr-station" or "airport"): by their mode, or by a
    cited `roles` entry (an interchange that is the HSR station; the airport's own station)."""
    if nodes.empty:
        return pd.Series(False, index=nodes.index, dtype=bool)
    by_mode = nodes["mode"] == role
    if "roles" not in nodes.columns:
        return by_mode
    return by_mode | nodes["roles"].map(lambda r: isinstance(r, list) and role in r)


def access_table(parks: gpd.GeoDataFrame, lines: gpd.GeoDataFrame, nodes: gpd.GeoDataFrame,
                 year: int | str = FULL_PLAN) -> pd.DataFrame:
    """One row per park (same index) describing its access in `year` (or the full plan).

    Columns: `nearest_stop` (node id) and `nearest_stop_m`: the nearest place to board of any
    kind (station, tram stop, HSR station, pier, hub, bus stop); `nearest_<mode>` and
    `nearest_<mode>_m` for each node mode present (e.g. `nearest_station` = the nearest
    metro/rail station); `nearest_hsr-station` / `nearest_airport` (and `_m`) always, counting
    the nodes with that role (`with_role`); `stations_800m`, `stations_2km` (node ids, nearest
    first); `lines_800m`, `lines_2km` (line_refs, each once): first the lines through the stations
    within that distance (nearest station first) — so a station at 0 m brings its lines —, then
    the placed lines passing within it (nearest first). A line through a station counts when the
    line itself is in service that year (or has no record in `lines`). Distances in metres,
    EPSG:4547, from the park boundary; NaN / None / [] where nothing is in service, and for a
    park not placed yet (no geometry: nothing to measure from).
    """
    every_park = parks.index
    parks = parks[parks.geometry.notna() & ~parks.geometry.is_empty] if not parks.empty else parks
    in_service_refs = _refs_in_service(lines, year)
    lines, nodes = placed(lines), placed(nodes)  # named-only links (no geometry) have no distance
    lines_now = lines[open_in(lines, year)] if not lines.empty else lines
    nodes_now = nodes[open_in(nodes, year)] if not nodes.empty else nodes
    stations = nodes_now[nodes_now["mode"].isin(STATION_MODES)] if not nodes_now.empty else nodes_now
    out = pd.DataFrame(index=parks.index)
    first = nearest(parks, stations)
    out["nearest_stop"] = first["target"]
    out["nearest_stop_m"] = first["distance_m"]
    for mode in sorted(nodes["mode"].unique()) if not nodes.empty else []:
        res = nearest(parks, nodes_now[nodes_now["mode"] == mode])
        out[f"nearest_{mode}"] = res["target"]
        out[f"nearest_{mode}_m"] = res["distance_m"]
    for role in NODE_ROLES:
        res = nearest(parks, nodes_now[with_role(nodes_now, role)] if not nodes_now.empty else nodes_now)
        out[f"nearest_{role}"] = res["target"]
        out[f"nearest_{role}_m"] = res["distance_m"]
    station_refs = stations["line_refs"] if "line_refs" in stations.columns else pd.Series(dtype=object)
    for label, dist in (("800m", NEAR_M), ("2km", REACH_M)):
        near_stations = within_distance(parks, stations, dist)
        out[f"stations_{label}"] = near_stations
        near_lines = within_distance(parks, lines_now, dist)
        out[f"lines_{label}"] = [
            list(dict.fromkeys(
                [r for sid in sids for r in (station_refs.get(sid) or []) if in_service_refs(r)]
                + [str(lines_now.at[lid, "line_ref"]) for lid in lids]))
            for sids, lids in zip(near_stations, near_lines)]
    if len(out) == len(every_park):
        return out
    out = out.reindex(every_park)
    for col in [c for c in out.columns if c.startswith(("stations_", "lines_"))]:
        out[col] = [v if isinstance(v, list) else [] for v in out[col]]
    return out


def _refs_in_service(lines: gpd.GeoDataFrame, year: int | str):
    """A test of a line_ref: is a line of that ref in service in `year` (placed or not)? A ref
    no line has (a user's network may not list its lines) counts as in service."""
    if lines.empty:
        return lambda ref: True
    known = set(lines["line_ref"])
    now = set(lines.loc[open_in(lines, year), "line_ref"])
    return lambda ref: ref in now or ref not in known


# --------------------------------------------------------------------------- what is measured

@dataclass(frozen=True)
class AccessNetwork:
    """A network access can be measured on.

    key: PLAN, or "user:<network id>". name_zh / name_en: what it is, for people. source: where
    it comes from (the documents, or the user's file). lines / nodes: its transport_lines and
    transport_nodes (EPSG:4326, the layers' schemas).
    """

    key: str
    name_zh: str
    name_en: str
    source: str
    lines: gpd.GeoDataFrame
    nodes: gpd.GeoDataFrame

    @property
    def is_plan(self) -> bool:
        return self.key == PLAN


@dataclass(frozen=True)
class NetworkSummary:
    """What a network holds in a given year: counts of placed stations and lines in service,
    of all stations and lines, of the named links with no position (never measured), the
    metro/rail stations (mode "station"), HSR stations and airports in service, and the date range of its sources (`as_of`)."""

    year: int | str
    stations_in_service: int
    stations_placed: int
    lines_in_service: int
    lines_placed: int
    named_only: int
    rail_stations_in_service: int
    hsr_in_service: int
    airports_in_service: int
    as_of_first: str
    as_of_last: str


def summarise(network: AccessNetwork, year: int | str) -> NetworkSummary:
    """Counts describing `network` in `year` (see NetworkSummary)."""
    lines, nodes = network.lines, network.nodes
    plines, pnodes = placed(lines), placed(nodes)
    stations = pnodes[pnodes["mode"].isin(STATION_MODES)] if not pnodes.empty else pnodes
    nodes_now = pnodes[open_in(pnodes, year)] if not pnodes.empty else pnodes
    dates = sorted(str(d) for d in pd.concat([lines.get("as_of", pd.Series(dtype=object)),
                                             nodes.get("as_of", pd.Series(dtype=object))]).dropna())
    return NetworkSummary(
        year=year,
        stations_in_service=int(open_in(stations, year).sum()) if not stations.empty else 0,
        stations_placed=len(stations),
        lines_in_service=int(open_in(plines, year).sum()) if not plines.empty else 0,
        lines_placed=len(plines),
        named_only=(len(lines) - len(plines)) + (len(nodes) - len(pnodes)),
        rail_stations_in_service=int((nodes_now["mode"] == "station").sum()) if not nodes_now.empty else 0,
        hsr_in_service=int(with_role(nodes_now, "hsr-station").sum()),
        airports_in_service=int(with_role(nodes_now, "airport").sum()),
        as_of_first=dates[0] if dates else "",
        as_of_last=dates[-1] if dates else "",
    )


def network_statement(network: AccessNetwork, summary: NetworkSummary, lang: str) -> str:
    """One sentence saying what the access figures measure: which network, as of when, in which
    year, how many stations and lines. For every page and export that shows access.

    >>> import geopandas as gpd
    >>> empty = gpd.GeoDataFrame({"mode": [], "status": [], "as_of": [], "open_year": [], "line_ref": []},
    ...                          geometry=[], crs=4326)
    >>> net = AccessNetwork("plan", "规划线路", "the plans' links", "docs", empty, empty)
    >>> network_statement(net, summarise(net, 2026), "en")
    "Access measured on the plans' links (in service in 2026): 0 of 0 placed stations, 0 of 0 placed lines."
    """
    s, k = summary, 0 if lang == "zh" else 1
    if s.year == FULL_PLAN:
        when = ("全部规划（含在建、规划）", "the full plan, incl. under construction and planned")[k]
    else:
        when = (f"{s.year}年在运营", f"in service in {s.year}")[k]
    dates = s.as_of_first if s.as_of_first == s.as_of_last else f"{s.as_of_first}–{s.as_of_last}"
    name = (network.name_zh, network.name_en)[k]
    parts = [(f"交通可达性按“{name}”计算（{when}）：已定位车站 {s.stations_in_service}/{s.stations_placed} 个，"
              f"已定位线路 {s.lines_in_service}/{s.lines_placed} 条",
              f"Access measured on {name} ({when}): {s.stations_in_service} of {s.stations_placed} placed stations, "
              f"{s.lines_in_service} of {s.lines_placed} placed lines")[k]]
    if s.named_only:
        parts.append((f"另有 {s.named_only} 项文件所列线路/站点无位置，未计入距离",
                      f"{s.named_only} named links have no position and are not measured")[k])
    if dates:
        parts.append((f"资料日期 {dates}", f"sources dated {dates}")[k])
    return ("；", "; ")[k].join(parts) + ("。", ".")[k]


def station_status(node: pd.Series, year: int | str, lang: str) -> str:
    """A station's state for people: "open since 2021" when its opening year is known and past,
    else its status as its document stated it (with the document's year) and the opening year
    when known.

    >>> row = pd.Series({"status": "planned", "open_year": 2021, "as_of": "2018-06-21"})
    >>> station_status(row, 2026, "en"), station_status(row, 2020, "en"), station_status(row, 2026, "zh")
    ('open since 2021', 'planned (2018), opening 2021', '2021年起运营')
    """
    opened = node.get("open_year")
    opened = int(opened) if opened is not None and not pd.isna(opened) else None
    current = None if year == FULL_PLAN else int(year)
    if opened is not None and (current is None or opened <= current):
        return f"{opened}年起运营" if lang == "zh" else f"open since {opened}"
    status = str(node.get("status") or "")
    label = STATUS_LABELS.get(status, (status, status))[0 if lang == "zh" else 1]
    as_of = str(node.get("as_of") or "")[:4]
    if lang == "zh":
        text = f"{label}（{as_of}年）" if as_of and status != "existing" else label
        return text + (f"，预计{opened}年开通" if opened is not None else "")
    text = f"{label.lower()} ({as_of})" if as_of and status != "existing" else label.lower()
    return text + (f", opening {opened}" if opened is not None else "")
