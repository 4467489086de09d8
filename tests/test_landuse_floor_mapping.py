"""Floor area and building footprint of land-use parcels, mapped at import (`layers.landuse_measures`,
`layers.user_layers.apply_mapping`) and read by the inspection (`layers.inspection.indicators`):
suggestions, renaming, refused values, FAR and coverage exact on squares, a parcel half inside."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import Polygon, box

from layers._errors import LayerValidationError
from layers.inspection.indicators import indicator_rows, park_indicators
from layers.landuse_measures import (FLOOR_AREA, FLOOR_AREA_HINTS, FOOTPRINT, FOOTPRINT_HINTS, map_measures,
                                     mapping_notes, parse_m2, suggest_column)
from layers.user_layers import AttributeMapping, apply_mapping

GEOD = Geod(ellps="WGS84")
X, Y, D = 113.30, 23.00, 0.01
OUTLINE = box(X, Y, X + D, Y + D)
WEST, EAST = box(X, Y, X + D / 2, Y + D), box(X + D / 2, Y, X + D, Y + D)
PARKS = gpd.GeoDataFrame({"programme": ["gz-value-innovation"], "kind": ["park"]}, geometry=[OUTLINE],
                         index=pd.Index(["p"]), crs=4326)


def truth_m2(poly: Polygon) -> float:
    lon, lat = poly.exterior.coords.xy
    return abs(GEOD.polygon_area_perimeter(lon, lat)[0])


AREA = truth_m2(OUTLINE)


def imported(attrs: dict, geoms: list, floor: str | None = "建筑面积", footprint: str | None = None) -> gpd.GeoDataFrame:
    """Parcels as the Data page saves them: `attrs` (with `dldm` codes) mapped as land use."""
    gdf = gpd.GeoDataFrame(attrs, geometry=geoms, crs=4326)
    return apply_mapping(gdf, AttributeMapping(code="dldm", floor_area_m2=floor, footprint_m2=footprint),
                         "landuse", "parcels.geojson")


def values(parcels: gpd.GeoDataFrame) -> pd.DataFrame:
    return indicator_rows(PARKS, parcels, rules=[]).set_index("check")


# --------------------------------------------------------------------------- suggestions

def test_columns_are_suggested_from_common_names_only():
    assert suggest_column(["id", "dldm", "建筑面积", "基底面积"], FLOOR_AREA_HINTS) == "建筑面积"
    assert suggest_column(["id", "dldm", "建筑面积", "基底面积"], FOOTPRINT_HINTS) == "基底面积"
    assert suggest_column(["JZMJ", "JDMJ"], FLOOR_AREA_HINTS) == "JZMJ"
    assert suggest_column(["JZMJ", "JDMJ"], FOOTPRINT_HINTS) == "JDMJ"
    assert suggest_column(["Floor_Area", "footprint"], FLOOR_AREA_HINTS) == "Floor_Area"
    assert suggest_column(["footprint"], FOOTPRINT_HINTS) == "footprint"
    assert suggest_column(["建筑基底面积", "area", "占地面积"], FLOOR_AREA_HINTS) is None  # no substring guesses
    assert suggest_column([], FOOTPRINT_HINTS) is None


# --------------------------------------------------------------------------- mapping and validation

def test_mapping_renames_to_the_canonical_columns_as_numbers_in_m2():
    out = imported({"dldm": ["M1", "B1"], "建筑面积": ["12,000", 8000], "JDMJ": ["4000.5", None]}, [WEST, EAST],
                   floor="建筑面积", footprint="JDMJ")
    assert FLOOR_AREA in out.columns and FOOTPRINT in out.columns
    assert "建筑面积" not in out.columns and "JDMJ" not in out.columns  # renamed, not copied
    assert out[FLOOR_AREA].tolist() == [12000.0, 8000.0]
    assert out[FOOTPRINT].iloc[0] == 4000.5 and np.isnan(out[FOOTPRINT].iloc[1])  # empty: no value
    assert out[FLOOR_AREA].dtype == float and out.geometry.name == out.columns[-1]
    assert list(out["code"]) == ["M1", "B1"] and list(out["dldm"]) == ["M1", "B1"]
    assert mapping_notes("建筑面积", "JDMJ") == [
        "floor area (m²): the file's column '建筑面积', kept as floor_area_m2",
        "building footprint (m²): the file's column 'JDMJ', kept as footprint_m2"]
    assert mapping_notes(None, "JDMJ", "zh") == ["建筑基底面积（m²）：文件字段 'JDMJ'，保存为 footprint_m2"]


def test_without_a_choice_nothing_is_renamed():
    out = imported({"dldm": ["M1"], "建筑面积": ["abc"]}, [WEST], floor=None)
    assert FLOOR_AREA not in out.columns and out["建筑面积"].tolist() == ["abc"]  # not mapped: not checked


def test_a_file_column_with_the_canonical_name_is_kept_aside():
    out = imported({"dldm": ["M1"], "floor_area_m2": ["old"], "建筑面积": [500]}, [WEST])
    assert out[FLOOR_AREA].tolist() == [500.0] and out["floor_area_m2 (file)"].tolist() == ["old"]
    same = imported({"dldm": ["M1"], "floor_area_m2": [700]}, [WEST], floor="floor_area_m2")
    assert same[FLOOR_AREA].tolist() == [700.0] and "floor_area_m2 (file)" not in same.columns


def test_bad_values_are_refused_naming_the_feature_and_the_column():
    with pytest.raises(LayerValidationError) as err:
        imported({"dldm": ["M1", "M1", "B1", "G1"], "建筑面积": [100, "约三千", -5, "inf"]}, [WEST, EAST, WEST, EAST])
    problems = err.value.problems
    assert problems == [
        "parcels.geojson: feature #2: field '建筑面积' (floor area, m²): '约三千' is not a number",
        "parcels.geojson: feature #3: field '建筑面积' (floor area, m²): -5 is negative (an area is ≥ 0)",
        "parcels.geojson: feature #4: field '建筑面积' (floor area, m²): 'inf' is not a finite number"]
    with pytest.raises(LayerValidationError, match=r"feature #1: field 'fp' \(building footprint, m²\): True"):
        imported({"dldm": ["M1"], "fp": [True]}, [WEST], floor=None, footprint="fp")


def test_column_choices_that_cannot_be_used_are_refused():
    with pytest.raises(LayerValidationError, match="both the floor area and the building footprint"):
        imported({"dldm": ["M1"], "mj": [1]}, [WEST], floor="mj", footprint="mj")
    with pytest.raises(LayerValidationError, match="column 'JZMJ' is not in the file"):
        imported({"dldm": ["M1"], "mj": [1]}, [WEST], floor="JZMJ")
    with pytest.raises(LayerValidationError, match="only for a layer used as land-use parcels"):
        apply_mapping(gpd.GeoDataFrame({"mj": [1]}, geometry=[WEST], crs=4326), AttributeMapping(floor_area_m2="mj"),
                      "overlay", "x.geojson")


def test_parse_keeps_the_index_and_reads_empty_cells_as_no_value():
    parsed, problems = parse_m2(pd.Series([" 1 200 ", "", None, np.nan, "1,234.5"], index=[5, 6, 7, 8, 9]),
                                "mj", "f", "floor area")
    assert list(parsed.index) == [5, 6, 7, 8, 9] and parsed.iloc[4] == 1234.5 and parsed.iloc[1:4].isna().all()
    assert problems == ["f: feature #1: field 'mj' (floor area, m²): ' 1 200 ' is not a number"]


def test_map_measures_does_not_touch_its_input():
    gdf = gpd.GeoDataFrame({"建筑面积": ["10"]}, geometry=[WEST], crs=4326)
    map_measures(gdf, "建筑面积", None, "f")
    assert list(gdf.columns) == ["建筑面积", "geometry"] and gdf["建筑面积"].iloc[0] == "10"


# --------------------------------------------------------------------------- FAR and coverage

def test_far_and_coverage_exact_on_squares():
    """Two halves of the outline: floor 1.2 and 2.4 × the half's area -> FAR 1.8; footprints 30 % and
    40 % of the half -> coverage 35 % (to the overlay's agreement with geodesic areas, ~1e-5)."""
    half = truth_m2(WEST)
    assert truth_m2(EAST) == pytest.approx(half, rel=1e-9)  # strips of equal width: equal areas
    parcels = imported({"dldm": ["M1", "B1"], "建筑面积": [1.2 * half, 2.4 * half], "基底面积": [0.3 * half, 0.4 * half]},
                       [WEST, EAST], footprint="基底面积")
    rows = values(parcels)
    assert rows.at["far", "share"] == pytest.approx(1.8, rel=1e-5)
    assert rows.at["building_coverage", "share"] == pytest.approx(0.35, rel=1e-5)
    assert rows.at["building_coverage", "area_m2"] == pytest.approx(0.35 * AREA, rel=1e-5)
    assert rows.at["far", "verdict"] == "no rule"
    far_method = rows.at["far", "method"]
    assert "column floor_area_m2" in far_method and "weighted by the share of its area inside the outline" in far_method
    assert "All 2 parcel(s) carry a floor area" in far_method
    assert "geodesic" in far_method and "a ratio" in far_method
    assert "column footprint_m2" in rows.at["building_coverage", "method"]
    assert "shown as %" in rows.at["building_coverage", "method"]
    assert rows.at["green_ratio", "method"] != far_method  # the shares keep their own method


def test_a_parcel_half_inside_brings_half_its_floor_area():
    outside_half = box(X + D / 2, Y, X + 1.5 * D, Y + D)  # its west half is the outline's east half
    parcels = imported({"dldm": ["M1", "M1"], "建筑面积": [10000.0, 20000.0], "基底面积": [1000.0, 4000.0]},
                       [WEST, outside_half], footprint="基底面积")
    ind = park_indicators(PARKS, parcels).set_index("indicator")
    assert ind.at["far", "value"] == pytest.approx((10000 + 20000 / 2) / AREA, rel=1e-5)
    assert ind.at["building_coverage", "value"] == pytest.approx((1000 + 4000 / 2) / AREA, rel=1e-5)
    assert ind.at["far", "parcels"] == 2 and ind.at["far", "valued"] == 2


def test_missing_values_count_as_none_and_the_method_says_so():
    parcels = imported({"dldm": ["M1", "B1"], "建筑面积": [5000.0, None]}, [WEST, EAST])
    rows = values(parcels)
    assert rows.at["far", "share"] == pytest.approx(5000 / AREA, rel=1e-5)
    assert "1 of 2 parcels carry a floor area; the other 1 count as 0" in rows.at["far", "method"]
    assert "lower bound" in rows.at["far", "method"]
    assert rows.at["building_coverage", "verdict"] == "no rule" and np.isnan(rows.at["building_coverage", "share"])
    none = values(imported({"dldm": ["M1"], "建筑面积": [None]}, [WEST]))
    assert np.isnan(none.at["far", "share"]) and "None of the 1 parcel(s)" in none.at["far", "method"]


def test_no_data_is_the_verdict_against_a_rule_without_values():
    from layers.inspection.indicators import IndicatorRule

    rule = IndicatorRule("far-max", "*", "*", "far", "<=", 2.0, "ratio", "容积率不大于2.0", "test §1")
    half = truth_m2(WEST)
    met = indicator_rows(PARKS, imported({"dldm": ["M1"], "建筑面积": [3.0 * half]}, [WEST]), [rule])
    assert met.set_index("check").at["far", "verdict"] == "met"  # 1.5 over the whole outline
    missing = indicator_rows(PARKS, imported({"dldm": ["M1"]}, [WEST], floor=None), [rule]).set_index("check")
    assert missing.at["far", "verdict"] == "no data"
