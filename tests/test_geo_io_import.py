"""geo.io.import_file on the hostile corpus in tests/data/bad (one test per file; README.md there lists
the expected outcome of each), plus limits, overrides and the zip safety checks."""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point

from geo import _archive
from geo._errors import FileTooLargeError, GeoError, InputError, UnsafeArchiveError
from geo.chinese_offsets import wgs84_to_bd09
from geo.io import ImportReport, import_file, list_layers, split_by_geometry_type

BAD = Path(__file__).parent / "data" / "bad"
GEOD = Geod(ellps="WGS84")
TIYU_XILU = (113.3163, 23.1337)
SCIENCE_CITY = (113.45, 23.17)
FOSHAN = (113.12, 23.02)


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def xy(geom) -> tuple[float, float]:
    return (geom.x, geom.y)


# --- files that must be refused, with the exact message ----------------------------------------

REFUSED = [
    ("empty.geojson", InputError, r"^empty\.geojson: the file is empty \(0 bytes\)"),
    ("truncated.geojson", InputError,
     r"^truncated\.geojson: not valid JSON: Expecting value at line 1, column 137 - the file looks truncated"),
    ("image_named.geojson", InputError, r"^image_named\.geojson: not a geo file \(its content is a PNG image"),
    ("random_bytes.geojson", InputError, r"not a geo file \(its content is binary data of no format we read"),
    ("webpage_named.geojson", InputError, r"not a geo file \(its content is an HTML page"),
    ("no_coords.csv", InputError,
     re.escape("no_coords.csv: no coordinate columns; found columns ['名称', '地址', '面积']. Expected a lon/lat pair")),
    ("all_dropped.geojson", InputError, re.escape(
        "all_dropped.geojson: nothing to import: all 2 features were dropped (1 missing geometry, "
        "1 non-finite coordinate).")),
    ("zip_slip_dotdot.zip", UnsafeArchiveError, r"zip entry '\.\./evil\.shp' has a '\.\.' path component"),
    ("zip_slip_absolute.zip", UnsafeArchiveError, r"zip entry '/abs/path/evil\.shp' has an absolute path"),
    ("zip_symlink.zip", UnsafeArchiveError, r"zip entry 'layer\.shp' is a symbolic link"),
    ("zip_bomb_claimed.zip", UnsafeArchiveError,
     r"the zip would expand to 600\.0 MB; the limit is 500\.0 MB \(a zip bomb\?\)"),
    ("zip_bomb_ratio.zip", UnsafeArchiveError, r"zip entry 'bomb\.dbf' expands \d{3,}:1 .*the limit is 100:1"),
    ("zip_no_shp.zip", InputError, re.escape("zip_no_shp.zip: the zip contains no .shp file (found: readme.txt, "
                                             "data.dbf)")),
    ("zip_missing_dbf.zip", InputError, re.escape("the Shapefile 'roads' lacks its .dbf file")),
]


