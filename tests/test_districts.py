"""layers.districts: parks whose named district does not contain them, on small squares near Guangzhou."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon, box

from layers._errors import MissingColumnError
from layers.districts import district_mismatches, guess_name_column, same_district

# Three districts near 113.3E 23.1N, each 0.02 degrees (about 2 km) across.
DISTRICTS = gpd.GeoDataFrame({"NAME": ["南沙区", "番禺区", "海珠区"], "code": ["440115", "440113", "440105"]},
                             geometry=[box(113.30, 23.10, 113.32, 23.12), box(113.32, 23.10, 113.34, 23.12),
                                       box(113.30, 23.12, 113.34, 23.14)], crs=4326)


def square(lon: float, lat: float, size: float = 0.004) -> Polygon:
    return box(lon, lat, lon + size, lat + size)


IN_NANSHA, IN_PANYU, IN_HAIZHU = square(113.305, 23.105), square(113.325, 23.105), square(113.31, 23.13)

PARKS = [
    # (park id, district as written, geometry, mismatch expected: (found, covered) or None)
    ("nansha", "南沙区", IN_NANSHA, None),
    ("no-suffix", "南沙", IN_NANSHA, None),
    ("city-prefix", "广州市南沙区", IN_NANSHA, None),
    ("two-named", "南沙区、番禺区", IN_PANYU, None),
    ("point-park", "海珠区", Point(113.31, 23.13), None),
    ("wrong", "南沙区", IN_PANYU, ("番禺区", True)),
    ("wrong-point", "黄埔区", Point(113.31, 23.13), ("海珠区", True)),
    ("two-named-neither", "天河区、越秀区", IN_HAIZHU, ("海珠区", True)),
    ("outside", "南沙区", square(113.5, 23.5), ("", False)),
    ("not-placed", "南沙区", None, None),
    ("empty", "南沙区", Polygon(), None),
    ("no-district", None, IN_PANYU, None),
]


def parks() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": [p[0] for p in PARKS], "district": [p[1] for p in PARKS]},
                            geometry=[p[2] for p in PARKS], crs=4326).set_index("id", drop=False)


def expected() -> pd.DataFrame:
    return pd.DataFrame([{"park_id": pid, "named": named, "found": m[0], "covered": m[1]}
                         for pid, named, _, m in PARKS if m is not None])


def test_mismatches():
    got = district_mismatches(parks(), DISTRICTS, "NAME")
    pd.testing.assert_frame_equal(got, expected())


def test_districts_in_another_crs_are_reprojected():
    got = district_mismatches(parks(), DISTRICTS.to_crs(4547), "NAME")
    pd.testing.assert_frame_equal(got, expected())


def test_districts_without_crs_in_lon_lat():
    got = district_mismatches(parks(), DISTRICTS.set_crs(None, allow_override=True), "NAME")
    pd.testing.assert_frame_equal(got, expected())


def test_an_invalid_district_polygon_is_repaired_not_refused():
    bowtie = Polygon([(113.30, 23.10), (113.32, 23.12), (113.32, 23.10), (113.30, 23.12)])  # self-intersecting
    districts = DISTRICTS.copy()
    districts.loc[0, "geometry"] = bowtie
    one = gpd.GeoDataFrame({"id": ["in-the-left-triangle"], "district": ["南沙区"]},
                           geometry=[Point(113.302, 23.11)], crs=4326)
    assert district_mismatches(one, districts, "NAME").empty
    assert not districts.geometry[0].is_valid  # repaired for the check only: the caller's layer is unchanged


def test_overlapping_districts_are_all_found():
    districts = pd.concat([DISTRICTS, gpd.GeoDataFrame({"NAME": ["黄埔区"]}, geometry=[box(113.30, 23.10, 113.34, 23.14)],
                                                       crs=4326)], ignore_index=True)
    got = district_mismatches(parks().loc[["wrong"]], districts, "NAME")
    assert got.to_dict("records") == [{"park_id": "wrong", "named": "南沙区", "found": "番禺区、黄埔区", "covered": True}]


def test_the_representative_point_decides_not_the_centroid():
    # Panyu wraps around a notch that is another district; a U-shaped park inside Panyu has its
    # centroid in the notch, its representative point (always inside the park) in Panyu.
    notch = box(113.325, 23.105, 113.335, 23.12)
    districts = gpd.GeoDataFrame({"NAME": ["番禺区", "海珠区"]},
                                 geometry=[box(113.32, 23.10, 113.34, 23.12).difference(notch), notch], crs=4326)
    u_park = box(113.321, 23.101, 113.339, 23.119).difference(box(113.324, 23.104, 113.336, 23.12))
    assert notch.contains(u_park.centroid)
    one = gpd.GeoDataFrame({"id": ["u"], "district": ["番禺区"]}, geometry=[u_park], crs=4326)
    assert district_mismatches(one, districts, "NAME").empty
    one["district"] = "海珠区"
    assert district_mismatches(one, districts, "NAME").to_dict("records") == [
        {"park_id": "u", "named": "海珠区", "found": "番禺区", "covered": True}]


def test_a_missing_name_column():
    with pytest.raises(MissingColumnError, match="districts: no column 'name'; columns: NAME, code"):
        district_mismatches(parks(), DISTRICTS, "name")


def test_no_mismatch_gives_an_empty_table_with_its_columns():
    got = district_mismatches(parks().loc[["nansha", "not-placed"]], DISTRICTS, "NAME")
    assert got.empty and list(got.columns) == ["park_id", "named", "found", "covered"]


@pytest.mark.parametrize(("written", "name", "same"), [
    ("南沙区", "南沙区", True),
    ("南沙", "南沙区", True),
    ("南沙区", "南沙", True),
    ("广州市南沙区", "南沙区", True),
    ("广东省广州市南沙区", "南沙", True),
    ("南沙区", "广州市南沙区", True),
    (" 南沙区 ", "南沙区", True),
    ("南沙新区", "南沙区", True),
    ("从化", "从化区", True),
    ("佛山市顺德区", "顺德区", True),
    ("南沙区", "番禺区", False),
    ("新南沙区", "南沙区", False),  # not a prefix of a province or city
    ("东区", "区", False),
    ("", "南沙区", False),
])
def test_same_district(written, name, same):
    assert same_district(written, name) is same


@pytest.mark.parametrize(("columns", "guess"), [
    ({"code": ["440115", "440113"], "NAME": ["南沙区", "番禺区"]}, "NAME"),
    ({"name": ["Nansha", "Panyu"], "区名": ["南沙区", "番禺区"]}, "区名"),  # the values decide
    ({"name": ["Nansha", "Panyu"], "code": ["1", "2"]}, "name"),  # else the column's name
    ({"XZQMC": ["从化区", "增城区", "未定"], "备注": ["x", "y", "z"]}, "XZQMC"),  # mostly (2 of 3)
    ({"city": ["广州市", "广州市"], "名称": ["南沙区", "番禺区"]}, "名称"),  # a tie goes to the known name
    ({"a": ["x"], "b": [1]}, None),
])
def test_guess_name_column(columns, guess):
    assert guess_name_column(pd.DataFrame(columns)) == guess


def test_guess_ignores_the_geometry():
    assert guess_name_column(DISTRICTS) == "NAME"
