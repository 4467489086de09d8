"""geo.query, geo.validate and geo.generalize."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, Polygon, box

from geo._errors import CRSError
from geo.generalize import simplify_for_display, zoom_for_bounds
from geo.query import features_at
from geo.validate import invalid_reasons, out_of_lonlat_range


@pytest.fixture()
def nested() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["park", "phase", "spot", "far"]},
        geometry=[box(113.0, 23.0, 113.1, 23.1), box(113.0, 23.0, 113.01, 23.01), Point(113.05, 23.05),
                  box(114.0, 24.0, 114.1, 24.1)],
        crs=4326,
    )


def test_features_at_orders_most_specific_first(nested):
    assert list(nested.loc[features_at(nested, 113.005, 23.005), "id"]) == ["phase", "park"]


def test_features_at_finds_a_point_within_tolerance_only(nested):
    # 0.0001° of latitude is about 11 m.
    assert list(nested.loc[features_at(nested, 113.05, 23.0501, tolerance_m=25), "id"]) == ["spot", "park"]
    assert list(nested.loc[features_at(nested, 113.05, 23.0505, tolerance_m=25), "id"]) == ["park"]


def test_features_at_nothing_there(nested):
    assert len(features_at(nested, 120.0, 30.0)) == 0
    assert len(features_at(nested.iloc[:0], 113.0, 23.0)) == 0


def test_features_at_refuses_projected_data(nested):
    with pytest.raises(CRSError):
        features_at(nested.to_crs(4547), 113.0, 23.0)


def test_invalid_reasons_names_each_problem():
    bow = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    with np.errstate(invalid="ignore"):
        nan = Polygon([(0, 0), (1, np.nan), (1, 1), (0, 0)])
    g = gpd.GeoSeries([box(0, 0, 1, 1), bow, None, Polygon(), nan])
    reasons = list(invalid_reasons(g))
    assert reasons[0] == ""
    assert reasons[1].startswith("Self-intersection")
    assert reasons[2] == "missing geometry"
    assert reasons[3] == "empty geometry"
    assert reasons[4] == "non-finite coordinate (NaN or infinity)"


def test_out_of_lonlat_range_flags_projected_coordinates():
    g = gpd.GeoSeries([Point(113, 23), Point(38_500_000, 2_550_000)])
    assert list(out_of_lonlat_range(g)) == [False, True]


def test_simplify_for_display_keeps_shape_within_tolerance_and_rounds():
    wiggly = LineString([(113.0 + i * 0.0001, 23.0 + (i % 2) * 0.000001) for i in range(200)])
    g = gpd.GeoSeries([wiggly.buffer(0.001)], crs=4326)
    s = simplify_for_display(g, tolerance_m=5)
    assert len(s.iloc[0].exterior.coords) < len(g.iloc[0].exterior.coords)
    assert s.iloc[0].symmetric_difference(g.iloc[0]).area / g.iloc[0].area < 0.01
    coords = np.asarray(s.iloc[0].exterior.coords)
    assert np.allclose(coords, coords.round(6))


def test_zoom_for_bounds_shrinks_as_bounds_grow():
    small = zoom_for_bounds((113.0, 23.0, 113.01, 23.01))
    city = zoom_for_bounds((113.0, 23.0, 113.5, 23.5))
    province = zoom_for_bounds((110.0, 20.0, 117.0, 25.0))
    assert small > city > province >= 1
    assert zoom_for_bounds((113.0, 23.0, 113.0, 23.0)) == 16  # a single point: capped
