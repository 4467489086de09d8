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
