"""layers.landuse: code table, green ratio, the illustrative parcel generator."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
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


def test_every_park_is_composed_from_memory_and_partitions_alike(tmp_path):
    """parks_composition over a small layer in memory plus a big one in partitions (in-process
    and on a real 2-worker LocalCluster) equals composition over both layers together."""
    from distributed import Client, LocalCluster
    from shapely.geometry import Point, box

    from geo.overlay import composition
    from geo.partitioned import write_partitioned
    from layers.landuse import illustrative_parcels, parks_composition

    big = illustrative_parcels((113.30, 23.10, 113.36, 23.15), 6_000, seed=5)[["code", "geometry"]]
    small = illustrative_parcels((113.31, 23.11, 113.32, 23.12), 200, seed=6)[["code", "geometry"]]
    write_partitioned(big, tmp_path / "big", "code", rows_per_partition=500)
    parks = gpd.GeoDataFrame(
        geometry=[box(113.305, 23.105, 113.315, 23.115), box(113.33, 23.12, 113.345, 23.14), Point(113.32, 23.12),
                  box(114.0, 24.0, 114.01, 24.01)],
        index=pd.Index(["a", "b", "point", "far"], name="id"), crs=4326)
    expected = composition(parks.iloc[[0, 1, 3]], pd.concat([big, small], ignore_index=True), "code")
    expected = expected.set_index(["zone", "class"]).sort_index()
    seen = []
    local = parks_composition(parks, small, [tmp_path / "big"], progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1] and seen[-1][1] < 12  # only the partitions near a park
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc, Client(lc) as client:
        remote = parks_composition(parks, small, [tmp_path / "big"], client=client)
    for got in (local, remote):
        got = got.set_index(["zone", "class"]).sort_index()
        assert list(got.index) == list(expected.index)
        np.testing.assert_allclose(got["area_m2"], expected["area_m2"], rtol=0, atol=1e-6)  # to the square millimetre
        np.testing.assert_allclose(got["share"], expected["share"], rtol=0, atol=1e-12)
    assert set(local["zone"]) == {"a", "b"}  # the point has no outline; the far park has no parcels


def test_no_outlined_park_gives_an_empty_composition(tmp_path):
    from shapely.geometry import Point

    from layers.landuse import parks_composition

    parks = gpd.GeoDataFrame(geometry=[Point(113.3, 23.1)], index=["p"], crs=4326)
    out = parks_composition(parks, None, [])
    assert out.empty and list(out.columns) == ["zone", "class", "area_m2", "share"]
