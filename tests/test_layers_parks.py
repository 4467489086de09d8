"""layers.base / layers.parks / layers.registry: schema validation, areas, filters."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from layers import parks as parks_layer
from layers import registry
from layers._errors import LayerValidationError, UnknownLayerError
from layers.parks import ParkFilter, filter_parks


def write_variant(src: Path, dst: Path, edit) -> Path:
    """Copy a GeoJSON file to dst after `edit(features)` changed its features in place."""
    doc = json.loads(src.read_text(encoding="utf-8"))
    edit(doc["features"])
    dst.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return dst


@pytest.fixture()
def small(small_parks_path):
    return parks_layer.load(small_parks_path)


def test_load_gives_epsg4326_indexed_by_id_with_geodesic_areas(small):
    assert small.crs.to_epsg() == 4326
    assert list(small.index) == list(small["id"])
    park = small.loc["test-square-park"]  # 0.01° square at 23.09 N
    assert park["area_km2"] == pytest.approx(1.1346, rel=1e-3)
    assert park["area_ha"] == pytest.approx(park["area_km2"] * 100)
    assert park["area_mu"] == pytest.approx(park["area_km2"] * 1500)
    assert park["area_diff_pct"] == pytest.approx((park["area_km2"] - 1.1) / 1.1 * 100)


def test_points_have_no_area_and_no_difference(small):
    point = small.loc["test-point"]
    assert point["area_m2"] == 0
    assert math.isnan(point["area_diff_pct"])


def test_lists_stay_lists(small):
    assert small.loc["test-foshan-base", "industries"] == ["氢能", "装备"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda f: f[0]["properties"].update(kind="campus"),
         r"feature 'test-square-park': field 'kind': 'campus' is not one of zone, park, carrier, phase"),
        (lambda f: f[1]["properties"].update(source=None), r"feature 'test-square-phase': field 'source': is missing"),
        (lambda f: f[1]["properties"].update(id="test-square-park"),
         r"feature 'test-square-park': field 'id': is used by more than one feature"),
        (lambda f: f[0]["properties"].update(id="Bad Id"), r"field 'id': 'Bad Id' is not a lowercase slug"),
        (lambda f: f[2]["properties"].update(as_of="2018-13-01"), r"field 'as_of': '2018-13-01' is not a real date"),
        (lambda f: f[2]["properties"].update(stated_area_km2="2"), r"field 'stated_area_km2': '2' is not a finite number"),
        (lambda f: f[2]["properties"].update(stated_area_km2=-1), r"field 'stated_area_km2': -1(\.0)? is below the minimum 0"),
        (lambda f: f[2]["properties"].update(industries="氢能"), r"field 'industries': '氢能' is not a list"),
        (lambda f: f[2]["properties"].update(industries_en=["Hydrogen"]),
         r"feature 'test-foshan-base': field 'industries_en': has 1 entries but industries has 2"),
        (lambda f: f[1]["properties"].update(parent_id="nowhere"), r"field 'parent_id': 'nowhere' is not the id"),
        (lambda f: f[3]["properties"].update(geometry_quality="schematic"),
         r"feature 'test-point': field 'geometry_quality': a Point must be 'approximate-location'"),
        (lambda f: f[2]["properties"].update(district="南海"), r"field 'district': '南海' does not name a 区"),
        (lambda f: f[2]["properties"].update(city="深圳"), r"field 'city': '深圳' does not name a city"),
        (lambda f: f[0].update(geometry={"type": "Polygon", "coordinates": [[[113, 23], [113.1, 23.1], [113.1, 23], [113, 23.1], [113, 23]]]}),
         r"feature 'test-square-park': field 'geometry': invalid: Self-intersection"),
        (lambda f: f[0].update(geometry={"type": "LineString", "coordinates": [[113, 23], [113.1, 23.1]]}),
         r"field 'geometry': LineString is not one of MultiPolygon, Point, Polygon"),
        (lambda f: f[3].update(geometry={"type": "Point", "coordinates": [38500000, 2550000]}),
         r"feature 'test-point': field 'geometry': coordinates outside lon/lat range"),
        (lambda f: f[0]["properties"].pop("status"), r"missing column\(s\) status|field 'status': is missing"),
    ],
)
def test_validation_error_names_file_feature_and_field(small_parks_path, tmp_path, edit, message):
    bad = write_variant(small_parks_path, tmp_path / "parks.geojson", edit)
    with pytest.raises(LayerValidationError, match=message) as info:
        parks_layer.load(bad)
    assert all(p.startswith(str(bad)) for p in info.value.problems)


def test_every_problem_is_reported_at_once(small_parks_path, tmp_path):
    def edit(features):
        features[0]["properties"]["kind"] = "campus"
        features[2]["properties"]["status"] = "done"
    with pytest.raises(LayerValidationError) as info:
        parks_layer.load(write_variant(small_parks_path, tmp_path / "p.geojson", edit))
    assert len(info.value.problems) == 2


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "cannot be read as UTF-8 JSON"),
    ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": 5}}]}',
     "malformed feature geometry"),
])
def test_unreadable_files_are_named(tmp_path, content, message):
    path = tmp_path / "parks.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LayerValidationError, match=message):
        parks_layer.load(path)


def test_registry_loads_from_the_data_dir_and_refuses_unknown_layers(small_parks_path, tmp_path, monkeypatch):
    (tmp_path / "parks.geojson").write_bytes(small_parks_path.read_bytes())
    monkeypatch.setenv("PARKATLAS_DATA_DIR", str(tmp_path))
    assert len(registry.load("parks")) == 4
    with pytest.raises(UnknownLayerError, match="no layer 'roads'; known layers: .*parks"):
        registry.load("roads")


@pytest.mark.parametrize(("flt", "expected"), [
    (ParkFilter(), ["test-square-park", "test-square-phase", "test-foshan-base", "test-point"]),
    (ParkFilter(cities=("佛山市",)), ["test-foshan-base"]),
    (ParkFilter(programmes=("gz-value-innovation",)), ["test-square-park", "test-square-phase"]),
    (ParkFilter(kinds=("phase",)), ["test-square-phase"]),
    (ParkFilter(industry="HYDROGEN"), ["test-foshan-base"]),
    (ParkFilter(industry="氢能"), ["test-foshan-base"]),
    (ParkFilter(industry="qingcheng"), ["test-point"]),          # matches the English name
    (ParkFilter(min_area_km2=1.0, max_area_km2=2.0), ["test-square-park"]),
    (ParkFilter(min_area_km2=0.4, max_area_km2=0.6), ["test-point"]),  # a point's stated area
    (ParkFilter(cities=("广州市",), kinds=("park",)), ["test-square-park"]),
])
def test_filters(small, flt, expected):
    assert list(filter_parks(small, flt).index) == expected


def test_filter_does_not_change_its_input(small):
    before = small.copy()
    filter_parks(small, ParkFilter(cities=("佛山市",)))
    assert small.equals(before)
