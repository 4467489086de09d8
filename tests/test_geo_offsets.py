"""geo.chinese_offsets: GCJ-02 / BD-09 <-> WGS84."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import Point, box

from geo.chinese_offsets import (
    bd09_to_wgs84,
    from_wgs84,
    gcj02_to_wgs84,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

GEOD = Geod(ellps="WGS84")
lon_st = st.floats(112.0, 115.0)
lat_st = st.floats(21.5, 25.0)


def metres(lon1, lat1, lon2, lat2) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


@settings(max_examples=200)
@given(lon_st, lat_st)
def test_gcj02_inverse_is_exact_to_a_millimetre(lon, lat):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert metres(lon, lat, *back) < 1e-3


@settings(max_examples=200)
@given(lon_st, lat_st)
def test_bd09_round_trip_within_twenty_centimetres(lon, lat):
    back = bd09_to_wgs84(*wgs84_to_bd09(lon, lat))
    assert metres(lon, lat, *back) < 0.2  # the standard BD-09 inverse is approximate


@given(lon_st, lat_st)
def test_offset_in_guangdong_is_hundreds_of_metres(lon, lat):
    assert 100 < metres(lon, lat, *wgs84_to_gcj02(lon, lat)) < 800
    assert 100 < metres(lon, lat, *wgs84_to_bd09(lon, lat)) < 1500


def test_no_offset_outside_china():
    lon, lat = wgs84_to_gcj02(2.35, 48.85)
    assert (float(lon), float(lat)) == (2.35, 48.85)


def test_matches_an_independent_gcj02_reading(reference_dir):
    """English Wikipedia's coordinate for 体育中心 station is a GCJ-02 reading (reference README):
    our WGS84 station point shifted to GCJ-02 lands within ~25 m of it."""
    stations = gpd.read_file(reference_dir / "metro_stations_gz_fs.geojson")
    p = stations.loc[stations["name_zh"] == "体育中心"].geometry.iloc[0]
    assert metres(*wgs84_to_gcj02(p.x, p.y), 113.328376, 23.13497) < 30


def test_geoseries_round_trip_keeps_index_and_shape():
    g = gpd.GeoSeries([box(113.3, 23.1, 113.31, 23.11), Point(113.0, 23.0)], index=["a", "b"], crs=4326)
    shifted = from_wgs84(g, "gcj02")
    assert list(shifted.index) == ["a", "b"]
    assert shifted.iloc[0].area == pytest.approx(g.iloc[0].area, rel=1e-2)  # not a rigid shift
    back = to_wgs84(shifted, "gcj02")
    assert np.allclose(np.asarray(back.iloc[0].exterior.coords), np.asarray(g.iloc[0].exterior.coords), atol=1e-8)
    assert to_wgs84(g, "wgs84").geom_equals(g).all()


def test_unknown_system_is_refused():
    with pytest.raises(ValueError, match="unknown coordinate system 'utm'"):
        to_wgs84(gpd.GeoSeries([Point(113, 23)], crs=4326), "utm")
