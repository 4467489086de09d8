"""layers.gtfs: GTFS zips built in tmp_path read into transport lines and nodes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from geo._errors import InputError, UnsafeArchiveError
from layers import gtfs
from layers.base import ID_PATTERN, validate
from layers.gtfs import read_gtfs
from layers.transport import LINES_SCHEMA, NODES_SCHEMA, check_line_refs

FEED = {
    "feed_info": """feed_publisher_name,feed_publisher_url,feed_lang,feed_start_date,feed_end_date,feed_version
Guangzhou Metro,https://example.com,zh,20240301,20241231,v7
""",
    "calendar": """service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date
WK,1,1,1,1,1,0,0,20240201,20241231
WE,0,0,0,0,0,1,1,20240115,20241231
""",
    "stops": """stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station
S1,Tiyu Xilu,23.1300,113.3200,1,
S1a,Tiyu Xilu platform 1,23.1310,113.3210,0,S1
S1b,Tiyu Xilu platform 3,23.1290,113.3190,0,S1
E1,Tiyu Xilu exit A,23.1320,113.3220,2,S1
S2, Zhujiang New Town ,23.1200,113.3250,,
A1,白云机场,23.3900,113.3000,0,
B1,Huacheng Square,23.1400,113.3000,0,
B2,,23.1450,113.3050,0,
H1,Guangzhou South,22.9900,113.2700,1,
H1a,Guangzhou South platform,22.9901,113.2701,0,H1
H2,Shenzhen North,22.6100,114.0300,0,
""",
    "routes": """route_id,agency_id,route_short_name,route_long_name,route_type
M3,GZM,3,Metro Line 3,1
BUS1,GZB,B1,,3
G1,CR,G1,Guangzhou–Shenzhen HSR,101
""",
    "trips": """route_id,service_id,trip_id,shape_id
M3,WK,T1,SH1
M3,WE,T2,SH1
BUS1,WK,T3,
G1,WK,T4,
""",
    "stop_times": """trip_id,arrival_time,departure_time,stop_id,stop_sequence
T1,08:00:00,08:00:00,S1a,1
T1,08:03:00,08:03:00,S2,2
T1,08:30:00,08:30:00,A1,10
T2,09:00:00,09:00:00,S2,1
T2,09:03:00,09:03:00,S1b,2
T3,08:00:00,08:00:00,B1,1
T3,08:05:00,08:05:00,B2,2
T4,08:00:00,08:00:00,H1a,1
T4,08:30:00,08:30:00,H2,2
""",
    "shapes": """shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence
