"""layers.sites: search, ranking and comparison on a hand-built set of parks with known distances."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from layers import facilities as facilities_layer
from layers import parks as parks_layer
from layers import targets as targets_layer
from layers import transport
from layers.access import access_table
from layers.parks import with_areas
from layers.site_explain import explain_search, needs_explaining, network_in_area, relaxed, search_area
from layers.sites import (SiteQuery, compare_parks, criteria_masks, format_distance, industry_chips, rank_sites,
                          resolve_network)

PLANAR = 4547
X0, Y0 = 530_000.0, 2_555_000.0  # near Guangzhou, EPSG:4547 metres
TEST_DATA = Path(__file__).resolve().parent / "data"


def to_wgs(geoms, index) -> gpd.GeoSeries:
    return gpd.GeoSeries(geoms, index=index, crs=PLANAR).to_crs(4326)


@pytest.fixture(scope="module")
def parks() -> gpd.GeoDataFrame:
    """a: 1 km square (新型显示, 电子商务); b: 2 km x 1.5 km = 3 km², 5 km east (电子商务);
    c: a point 20 km east, stated 3.0 km², Foshan, planned (新型显示); d: a phase of a (新型显示)."""
    ids = ["a", "b", "c", "d"]
    geoms = [box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0 + 5000, Y0, X0 + 7000, Y0 + 1500),
             Point(X0 + 20000, Y0 + 500), box(X0, Y0, X0 + 500, Y0 + 500)]
    gdf = gpd.GeoDataFrame({
        "id": ids, "name_zh": ["甲园", "乙园", "丙园", "甲园一期"], "name_en": ["Park A", "Park B", "Park C", "Park A phase 1"],
        "kind": ["park", "park", "park", "phase"], "programme": ["gz-value-innovation"] * 3 + ["gz-value-innovation"],
        "parent_id": [None, None, None, "a"], "city": ["广州市", "广州市", "佛山市", "广州市"],
        "district": ["增城区", "黄埔区", "南海区", "增城区"],
        "industries": [["新型显示", "电子商务"], ["电子商务"], ["新型显示"], ["新型显示"]],
        "industries_en": [["New display", "E-commerce"], ["E-commerce"], ["New display"], ["New display"]],
        "operator": ["甲公司", None, None, "甲公司"], "stated_area_km2": [1.0, None, 3.0, None],
        "status": ["developing", "established", "planned", "developing"],
        "source": ["文件甲 §1", "文件乙 §2", "文件丙 §3", "文件甲 §1"],
        "geometry_quality": ["schematic", "schematic", "approximate-location", "schematic"],
    }, index=ids, geometry=to_wgs(geoms, ids), crs=4326)
    return with_areas(gdf)


@pytest.fixture(scope="module")
def network():
    node_ids = ["s1", "s2", "h1", "air"]
    nodes = gpd.GeoDataFrame({
        "id": node_ids, "name_zh": ["一站", "二站", "高铁站", "机场"], "name_en": ["S1", "S2", "HSR", "Airport"],
        "mode": ["station", "station", "hsr-station", "airport"], "line_refs": [["m13"], ["m5"], [], []],
        "status": ["under-construction", "existing", "existing", "existing"],
        "open_year": pd.array([2021, None, None, None], dtype="Int64"), "as_of": ["2018-06-21"] * 4,
    }, index=node_ids, geometry=to_wgs([Point(X0 + 1420, Y0 + 500), Point(X0 + 6000, Y0 + 750),
                                        Point(X0 + 500, Y0 + 4200), Point(X0 + 500, Y0 - 9000)], node_ids), crs=4326)
    line_ids = ["l13", "l5"]
    lines = gpd.GeoDataFrame({
        "id": line_ids, "name_zh": ["13号线", "5号线"], "name_en": ["Line 13", "Line 5"], "mode": ["metro", "metro"],
        "line_ref": ["m13", "m5"], "status": ["under-construction", "existing"],
        "open_year": pd.array([2021, None], dtype="Int64"), "as_of": ["2018-06-21"] * 2,
    }, index=line_ids, geometry=to_wgs([LineString([(X0 + 1420, Y0 - 2000), (X0 + 1420, Y0 + 3000)]),
                                        LineString([(X0 + 6000, Y0 + 750), (X0 + 12000, Y0 + 750)])], line_ids),
        crs=4326)
    return lines, nodes


@pytest.fixture(scope="module")
def access_full(parks, network):
    lines, nodes = network
    return access_table(parks, lines, nodes, transport.FULL_PLAN)


# --------------------------------------------------------------------------- chips, network, distance

def test_industry_chips_most_common_first(parks):
    assert industry_chips(parks, "zh") == ["新型显示", "电子商务"]
    assert industry_chips(parks, "en") == ["E-commerce", "New display"]
    only_b = parks.loc[["b", "c", "d"]]
    assert industry_chips(only_b, "zh") == ["新型显示", "电子商务"]  # phase d not counted: a tie 1-1


def test_resolve_network():
    assert resolve_network("existing", date(2026, 5, 1)) == 2026
    assert resolve_network("full") == "full"
    assert resolve_network(2025) == 2025 and resolve_network("2030") == 2030


def test_format_distance():
    assert [format_distance(d, "en") for d in (0, 4, 417, 994, 995, 3240, 12_960)] == [
        "0 m", "0 m", "420 m", "990 m", "1.0 km", "3.2 km", "13.0 km"]
    assert format_distance(420, "zh") == "420 米" and format_distance(3240, "zh") == "3.2 公里"


# --------------------------------------------------------------------------- ranking

def test_rank_by_matched_industries_then_station(parks, access_full, network):
    lines, nodes = network
    q = SiteQuery(industries=("新型显示", "E-commerce"), kinds=("park",), network="full")
    r = rank_sites(parks, access_full, q, "en", nodes=nodes, lines=lines)
    assert list(r.index) == ["a", "b", "c"] and list(r["rank"]) == [1, 2, 3]
    assert list(r["n_matched"]) == [2, 1, 1]
    assert r.at["a", "matched_industries"] == ["New display", "E-commerce"]
    assert r.at["a", "station_m"] == pytest.approx(420, abs=1)
    assert r.at["b", "station_m"] == pytest.approx(0, abs=1e-6)
    assert r.at["a", "reasons"] == ("matches New display, E-commerce; station 420 m (S1, open since 2021; Line 13); HSR 3.2 km; "
                                    "airport 9.0 km; area 1.0 km² (computed)")
    assert r.at["c", "reasons"] == ("matches New display; station 14.0 km (S2, existing); HSR 19.8 km; airport 21.7 km; "
                                    "area 3.0 km² (stated); after #2 Park B (same matches): station 14.0 km vs 0 m")
    assert list(r["tie_break"]) == ["", "", "station"]  # a leads on matches; b and c tie on them
    assert r["verified"].all()


def test_reasons_in_chinese(parks, access_full, network):
    lines, nodes = network
    r = rank_sites(parks, access_full, SiteQuery(industries=("电子商务",)), "zh", nodes=nodes, lines=lines)
    assert list(r.index) == ["b", "a"]  # both match one industry; b has a station inside (0 m)
    assert r.at["b", "reasons"] == ("匹配 电子商务；车站 0 米（二站，已建成；5号线）；高铁站 5.2 公里；机场 10.1 公里；"
                                    "面积 3.0 km²（计算）")


def test_metro_criterion_by_network_year(parks, network):
    lines, nodes = network
    q = SiteQuery(kinds=("park",), metro_within_m=800, network=2018)
    in_2018 = rank_sites(parks, access_table(parks, lines, nodes, resolve_network(q.network)), q, "en")
    assert list(in_2018.index) == ["b"]  # s1 (420 m from a) opens in 2021
    in_2021 = rank_sites(parks, access_table(parks, lines, nodes, 2021), q, "en")
    assert list(in_2021.index) == ["b", "a"]


def test_hsr_and_airport_criteria(parks, access_full):
    assert list(rank_sites(parks, access_full, SiteQuery(max_hsr_m=3500), "en").index) == ["a"]  # d: 3.7 km
    assert list(rank_sites(parks, access_full, SiteQuery(max_hsr_m=3800), "en").index) == ["a", "d"]  # 420 < 920 m
    assert list(rank_sites(parks, access_full, SiteQuery(max_hsr_m=3000), "en").index) == []
    assert list(rank_sites(parks, access_full, SiteQuery(max_airport_m=9500), "en").index) == ["a", "d"]


def test_a_missing_mode_fails_its_criterion(parks, network):
    lines, nodes = network
    no_airport = access_table(parks, lines, nodes[nodes["mode"] != "airport"], transport.FULL_PLAN)
    assert rank_sites(parks, no_airport, SiteQuery(max_airport_m=50_000), "en").empty
    r = rank_sites(parks, no_airport, SiteQuery(kinds=("park",)), "en")
    assert "airport" not in r.at["a", "reasons"]
    assert math.isnan(r.at["a", "airport_m"])


def test_without_transport_data_criteria_are_not_checked_not_passed(parks):
    q = SiteQuery(kinds=("park",), metro_within_m=500, max_hsr_m=5000)
    r = rank_sites(parks, None, q, "en")
    assert list(r.index) == ["b", "c", "a"]  # kept, flagged, larger area first, then id (no distance to rank by)
    assert not r["verified"].any()
    assert r.at["a", "reasons"] == ("station ≤ 500 m: not checked (no transport data); "
                                    "HSR ≤ 5.0 km: not checked (no transport data); area 1.0 km² (computed); "
                                    "after #2 Park C (same station distance): area 1.00 vs 3.00 km² (larger first)")
    assert r.at["c", "reasons"].endswith("after #1 Park B (same station distance, same area): park id c after b")
    assert rank_sites(parks, None, SiteQuery(metro_within_m=500), "zh").at["b", "reasons"] == \
        "车站 ≤ 500 米: 未核验（无交通数据）；面积 3.0 km²（计算）"
    plain = rank_sites(parks, None, SiteQuery(kinds=("park",)), "en")
    assert plain["verified"].all() and plain.at["c", "reasons"].startswith("area 3.0 km² (stated); ")


def test_area_city_status_filters_and_larger_area_first(parks):
    r = rank_sites(parks, None, SiteQuery(min_area_km2=2.0, max_area_km2=4.0), "en")
    assert list(r.index) == ["b", "c"]  # both 3.00 km² to 0.01 km²: the id decides
    assert list(r["area_basis"]) == ["computed", "stated"] and list(r["tie_break"]) == ["", "id"]
    assert r.at["b", "area_km2"] == pytest.approx(3.0, rel=2e-3) and r.at["c", "area_km2"] == 3.0
    larger = rank_sites(parks, None, SiteQuery(min_area_km2=0.1), "en")
    assert list(larger.index) == ["b", "c", "a", "d"]  # larger area first, whatever the bound
    assert list(rank_sites(parks, None, SiteQuery(cities=("佛山市",)), "en").index) == ["c"]
    assert list(rank_sites(parks, None, SiteQuery(statuses=("established", "planned")), "en").index) == ["b", "c"]
    assert rank_sites(parks, None, SiteQuery(industries=("量子通信",)), "en").empty


def test_labels_and_columns(parks):
    r = rank_sites(parks, None, SiteQuery(cities=("佛山市",)), "zh")
    assert list(r.columns) == ["rank", "name", "city", "kind", "status", "matched_industries", "n_matched", "area_km2",
                               "area_basis", "station", "station_m", "lines_800m", "hsr_m", "airport_m", "verified",
                               "tie_break", "reasons"]
    assert r.loc["c", ["name", "city", "kind", "status"]].tolist() == ["丙园", "佛山市", "园区", "规划"]


@pytest.mark.parametrize("flt", [
    {"min_area_km2": 0.5}, {"max_area_km2": 2.0}, {"min_area_km2": 0.2, "max_area_km2": 3.5}, {"cities": ("广州市",)},
    {"statuses": ("developing", "planned")}, {"metro_within_m": 1000.0}, {"max_hsr_m": 5000.0}, {"kinds": ("park",)},
])
@pytest.mark.parametrize("industries", [(), ("新型显示",), ("新型显示", "E-commerce")])
def test_a_filter_removes_parks_and_never_reorders_the_rest(parks, access_full, flt, industries):
    """The tie-breaker is stable: ranking with a filter = ranking without it, less the parks it removes."""
    base = rank_sites(parks, access_full, SiteQuery(industries=industries, network="full"), "en")
    filtered = rank_sites(parks, access_full, SiteQuery(industries=industries, network="full", **flt), "en")
    assert list(filtered.index) == [i for i in base.index if i in filtered.index]


def test_a_tie_of_everything_is_broken_by_the_park_id_and_said(parks, access_full):
    twin = parks.loc[["a"]].rename(index={"a": "a2"}).assign(id="a2", name_en="Park A twin", name_zh="甲园双")
    both = pd.concat([twin, parks.loc[["a"]]])
    access = pd.concat([access_full.loc[["a"]].rename(index={"a": "a2"}), access_full.loc[["a"]]])
    r = rank_sites(both, access, SiteQuery(industries=("New display",)), "en")
    assert list(r.index) == ["a", "a2"] and list(r["tie_break"]) == ["", "id"]
    assert r.at["a2", "reasons"].endswith(
        "; after #1 Park A (same matches, same station distance, same area): park id a2 after a")
    zh = rank_sites(both, access, SiteQuery(industries=("新型显示",)), "zh")
    assert zh.at["a2", "reasons"].endswith("；排在第1名“甲园”之后（匹配数相同、车站距离相同、面积相同）：园区编号 a2 在 a 之后")
    assert r.at["a", "reasons"].split("; ")[:-1] == r.at["a2", "reasons"].split("; ")[:-2]  # only the tie note differs


def test_different_scores_carry_no_tie_note(parks, access_full):
    r = rank_sites(parks, access_full, SiteQuery(industries=("新型显示", "E-commerce"), kinds=("park",)), "en")
    assert r.at["b", "tie_break"] == "" and "after #" not in r.at["b", "reasons"]  # 1 match after a's 2


# --------------------------------------------------------------------------- explaining a search

def test_an_empty_search_says_what_each_criterion_removes(parks, access_full):
    q = SiteQuery(industries=("新型显示",), kinds=("phase",), metro_within_m=500, network="full")
    e = explain_search(parks, access_full, q, "zh")
    assert (e.total, e.matches) == (4, 0)
    assert [(f.key, f.removes_alone, f.left_after, f.matches_without) for f in e.effects] == [
        ("industries", 1, 3, 0),  # b has no 新型显示
        ("kinds", 3, 1, 1),  # only d is a phase
        ("metro", 2, 0, 1),  # c (14 km) and d (920 m) are farther than 500 m
    ]
    assert e.blocking == "kinds"  # dropping it (or the distance) brings back 1 park; the first in order wins
    [metro] = e.relaxations
    assert (metro.key, metro.current, metro.value, metro.matches) == ("metro", 500.0, 1000.0, 1)  # d at 920 m
    assert len(rank_sites(parks, access_full, relaxed(q, metro), "zh")) == metro.matches


def test_relaxing_an_area_bound_and_a_distance(parks, access_full):
    q = SiteQuery(industries=("电子商务",), min_area_km2=2.0, max_hsr_m=4000, network="full")
    e = explain_search(parks, access_full, q, "en")
    assert e.matches == 0 and e.blocking == "area"
    assert [(r.key, r.value, r.matches) for r in e.relaxations] == [("min_area", 0.9, 1), ("hsr", 10000.0, 1)]
    for r in e.relaxations:  # each relaxation finds what it promises
        assert len(rank_sites(parks, access_full, relaxed(q, r), "en")) == r.matches
    top = explain_search(parks, access_full, SiteQuery(max_area_km2=0.5), "en")
    assert [(r.key, r.value, r.matches) for r in top.relaxations] == [("max_area", 1.0, 2)]  # d, then a at 1.00 km²


def test_an_unchecked_distance_is_not_blamed(parks):
    q = SiteQuery(kinds=("phase",), metro_within_m=100)
    masks = criteria_masks(parks, None, q)
    assert list(masks) == ["kinds"]
    e = explain_search(parks, None, q, "en")
    assert e.matches == 1 and [f.key for f in e.effects] == ["kinds"] and e.relaxations == ()
    assert needs_explaining(1, masks) and not needs_explaining(3, masks) and not needs_explaining(0, {})


# --------------------------------------------------------------------------- comparison

@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["t1", "t2", "t3"], "park_id": ["a", "a", "b"], "name_zh": ["产值", "绿地率", "收入"],
        "name_en": ["Output", "Green ratio", "Revenue"], "value": [1000.0, 20.0, 80.0], "unit": ["亿元", "%", "亿元"],
        "target_year": pd.array([2020, None, 2022], dtype="Int64"), "comparison": ["=", "≥", None]})


@pytest.fixture(scope="module")
def facilities() -> pd.DataFrame:
    return pd.DataFrame({"id": ["f1", "f2"], "park_id": ["a", "a"], "category": ["parking", "school"],
                         "name_zh": ["停车位5503个", "中学"], "name_en": ["5503 parking spaces", "Middle school"],
                         "status": ["planned", "under-construction"]})


def test_compare_two_parks(parks, access_full, targets, facilities, network):
    lines, nodes = network
    table = compare_parks(parks, ["a", "c"], access_full, targets, facilities, "en", nodes=nodes, lines=lines)
    assert list(table.columns) == ["a", "c"]
    assert list(table.index) == [
        "Name (Chinese)", "Name (English)", "Kind", "Programme", "Status", "City / district", "Area (km²)", "Area (ha)",
        "Area (mu)", "Area basis", "Leading industries", "Operator", "Nearest station", "Lines within 800 m",
        "Nearest HSR station", "Nearest airport", "Access network", "Distances measured from", "Targets",
        "Planned facilities", "Source", "Geometry quality"]
    a, c = table["a"], table["c"]
    assert a["Distances measured from"] == "the schematic boundary (drawn from the text)"  # a is a schematic outline
    assert c["Distances measured from"] == "the approximate point (no outline)"  # c is a point: never "the boundary"
    assert a["Area (km²)"] == "1.00" and a["Area (ha)"] == "100" and a["Area (mu)"] == "1,500"
    assert a["Area basis"] == "computed from the boundary (geodesic)"
    assert c["Area (km²)"] == "3.00" and c["Area (ha)"] == "300" and c["Area (mu)"] == "4,500"
    assert c["Area basis"] == "stated in the document"
    assert a["City / district"] == "Guangzhou / Zengcheng District" and c["Status"] == "Planned"
    assert a["Leading industries"] == "New display, E-commerce" and c["Operator"] == "—"
    assert a["Operator"] == "Company: 甲公司"  # no English on record: the original after a gloss
    assert a["Nearest station"] == "S1, open since 2021, 420 m" and a["Lines within 800 m"] == "Line 13"
    assert a["Nearest HSR station"] == "HSR, existing, 3.2 km" and a["Nearest airport"] == "Airport, existing, 9.0 km"
    assert c["Lines within 800 m"] == "—"
    assert a["Targets"] == "Output: 1000 × 100 million yuan (2020)\nGreen ratio: ≥20%"  # a unit in English only
    assert c["Targets"] == "—"
    assert a["Planned facilities"] == ("Parking: 5503 parking spaces (planned)\n"
                                       "School: Middle school (under construction)")
    assert a["Source"] == "文件甲 §1" and c["Geometry quality"] == "Approximate location"


def test_compare_without_transport_and_in_chinese(parks, targets):
    table = compare_parks(parks, ["b", "a", "c"], None, targets, None, "zh")
    assert list(table.columns) == ["b", "a", "c"]
    assert table.at["最近车站", "b"] == "无交通数据" and table.at["最近机场", "c"] == "无交通数据"
    assert table.at["目标", "b"] == "收入：80 亿元 (2022)"
    assert table.at["规划配套", "a"] == "—"
    assert table.at["类型", "a"] == "园区" and table.at["主导产业", "a"] == "新型显示、电子商务"


@pytest.mark.parametrize("ids, message", [
    (["a"], "compare 2 to 4 parks at a time; got 1"),
    (["a", "b", "c", "d", "a"], "compare 2 to 4 parks at a time; got 5"),
    (["a", "a"], "each park may be compared once; repeated: a"),
    (["a", "zz", "yy"], "unknown park id\\(s\\): 'zz', 'yy'"),
])
def test_compare_rejects_bad_ids(parks, ids, message):
    with pytest.raises(ValueError, match=message):
        compare_parks(parks, ids, None, None, None, "en")


def test_compare_on_the_bundled_test_fixtures():
    parks = parks_layer.load(TEST_DATA / "parks_small.geojson")
    lines = transport.load_lines(TEST_DATA / "transport_lines.geojson")
    nodes = transport.load_nodes(TEST_DATA / "transport_nodes.geojson")
    access = access_table(parks, lines, nodes, transport.FULL_PLAN)
    tg = targets_layer.load(TEST_DATA / "targets.csv")
    fac = facilities_layer.load(TEST_DATA / "facilities.geojson")
    table = compare_parks(parks, ["test-square-park", "test-point"], access, tg, fac, "en", nodes=nodes, lines=lines)
    assert table.at["Nearest station", "test-square-park"] == "Node Test Station, existing, 0 m"
    assert table.at["Lines within 800 m", "test-square-park"] == "Line test-metro, Line test-tram"
    assert table.at["Area basis", "test-point"] == "stated in the document"
    assert table.at["Area (mu)", "test-point"] == "750"
    assert table.at["Planned facilities", "test-square-park"] == (
        "Parking: fac-test-parking (planned)\nGreen space: fac-test-green (planned)")
    query = SiteQuery(industries=("互联网",), metro_within_m=800)
    ranked = rank_sites(parks, access, query, "zh", nodes=nodes, lines=lines)
    assert list(ranked.index) == ["test-square-park", "test-square-phase"]


def test_an_empty_search_map_frames_its_cities_and_the_network_there(parks, network):
    """The map of a search that found nothing: the place it covers (its cities' parks, else every
    park) and the stations and lines in service in that year around it (about 5 km)."""
    assert search_area(parks, SiteQuery(cities=("佛山市",))) == ["c"]
    everywhere = ["a", "b", "c", "d"]
    assert search_area(parks, SiteQuery()) == search_area(parks, SiteQuery(cities=("深圳市",))) == everywhere
    lines, nodes = network
    around_a = tuple(parks.loc[["a"]].total_bounds)
    shown_lines, shown_nodes = network_in_area(lines, nodes, 2020, around_a)
    # Line 13 and S1 open in 2021; the airport is 9 km off.
    assert list(shown_lines.index) == ["l5"] and list(shown_nodes.index) == ["s2", "h1"]
    shown_lines, shown_nodes = network_in_area(lines, nodes, transport.FULL_PLAN, around_a)
    assert list(shown_lines.index) == ["l13", "l5"] and list(shown_nodes.index) == ["s1", "s2", "h1"]
    assert list(network_in_area(lines, nodes, transport.FULL_PLAN, around_a, max_nodes=1)[1].index) == ["h1"]
    assert len(network_in_area(lines, nodes, transport.FULL_PLAN, None)[1]) == 4
    assert network_in_area(None, None, 2020, around_a) == (None, None)
