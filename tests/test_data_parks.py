"""Integrity of the bundled parks layer (data/parks.geojson): valid, cited, placed, measured.

Reference geodata (../shared/data/reference) is used to check that each park lies in the district
it names; it is never copied into data/.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pandas as pd
import pytest

from geo.measure import planar_area_m2
from layers import registry
from layers.parks import AREA_TOLERANCE

DISTRICT_TOLERANCE_M = 300.0
ADMINISTERED_ELSEWHERE = {
    "gz-vip-biological-island": "海珠区",
    "gz-htz-biological-island": "海珠区",
}
"""Parks the documents assign to the district that administers them (官洲岛/生物岛 is "黄埔区管理的
官洲岛") while the island lies inside another district's outline in the reference polygons: the
test checks them against the district they physically lie in."""
"""Reference district outlines are generalised (50-300 m border error, README of the reference)."""


@pytest.fixture(scope="module")
def parks() -> gpd.GeoDataFrame:
    return registry.load("parks")


@pytest.fixture(scope="module")
def districts(reference_dir) -> gpd.GeoDataFrame:
    return gpd.read_file(reference_dir / "districts_gz_fs_qy.geojson").set_index("name_zh")


def test_layer_loads_valid_and_cited(parks):
    assert len(parks) >= 40
    assert parks["id"].is_unique
    assert parks["source"].str.len().gt(10).all()


def test_every_programme_is_present(parks):
    assert set(parks["programme"]) == set(registry.load("programmes").index)


def test_the_ten_value_innovation_parks_and_their_phases(parks):
    vip = parks[parks["programme"] == "gz-value-innovation"]
    assert (vip["kind"] == "park").sum() == 10
    phases = vip[vip["kind"] == "phase"]
    assert len(phases) >= 3
    assert phases["parent_id"].isin(vip.index).all()


@pytest.mark.parametrize("name", [
    "知识城", "科学城", "黄埔港", "生物岛", "天河科技园", "民营科技园", "黄花岗科技园", "南沙资讯科技园", "纳米", "新材料",
    "禅城园", "南海园", "顺德园", "高明园", "三水园", "创新灯塔", "聚锦", "南海千亩", "机器人谷", "鑫创", "万亩产业园",
    "三龙湾", "仙湖氢谷", "美的库卡", "中车四方", "新能源汽车小镇", "水都", "张槎", "电子信息产业园",
    "华南声谷", "石角", "源潭", "金创", "农业科技园", "中大时尚科技城", "清远高新", "广清产业园", "空港",
])
def test_named_places_are_on_the_map(parks, name):
    assert parks["name_zh"].str.contains(name, regex=False).any(), name


def test_polygon_areas_match_stated_or_explain(parks):
    polys = parks[(parks["area_m2"] > 0) & parks["stated_area_km2"].notna()]
    off = polys[polys["area_diff_pct"].abs() > AREA_TOLERANCE * 100]
    unexplained = off[off["note"].isna() | (off["note"].str.len() < 15)]
    assert unexplained.empty, unexplained[["name_zh", "stated_area_km2", "area_km2"]].to_string()


def test_points_are_approximate_and_polygons_schematic_or_better(parks):
    points = parks[parks.geom_type == "Point"]
    assert (points["geometry_quality"] == "approximate-location").all()
    polys = parks[parks.geom_type != "Point"]
    assert polys["geometry_quality"].isin(["schematic", "reference", "surveyed"]).all()


def test_geodesic_and_planar_areas_agree_within_a_tenth_of_a_percent(parks):
    polys = parks[parks["area_m2"] > 0]
    ratio = polys["area_m2"] / planar_area_m2(polys.geometry)
    assert ((ratio - 1).abs() < 1e-3).all(), ratio[(ratio - 1).abs() >= 1e-3]


def test_each_park_lies_in_the_district_it_names(parks, districts):
    planar = parks.to_crs(4547)
    dist_planar = districts.to_crs(4547)
    problems = []
    for pid, row in planar.iterrows():
        names = [ADMINISTERED_ELSEWHERE[pid]] if pid in ADMINISTERED_ELSEWHERE else row["district"].split("、")
        unknown = [n for n in names if n not in dist_planar.index]
        if unknown:
            problems.append(f"{pid}: unknown district {unknown}")
            continue
        area = dist_planar.loc[names].union_all().buffer(DISTRICT_TOLERANCE_M)
        if not area.contains(row.geometry.representative_point()):
            problems.append(f"{pid}: not in {row['district']}")
        if row.geometry.geom_type == "Point":
            continue  # a point lies in one district; a multi-district place is a polygon to reach them all
        for n in names:  # every named district is really touched
            if not dist_planar.loc[n].geometry.buffer(DISTRICT_TOLERANCE_M).intersects(row.geometry):
                problems.append(f"{pid}: does not reach {n}")
    assert not problems, "\n".join(problems)


def test_each_park_lies_in_its_city(parks, reference_dir):
    cities = gpd.read_file(reference_dir / "cities_gz_fs_qy.geojson")
    name_col = "name_zh" if "name_zh" in cities.columns else cities.columns[0]
    cities = cities.set_index(name_col).to_crs(4547)
    for pid, row in parks.to_crs(4547).iterrows():
        assert cities.loc[row["city"]].geometry.buffer(DISTRICT_TOLERANCE_M).contains(
            row.geometry.representative_point()), pid


def test_phases_and_carriers_lie_in_their_parent_polygon(parks):
    problems = []
    for pid, row in parks[parks["parent_id"].notna()].iterrows():
        parent = parks.loc[row["parent_id"]]
        if parent.geometry.geom_type == "Point" or row.geometry.geom_type == "Point":
            continue
        outside = row.geometry.difference(parent.geometry).area / row.geometry.area
        if row["kind"] == "phase" and outside > 0.05:
            problems.append(f"{pid}: {outside:.0%} outside {row['parent_id']}")
    assert not problems, "\n".join(problems)


def test_file_is_reviewable_text(parks):
    path = registry.LAYERS["parks"].path
    text = path.read_text(encoding="utf-8")
    assert "\\u" not in text, "write with ensure_ascii=False so Chinese is readable in diffs"
    doc = json.loads(text)
    assert "crs" not in doc  # RFC 7946: WGS84 lon/lat
    coords = re.findall(r"-?\d+\.\d+", json.dumps([f["geometry"] for f in doc["features"]]))
    assert all(len(c.split(".")[1]) <= 6 for c in coords), "round coordinates to 6 decimals"
    assert len(text.splitlines()) >= len(doc["features"]), "one feature per line"


def test_as_of_dates_are_the_documents(parks):
    per_programme = parks.groupby("programme")["as_of"].nunique()
    assert (per_programme == 1).all(), per_programme
    assert pd.to_datetime(parks["as_of"].str.slice(0, 4), format="%Y").dt.year.between(2017, 2024).all()