SH1,23.1200,113.3250,2
SH1,23.1300,113.3200,1
SH1,23.3900,113.3000,10
""",
}


def make_feed(tmp_path: Path, name: str = "feed.zip", *, folder: str = "", extra: dict[str, str] | None = None,
              **files: str | None) -> Path:
    """A GTFS zip in tmp_path: each keyword `stops=...` is the text of stops.txt (under `folder`);
    `extra` adds members by their exact name."""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for key, text in files.items():
            if text is not None:
                zf.writestr(f"{folder}{key}.txt", text)
        for member, text in (extra or {}).items():
            zf.writestr(member, text)
    return path


def feed(tmp_path: Path, **changes: str | None) -> Path:
    """The sample feed with some files replaced (or removed, with None)."""
    return make_feed(tmp_path, **{**FEED, **changes})


@pytest.fixture()
def net(tmp_path) -> gtfs.TransitNetwork:
    return read_gtfs(feed(tmp_path), label="gz.zip")


def test_metro_route_with_shapes_and_parent_station(net):
    line = net.lines.loc["gtfs-route-m3"]
    assert (line["mode"], line["line_ref"], line["geometry_quality"]) == ("metro", "gtfs-route-m3", "reference")
    assert line["name_zh"] == line["name_en"] == "3 Metro Line 3"
    assert line.geometry.geom_type == "MultiLineString" and len(line.geometry.geoms) == 1
    assert list(line.geometry.geoms[0].coords) == [(113.32, 23.13), (113.325, 23.12), (113.30, 23.39)]
    station = net.nodes.loc["gtfs-stop-s1"]
    assert (station.geometry.x, station.geometry.y) == (113.32, 23.13)
    assert station["line_refs"] == ["gtfs-route-m3"] and station["mode"] == "station"
    assert station["name_en"] == "Tiyu Xilu"
    assert not {"gtfs-stop-s1a", "gtfs-stop-s1b", "gtfs-stop-e1"} & set(net.nodes.index)
    assert net.nodes.loc["gtfs-stop-s2", "name_zh"] == "Zhujiang New Town"


def test_bus_stop_and_hsr_modes(net):
    assert net.lines.loc["gtfs-route-bus1", "mode"] == "bus"
    assert net.lines.loc["gtfs-route-bus1", "name_en"] == "B1"
    assert net.nodes.loc["gtfs-stop-b1", "mode"] == "bus-stop"
    assert net.nodes.loc["gtfs-stop-b2", "name_en"] == "B2"  # no stop_name: the stop_id
    assert net.lines.loc["gtfs-route-g1", "mode"] == "high-speed-rail"
    assert net.nodes.loc["gtfs-stop-h1", "mode"] == "hsr-station"
    assert net.nodes.loc["gtfs-stop-h2", "mode"] == "hsr-station"
    assert net.nodes.loc["gtfs-stop-h1", "line_refs"] == ["gtfs-route-g1"]


def test_mode_priority_when_routes_share_a_stop(tmp_path):
    trips = FEED["trips"] + "BUS1,WK,T5,\n"
    stop_times = FEED["stop_times"] + "T5,10:00:00,10:00:00,S2,1\nT5,10:05:00,10:05:00,B1,2\n"
    net = read_gtfs(feed(tmp_path, trips=trips, stop_times=stop_times))
    s2 = net.nodes.loc["gtfs-stop-s2"]
    assert s2["mode"] == "station" and s2["line_refs"] == ["gtfs-route-bus1", "gtfs-route-m3"]


def test_airport_role_from_stop_name(net):
    airport = net.nodes.loc["gtfs-stop-a1"]
    assert airport["roles"] == ["airport"]
    assert airport["roles_source"] == "stop name in the GTFS feed gz.zip"
    assert airport["mode"] == "station"
    others = net.nodes.drop(index="gtfs-stop-a1")
    assert others["roles"].isna().all() and others["roles_source"].isna().all()


def test_schematic_lines_without_shapes(tmp_path):
    net = read_gtfs(feed(tmp_path, shapes=None))
    line = net.lines.loc["gtfs-route-m3"]
    assert line.geometry.geom_type == "LineString" and line["geometry_quality"] == "schematic"
    # through the trip with the most stops (T1), child platforms at their station's position
    assert list(line.geometry.coords) == [(113.32, 23.13), (113.325, 23.12), (113.30, 23.39)]
    assert any("no shapes.txt" in n and "schematic" in n for n in net.notes)


def test_routes_without_shape_id_are_schematic(net):
    assert net.lines.loc["gtfs-route-g1", "geometry_quality"] == "schematic"
    assert list(net.lines.loc["gtfs-route-g1"].geometry.coords) == [(113.27, 22.99), (114.03, 22.61)]
    assert any("2 route(s) without shapes" in n for n in net.notes)


def test_name_source_and_as_of_from_feed_info(net):
    assert net.name == "Guangzhou Metro v7"
    assert net.as_of == "2024-03-01"
    assert set(net.lines["as_of"]) == set(net.nodes["as_of"]) == {"2024-03-01"}
    assert set(net.lines["source"]) == {"GTFS feed gz.zip, published by Guangzhou Metro, version v7"}
    assert set(net.nodes["status"]) == {"existing"} and net.nodes["open_year"].isna().all()


def test_as_of_from_calendar_or_calendar_dates(tmp_path):
    net = read_gtfs(feed(tmp_path, feed_info=None), label="metro.zip")
    assert net.as_of == "2024-01-15" and net.name == "metro"
    assert set(net.lines["source"]) == {"GTFS feed metro.zip"}
    assert any("calendar.txt" in n for n in net.notes)
    dates = "service_id,date,exception_type\nWK,20240510,1\nWK,20240402,2\n"
    other = tmp_path / "other"
    other.mkdir()
    assert read_gtfs(feed(other, feed_info=None, calendar=None, calendar_dates=dates)).as_of == "2024-04-02"


def test_no_date_anywhere(tmp_path):
    with pytest.raises(InputError, match="date"):
        read_gtfs(feed(tmp_path, feed_info=None, calendar=None))


def test_missing_stops_file(tmp_path):
    with pytest.raises(InputError, match=r"stops\.txt"):
        read_gtfs(feed(tmp_path, stops=None))


def test_missing_column(tmp_path):
    stops = FEED["stops"].replace("stop_lat,", "latitude,", 1)
    with pytest.raises(InputError, match=r"stops\.txt.*stop_lat"):
        read_gtfs(feed(tmp_path, stops=stops))


def test_bad_coordinates_skipped_and_noted(tmp_path):
    stops = FEED["stops"] + "X1,Nowhere,abc,113.3,0,\nX2,Null Island,0,0,0,\nX3,Off the map,95,113.3,0,\n"
    stop_times = FEED["stop_times"] + "".join(f"T3,08:1{i}:00,08:1{i}:00,X{i},{i + 2}\n" for i in (1, 2, 3))
    net = read_gtfs(feed(tmp_path, stops=stops, stop_times=stop_times))
    assert not {"gtfs-stop-x1", "gtfs-stop-x2", "gtfs-stop-x3"} & set(net.nodes.index)
    assert "3 stops without usable coordinates (missing, non-numeric, out of range or 0,0) skipped" in net.notes
    assert list(net.lines.loc["gtfs-route-bus1"].geometry.coords) == [(113.30, 23.14), (113.305, 23.145)]


def test_unsafe_zip_refused(tmp_path):
    path = make_feed(tmp_path, **FEED, extra={"../evil.txt": "boo"})
    with pytest.raises(UnsafeArchiveError, match=r"\.\./evil\.txt"):
        read_gtfs(path)


def test_ids_are_unique_slugs(tmp_path):
    routes = FEED["routes"] + "Line 1,A,L1,,3\nline-1,A,L1b,,3\n地铁,A,D,,3\n"
    trips = FEED["trips"] + "Line 1,WK,T6,\nline-1,WK,T7,\n地铁,WK,T8,\n"
    stop_times = FEED["stop_times"] + "".join(f"{t},08:00:00,08:00:00,B1,1\n{t},08:05:00,08:05:00,B2,2\n"
                                              for t in ("T6", "T7", "T8"))
    net = read_gtfs(feed(tmp_path, routes=routes, trips=trips, stop_times=stop_times))
    ids = list(net.lines["id"])
    assert len(ids) == len(set(ids)) == 6
    assert all(ID_PATTERN.match(i) for i in ids + list(net.nodes["id"]))
    assert sum(i.startswith("gtfs-route-line-1-") for i in ids) == 2
    assert list(net.lines["line_ref"]) == ids
    assert net.nodes.loc["gtfs-stop-b1", "line_refs"] == sorted(i for i in ids if "m3" not in i and "g1" not in i)


def test_output_passes_the_layer_schemas(net):
    def unfinished(gdf):  # finish() made open_year Int64 (pd.NA); validate expects the layer as read (None)
        return gdf.assign(open_year=[None if v is pd.NA else int(v) for v in gdf["open_year"]])

    validate(unfinished(net.lines), LINES_SCHEMA, "lines")
    validate(unfinished(net.nodes), NODES_SCHEMA, "nodes")
    assert check_line_refs(net.lines, net.nodes) == []
    assert net.lines.crs.to_epsg() == net.nodes.crs.to_epsg() == 4326
    assert list(net.nodes.index) == list(net.nodes["id"])
    assert str(net.lines["open_year"].dtype) == "Int64"


def test_skipped_routes_and_unserved_stops_noted(tmp_path):
    routes = FEED["routes"] + "CAB,A,C,Cable car,6\nEMPTY,A,E,,3\n"
    trips = FEED["trips"] + "CAB,WK,T9,\n"
    stops = FEED["stops"] + "U1,Unused,23.2,113.2,0,\n"
    net = read_gtfs(feed(tmp_path, routes=routes, trips=trips, stops=stops))
    assert "gtfs-route-cab" not in net.lines.index and "gtfs-route-empty" not in net.lines.index
    assert "route 'CAB' (type 6) has a route_type ParkAtlas does not map: skipped" in net.notes
    assert "route 'EMPTY' has no trips: skipped" in net.notes
    assert "1 stations or stops that no imported route serves dropped" in net.notes


def test_feed_in_a_folder_with_bom(tmp_path):
    files = {**FEED, "stops": "\ufeff" + FEED["stops"]}
    net = read_gtfs(make_feed(tmp_path, folder="gz-gtfs/", **files))
    assert "gtfs-stop-s1" in net.nodes.index and len(net.lines) == 3


def test_route_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(gtfs, "MAX_ROUTES", 2)
    with pytest.raises(InputError, match="3 routes; the limit is 2"):
        read_gtfs(feed(tmp_path))


def test_route_modes():
    assert [gtfs.ROUTE_MODES.get(t) for t in (0, 905, 400, 2, 109, 102, 405, 11, 204, 715, 4, 1200)] == [
        "tram", "tram", "metro", "intercity", "intercity", "high-speed-rail", "monorail", "bus", "bus", "bus",
        "ferry", "ferry"]
    assert [gtfs.ROUTE_MODES.get(t) for t in (5, 6, 7, 1100, 1300, 1700, 99)] == [None] * 7


def test_nothing_importable(tmp_path):
    stop_times = FEED["stop_times"].splitlines()[0] + "\n"
    with pytest.raises(InputError, match="no route of the feed could be imported"):
        read_gtfs(feed(tmp_path, shapes=None, stop_times=stop_times))


def test_not_utf8(tmp_path):
    path = tmp_path / "gbk.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for key, text in FEED.items():
            zf.writestr(f"{key}.txt", text.encode("gbk") if key == "stops" else text)
    with pytest.raises(InputError, match=r"stops\.txt is not UTF-8"):
        read_gtfs(path)
