"""Read a GTFS transit feed (a .zip) into the two transport layers: its routes as `transport_lines`
and its stations as `transport_nodes`, both GeoDataFrames in EPSG:4326 (lon/lat degrees).

The zip is checked by `geo._archive.check_zip`, then its files are read by pandas from the archive (no
extraction). What was skipped or assumed is said in `TransitNetwork.notes`, in plain English.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _archive
from geo._errors import InputError
from layers.base import LayerSchema, validate
from layers.transport import LINES_SCHEMA, NODES_SCHEMA, finish

MAX_STOPS = 200_000
MAX_ROUTES = 20_000
CORE_FILES = ("stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
_NODE_MODE_BY_RANK = ("hsr-station", "station", "tram-stop", "pier", "bus-stop")
_RANK = {"high-speed-rail": 0, "metro": 1, "intercity": 1, "monorail": 1, "tram": 2, "ferry": 3, "bus": 4}
_TYPES = {"tram": (0, *range(900, 907)), "metro": (1, *range(400, 405)), "high-speed-rail": (101, 102),
          "intercity": (2, *range(100, 118)), "monorail": (12, 405),
          "bus": (3, 11, 800, *range(200, 210), *range(700, 717)), "ferry": (4, 1200, *range(1000, 1100))}
ROUTE_MODES: dict[int, str] = {t: mode for mode, types in reversed(_TYPES.items()) for t in types}
"""GTFS route_type (basic and extended) → line mode (the first of _TYPES wins: 101, 102 are HSR); a type
not here (cable tram, aerial lift, funicular, air 1100-1199, ...) has no mode and its routes are skipped."""


@dataclass(frozen=True)
class TransitNetwork:
    """A GTFS feed as ParkAtlas layers: `lines` (one per route) and `nodes` (one per station), both
    EPSG:4326 lon/lat, validated against LINES_SCHEMA / NODES_SCHEMA, passed through
    `transport.finish` and indexed by id; `as_of` is "YYYY-MM-DD"; `notes` say what was skipped."""

    name: str
    as_of: str
    lines: gpd.GeoDataFrame
    nodes: gpd.GeoDataFrame
    notes: list[str] = field(default_factory=list)


def _about(kind: str, items: list[str], one: str, many: str) -> str:
    """`route 'R9' has no trips` or `3 routes ('a', 'b', 'c') have no trips`: `items` are shown as
    given (at most 5)."""
    shown = ", ".join(items[:5]) + (", …" if len(items) > 5 else "")
    return f"{kind} {shown} {one}" if len(items) == 1 else f"{len(items)} {kind}s ({shown}) {many}"


def make_ids(prefix: str, raw: pd.Series) -> pd.Series:
    """`prefix` + a lowercase slug of each (unique) raw id; a short hash of the raw id is appended
    where the slug is empty or shared by another id, so the result is unique and matches ID_PATTERN."""
    slugs = raw.str.lower().str.replace(r"[^a-z0-9]+", "-", regex=True).str.strip("-")
    for length in (8, 40):
        clash = slugs.eq("") | slugs.duplicated(keep=False)
        if not clash.any():
            break
        digest = raw[clash].map(lambda r: hashlib.sha1(r.encode("utf-8")).hexdigest()[:length])
        slugs[clash] = (slugs[clash] + "-" + digest).str.strip("-")
    return prefix + slugs


def _members(infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    """The feed's files by lowercase name: at the top of the zip or inside one folder (top wins)."""
    found: dict[str, zipfile.ZipInfo] = {}
    for info in sorted(infos, key=lambda i: i.filename.replace("\\", "/").count("/")):
        p = PurePosixPath(info.filename.replace("\\", "/"))
        if len(p.parts) <= 2 and "__MACOSX" not in p.parts and not p.name.startswith("._"):
            found.setdefault(p.name.lower(), info)
    return found


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo | None, name: str, label: str,
          required: tuple[str, ...] = (), optional: tuple[str, ...] = ()) -> pd.DataFrame | None:
    """The `required` and `optional` columns of one feed file as stripped strings (None if absent).
    Raises InputError naming the file when it is not UTF-8 CSV or lacks a required column."""
    if info is None:
        return None
    wanted = set(required) | set(optional)
    try:
        with zf.open(info) as fh:
            df = pd.read_csv(fh, dtype=str, encoding="utf-8-sig", keep_default_na=False,
                             usecols=lambda c: c.strip() in wanted)
    except UnicodeDecodeError:
        raise InputError(f"{label}: {name} is not UTF-8 text. Re-save the feed's files as UTF-8.") from None
    except pd.errors.EmptyDataError:
        df = pd.DataFrame()
    except (ValueError, zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        raise InputError(f"{label}: {name} cannot be read as CSV ({exc}).") from None
    df.columns = [c.strip() for c in df.columns]
    df = df.loc[:, ~df.columns.duplicated()]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputError(f"{label}: {name} has no column {', '.join(missing)}; GTFS requires it there.")
    df = df.apply(lambda s: s.str.strip()) if len(df.columns) else df
    for col in optional:
        if col not in df.columns:
            df[col] = ""
    return df


def _as_of(read: Callable[..., pd.DataFrame | None], info: pd.DataFrame | None, label: str,
           notes: list[str]) -> str:
    """The feed's date: feed_start_date, else the earliest calendar start_date, else calendar_dates date."""
    for name, col in (("feed_info.txt", "feed_start_date"), ("calendar.txt", "start_date"),
                      ("calendar_dates.txt", "date")):
        df = info if name == "feed_info.txt" else read(name, optional=(col,))
        day = pd.to_datetime(df[col], format="%Y%m%d", errors="coerce").min() if df is not None else None
        if day is not None and not pd.isna(day):
            if name != "feed_info.txt":
                notes.append(f"dated {day:%Y-%m-%d}: the earliest {col} in {name} (feed_info.txt gives no "
                             "feed_start_date)")
            return f"{day:%Y-%m-%d}"
    raise InputError(f"{label}: the feed gives no date (no feed_start_date in feed_info.txt, no start_date in "
                     "calendar.txt, no date in calendar_dates.txt, as YYYYMMDD).")


def _stations(stops: pd.DataFrame, notes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(stop_id → node, nodes [node, name, lon, lat]): location_type 1 stations, and stops without a
    usable parent station as their own nodes; a child stop maps to its parent (and its position)."""
    lt = stops["location_type"].replace("", "0")
    lon, lat = pd.to_numeric(stops["stop_lon"], errors="coerce"), pd.to_numeric(stops["stop_lat"], errors="coerce")
    ok = lon.between(-180, 180) & lat.between(-90, 90) & ~((lon == 0) & (lat == 0))
    stops = stops.assign(lon=lon, lat=lat, name=stops["stop_name"].where(stops["stop_name"] != "", stops["stop_id"]))
    is_station, is_stop = lt.eq("1"), lt.eq("0")
    stations = stops[is_station & ok]
    merged = is_stop & stops["parent_station"].isin(set(stations["stop_id"]))
    own = is_stop & ~merged
    orphans = int((own & stops["parent_station"].ne("")).sum())
    bad = int(((is_station | own) & ~ok).sum())
    unknown = int((~lt.isin(["0", "1", "2", "3", "4"])).sum())
    nodes = pd.concat([stations, stops[own & ok]])
    children = stops.loc[merged, ["stop_id", "parent_station"]].rename(columns={"parent_station": "node"})
    links = pd.concat([nodes[["stop_id"]].assign(node=nodes["stop_id"]), children])
    if bad:
        notes.append(f"{bad} stops without usable coordinates (missing, non-numeric, out of range or 0,0) skipped")
    if orphans:
        notes.append(f"{orphans} stops name a parent_station that is not a usable station: kept as their own stops")
    if unknown:
        notes.append(f"{unknown} stops with an unknown location_type ignored")
    return links, nodes.rename(columns={"stop_id": "node"})[["node", "name", "lon", "lat"]]


def _shape_lines(shapes: pd.DataFrame | None, trips: pd.DataFrame) -> pd.Series:
    """route_id → MultiLineString of the distinct shapes its trips use (routes with none are absent)."""
    used = trips.loc[trips["shape_id"] != "", ["route_id", "shape_id"]].drop_duplicates()
    if shapes is None or used.empty:
        return pd.Series(dtype=object)
    sh = shapes[shapes["shape_id"].isin(set(used["shape_id"]))]
    sh = sh.assign(x=pd.to_numeric(sh["shape_pt_lon"], errors="coerce"), y=pd.to_numeric(sh["shape_pt_lat"],
                   errors="coerce"), seq=pd.to_numeric(sh["shape_pt_sequence"], errors="coerce"))
    sh = sh[sh["x"].between(-180, 180) & sh["y"].between(-90, 90) & sh["seq"].notna()]
    sh = sh.sort_values(["shape_id", "seq"], kind="stable")
    lines = _polylines(sh["shape_id"], sh[["x", "y"]])
    used = used[used["shape_id"].isin(lines.index)].sort_values(["route_id", "shape_id"])
    if used.empty:
        return pd.Series(dtype=object)
    codes, routes = pd.factorize(used["route_id"])
    return pd.Series(shapely.multilinestrings(lines.loc[used["shape_id"]].to_numpy(), indices=codes), index=routes)


def _polylines(keys: pd.Series, xy: pd.DataFrame) -> pd.Series:
    """key → LineString through the points of each key (rows grouped by key, in order); consecutive
    repeated points are dropped and keys left with fewer than 2 points are absent."""
    keys, x, y = keys.to_numpy(), xy.iloc[:, 0].to_numpy(), xy.iloc[:, 1].to_numpy()
    keep = ~((keys[1:] == keys[:-1]) & (x[1:] == x[:-1]) & (y[1:] == y[:-1]))
    keep = np.concatenate([[True], keep]) if len(keys) else keep
    keys, x, y = keys[keep], x[keep], y[keep]
    codes, uniques = pd.factorize(keys)
    enough = np.bincount(codes, minlength=len(uniques))[codes] >= 2
    if not enough.any():
        return pd.Series(dtype=object)
    codes, uniques = pd.factorize(keys[enough])
    return pd.Series(shapely.linestrings(np.column_stack([x[enough], y[enough]]), indices=codes), index=uniques)


def _stop_lines(served: pd.DataFrame, nodes: pd.DataFrame) -> pd.Series:
    """route_id → LineString through the stations of its trip with the most stops (schematic)."""
    counts = served.groupby(["route_id", "trip_id"], sort=False).size().reset_index(name="n")
    best = counts.sort_values(["route_id", "n", "trip_id"], ascending=[True, False, True]).drop_duplicates("route_id")
    pts = served[served["trip_id"].isin(set(best["trip_id"]))].merge(nodes, on="node")
    pts = pts.assign(seq=pd.to_numeric(pts["stop_sequence"], errors="coerce"))
    pts = pts.sort_values(["trip_id", "seq"], kind="stable")
    by_trip = _polylines(pts["trip_id"], pts[["lon", "lat"]])
    trip_route = best.set_index("trip_id")["route_id"]
    return pd.Series(by_trip.to_numpy(), index=trip_route.loc[by_trip.index].to_numpy(), dtype=object)


def _frame(columns: dict[str, list | str], geometry: list, common: dict, label: str,
           schema: LayerSchema) -> gpd.GeoDataFrame:
    """A validated, finished layer frame indexed by id: `columns`, plus `common` values on every row."""
    n = len(geometry)
    gdf = gpd.GeoDataFrame({**{k: [v] * n for k, v in common.items()}, **columns},
                           geometry=gpd.GeoSeries(geometry, crs=4326), crs=4326)
    return finish(validate(gdf, schema, origin=label).set_index("id", drop=False).rename_axis(None))


def _routes(routes: pd.DataFrame, trips: pd.DataFrame, notes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The routes of a mapped route_type that have trips (with their `mode`), and their trips."""
    routes = routes[routes["route_id"] != ""].drop_duplicates("route_id")
    routes = routes.assign(mode=pd.to_numeric(routes["route_type"], errors="coerce").map(ROUTE_MODES))
    odd = routes[routes["mode"].isna()]
    if len(odd):
        notes.append(_about("route", [f"{r!r} (type {t or '?'})" for r, t in zip(odd["route_id"], odd["route_type"])],
                            "has a route_type ParkAtlas does not map: skipped",
                            "have route_types ParkAtlas does not map (aerial lift, funicular, air, ...): skipped"))
    routes = routes[routes["mode"].notna()]
    trips = trips[trips["route_id"].isin(set(routes["route_id"]))].drop_duplicates("trip_id")
    tripless = ~routes["route_id"].isin(set(trips["route_id"]))
    if tripless.any():
        notes.append(_about("route", [repr(r) for r in routes.loc[tripless, "route_id"]], "has no trips: skipped",
                            "have no trips: skipped"))
    return routes[~tripless], trips


def _geometries(trips: pd.DataFrame, shapes: pd.DataFrame | None, served: pd.DataFrame, nodes: pd.DataFrame,
                notes: list[str]) -> tuple[pd.Series, pd.Series]:
    """(route_id → geometry, route_id → geometry_quality): shapes where the trips have them, else a
    schematic line through the stops."""
    geoms = _shape_lines(shapes, trips)
    quality = pd.Series("reference", index=geoms.index, dtype=object)
    sketched = _stop_lines(served[~served["route_id"].isin(set(geoms.index))], nodes)
    if len(sketched):
        why = "no shapes.txt" if shapes is None else f"{len(sketched)} route(s) without shapes"
        notes.append(f"{why}: lines drawn through their stops (schematic)")
        geoms = pd.concat([geoms, sketched])
        quality = pd.concat([quality, pd.Series("schematic", index=sketched.index, dtype=object)])
    return geoms, quality


def read_gtfs(path: str | Path, *, label: str | None = None) -> TransitNetwork:
    """Read the GTFS zip at `path` as transport lines and nodes (EPSG:4326 lon/lat).

    label: the user's name for the file, used in messages and in every feature's `source`.
    Raises InputError (UnsafeArchiveError for a refused zip) naming the file, and what is wrong.
    """
    path = Path(path)
    label = label or path.name
    notes: list[str] = []
    with _archive.open_zip(path, label) as zf:
        members = _members(_archive.check_zip(zf, label))
        missing = [n for n in CORE_FILES if n not in members]
        if missing:
            raise InputError(f"{label}: no {', '.join(missing)} in the zip; a GTFS feed needs stops.txt, routes.txt, "
                             "trips.txt and stop_times.txt (at the top of the zip or in one folder).")

        def read(name: str, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()) -> pd.DataFrame | None:
            return _read(zf, members.get(name), name, label, required, optional)

        def read_core(name: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> pd.DataFrame:
            df = read(name, required, optional)
            assert df is not None  # the CORE_FILES are in the zip (checked above)
            return df

        info = read("feed_info.txt", optional=("feed_publisher_name", "feed_version", "feed_start_date"))
        as_of = _as_of(read, info, label, notes)
        stops = read_core("stops.txt", ("stop_id", "stop_lat", "stop_lon"),
                          ("stop_name", "location_type", "parent_station"))
        routes = read_core("routes.txt", ("route_id", "route_type"), ("route_short_name", "route_long_name"))
        for what, df, limit in (("stops", stops, MAX_STOPS), ("routes", routes, MAX_ROUTES)):
            if len(df) > limit:
                raise InputError(f"{label}: {what}.txt has {len(df):,} {what}; the limit is {limit:,}. "
                                 "Import an extract of the feed.")
        trips = read_core("trips.txt", ("route_id", "trip_id"), ("shape_id",))
        stop_times = read_core("stop_times.txt", ("trip_id", "stop_id", "stop_sequence"))
        shapes = read("shapes.txt", ("shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"))

    first = info.iloc[0] if info is not None and len(info) else {}
    publisher, version = first.get("feed_publisher_name", ""), first.get("feed_version", "")
    source = (f"GTFS feed {label}" + (f", published by {publisher}" if publisher else "")
              + (f", version {version}" if version else ""))
    common = {"source": source, "as_of": as_of, "status": "existing", "open_year": None, "open_year_source": None,
              "note": None, "park_ids": None}

    routes, trips = _routes(routes, trips, notes)
    links, nodes = _stations(stops[stops["stop_id"] != ""].drop_duplicates("stop_id"), notes)
    served = stop_times.merge(trips[["trip_id", "route_id"]], on="trip_id").merge(links, on="stop_id")
    geoms, quality = _geometries(trips, shapes, served, nodes, notes)
    unplaced = ~routes["route_id"].isin(set(geoms.index))
    if unplaced.any():
        notes.append(_about("route", [repr(r) for r in routes.loc[unplaced, "route_id"]],
                            "has no shape and fewer than 2 placeable stops: skipped",
                            "have no shape and fewer than 2 placeable stops: skipped"))
    routes = routes[~unplaced]
    if routes.empty:
        raise InputError(f"{label}: no route of the feed could be imported ({'; '.join(notes) or 'no routes'}).")
    routes = routes.assign(id=make_ids("gtfs-route-", routes["route_id"]).to_numpy())
    names = (routes["route_short_name"] + " " + routes["route_long_name"]).str.strip()
    names = names.where(names != "", routes["route_id"]).tolist()
    lines = _frame({"id": routes["id"].tolist(), "name_zh": names, "name_en": names, "mode": routes["mode"].tolist(),
                    "line_ref": routes["id"].tolist(), "geometry_quality": quality.loc[routes["route_id"]].tolist()},
                   geoms.loc[routes["route_id"]].tolist(), common, label, LINES_SCHEMA)

    by_node = served[["node", "route_id"]].drop_duplicates().merge(routes[["route_id", "id", "mode"]], on="route_id")
    by_node = by_node.assign(rank=by_node["mode"].map(_RANK)).sort_values(["node", "id"])
    refs = by_node.groupby("node", sort=False)["id"].agg(list)
    rank = by_node.groupby("node", sort=False)["rank"].min()
    unserved = int((~nodes["node"].isin(refs.index)).sum())
    if unserved:
        notes.append(f"{unserved} stations or stops that no imported route serves dropped")
    nodes = nodes[nodes["node"].isin(refs.index)]
    names = nodes["name"].tolist()
    airport = (nodes["name"].str.contains("机场", regex=False)
               | nodes["name"].str.lower().str.contains("airport", regex=False)).tolist()
    node_frame = _frame({
        "id": make_ids("gtfs-stop-", nodes["node"]).tolist(), "name_zh": names, "name_en": names,
        "geometry_quality": "reference", "mode": [_NODE_MODE_BY_RANK[int(r)] for r in rank.loc[nodes["node"]]],
        "line_refs": refs.loc[nodes["node"]].tolist(), "roles": [["airport"] if a else None for a in airport],
        "roles_source": [f"stop name in the GTFS feed {label}" if a else None for a in airport],
    }, shapely.points(nodes["lon"].to_numpy(), nodes["lat"].to_numpy()).tolist(), common, label, NODES_SCHEMA)
    name = " ".join(p for p in (publisher, version) if p) or PurePosixPath(label).stem
    return TransitNetwork(name=name, as_of=as_of, lines=lines, nodes=node_frame, notes=notes)
