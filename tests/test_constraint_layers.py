"""layers.constraint_layers (a user layer used as a constraint: kind, rule and tolerance kept on
its features; the check it makes; a park's overall verdict) and Sites' "no conflict" criterion."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from layers._errors import LayerValidationError
from layers.constraint_layers import COLUMNS, make_check, mark, overall, overall_by_park, spec, spec_of
from layers.constraints import KINDS, constraint_rows
from layers.site_explain import explain_search
from layers.sites import INSPECTION_COLUMN, SiteQuery, criteria_masks

X, Y, D = 113.3, 23.1, 0.01


def test_spec_defaults_and_officer_kinds():
    farmland = spec("永久基本农田")
    assert (farmland.kind, farmland.rule, farmland.tolerance_m2) == (KINDS["permanent-basic-farmland"], "avoid", 100.0)
    assert spec("urban-development-boundary").rule == "within"
    assert spec("城镇开发边界", "avoid", 0).rule == "avoid"  # the officer's rule wins over the kind's
    mine = spec("地质灾害风险区", "within", 20)
    assert (mine.kind.id, mine.rule, mine.tolerance_m2, mine.colour) == ("officer-地质灾害风险区", "within", 20.0, "#636363")
    with pytest.raises(LayerValidationError, match="needs a kind"):
        spec("  ")
    with pytest.raises(LayerValidationError, match="rule 'near'"):
        spec("永久基本农田", "near")
    with pytest.raises(LayerValidationError, match="must be a number >= 0"):
        spec("永久基本农田", "avoid", -1)


def test_marked_layer_round_trips_its_spec_and_checks():
    gdf = gpd.GeoDataFrame({"name": ["a"]}, geometry=[box(X, Y, X + D / 2, Y + D)], crs=4326)
    used_as = spec("生态保护红线", "avoid", 50)
    marked = mark(gdf, used_as)
    assert set(COLUMNS) <= set(marked.columns) and not set(COLUMNS) & set(gdf.columns)  # a new frame
    assert spec_of(marked, "constraint") == used_as
    assert spec_of(marked, "overlay") is None and spec_of(gdf, "constraint") is None
    officer = mark(gdf, spec("地质灾害风险区", "within", 20))
    assert spec_of(officer, "constraint") == spec("地质灾害风险区", "within", 20)
    with pytest.raises(LayerValidationError, match="needs polygons"):
        mark(gpd.GeoDataFrame(geometry=[Point(X, Y)], crs=4326), used_as)
    check = make_check(marked, used_as, layer_name="redline.gpkg", version="3", as_of="2025-01-01")
    parks = gpd.GeoDataFrame(geometry=[box(X, Y, X + D, Y + D), Point(X, Y)], index=["p", "pt"], crs=4326)
    rows = constraint_rows(parks, [check]).set_index("park_id")
    assert rows.at["p", "verdict"] == "conflict" and rows.at["p", "share"] == pytest.approx(0.5, rel=1e-6)
    assert "redline.gpkg" in rows.at["p", "method"] and "version 3" in rows.at["p", "method"]
    assert "tolerance 50 m²" in rows.at["p", "method"] and rows.at["pt", "verdict"] == "no outline"


def test_overall_verdict_per_park():
    rows = pd.DataFrame({"park_id": ["a", "a", "b", "b", "c", "d"],
                         "check": ["永久基本农田", "城镇开发边界"] * 2 + ["永久基本农田", "green_ratio"],
                         "verdict": ["clear", "conflict", "sliver", "not covered", "no outline", "not met"]})
    assert overall_by_park(rows, ["永久基本农田", "城镇开发边界"]).to_dict() == {
        "a": "conflict", "b": "not covered", "c": "no outline"}
    assert overall(["clear", "clear"]) == "clear" and overall(["met"]) is None


def test_sites_no_conflict_criterion():
    parks = gpd.GeoDataFrame({INSPECTION_COLUMN: ["conflict", "clear", "not covered", None]},
                             geometry=[box(X, Y, X + D, Y + D)] * 4, index=list("abcd"), crs=4326)
    masks = criteria_masks(parks, None, SiteQuery(no_conflict=True))
    assert masks["no_conflict"].to_dict() == {"a": False, "b": True, "c": True, "d": True}
    assert "no_conflict" not in criteria_masks(parks, None, SiteQuery())
    assert "no_conflict" not in criteria_masks(parks.drop(columns=INSPECTION_COLUMN), None, SiteQuery(no_conflict=True))
    explained = explain_search(parks, None, SiteQuery(no_conflict=True))
    assert [(e.key, e.removes_alone) for e in explained.effects] == [("no_conflict", 1)]


def test_the_coverage_is_kept_with_the_spec_and_makes_the_extent():
    from layers.constraint_layers import COVERAGE_COLUMN, coverage_extent, parse_coverage, spec_attributes

    # The constraint: the west half of square A; the park: square B east of A, clear of it.
    a, b = box(X, Y, X + D, Y + D), box(X + D, Y, X + 2 * D, Y + D)
    gdf = gpd.GeoDataFrame({"name": ["west half"]}, geometry=[box(X, Y, X + D / 2, Y + D)], crs=4326)
    parks = gpd.GeoDataFrame(geometry=[b, box(X, Y, X + D / 2, Y + D / 2)], index=["east", "on"], crs=4326)
    districts = gpd.GeoDataFrame({"name_zh": ["甲区", "乙区"]}, geometry=[a, b], index=["d-a", "d-b"], crs=4326)
    outlines = {"L-districts": ("districts.gpkg", districts)}
    verdicts = {}
    for coverage in ("envelope", "union", "layer:L-districts", "layer:L-districts#d-a"):
        used_as = spec("永久基本农田", coverage=coverage)
        marked = mark(gdf, used_as)
        assert marked[COVERAGE_COLUMN].tolist() == [coverage] and spec_of(marked, "constraint") == used_as
        extent, name = coverage_extent(used_as, outlines)
        check = make_check(marked, used_as, layer_name="farmland.gpkg", version="2", extent=extent, extent_name=name)
        rows = constraint_rows(parks, [check]).set_index("park_id")
        verdicts[coverage] = rows.at["east", "verdict"]
        assert rows.at["on", "verdict"] == "conflict"  # on the patch: a conflict whatever the coverage
        parts = check.method_parts()
        assert (parts["layer"], parts["version"], parts["tolerance_m2"], parts["features"]) == ("farmland.gpkg", "2",
                                                                                               100.0, 1)
    # Envelope and union: B lies outside (the half square's box); both districts: covered and clear;
    # district A alone: B is outside it.
    assert verdicts == {"envelope": "not covered", "union": "not covered", "layer:L-districts": "clear",
                        "layer:L-districts#d-a": "not covered"}
    assert coverage_extent(spec("永久基本农田", coverage="layer:L-districts#d-b"), outlines)[1] == "districts.gpkg / 乙区"
    assert "outline of districts.gpkg" in make_check(
        gdf, spec("永久基本农田", coverage="layer:L-districts"), layer_name="f",
        extent=a, extent_name="districts.gpkg").method()
    # A layer saved before the coverage existed reads as the envelope; a bad value is refused.
    assert spec_of(mark(gdf, spec("永久基本农田")).drop(columns=COVERAGE_COLUMN), "constraint").coverage == "envelope"
    assert spec_attributes(spec("城镇开发边界", coverage="union"))[COVERAGE_COLUMN] == "union"
    assert parse_coverage(float("nan")) == ("envelope", "", "")
    with pytest.raises(LayerValidationError, match="coverage 'district'"):
        spec("永久基本农田", coverage="district")
    with pytest.raises(LayerValidationError, match="not in the workspace"):
        coverage_extent(spec("永久基本农田", coverage="layer:gone"), outlines)
    with pytest.raises(LayerValidationError, match="no feature 'd-x'"):
        coverage_extent(spec("永久基本农田", coverage="layer:L-districts#d-x"), outlines)
    with pytest.raises(LayerValidationError, match="none was given"):
        make_check(gdf, spec("永久基本农田", coverage="layer:L-districts"), layer_name="f")


def test_the_method_is_said_in_chinese_and_in_english_from_its_parts():
    from geo.constraints import prepare_constraint
    from layers.constraints import ConstraintCheck
    from ui.i18n_inspection import method_text

    frame = gpd.GeoDataFrame(geometry=[box(X, Y, X + D, Y + D), Point(X, Y)], crs=4326)
    layer = prepare_constraint(frame, name="农田.gpkg", extent=box(X, Y, X + 2 * D, Y + D), extent_name="区界.gpkg")
    check = ConstraintCheck(KINDS["permanent-basic-farmland"], layer, rule="within", tolerance_m2=25, version="4",
                            as_of="2025-06-30")
    zh, en = method_text(check.method_parts(), "zh"), method_text(check.method_parts(), "en")
    assert zh == ("WGS84 椭球面上的大地面积（pyproj.Geod），几何为 EPSG:4326；图层“农田.gpkg”，版本 4，数据日期 2025-06-30"
                  "（1 个要素，数据覆盖范围：“区界.gpkg”的边界）；规则：须位于其内，容差 25 m²；输入：剔除 1 个要素（非多边形：点或线）")
    assert en == ("geodesic area on the WGS84 ellipsoid (pyproj.Geod), EPSG:4326 geometry; layer '农田.gpkg' version 4 "
                  "as of 2025-06-30 (1 features, extent: outline of 区界.gpkg); rule must lie within, tolerance 25 m²; "
                  "input: 1 features dropped (not polygons: points or lines)")
    measure = {"key": "measure", "indicator": "far", "column": "floor_area_m2", "layer": "the workspace's land-use parcels",
               "parcels": 2, "valued": 1}
    assert method_text(measure, "zh").startswith("容积率（毛） = 与边界相交的工作区的用地地块的建筑面积之和")
    assert method_text(measure, "zh").endswith("。2 个地块中 1 个有建筑面积，其余 1 个按 0 计（为下限）。")
    assert method_text(measure, "en").endswith(". 1 of 2 parcels carry a floor area; the other 1 count as 0 (a lower bound).")
    assert method_text({"key": "indicator", "layer": "the workspace's land-use parcels"}, "zh").startswith("工作区的用地地块裁剪至")
    assert method_text(None, "zh", fallback="as computed") == "as computed"
    check.extent_version = "7"  # the outline's layer as of its revision
    assert "数据覆盖范围：“区界.gpkg”的边界（修订 7））" in method_text(check.method_parts(), "zh")
    assert "extent: outline of 区界.gpkg (revision 7))" in check.method()
