"""geo.overlay.composition: exact shares, boundary splitting, agreement with geopandas.overlay."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from geo.measure import geodesic_area_m2
from geo.overlay import composition

X, Y = 530_000.0, 2_555_000.0  # EPSG:4547 metres near Guangzhou


def planar(geoms, **cols) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(cols, geometry=geoms, crs=4547)


def test_exact_shares_of_a_hand_built_park():
    park = planar([box(X, Y, X + 1000, Y + 1000)])
    park.index = ["park"]
    parcels = planar(
        [box(X, Y, X + 500, Y + 1000), box(X + 500, Y, X + 1000, Y + 600), box(X + 500, Y + 600, X + 1000, Y + 1000)],
        code=["M1", "R2", "G1"],
    )
    out = composition(park, parcels, "code").set_index("class")
    assert out.loc["M1", "area_m2"] == pytest.approx(500_000)
    assert out.loc["R2", "share"] == pytest.approx(0.30)
    assert out.loc["G1", "share"] == pytest.approx(0.20)
    assert out["share"].sum() == pytest.approx(1.0)
    assert list(out.index) == ["M1", "R2", "G1"]  # largest first


def test_parcels_crossing_the_boundary_are_split():
    park = planar([box(X, Y, X + 1000, Y + 1000)])
    # Three quarters of this parcel lie outside the park.
    parcels = planar([box(X + 500, Y + 500, X + 1500, Y + 1500), box(X + 2000, Y, X + 3000, Y + 1000)], code=["B1", "M1"])
    out = composition(park, parcels, "code")
    assert out["class"].tolist() == ["B1"]
    assert out["area_m2"].iloc[0] == pytest.approx(250_000)


def test_same_class_in_several_parcels_adds_up_and_zones_are_separate():
    zones = planar([box(X, Y, X + 100, Y + 100), box(X + 200, Y, X + 300, Y + 100), Point(X, Y)])
    zones.index = ["a", "b", "pt"]
    parcels = planar([box(X, Y, X + 50, Y + 100), box(X + 50, Y, X + 100, Y + 100), box(X + 150, Y, X + 250, Y + 100)],
                     code=["M1", "M1", "G1"])
    out = composition(zones, parcels, "code")
    assert out.values.tolist() == [["a", "M1", 10_000.0, 1.0], ["b", "G1", 5_000.0, 0.5]]


def test_wgs84_input_gives_geodesic_areas():
    zone = gpd.GeoDataFrame(geometry=[box(113.3, 23.1, 113.31, 23.11)], crs=4326)
    parcel = gpd.GeoDataFrame({"code": ["M1"]}, geometry=[box(113.29, 23.09, 113.32, 23.12)], crs=4326)
    out = composition(zone, parcel, "code")
    assert out["area_m2"].iloc[0] == pytest.approx(geodesic_area_m2(zone.geometry).iloc[0], rel=1e-6)
    assert out["share"].iloc[0] == pytest.approx(1.0, rel=1e-9)


def test_mismatched_crs_is_refused():
    with pytest.raises(ValueError, match="share one CRS"):
        composition(planar([box(0, 0, 1, 1)]), planar([box(0, 0, 1, 1)], code=["x"]).to_crs(4326), "code")


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(5, 60))
def test_agrees_with_geopandas_overlay(seed, n):
    rng = np.random.default_rng(seed)
    zones = planar([box(X + i * 700, Y, X + i * 700 + 900, Y + 900) for i in range(3)])
    x0 = rng.uniform(X - 200, X + 2300, n)
    y0 = rng.uniform(Y - 200, Y + 900, n)
    size = rng.uniform(20, 400, n)
    parcels = planar([box(a, b, a + s, b + s) for a, b, s in zip(x0, y0, size)],
                     code=rng.choice(["M1", "R2", "G1"], n))
    ours = composition(zones, parcels, "code").set_index(["zone", "class"])["area_m2"]
    z = zones.reset_index().rename(columns={"index": "zone"})
    theirs = gpd.overlay(parcels, z, how="intersection", keep_geom_type=True)
    theirs = theirs.assign(a=theirs.area).groupby(["zone", "code"])["a"].sum()
    theirs = theirs[theirs > 0]
    assert sorted(ours.index) == sorted(theirs.index)
    assert np.allclose(ours.sort_index().to_numpy(), theirs.sort_index().to_numpy(), rtol=1e-9)


@pytest.mark.parametrize("scheduler", ["synchronous", "threads"])
def test_partitioned_composition_equals_single_process(scheduler):
    from geo.overlay import composition_partitioned

    rng = np.random.default_rng(7)
    zones = planar([box(X + i * 700, Y, X + i * 700 + 900, Y + 900) for i in range(4)])
    x0, y0 = rng.uniform(X - 200, X + 3000, 300), rng.uniform(Y - 200, Y + 900, 300)
    parcels = planar([box(a, b, a + 150, b + 150) for a, b in zip(x0, y0)], code=rng.choice(["M1", "R2", "G1"], 300))
    one = composition(zones, parcels, "code").set_index(["zone", "class"]).sort_index()
    many = composition_partitioned(zones, parcels, "code", npartitions=5, scheduler=scheduler).set_index(["zone", "class"]).sort_index()
    assert list(one.index) == list(many.index)
    assert np.allclose(one["area_m2"], many["area_m2"], rtol=1e-12)
    assert np.allclose(one["share"], many["share"], rtol=1e-12)
