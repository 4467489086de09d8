"""geo.constraints: conflicts of park outlines with constraint layers whose overlaps are known exactly.

Geometry near Guangzhou (113.3 E, 23.1 N). "Truth" is the geodesic area of the expected overlap
polygon computed directly with pyproj.Geod on its vertices, and, independently, its planar area in
EPSG:4547 (within 0.1 % of the geodesic figure in our region, DESIGN.md §2).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Point, Polygon, box

from geo._errors import CRSError, InputError
from geo.constraints import NUMERICAL_ZERO_M2, check_parks, prepare_constraint, verdict
from geo.crs import PLANAR

X, Y = 113.3, 23.1
D = 0.01  # ~1 km
GEOD = Geod(ellps="WGS84")


def truth_m2(geom: Polygon | MultiPolygon) -> float:
    """Geodesic area straight from the vertices (exterior minus holes), independent of geo.measure."""
    total = 0.0
    for poly in getattr(geom, "geoms", [geom]):
        lon, lat = poly.exterior.coords.xy
        total += abs(GEOD.polygon_area_perimeter(lon, lat)[0])
        for ring in poly.interiors:
            lon, lat = ring.coords.xy
            total -= abs(GEOD.polygon_area_perimeter(lon, lat)[0])
    return total


def planar_m2(geom) -> float:
    return float(gpd.GeoSeries([geom], crs=4326).to_crs(PLANAR).area.iloc[0])


def layer(*geoms, crs=4326, **kw):
    return prepare_constraint(gpd.GeoDataFrame(geometry=list(geoms), crs=crs), name="test", **kw)


def parks(**geoms) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=list(geoms.values()), index=list(geoms), crs=4326)


def close(a: float, b: float, rel: float = 1e-3) -> bool:
    return abs(a - b) <= rel * abs(b)


def test_half_overlap_of_squares_is_half_the_park_and_matches_geodesic_truth():
    c = layer(box(X, Y, X + D, Y + D))
    p = parks(a=box(X + D / 2, Y, X + 1.5 * D, Y + D))
    r = check_parks(p, c, "avoid", tolerance_m2=100).loc["a"]
    expected = box(X + D / 2, Y, X + D, Y + D)
    assert r["verdict"] == "conflict"
    assert close(r["area_m2"], truth_m2(expected), 1e-9)
    assert close(r["area_m2"], planar_m2(expected))  # an independent measure, within 0.1 %
    assert r["share"] == pytest.approx(0.5, rel=1e-7)  # halves split at a meridian are congruent
    assert r["park_area_m2"] == pytest.approx(truth_m2(p.geometry["a"]), rel=1e-9)
    assert r.geometry.equals(expected)
    assert r["candidates"] == 1
    assert r["covered_share"] == pytest.approx(0.5, rel=1e-7)  # half the park lies beyond the envelope


def test_ring_with_a_hole():
    ring = Polygon(box(X, Y, X + 3 * D, Y + 3 * D).exterior.coords, [box(X + D, Y + D, X + 2 * D, Y + 2 * D).exterior.coords])
    c = layer(ring)
    p = parks(in_hole=box(X + 1.2 * D, Y + 1.2 * D, X + 1.8 * D, Y + 1.8 * D),
              straddles=box(X + 0.5 * D, Y + 1.2 * D, X + 1.5 * D, Y + 1.8 * D),
              covers_hole=box(X + 0.5 * D, Y + 0.5 * D, X + 2.5 * D, Y + 2.5 * D))
    r = check_parks(p, c, "avoid", tolerance_m2=100)
    assert r.loc["in_hole", "verdict"] == "clear" and r.loc["in_hole", "area_m2"] == 0
    assert r.loc["in_hole", "candidates"] == 0  # its bbox meets the ring's bbox, not the ring
    half = box(X + 0.5 * D, Y + 1.2 * D, X + D, Y + 1.8 * D)
    assert close(r.loc["straddles", "area_m2"], truth_m2(half), 1e-9)
    frame = Polygon(box(X + 0.5 * D, Y + 0.5 * D, X + 2.5 * D, Y + 2.5 * D).exterior.coords,
                    [box(X + D, Y + D, X + 2 * D, Y + 2 * D).exterior.coords])
    assert close(r.loc["covers_hole", "area_m2"], truth_m2(frame), 1e-9)
    assert close(r.loc["covers_hole", "area_m2"], planar_m2(frame))


def test_a_park_touching_the_boundary_has_zero_overlap():
    c = layer(box(X, Y, X + D, Y + D), extent=box(X - D, Y - D, X + 3 * D, Y + 3 * D))
    p = parks(edge=box(X + D, Y, X + 2 * D, Y + D), corner=box(X + D, Y + D, X + 2 * D, Y + 2 * D))
    r = check_parks(p, c, "avoid", tolerance_m2=0)
    assert list(r["verdict"]) == ["clear", "clear"]
    assert list(r["area_m2"]) == [0.0, 0.0]
    assert r["geometry"].isna().all()


def test_multipart_park():
    c = layer(box(X, Y, X + D, Y + D))
    inside, outside = box(X + 0.2 * D, Y + 0.2 * D, X + 0.8 * D, Y + 0.8 * D), box(X + 2 * D, Y, X + 3 * D, Y + D)
    r = check_parks(parks(m=MultiPolygon([inside, outside])), c, "avoid").loc["m"]
    assert close(r["area_m2"], truth_m2(inside), 1e-9)
    assert close(r["park_area_m2"], truth_m2(inside) + truth_m2(outside), 1e-9)
    assert r["verdict"] == "conflict"


def test_slivers_against_the_tolerance():
    # A strip 1e-5 deg (~1.02 m) wide along a 0.001 deg (~102 m) edge: ~105 m².
    c = layer(box(X, Y, X + D, Y + D), extent=box(X - D, Y - D, X + 3 * D, Y + 3 * D))
    p = parks(s=box(X + D - 1e-5, Y, X + D + 0.001, Y + 0.001))
    area = truth_m2(box(X + D - 1e-5, Y, X + D, Y + 0.001))
    assert 90 < area < 120
    assert check_parks(p, c, "avoid", tolerance_m2=200).loc["s", "verdict"] == "sliver"
    assert check_parks(p, c, "avoid", tolerance_m2=50).loc["s", "verdict"] == "conflict"
    assert close(check_parks(p, c, "avoid").loc["s", "area_m2"], area, 1e-6)


def test_verdict_thresholds():
    assert verdict(NUMERICAL_ZERO_M2, 100) == "clear"
    assert verdict(NUMERICAL_ZERO_M2 * 2, 100) == "sliver"
    assert verdict(100, 100) == "sliver" and verdict(100.001, 100) == "conflict"
    assert verdict(float("nan"), 100) == "no outline"
    assert verdict(500, 100, covered=False) == "conflict"
    assert verdict(5, 100, covered=False) == "not covered"


def test_overlapping_constraint_features_are_not_counted_twice():
    c = layer(box(X, Y, X + D, Y + D), box(X, Y, X + D, Y + D), box(X + 0.5 * D, Y, X + D, Y + D))
    p = parks(a=box(X, Y, X + D, Y + D))
    r = check_parks(p, c, "avoid").loc["a"]
    assert r["share"] == pytest.approx(1.0, rel=1e-7)
    assert r["candidates"] == 3


def test_within_rule_conflict_is_the_part_outside():
    c = layer(box(X, Y, X + D, Y + D))
    p = parks(half_out=box(X + D / 2, Y, X + 1.5 * D, Y + D), inside=box(X + 0.1 * D, Y + 0.1 * D, X + 0.9 * D, Y + 0.9 * D))
    r = check_parks(p, c, "within", tolerance_m2=100)
    assert r.loc["inside", "verdict"] == "clear"
    assert r.loc["inside", "area_m2"] == pytest.approx(0, abs=NUMERICAL_ZERO_M2)
    # The envelope (the layer's extent) covers only the inside half: the outside half is unknown.
    assert r.loc["half_out", "verdict"] == "not covered"
    assert r.loc["half_out", "covered_share"] == pytest.approx(0.5, rel=1e-7)
    # With an explicit extent (the district the layer speaks for) it is a conflict.
    district = box(X - D, Y - D, X + 3 * D, Y + 3 * D)
    r2 = check_parks(p, layer(box(X, Y, X + D, Y + D), extent=district), "within", tolerance_m2=100)
    outside = box(X + D, Y, X + 1.5 * D, Y + D)
    assert r2.loc["half_out", "verdict"] == "conflict"
    assert close(r2.loc["half_out", "area_m2"], truth_m2(outside), 1e-9)
    assert r2.loc["half_out", "geometry"].equals(outside)


def test_not_covered_when_the_layer_has_no_data_over_the_park():
    c = layer(box(X, Y, X + D, Y + D), box(X + 2 * D, Y + 2 * D, X + 3 * D, Y + 3 * D))
    p = parks(far=box(X + 10 * D, Y, X + 11 * D, Y + D),
              gap=box(X + 1.2 * D, Y + 1.2 * D, X + 1.8 * D, Y + 1.8 * D),  # inside the envelope: covered
              partly=box(X + 2.5 * D, Y + 2.5 * D, X + 3.5 * D, Y + 3.5 * D))
    r = check_parks(p, c, "avoid", tolerance_m2=100)
    assert r.loc["far", "verdict"] == "not covered" and r.loc["far", "covered_share"] == 0
    assert r.loc["gap", "verdict"] == "clear"
    # partly outside the extent, but a conflict where there is data: the conflict wins
    assert r.loc["partly", "verdict"] == "conflict"
    assert r.loc["partly", "covered_share"] == pytest.approx(0.25, rel=1e-3)


def test_no_outline():
    c = layer(box(X, Y, X + D, Y + D))
    p = parks(pt=Point(X + D / 2, Y + D / 2), none=None, empty=Polygon())
    r = check_parks(p, c, "avoid")
    assert list(r["verdict"]) == ["no outline"] * 3
    assert r["area_m2"].isna().all() and r["share"].isna().all()


def test_invalid_constraint_geometry_is_made_valid_and_said():
    bowtie = Polygon([(X, Y), (X + D, Y + D), (X + D, Y), (X, Y + D)])  # two triangles meeting in the middle
    c = layer(bowtie, Point(X, Y), None)
    assert len(c) == 1 and c.repaired == 1 and c.dropped == 2
    assert any("made valid" in n and "Self-intersection" in n for n in c.notes)
    assert any("not polygons" in n for n in c.notes) and any("missing or empty" in n for n in c.notes)
    r = check_parks(parks(a=box(X, Y, X + D, Y + D)), c, "avoid").loc["a"]
    triangles = MultiPolygon([Polygon([(X, Y), (X + D / 2, Y + D / 2), (X, Y + D)]),
                              Polygon([(X + D, Y), (X + D, Y + D), (X + D / 2, Y + D / 2)])])
    assert close(r["area_m2"], truth_m2(triangles), 1e-6)
    assert close(r["area_m2"], planar_m2(triangles))


def test_wrong_crs_is_reprojected_or_refused():
    square = gpd.GeoDataFrame(geometry=[box(X, Y, X + D, Y + D)], crs=4326)
    planar = square.to_crs(PLANAR)
    c = prepare_constraint(planar, name="planar")
    assert any("reprojected from EPSG:4547" in n for n in c.notes) and c.crs_original == "EPSG:4547"
    r = check_parks(parks(a=box(X, Y, X + D / 2, Y + D)), c, "avoid").loc["a"]
    assert r["share"] == pytest.approx(1.0, rel=1e-6)
    with pytest.raises(CRSError, match="EPSG:4547.*expected EPSG:4326"):
        prepare_constraint(planar, reproject=False)
    with pytest.raises(CRSError, match="has no CRS"):
        prepare_constraint(gpd.GeoDataFrame(geometry=[box(X, Y, X + D, Y + D)]))
    with pytest.raises(CRSError, match="parks"):
        check_parks(parks(a=box(X, Y, X + D, Y + D)).to_crs(PLANAR), c, "avoid")
    with pytest.raises(ValueError, match="unknown rule"):
        check_parks(parks(a=box(X, Y, X + D, Y + D)), c, "near")


def test_a_layer_with_nothing_usable_is_refused():
    with pytest.raises(InputError, match="no usable polygon"):
        layer(Point(X, Y))


def test_many_small_patches_add_up_to_geodesic_truth():
    # 40 x 40 patches of 0.0009 deg with 0.0001 deg gaps; the park cuts through them.
    n, step, size = 40, 0.001, 0.0009
    xs, ys = np.meshgrid(X + np.arange(n) * step, Y + np.arange(n) * step)
    patches = shapely.box(xs.ravel(), ys.ravel(), xs.ravel() + size, ys.ravel() + size)
    c = prepare_constraint(gpd.GeoSeries(patches, crs=4326))
    park = box(X + 0.00555, Y + 0.00555, X + 0.03145, Y + 0.02145)
    r = check_parks(parks(a=park), c, "avoid").loc["a"]
    expected = shapely.intersection(park, shapely.union_all(patches))
    assert close(r["area_m2"], truth_m2(expected), 1e-9)
    assert close(r["area_m2"], planar_m2(expected))
    within = check_parks(parks(a=park), c, "within").loc["a"]
    assert close(within["area_m2"] + r["area_m2"], r["park_area_m2"], 1e-6)


# --- the extent the data covers: envelope, union of the features, another layer's outline -------

def test_the_coverage_decides_between_clear_and_not_covered():
    # Two patches at opposite corners of a 3 x 3 grid of D-squares: the envelope is the whole grid,
    # their union only the two corner squares. A park in the empty middle square overlaps nothing.
    a, b = box(X, Y, X + D, Y + D), box(X + 2 * D, Y + 2 * D, X + 3 * D, Y + 3 * D)
    p = parks(middle=box(X + D, Y + D, X + 2 * D, Y + 2 * D), on_a=box(X + 0.5 * D, Y, X + D, Y + D),
              half_a=box(X + 0.5 * D, Y, X + 1.5 * D, Y + D))
    envelope = check_parks(p, layer(a, b), "avoid", tolerance_m2=100)
    assert list(envelope["verdict"]) == ["clear", "conflict", "conflict"]
    union = layer(a, b, coverage="union")
    assert (union.coverage, union.extent_source) == ("union", "union of the features")
    assert union.extent.equals(shapely.union_all([a, b]))
    r = check_parks(p, union, "avoid", tolerance_m2=100)
    assert list(r["verdict"]) == ["not covered", "conflict", "conflict"]  # outside the union: unknown
    assert r.loc["middle", "covered_share"] == 0.0 and r.loc["middle", "area_m2"] == 0.0
    assert r.loc["on_a", "covered_share"] == 1.0
    assert r.loc["half_a", "covered_share"] == pytest.approx(0.5, rel=1e-7)
    assert close(r.loc["half_a", "area_m2"], truth_m2(box(X + 0.5 * D, Y, X + D, Y + D)), 1e-9)
    # A park wholly in the union but clear of conflict stays clear (the "within" rule: inside a).
    w = check_parks(parks(inside=box(X + 0.2 * D, Y + 0.2 * D, X + 0.8 * D, Y + 0.8 * D), middle=p.geometry["middle"]),
                    union, "within", tolerance_m2=100)
    assert list(w["verdict"]) == ["clear", "not covered"]


def test_the_outline_of_another_layer_as_the_extent():
    from geo.constraints import outline_extent

    # A district of two D-squares side by side (two features, unioned), the patch in the first.
    district = outline_extent(gpd.GeoDataFrame(geometry=[box(X, Y, X + D, Y + D), box(X + D, Y, X + 2 * D, Y + D)],
                                               crs=4326), name="districts")
    assert district.equals(box(X, Y, X + 2 * D, Y + D))
    c = layer(box(X, Y, X + 0.5 * D, Y + D), extent=district, extent_name="districts.gpkg")
    assert (c.coverage, c.extent_source, c.extent_name) == ("given", "outline of districts.gpkg", "districts.gpkg")
    p = parks(in_district=box(X + D, Y, X + 2 * D, Y + D), across=box(X + 1.5 * D, Y, X + 2.5 * D, Y + D),
              beyond=box(X + 3 * D, Y, X + 4 * D, Y + D))
    r = check_parks(p, c, "avoid", tolerance_m2=100)
    # The envelope of the patch alone would say all three are "not covered"; the district says
    # the first is clear (the data speaks for it), the others lie (partly) outside the district.
    assert list(r["verdict"]) == ["clear", "not covered", "not covered"]
    assert r.loc["across", "covered_share"] == pytest.approx(0.5, rel=1e-7)
    assert list(check_parks(p, layer(box(X, Y, X + 0.5 * D, Y + D)), "avoid")["verdict"]) == ["not covered"] * 3
    with pytest.raises(InputError, match="no polygon"):
        outline_extent(gpd.GeoSeries([Point(X, Y)], crs=4326))
    with pytest.raises(ValueError, match="unknown coverage"):
        layer(box(X, Y, X + D, Y + D), coverage="district")


def test_input_notes_come_as_parts_too():
    c = layer(box(X, Y, X + D, Y + D), Point(X, Y), None)
    assert ("dropped", {"n": 1, "what": "missing"}) in c.note_parts
    assert ("dropped", {"n": 1, "what": "not polygonal"}) in c.note_parts
    assert "1 feature dropped: missing or empty" in c.notes