@pytest.mark.parametrize(("name", "error", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_files(name, error, message):
    with pytest.raises(error, match=message) as info:
        import_file(BAD / name)
    assert isinstance(info.value, GeoError) and isinstance(info.value, ValueError)


def test_zip_bomb_never_expands(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    for name in ("zip_bomb_claimed.zip", "zip_bomb_ratio.zip", "zip_slip_dotdot.zip"):
        with pytest.raises(UnsafeArchiveError):
            import_file(BAD / name)
    assert list(tmp_path.iterdir()) == []  # no temporary directory was even created
    assert not (BAD.parent / "evil.shp").exists()


def test_max_bytes_checked_before_reading():
    with pytest.raises(FileTooLargeError, match=r"file is 0\.0 MB; the limit is 0\.0 MB"):
        import_file(BAD / "mixed_types.geojson", max_bytes=100)


def test_missing_file():
    with pytest.raises(InputError, match=r"^nope\.geojson: no such file"):
        import_file(BAD / "nope.geojson")


def test_unknown_coordinate_system():
    with pytest.raises(InputError, match="unknown coordinate_system 'amap'"):
        import_file(BAD / "gcj02_points.geojson", coordinate_system="amap")


def test_unknown_crs_given():
    with pytest.raises(InputError, match=r"unknown crs 'EPSG:999999'"):
        import_file(BAD / "zone38_prefixed.csv", crs="EPSG:999999")


# --- files that must import, with exact outcomes ----------------------------------------------

def test_geojson_named_txt_imports():
    result = import_file(BAD / "geojson_named.txt")
    assert result.report.format == "GeoJSON"
    assert result.gdf.crs.to_epsg() == 4326
    assert list(result.gdf["name"]) == ["a", "b"]
    assert xy(result.gdf.geometry.iloc[0]) == pytest.approx(TIYU_XILU)


def test_nan_and_huge_coordinates_dropped_per_feature():
    result = import_file(BAD / "nan_huge_coords.geojson")
    r = result.report
    assert (r.features_in, r.features_out) == (6, 1)
    assert [(d.index, d.description) for d in r.dropped] == [
        (1, "non-finite coordinate (NaN or infinity)"),
        (2, "coordinate 1e+300 is not a position in any CRS (|value| > 1e8)"),
        (3, "non-finite coordinate (NaN or infinity)"),
        (4, "missing geometry"),
        (5, "empty geometry"),
    ]
    assert list(result.gdf.index) == [0] and list(result.gdf["n"]) == [0]


def test_feature_outside_lonlat_range_dropped(tmp_path):
    path = tmp_path / "one_wild.geojson"
    path.write_text('{"type": "FeatureCollection", "features": ['
                    '{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [113.3, 23.1]}},'
                    '{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [500, 23.1]}}]}',
                    encoding="utf-8")
    r = import_file(path).report
    assert (r.crs_source, r.features_out) == ("file", 1)
    assert [(d.index, d.description) for d in r.dropped] == [
        (1, "coordinates outside lon -180..180 / lat -90..90 in EPSG:4326")]


def test_swapped_axes_csv_is_swapped_and_reported():
    result = import_file(BAD / "swapped_axes.csv")
    r = result.report
    assert r.axes_swapped_detected and r.axes_swapped_applied
    assert xy(result.gdf.geometry.iloc[0]) == pytest.approx(TIYU_XILU)
    assert any("lat/lon swapped); swapped them" in w for w in r.warnings)


def test_swapped_axes_refused_by_caller():
    message = r"are neither lon/lat nor .* They look like lat/lon swapped: import with swap_axes=True"
    with pytest.raises(InputError, match=message):
        import_file(BAD / "swapped_axes.csv", swap_axes=False)


def test_projected_shapefile_without_prj_detects_candidates():
    result = import_file(BAD / "projected_no_prj.zip")
    r = result.report
    assert r.format == "Shapefile (zip)" and r.layers == ["projected_no_prj"]
    assert r.crs_source == "detected, please confirm"
    assert r.crs_candidates == [4547, 4546, 4548, 32649, 32650]
    assert r.crs_original == "EPSG:4547"
    assert r.geometry_types == {"Polygon": 2}
    corners = shapely.get_coordinates(result.gdf.geometry.iloc[0])
    assert min(metres(tuple(c), SCIENCE_CITY) for c in corners) < 0.01
    # 1 km x 1 km square drawn in EPSG:4547 metres
    area = abs(GEOD.geometry_area_perimeter(result.gdf.geometry.iloc[0])[0])
    assert area == pytest.approx(1e6, rel=1e-3)


def test_projected_shapefile_confirmed_with_crs():
    r = import_file(BAD / "projected_no_prj.zip", crs=4547).report
    assert (r.crs_source, r.crs_candidates, r.crs_original) == ("given", [], "EPSG:4547")


def test_geojson_with_projected_coordinates_and_no_crs_member():
    result = import_file(BAD / "projected_says_nothing.geojson")
    r = result.report
    assert (r.crs_source, r.crs_original) == ("detected, please confirm", "EPSG:4547")
    assert r.crs_candidates == [4547, 4546, 4548, 32649, 32650]
    assert r.warnings[0].startswith("the file declares EPSG:4326 but its coordinates are not lon/lat; coordinates "
                                    "look like EPSG:4547 (other candidates: EPSG:4546")
    assert metres(xy(result.gdf.geometry.iloc[0]), SCIENCE_CITY) < 0.01


def test_bare_shapefile_with_siblings(tmp_path):
    shutil.unpack_archive(BAD / "gbk_no_cpg.zip", tmp_path)
    result = import_file(tmp_path / "gbk_no_cpg.shp")
    assert result.report.format == "Shapefile"
    assert list(result.gdf["名称"]) == ["广州科学城", "佛山禅城"]
    (tmp_path / "gbk_no_cpg.dbf").unlink()
    with pytest.raises(InputError, match=r"gbk_no_cpg\.shp: the Shapefile lacks its \.dbf file"):
        import_file(tmp_path / "gbk_no_cpg.shp")


def test_zone_prefixed_38_coordinates():
    result = import_file(BAD / "zone38_prefixed.csv")
    r = result.report
    assert r.crs_source == "detected, please confirm"
    assert r.crs_candidates == [4526, 2362, 2414]
    assert metres(xy(result.gdf.geometry.iloc[0]), TIYU_XILU) < 0.01
    assert metres(xy(result.gdf.geometry.iloc[1]), SCIENCE_CITY) < 0.01


def test_gbk_shapefile_without_cpg():
    result = import_file(BAD / "gbk_no_cpg.zip")
    r = result.report
    assert list(result.gdf["名称"]) == ["广州科学城", "佛山禅城"]
    assert r.encoding == "gb18030"
    assert r.encoding_source == "detected: not valid UTF-8 (byte 1), decoded as GB18030/GBK (no .cpg)"
    assert r.crs_source == "file" and r.crs_original == "EPSG:4326"
    assert r.warnings == []


def test_wrong_encoding_given_warns_of_mojibake():
    result = import_file(BAD / "gbk_no_cpg.zip", encoding="ISO-8859-1")
    r = result.report
    assert (r.encoding, r.encoding_source) == ("ISO-8859-1", "given")
    garbled = "广州科学城".encode("gbk").decode("latin-1")
    assert result.gdf.iloc[0, 0] == garbled
    assert f"column name {'名称'.encode('gbk').decode('latin-1')!r} looks mis-decoded" in r.warnings[0]
    assert r.warnings[1].startswith(f"column {'名称'.encode('gbk').decode('latin-1')!r} looks mis-decoded")


def test_undecodable_encoding_given():
    with pytest.raises(InputError, match=r"^gbk_no_cpg\.zip: its text cannot be decoded as utf-8 .*Pass another "
                                         r"encoding="):
        import_file(BAD / "gbk_no_cpg.zip", encoding="utf-8")


def test_gbk_csv():
    result = import_file(BAD / "gbk.csv")
    r = result.report
    assert list(result.gdf["名称"]) == ["广州科学城", "佛山禅城"]
    assert r.encoding == "gb18030" and r.encoding_source.startswith("detected: not valid UTF-8")
    assert (r.crs_source, r.crs_original) == ("file", "EPSG:4326")
    assert xy(result.gdf.geometry.iloc[0]) == pytest.approx(SCIENCE_CITY)


def test_utf8_bom_csv_with_chinese_lonlat_columns():
    result = import_file(BAD / "utf8_bom.csv")
    r = result.report
    assert (r.encoding, r.encoding_source) == ("utf-8-sig", "detected: UTF-8 byte-order mark")
    assert list(result.gdf.columns) == ["名称", "geometry"]
    assert list(result.gdf["名称"]) == ["体育西路", "佛山"]
    assert xy(result.gdf.geometry.iloc[0]) == pytest.approx(TIYU_XILU)
    assert "coordinates from columns '经度' (x) and '纬度' (y)" in r.warnings


def test_wkt_csv():
    result = import_file(BAD / "wkt.csv")
    r = result.report
    assert (r.features_in, r.features_out) == (3, 2)
    assert r.geometry_types == {"Point": 1, "Polygon": 1}
    assert [(d.index, d.description) for d in r.dropped] == [
        (2, "unreadable WKT in column 'WKT': 'POLYGON ((113.4 23.1, oops'")]
    assert list(result.gdf["名称"]) == ["地块A", "车站"]
    assert r.crs_candidates == [4326] and r.crs_source == "detected, please confirm"


def test_mojibake_csv_warns():
    r = import_file(BAD / "mojibake.csv").report
    assert any(w.startswith("column 'name' looks mis-decoded") and "Latin-1 characters" in w for w in r.warnings)


def test_mixed_geometry_types_kept_and_counted():
    result = import_file(BAD / "mixed_types.geojson")
    assert result.report.geometry_types == {"LineString": 1, "MultiPolygon": 1, "Point": 2, "Polygon": 1}
    parts = split_by_geometry_type(result.gdf)
    assert {k: list(v["name"]) for k, v in parts.items()} == {
        "Point": ["station", "foshan"], "LineString": ["line"], "Polygon": ["box", "two boxes"]}


def test_bowtie_repaired_and_reported():
    result = import_file(BAD / "bowtie.geojson")
    r = result.report
    assert [(n.index, n.description) for n in r.repaired] == [(1, "Polygon self-intersection -> MultiPolygon")]
    fixed = result.gdf.geometry.iloc[1]
    assert fixed.is_valid and fixed.geom_type == "MultiPolygon" and len(fixed.geoms) == 2
    assert r.geometry_types == {"MultiPolygon": 1, "Polygon": 1}


def test_script_attributes_imported_unchanged():
    gdf = import_file(BAD / "script_attrs.geojson").gdf
    assert list(gdf["name"]) == ["<script>alert(1)</script>", '<img src=x onerror="alert(2)">']
    assert list(gdf["note"]) == ["${alert(1)}", "{{7*7}}"]


def test_multi_layer_geopackage_first_layer_by_default():
    result = import_file(BAD / "multi_layer.gpkg")
    r = result.report
    assert (r.format, r.layer, r.layers) == ("GeoPackage", "parks", ["parks", "roads"])
    assert r.warnings == ["multi_layer.gpkg has 2 layers ['parks', 'roads']; imported the first, 'parks'. "
                          "Pass layer= to choose another."]
    assert list(result.gdf["名称"]) == ["广州科学城", "佛山禅城"]


def test_multi_layer_geopackage_chosen_layer():
    result = import_file(BAD / "multi_layer.gpkg", layer="roads")
    assert result.report.layer == "roads" and result.report.warnings == []
    assert list(result.gdf["名称"]) == ["科学大道"]
    assert result.report.geometry_types == {"LineString": 1}
    with pytest.raises(InputError, match=re.escape("no layer 'parcels'; its layers are ['parks', 'roads']")):
        import_file(BAD / "multi_layer.gpkg", layer="parcels")
    assert list_layers(BAD / "multi_layer.gpkg") == ["parks", "roads"]


def test_kml_with_chinese_names():
    result = import_file(BAD / "chinese_names.kml")
    r = result.report
    assert (r.format, r.layers) == ("KML", ["园区"])
    assert list(result.gdf["Name"]) == ["广州科学城", "佛山禅城"]
    assert result.gdf["description"].iloc[0] == "黄埔区"
    assert r.z_dropped and "Z coordinates dropped (3D -> 2D)" in r.warnings
    assert xy(result.gdf.geometry.iloc[0]) == pytest.approx(SCIENCE_CITY)


def test_geojson_2008_crs_member():
    result = import_file(BAD / "crs2008_epsg4547.geojson")
    r = result.report
    assert (r.crs_source, r.crs_original, r.crs_candidates) == ("file", "EPSG:4547", [])
    assert result.gdf.crs.to_epsg() == 4326
    assert metres(xy(result.gdf.geometry.iloc[0]), SCIENCE_CITY) < 0.01


def test_z_coordinates_dropped():
    result = import_file(BAD / "z_coords.geojson")
    assert result.report.z_dropped
    assert "Z coordinates dropped (3D -> 2D)" in result.report.warnings
    assert not shapely.has_z(result.gdf.geometry.array).any()
    assert xy(result.gdf.geometry.iloc[0]) == pytest.approx(TIYU_XILU)


def test_gcj02_file_converted_within_half_a_metre():
    result = import_file(BAD / "gcj02_points.geojson", coordinate_system="gcj02")
    assert result.report.coordinate_system == "gcj02"
    assert metres(xy(result.gdf.geometry.iloc[0]), TIYU_XILU) < 0.5
    assert metres(xy(result.gdf.geometry.iloc[1]), SCIENCE_CITY) < 0.5
    # read as WGS84 it is hundreds of metres off
    plain = import_file(BAD / "gcj02_points.geojson")
    assert 100 < metres(xy(plain.gdf.geometry.iloc[0]), TIYU_XILU) < 700


def test_bd09_converted(tmp_path):
    lon, lat = (float(v) for v in wgs84_to_bd09(*TIYU_XILU))
    path = tmp_path / "baidu.csv"
    path.write_text(f"名称,lng,lat\n体育西路,{lon!r},{lat!r}\n", encoding="utf-8")
    result = import_file(path, coordinate_system="bd09")
    assert metres(xy(result.gdf.geometry.iloc[0]), TIYU_XILU) < 0.5


def test_geoparquet():
    result = import_file(BAD / "geoparquet.parquet")
    r = result.report
    assert (r.format, r.crs_source, r.crs_original) == ("GeoParquet", "file", "EPSG:4326")
    assert list(result.gdf["名称"]) == ["广州科学城", "佛山禅城"]
    assert xy(result.gdf.geometry.iloc[1]) == pytest.approx(FOSHAN)


def test_plain_parquet_table_with_lonlat_columns(tmp_path):
    path = tmp_path / "table.parquet"
    pd.DataFrame({"名称": ["体育西路"], "经度": [TIYU_XILU[0]], "纬度": [TIYU_XILU[1]]}).to_parquet(path)
    result = import_file(path)
    assert (result.report.format, result.report.crs_source) == ("Parquet (table)", "file")
    assert xy(result.gdf.geometry.iloc[0]) == pytest.approx(TIYU_XILU)


def test_csv_rows_with_bad_coordinates_dropped(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("名称,经度,纬度\n体育西路,113.3163,23.1337\n坏行,abc,23.1\n空行,,\n", encoding="utf-8")
    r = import_file(path).report
    assert (r.features_in, r.features_out) == (3, 1)
    assert [(d.index, d.description) for d in r.dropped] == [
        (1, "missing or non-numeric coordinate (经度='abc', 纬度=23.1)"),
        (2, "missing or non-numeric coordinate (经度=empty, 纬度=empty)")]
    assert all(type(d.index) is int for d in r.dropped)


def test_far_from_study_region_warns():
    r = import_file(BAD / "far_away_beijing.geojson").report
    assert r.far_from_study_region
    assert r.bounds == pytest.approx((116.397, 39.909, 116.397, 39.909))
    assert any("more than ~100 km from Guangzhou/Foshan/Qingyuan" in w for w in r.warnings)
    assert not import_file(BAD / "geojson_named.txt").report.far_from_study_region


def test_report_is_a_dataclass_with_bounds_and_counts():
    r = import_file(BAD / "mixed_types.geojson").report
    assert isinstance(r, ImportReport)
    assert (r.source, r.features_in, r.features_out) == ("mixed_types.geojson", 5, 5)
    assert r.bounds == pytest.approx((113.0, 23.0, 113.45, 23.17))


def test_column_names_become_strings(monkeypatch):
    gdf = gpd.GeoDataFrame({1: ["a"], "名称": ["b"]}, geometry=[Point(113.3, 23.1)], crs=4326)
    monkeypatch.setattr("geo.io.pyogrio.read_dataframe", lambda *a, **k: gdf)
    out = import_file(BAD / "geojson_named.txt").gdf
    assert list(out.columns) == ["1", "名称", "geometry"]


def test_temporary_directory_removed_after_zip_import(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    import_file(BAD / "gbk_no_cpg.zip")
    assert list(tmp_path.iterdir()) == []


# --- zip safety units -------------------------------------------------------------------------

def test_check_zip_total_and_entry_limits():
    with zipfile.ZipFile(BAD / "gbk_no_cpg.zip") as zf:
        assert len(_archive.check_zip(zf, "x.zip")) == 4
        with pytest.raises(UnsafeArchiveError, match=r"the zip would expand to .* the limit is 0\.0 KB"):
            _archive.check_zip(zf, "x.zip", max_total=10)
        with pytest.raises(UnsafeArchiveError, match=r"the zip has 4 entries; the limit is 3"):
            _archive.check_zip(zf, "x.zip", max_entries=3)


def test_entry_that_expands_beyond_its_declared_size_is_refused(tmp_path):
    src = tmp_path / "lie.zip"
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.dbf", b"x" * 5000)
    with zipfile.ZipFile(src) as zf:
        info = zf.infolist()[0]
        info.file_size = 100  # the central directory lies: it says 100 bytes
        out = tmp_path / "out"
        out.mkdir()
        with pytest.raises(InputError, match=r"zip entry 'a\.dbf'"):
            _archive.extract_member(zf, info, out, "layer.dbf", "lie.zip")


@pytest.mark.parametrize("name", ["../x.shp", "/x.shp", "a/../../x.shp", "C:/x.shp", "..\\x.shp"])
def test_unsafe_names(name):
    assert _archive._unsafe_name(name) is not None


def test_safe_names():
    assert _archive._unsafe_name("folder/roads.shp") is None
    assert _archive._unsafe_name("roads..v2.shp") is None


def test_corpus_files_are_small():
    files = [p for p in BAD.iterdir() if p.is_file()]
    assert len(files) >= 24
    assert max(p.stat().st_size for p in files) < 50_000
