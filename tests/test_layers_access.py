"""layers.access and layers.transport.open_in on a hand-built network with known distances."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from layers.access import access_table
from layers.transport import FULL_PLAN, check_line_refs, open_in

PLANAR = 4547
# A 1 km square park whose south-west corner is at (x0, y0) in EPSG:4547 metres (near Guangzhou).
X0, Y0 = 38_530_000.0 - 38_000_000.0, 2_555_000.0


def to_wgs(geoms, index) -> gpd.GeoSeries:
    return gpd.GeoSeries(geoms, index=index, crs=PLANAR).to_crs(4326)


@pytest.fixture()
def network():
    park = gpd.GeoDataFrame({"name": ["P"]}, index=["p"],
                            geometry=to_wgs([box(X0, Y0, X0 + 1000, Y0 + 1000)], ["p"]), crs=4326)
    node_ids = ["inside", "east-500", "north-1500", "hsr-3000", "airport-9000", "planned-100"]
    nodes = gpd.GeoDataFrame(
        {
            "id": ["inside", "east-500", "north-1500", "hsr-3000", "airport-9000", "planned-100"],
            "mode": ["station", "station", "tram-stop", "hsr-station", "airport", "station"],
            "line_refs": [["m1"], ["m1"], ["t1"], ["hsr"], [], ["m2"]],
            "status": ["existing", "existing", "under-construction", "existing", "existing", "planned"],
            "open_year": pd.array([None, 2021, 2024, None, None, None], dtype="Int64"),
            "as_of": ["2018-06-21"] * 6,
        },
        index=node_ids,
        geometry=to_wgs([Point(X0 + 500, Y0 + 500), Point(X0 + 1500, Y0 + 500), Point(X0 + 500, Y0 + 2500),
                         Point(X0 + 4000, Y0 + 500), Point(X0 + 500, Y0 - 9000), Point(X0 - 100, Y0 + 500)],
                        node_ids),
        crs=4326,
    )
    lines = gpd.GeoDataFrame(
        {
            "id": ["l-m1", "l-t1", "l-m2", "l-hsr"],
            "line_ref": ["m1", "t1", "m2", "hsr"],
            "status": ["existing", "under-construction", "planned", "existing"],
            "open_year": pd.array([2010, 2024, None, None], dtype="Int64"),
            "as_of": ["2018-06-21"] * 4,
        },
        index=["l-m1", "l-t1", "l-m2", "l-hsr"],
        geometry=to_wgs([LineString([(X0 + 500, Y0 + 500), (X0 + 1500, Y0 + 500)]),
                         LineString([(X0 + 500, Y0 + 2500), (X0 + 500, Y0 + 4000)]),
                         LineString([(X0 - 100, Y0 + 500), (X0 - 100, Y0 - 3000)]),
                         LineString([(X0 + 4000, Y0 + 500), (X0 + 9000, Y0 + 500)])],
                        ["l-m1", "l-t1", "l-m2", "l-hsr"]),
        crs=4326,
    )
    return park, lines, nodes


def test_open_in_follows_status_and_open_year(network):
    _, lines, nodes = network
    assert list(nodes.index[open_in(nodes, 2018)]) == ["inside", "hsr-3000", "airport-9000"]
    assert list(nodes.index[open_in(nodes, 2021)]) == ["inside", "east-500", "hsr-3000", "airport-9000"]
    assert list(nodes.index[open_in(nodes, 2030)]) == ["inside", "east-500", "north-1500", "hsr-3000", "airport-9000"]
    assert open_in(nodes, FULL_PLAN).all()
    assert list(lines.index[open_in(lines, 2017)]) == ["l-m1"]  # hsr 'existing' per a 2018 document


def test_access_in_2021(network):
    park, lines, nodes = network
    row = access_table(park, lines, nodes, 2021).loc["p"]
    assert row["nearest_stop"] == "inside" and row["nearest_stop_m"] == 0
    assert row["nearest_station"] == "inside"  # the nearest of mode 'station' (metro/rail)
    assert row["stations_800m"] == ["inside", "east-500"]
    assert row["nearest_hsr-station_m"] == pytest.approx(3000, abs=1)
    assert row["nearest_airport_m"] == pytest.approx(9000, abs=1)
    assert math.isnan(row["nearest_tram-stop_m"])  # opens 2024
    assert row["lines_800m"] == ["m1"]
    assert row["lines_2km"] == ["m1"]


def test_access_full_plan_adds_planned_links(network):
    park, lines, nodes = network
    row = access_table(park, lines, nodes, FULL_PLAN).loc["p"]
    assert row["nearest_tram-stop_m"] == pytest.approx(1500, abs=1)
    assert row["stations_800m"] == ["inside", "planned-100", "east-500"]
    assert row["stations_2km"] == ["inside", "planned-100", "east-500", "north-1500"]
    assert row["lines_800m"] == ["m1", "m2"]
    assert set(row["lines_2km"]) == {"m1", "m2", "t1"}


def test_line_refs_on_nodes_must_exist(network):
    _, lines, nodes = network
    assert check_line_refs(lines, nodes) == []
    nodes.at["inside", "line_refs"] = ["m9"]
    assert check_line_refs(lines, nodes) == [
        "transport_nodes: feature 'inside': field 'line_refs': 'm9' is not the line_ref of any line"]


def test_nearest_stop_of_any_kind_is_not_the_nearest_metro_station(network):
    """Without metro stations in service, the nearest place to board is the HSR station; the
    per-mode column for metro stations stays empty (the two were once one column)."""
    park, lines, nodes = network
    only_hsr = nodes[nodes["mode"] != "station"]
    row = access_table(park, lines, only_hsr, 2021).loc["p"]
    assert row["nearest_stop"] == "hsr-3000" and row["nearest_stop_m"] == pytest.approx(3000, abs=1)
    assert "nearest_station" not in row.index
