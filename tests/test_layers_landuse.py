"""layers.landuse: code table, green ratio, the illustrative parcel generator."""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from layers.landuse import CODES, GREEN_TARGET, ILLUSTRATIVE_LABEL, green_ratio, illustrative_parcels, park_composition, unknown_codes


def test_code_table_is_complete_and_coloured():
    for code in ("M0", "M1", "M2", "M3", "W1", "R2", "A3", "B1", "S1", "U1", "G1"):
        assert code in CODES
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c.colour) for c in CODES.values())
    assert {c.code for c in CODES.values() if c.green} == {"G1", "G2", "G3"}
    assert unknown_codes(pd.Series(["M1", "XX", None, "G1", "XX"])) == ["XX"]


def test_green_ratio_flags_a_park_short_of_twenty_percent():
    parks = gpd.GeoDataFrame(geometry=[box(113.30, 23.10, 113.31, 23.11), box(113.32, 23.10, 113.33, 23.11)],
                             index=["ok", "short"], crs=4326)
    parcels = gpd.GeoDataFrame(
        {"code": ["G1", "M1", "G2", "M1"]},
        geometry=[box(113.30, 23.10, 113.31, 23.1025), box(113.30, 23.1025, 113.31, 23.11),  # 25 % green
                  box(113.32, 23.10, 113.33, 23.101), box(113.32, 23.101, 113.33, 23.11)],  # 10 % green
        crs=4326,
    )
    ratio = green_ratio(park_composition(parks, parcels))
    assert ratio["ok"] == pytest.approx(0.25, rel=1e-3)
    assert ratio["short"] == pytest.approx(0.10, rel=1e-3)
    assert list(ratio[ratio < GREEN_TARGET].index) == ["short"]


def test_illustrative_parcels_tile_the_box_and_say_what_they_are():
    bounds = (113.3, 23.1, 113.4, 23.2)
    parcels = illustrative_parcels(bounds, 400, seed=3, crs="planar")
    assert 380 <= len(parcels) <= 420
    assert (parcels["label"] == ILLUSTRATIVE_LABEL).all()
    assert "not an official plan" in ILLUSTRATIVE_LABEL and "示意" in ILLUSTRATIVE_LABEL
    assert set(parcels["code"]) <= set(CODES)
    assert parcels.is_valid.all()
    union = parcels.union_all()
    assert union.area == pytest.approx(parcels.area.sum(), rel=1e-9)  # no overlaps
    assert union.envelope.area == pytest.approx(union.area, rel=1e-9)  # no gaps
    again = illustrative_parcels(bounds, 400, seed=3, crs="planar")
    assert again.geom_equals(parcels).all() and (again["code"] == parcels["code"]).all()
    assert illustrative_parcels(bounds, 50, seed=3).crs.to_epsg() == 4326


def test_illustrative_for_park_is_stable_and_covers_the_park():
    from layers.landuse import clip_to, illustrative_for_park

    park = box(113.30, 23.10, 113.32, 23.12)
    a = illustrative_for_park("some-park", park)
    b = illustrative_for_park("some-park", park)
    assert len(a) == len(b) and (a["code"] == b["code"]).all()
    clipped = clip_to(a, park)
    assert clipped.union_all().area == pytest.approx(park.area, rel=1e-6)


def test_corridor_is_a_buffer_of_its_stated_width():
    from geo.measure import geodesic_area_m2
    from layers.landuse import corridor_polygons
    from shapely.geometry import LineString

    line = gpd.GeoDataFrame(geometry=[LineString([(113.30, 23.10), (113.31, 23.10)])], crs=4326)
    poly = corridor_polygons(line, pd.Series([100.0]))
    length_m = 1023.9  # 0.01° of longitude at 23.1° N
    assert geodesic_area_m2(poly).iloc[0] == pytest.approx(100 * length_m, rel=2e-3)
