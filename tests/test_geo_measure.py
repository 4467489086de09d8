"""geo.measure: geodesic areas and lengths, planar cross-check, unit conversion."""

from __future__ import annotations

import geopandas as gpd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, MultiPolygon, Point, box

from geo._errors import CRSError, UnitError
from geo.crs import PLANAR
from geo.measure import (
    convert_area,
    geodesic_area_m2,
    geodesic_length_m,
    geodesic_perimeter_m,
    planar_area_m2,
    to_square_metres,
)


def km_square_near_guangzhou() -> gpd.GeoSeries:
    """A 1000 m x 1000 m square drawn in EPSG:4547 metres around 113.3E 23.1N, then to WGS84."""
    centre = gpd.GeoSeries([Point(113.3, 23.1)], crs=4326).to_crs(PLANAR).iloc[0]
    sq = box(centre.x - 500, centre.y - 500, centre.x + 500, centre.y + 500)
    return gpd.GeoSeries([sq], crs=PLANAR).segmentize(10).to_crs(4326)


def test_one_km_square_is_one_km2_100_ha_1500_mu():
    area = geodesic_area_m2(km_square_near_guangzhou()).iloc[0]
    assert convert_area(area, "km2") == pytest.approx(1.000, rel=1e-3)
    assert convert_area(area, "ha") == pytest.approx(100.0, rel=1e-3)
    assert convert_area(area, "mu") == pytest.approx(1500.0, rel=1e-3)


def test_geodesic_and_planar_agree_within_a_tenth_of_a_percent():
    sq = km_square_near_guangzhou()
    assert geodesic_area_m2(sq).iloc[0] == pytest.approx(planar_area_m2(sq).iloc[0], rel=1e-3)


def test_points_and_lines_have_no_area_and_polygons_no_length():
    g = gpd.GeoSeries([Point(113, 23), LineString([(113, 23), (113, 23.01)]), box(113, 23, 113.01, 23.01)], crs=4326)
    assert list(geodesic_area_m2(g).round(0))[:2] == [0.0, 0.0]
    assert geodesic_length_m(g).iloc[2] == 0.0
    assert geodesic_length_m(g).iloc[1] == pytest.approx(1107.4, abs=0.1)
    assert geodesic_perimeter_m(g).iloc[2] > 4000


def test_orientation_of_rings_does_not_change_or_cancel_area():
    ccw = box(113.0, 23.0, 113.01, 23.01)
    cw = ccw.reverse()
    multi = MultiPolygon([ccw, box(113.02, 23.0, 113.03, 23.01).reverse()])
    a = geodesic_area_m2(gpd.GeoSeries([ccw, cw, multi], crs=4326))
    assert a.iloc[0] == pytest.approx(a.iloc[1])
    assert a.iloc[2] == pytest.approx(2 * a.iloc[0], rel=1e-3)


def test_index_is_kept_and_input_not_mutated():
    g = gpd.GeoSeries([box(113, 23, 113.01, 23.01)], index=["a"], crs=4326)
    before = g.copy()
    out = geodesic_area_m2(g)
    assert list(out.index) == ["a"]
    assert g.geom_equals(before).all()


@pytest.mark.parametrize("crs", [None, 4547, 3857])
def test_other_crs_is_refused(crs):
    g = gpd.GeoSeries([box(0, 0, 1, 1)], crs=crs)
    with pytest.raises(CRSError, match="expected EPSG:4326"):
        geodesic_area_m2(g)


def test_cgcs2000_geographic_is_accepted_as_wgs84():
    g = gpd.GeoSeries([box(113, 23, 113.01, 23.01)], crs=4490)
    assert geodesic_area_m2(g).iloc[0] > 0


def test_unknown_unit_names_the_known_ones():
    with pytest.raises(UnitError, match="unknown area unit 'acre'.*km2"):
        convert_area(1.0, "acre")  # type: ignore[arg-type]


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False), st.sampled_from(["m2", "ha", "km2", "mu"]))
def test_unit_round_trip(value, unit):
    assert to_square_metres(convert_area(value, unit), unit) == pytest.approx(value, rel=1e-12, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    x=st.floats(112.5, 114.0), y=st.floats(22.5, 24.0),
    w=st.floats(0.001, 0.05), h=st.floats(0.001, 0.05), cut=st.floats(0.1, 0.9),
)
def test_area_is_additive(x, y, w, h, cut):
    """A rectangle's area is the sum of its two halves', wherever it is cut (to 1e-6: the cut adds a
    vertex, and a geodesic edge between two vertices does not follow the parallel exactly)."""
    whole = box(x, y, x + w, y + h)
    left, right = box(x, y, x + w * cut, y + h), box(x + w * cut, y, x + w, y + h)
    a = geodesic_area_m2(gpd.GeoSeries([whole, left, right], crs=4326))
    assert a.iloc[0] == pytest.approx(a.iloc[1] + a.iloc[2], rel=1e-6)
