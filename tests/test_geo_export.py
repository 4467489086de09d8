"""geo.export: every format x CRS round-trips, measures, labels, GCJ-02 honesty, drawn shapes."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from pyproj import CRS, Geod
from shapely.geometry import LineString, Point, box

from geo import chinese_offsets
from geo._errors import CRSError, InputError
from geo._tabular import shapefile_field_names
from geo.export import (
    EXPORT_CRS,
    EXPORT_FORMATS,
    ILLUSTRATIVE_LABEL,
    SCHEMATIC_LABEL,
    export_layer,
    label_for,
)
from geo.drawn import drawn_layer, measure_drawn

GEOD = Geod(ellps="WGS84")
SQUARE = box(113.0, 23.0, 113.01, 23.01)
LINE = LineString([(113.0, 23.0), (113.1, 23.1), (113.2, 23.1)])
POINT = Point(113.3163, 23.1337)
EPSG = {"wgs84": 4326, "cgcs2000": 4490, "cgcs2000-gk-114": 4547, "gcj02": 4326}
ALL_CRS = sorted(EXPORT_CRS)


def square_area_m2() -> float:
    lons, lats = [113.0, 113.01, 113.01, 113.0], [23.0, 23.0, 23.01, 23.01]
    return abs(GEOD.polygon_area_perimeter(lons, lats)[0])


def layer() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["park-1", "metro-1", "stop-1"],
         "name_zh": ["广州科学城", "地铁21号线", "体育西路站"],
         "name_en": ["Science City", "Metro Line 21", "Tiyu Xilu"],
         "industries": [["新一代信息技术", "生物医药"], ["交通"], []],
         "geometry_quality": ["surveyed", "reference", "surveyed"],
         "as_of": ["2024-06", "2023", "2025-01-02"]},
        geometry=[SQUARE, LINE, POINT], crs=4326)


def read_back(exported, fmt: str, tmp_path: Path) -> gpd.GeoDataFrame:
    """The exported features as one GeoDataFrame (shapefile parts concatenated), as written."""
    if fmt == "shp":
        folder = tmp_path / "unzipped"
        zipfile.ZipFile(io.BytesIO(exported.data)).extractall(folder)
        parts = [gpd.read_file(p, engine="pyogrio") for p in sorted(folder.glob("*.shp"))]
        return pd.concat(parts, ignore_index=True)
    path = tmp_path / exported.filename
    path.write_bytes(exported.data)
    return gpd.read_file(path, engine="pyogrio")


def to_wgs84(gdf: gpd.GeoDataFrame, crs_key: str) -> gpd.GeoSeries:
    geom = gdf.geometry.to_crs(4326)
    return chinese_offsets.to_wgs84(geom, "gcj02") if crs_key == "gcj02" else geom


@pytest.mark.parametrize("crs_key", ALL_CRS)
@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp"])
def test_round_trip_same_features_names_and_geometry(fmt, crs_key, tmp_path):
    out = export_layer(layer(), fmt, crs_key, layer_name="园区")
    back = read_back(out, fmt, tmp_path).set_index("id").loc[["park-1", "metro-1", "stop-1"]]
    assert len(back) == 3
    assert list(back["name_zh"]) == ["广州科学城", "地铁21号线", "体育西路站"]
    assert back.crs.to_epsg() == EPSG[crs_key]
    got = to_wgs84(back, crs_key)
    expected = gpd.GeoSeries([SQUARE, LINE, POINT], index=got.index, crs=4326)
    assert list(shapely.get_num_coordinates(got.array)) == [5, 3, 1]
    if crs_key == "gcj02":   # the offset's inverse is iterative: within 0.5 m
        assert got.to_crs(4547).hausdorff_distance(expected.to_crs(4547)).max() < 0.5
    else:                    # same vertices within 1e-6 degrees (ring start/orientation may differ)
        assert shapely.hausdorff_distance(got.array, expected.array).max() < 1e-6
    if fmt == "geojson":
        assert [list(v) for v in back["industries"]] == [["新一代信息技术", "生物医药"], ["交通"], []]
    else:
        assert back.loc["park-1", "industries"] == "新一代信息技术；生物医药"


def test_gcj02_coordinates_are_really_offset(tmp_path):
    back = read_back(export_layer(layer(), "geojson", "gcj02"), "geojson", tmp_path).set_index("id")
    station = back.loc["stop-1", "geometry"]
    assert (round(station.x, 4), round(station.y, 4)) == (113.3217, 23.1311)   # 体育西路 on Gaode


def test_areas_and_lengths_are_geodesic_and_computed_before_reprojection(tmp_path):
    expected_area = square_area_m2()
    assert expected_area / 1e6 == pytest.approx(1.135, abs=5e-4)
    expected_length = GEOD.line_length([113.0, 113.1, 113.2], [23.0, 23.1, 23.1])
    for crs_key in ALL_CRS:
        back = read_back(export_layer(layer(), "gpkg", crs_key), "gpkg", tmp_path).set_index("id")
        assert back.loc["park-1", "area_m2"] == pytest.approx(expected_area, rel=1e-12)
        assert back.loc["park-1", "area_ha"] == pytest.approx(expected_area / 10_000, rel=1e-12)
        assert back.loc["park-1", "area_mu"] == pytest.approx(expected_area * 15 / 10_000, rel=1e-12)
        assert back.loc["metro-1", "length_m"] == pytest.approx(expected_length, rel=1e-12)
        assert pd.isna(back.loc["metro-1", "area_m2"]) and pd.isna(back.loc["stop-1", "area_m2"])
        assert pd.isna(back.loc["park-1", "length_m"]) and pd.isna(back.loc["stop-1", "length_m"])
        assert set(back["area_method"]) == {"geodesic, WGS84 ellipsoid"}


def test_points_only_layer_gets_no_measure_columns(tmp_path):
    pts = layer().iloc[[2]]
    back = read_back(export_layer(pts, "geojson"), "geojson", tmp_path)
    assert not {"area_m2", "area_ha", "area_mu", "length_m", "area_method"} & set(back.columns)


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_label_on_every_row_and_in_the_filename(fmt, tmp_path):
    out = export_layer(layer(), fmt, "wgs84", layer_name="parks", label=ILLUSTRATIVE_LABEL)
    assert out.filename == f"parks-wgs84-illustrative.{EXPORT_FORMATS[fmt].extension}"
    assert out.mime == EXPORT_FORMATS[fmt].mime
    if fmt == "xlsx":
        rows = pd.read_excel(io.BytesIO(out.data), sheet_name="data")
    elif fmt == "csv":
        rows = pd.read_csv(io.BytesIO(out.data), encoding="utf-8-sig")
    else:
        rows = read_back(out, fmt, tmp_path)
    assert list(rows["label"]) == [ILLUSTRATIVE_LABEL] * 3


def test_label_slug_kwarg_and_schematic_slug():
    assert export_layer(layer(), "csv", label=SCHEMATIC_LABEL).filename == "layer-wgs84-schematic.csv"
    out = export_layer(layer(), "csv", "cgcs2000-gk-114", layer_name="园区/范围", label="demo", label_slug="demo")
    assert out.filename == "园区_范围-cgcs2000-gk-114-demo.csv"
    assert export_layer(layer(), "csv").filename == "layer-wgs84.csv"


def test_label_for_reads_the_layer():
    gdf = layer()
    assert label_for(gdf) is None
    gdf.loc[0, "geometry_quality"] = "schematic"
    assert label_for(gdf) == SCHEMATIC_LABEL
    gdf["illustrative"] = ["false", "no", "0"]
    assert label_for(gdf) == SCHEMATIC_LABEL
    gdf["illustrative"] = [False, True, False]
    assert label_for(gdf) == f"{ILLUSTRATIVE_LABEL} · {SCHEMATIC_LABEL}"
    parcels = gpd.GeoDataFrame({"label": ["illustrative — not an official plan / 示意数据，非官方规划"]},
                               geometry=[SQUARE], crs=4326)
    assert label_for(parcels) == ILLUSTRATIVE_LABEL


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp", "csv", "xlsx"])
def test_gcj02_exports_say_so(fmt, tmp_path):
    out = export_layer(layer(), fmt, "gcj02", layer_name="parks")
    assert "gcj02" in out.filename
    if fmt == "xlsx":
        rows = pd.read_excel(io.BytesIO(out.data), sheet_name="data")
    elif fmt == "csv":
        rows = pd.read_csv(io.BytesIO(out.data), encoding="utf-8-sig")
        assert set(rows["wkt_crs"]) == {"GCJ-02 (Gaode/AMap) — not WGS84"}
    else:
        rows = read_back(out, fmt, tmp_path)
    column = "coord_syst" if fmt == "shp" else "coord_system"
    assert list(rows[column]) == ["GCJ-02 (Gaode/AMap) — not WGS84"] * 3


def test_geojson_crs_members():
    wgs = json.loads(export_layer(layer(), "geojson", "wgs84").data)
    gcj = json.loads(export_layer(layer(), "geojson", "gcj02").data)
    gk = json.loads(export_layer(layer(), "geojson", "cgcs2000-gk-114").data)
    cgcs = json.loads(export_layer(layer(), "geojson", "cgcs2000").data)
    assert "crs" not in wgs and "crs" not in gcj          # RFC 7946: no crs member
    assert gcj["coord_system"] == "GCJ-02 (Gaode/AMap) — not WGS84" and "coord_system" not in wgs
    assert gk["crs"] == {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4547"}}
    assert cgcs["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::4490"
    assert gk["features"][0]["geometry"]["coordinates"][0][0][0] > 300_000       # easting in metres
    assert wgs["areas"].startswith("area_m2/area_ha/area_mu")


def test_shapefile_zip_parts_encoding_prj_and_field_names(tmp_path):
    out = export_layer(layer(), "shp", "cgcs2000-gk-114", layer_name="园区")
    assert out.filename == "园区-cgcs2000-gk-114.zip" and out.mime == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(out.data))
    names = set(zf.namelist())
    for kind in ("point", "line", "polygon"):
        assert {f"园区_{kind}.{ext}" for ext in ("shp", "shx", "dbf", "prj", "cpg")} <= names
        assert zf.read(f"园区_{kind}.cpg").decode() == "UTF-8"
        prj = zf.read(f"园区_{kind}.prj").decode()
        assert prj.startswith('PROJCS["CGCS2000_3_Degree_GK_CM_114E"')
        assert CRS.from_wkt(prj).to_epsg() == 4547
    fields = pd.read_csv(io.BytesIO(zf.read("fields.csv")))
    assert dict(zip(fields["column"], fields["field"]))["geometry_quality"] == "geometry_q"
    readme = zf.read("README.txt").decode()
    assert "geometry_q <- geometry_quality" in readme and "园区_polygon.shp: 1 features" in readme


def test_single_type_shapefile_has_one_part_with_null_geometries(tmp_path):
    gdf = gpd.GeoDataFrame({"name_zh": ["甲", "乙"]}, geometry=[SQUARE, None], crs=4326)
    zf = zipfile.ZipFile(io.BytesIO(export_layer(gdf, "shp", layer_name="p").data))
    assert sorted(n for n in zf.namelist() if n.endswith(".shp")) == ["p.shp"]
    back = read_back(export_layer(gdf, "shp", layer_name="p"), "shp", tmp_path)
    assert list(back["name_zh"]) == ["甲", "乙"] and back.geometry.iloc[1] is None


def test_shapefile_refuses_geometry_collections_with_a_clear_message():
    gdf = gpd.GeoDataFrame({"name_zh": ["甲", "乙"]}, crs=4326,
                           geometry=[POINT, shapely.GeometryCollection([POINT, SQUARE])])
    with pytest.raises(InputError, match=r"cannot hold GeometryCollection geometries \(row 1, 1 in all\)"):
        export_layer(gdf, "shp")
    assert len(export_layer(gdf, "gpkg").data) > 0


def test_shapefile_field_names_fit_ten_bytes_and_never_collide():
    got = shapefile_field_names(["园区名称中文", "园区名称英文", "name_zh", "NAME_ZH_LONGER", "area_method"])
    assert got == {"园区名称中文": "园区名", "园区名称英文": "园区_1", "name_zh": "name_zh",
                   "NAME_ZH_LONGER": "NAME_ZH_LO", "area_method": "area_metho"}
    assert all(len(v.encode("utf-8")) <= 10 for v in got.values())


def test_null_geometries_kept_in_geojson_gpkg_and_empty_wkt_in_csv(tmp_path):
    gdf = gpd.GeoDataFrame({"name_zh": ["甲", "乙"]}, geometry=[SQUARE, None], crs=4326)
    for fmt in ("geojson", "gpkg"):
        back = read_back(export_layer(gdf, fmt), fmt, tmp_path)
        assert len(back) == 2 and back.geometry.iloc[1] is None
    rows = pd.read_csv(io.BytesIO(export_layer(gdf, "csv").data), encoding="utf-8-sig", keep_default_na=False)
    assert rows["wkt"].iloc[1] == ""
    assert shapely.from_wkt(rows["wkt"].iloc[0]).equals(SQUARE)


def test_csv_has_bom_wkt_iso_dates_json_dicts():
    gdf = layer()
    gdf["opened"] = pd.to_datetime(["2021-09-28", None, "2018-12-28"])
    gdf["extra"] = [{"运营": "广州地铁"}, None, None]
    data = export_layer(gdf, "csv", "cgcs2000-gk-114").data
    assert data.startswith(b"\xef\xbb\xbf")
    rows = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(rows["name_zh"]) == ["广州科学城", "地铁21号线", "体育西路站"]
    assert rows["industries"].iloc[0] == "新一代信息技术；生物医药"
    assert rows["opened"].iloc[0] == "2021-09-28T00:00:00" and pd.isna(rows["opened"].iloc[1])
    assert json.loads(rows["extra"].iloc[0]) == {"运营": "广州地铁"}
    assert set(rows["wkt_crs"]) == {"EPSG:4547"}
    back = gpd.GeoSeries(shapely.from_wkt(rows["wkt"]), crs=4547).to_crs(4326)
    assert shapely.equals_exact(shapely.normalize(back.iloc[0]), shapely.normalize(SQUARE), 1e-6)


def test_xlsx_data_and_about_sheets():
    out = export_layer(layer(), "xlsx", "wgs84", layer_name="科学城", label=SCHEMATIC_LABEL)
    data = pd.read_excel(io.BytesIO(out.data), sheet_name="data")
    assert list(data["name_zh"]) == ["广州科学城", "地铁21号线", "体育西路站"]
    assert data["area_m2"].iloc[0] == pytest.approx(square_area_m2(), rel=1e-12)
    assert (data["centroid_lon"].iloc[2], data["centroid_lat"].iloc[2]) == pytest.approx((113.3163, 23.1337), abs=1e-9)
    assert data["centroid_lon"].iloc[0] == pytest.approx(113.005, abs=1e-4)
    about = pd.read_excel(io.BytesIO(out.data), sheet_name="about").set_index("item")["value"]
    assert about["layer"] == "科学城"
    assert about["crs"] == "WGS84 lon/lat (EPSG:4326)"
    assert "geodesic, WGS84 ellipsoid" in about["areas"]
    assert about["label"] == SCHEMATIC_LABEL
    assert about["exported"] == dt.date.today().isoformat()
    gk = pd.read_excel(io.BytesIO(export_layer(layer(), "xlsx", "cgcs2000-gk-114").data), sheet_name="data")
    assert {"centroid_x_m", "centroid_y_m"} <= set(gk.columns) and gk["centroid_x_m"].iloc[2] > 400_000


def test_xlsx_text_starting_with_equals_is_not_a_formula():
    gdf = layer()
    gdf.loc[0, "name_en"] = "=HYPERLINK(\"http://x\",\"y\")"
    gdf.loc[1, "name_en"] = "bad\x07char"
    book = openpyxl.load_workbook(io.BytesIO(export_layer(gdf, "xlsx").data))
    sheet = book["data"]
    col = [c.value for c in sheet[1]].index("name_en") + 1
    cell = sheet.cell(row=2, column=col)
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\",\"y\")"
    assert sheet.cell(row=3, column=col).value == "badchar"


def test_input_is_not_mutated():
    gdf = layer()
    before = gdf.copy()
    for fmt in EXPORT_FORMATS:
        export_layer(gdf, fmt, "gcj02", label=ILLUSTRATIVE_LABEL)
    assert_geodataframe_equal(gdf, before)


def test_wrong_crs_and_unknown_names_raise():
    with pytest.raises(CRSError, match=r"EPSG:4547; expected EPSG:4326"):
        export_layer(layer().to_crs(4547), "geojson")
    with pytest.raises(CRSError, match="have no CRS"):
        export_layer(layer().set_crs(None, allow_override=True), "csv")
    with pytest.raises(InputError, match=r"unknown export format 'kml'"):
        export_layer(layer(), "kml")
    with pytest.raises(CRSError, match=r"unknown export CRS 'bd09'"):
        export_layer(layer(), "csv", "bd09")


def test_cgcs2000_input_is_accepted_as_wgs84(tmp_path):
    back = read_back(export_layer(layer().set_crs(4490, allow_override=True), "gpkg"), "gpkg", tmp_path)
    assert back.crs.to_epsg() == 4326 and back["area_m2"].iloc[0] == pytest.approx(square_area_m2(), rel=1e-12)


RING = [[113.0, 23.0], [113.01, 23.0], [113.01, 23.01], [113.0, 23.01], [113.0, 23.0]]


def test_measure_drawn_polygon_line_point():
    got = measure_drawn({"type": "Polygon", "coordinates": [RING]})
    area = square_area_m2()
    assert got.pop("kind") == "polygon"
    assert got == pytest.approx({"area_m2": area, "area_km2": area / 1e6,
                                 "area_ha": area / 1e4, "area_mu": area * 15 / 1e4}, rel=1e-12)
    line = measure_drawn({"type": "LineString", "coordinates": [[113.0, 23.0], [113.0, 23.01]]})
    length = GEOD.line_length([113.0, 113.0], [23.0, 23.01])
    assert line.pop("kind") == "line"
    assert line == pytest.approx({"length_m": length, "length_km": length / 1000}, rel=1e-12)
    assert round(line["length_m"], 1) == 1107.4
    assert measure_drawn({"type": "Point", "coordinates": [113.3, 23.1]}) == {"kind": "point"}


@pytest.mark.parametrize(("geometry", "message"), [
    ({"type": "MultiPolygon", "coordinates": [[RING]]}, r"'MultiPolygon' is not supported"),
    ({"type": "Point", "coordinates": [float("nan"), 23.0]}, "NaN or infinity"),
    ({"type": "Point", "coordinates": [213.0, 23.0]}, r"position \(213, 23\) is outside lon -180..180"),
    ({"type": "LineString", "coordinates": [[113.0, 23.0]]}, "at least 2 positions, got 1"),
    ({"type": "Polygon", "coordinates": [RING[:-1]]}, "the last equal to the first"),
    ({"type": "Polygon", "coordinates": [[[113.0, "x"]]]}, "not numbers"),
    ({"type": "Polygon", "coordinates": [[113.0, 23.0]]}, "do not have the shape of a Polygon"),
    ({"coordinates": [1, 2]}, "not a GeoJSON geometry"),
])
def test_measure_drawn_rejects_bad_shapes(geometry, message):
    with pytest.raises(InputError, match=message):
        measure_drawn(geometry)


def test_drawn_layer_columns_and_values():
    features = [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [RING]}},
        {"type": "Feature", "properties": {"name": "规划道路"},
         "geometry": {"type": "LineString", "coordinates": [[113.0, 23.0], [113.1, 23.1]]}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [113.3, 23.1]}},
    ]
    gdf = drawn_layer(features, " 候选地块 ")
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf.columns) == ["id", "name_zh", "name_en", "source", "geometry_quality", "as_of", "geometry"]
    assert list(gdf["id"]) == ["drawn-1", "drawn-2", "drawn-3"]
    assert list(gdf["name_zh"]) == ["候选地块 1", "规划道路", "候选地块 3"]
    assert list(gdf["name_en"]) == list(gdf["name_zh"])
    assert set(gdf["source"]) == {"drawn by user"} and set(gdf["geometry_quality"]) == {"schematic"}
    assert set(gdf["as_of"]) == {dt.date.today().isoformat()}
    assert list(gdf.geom_type) == ["Polygon", "LineString", "Point"]
    assert label_for(gdf) == SCHEMATIC_LABEL
    assert export_layer(gdf, "geojson", label=label_for(gdf)).filename == "layer-wgs84-schematic.geojson"
    single = drawn_layer(features[:1], "地块")
    assert list(single["name_zh"]) == ["地块"]


def test_drawn_layer_errors_name_the_feature():
    good = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [113.3, 23.1]}}
    bad = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [113.3, 95.0]}}
    with pytest.raises(InputError, match=r"drawn feature 2: position \(113.3, 95\) is outside"):
        drawn_layer([good, bad], "x")
    with pytest.raises(InputError, match="drawn feature 1: not a GeoJSON Feature"):
        drawn_layer([{"type": "Point", "coordinates": [1, 2]}], "x")
    with pytest.raises(InputError, match="no drawn features"):
        drawn_layer([], "x")
    with pytest.raises(InputError, match="non-empty name"):
        drawn_layer([good], "  ")


def test_the_illustrative_label_is_worded_the_same_everywhere():
    from layers.landuse import ILLUSTRATIVE_LABEL as LANDUSE_LABEL

    assert ILLUSTRATIVE_LABEL == LANDUSE_LABEL


# ---------------------------------------------------------------- GeoPackage version (issue 21)

@pytest.mark.parametrize("crs_key", ["wgs84", "cgcs2000-gk-114"])
def test_geopackage_is_version_1_3_which_debian_gdal_reads_without_a_warning(tmp_path, crs_key):
    """GDAL 3.8+ writes GeoPackage 1.4 by default; GDAL 3.6 (Debian bookworm, QGIS on it) warns
    "may only be partially supported" on 1.4. The export says 1.3 in its header (OGC 12-128r18
    §1.1.1.1.1: application_id "GPKG", user_version 10300)."""
    import sqlite3
    import subprocess

    path = tmp_path / "export.gpkg"
    path.write_bytes(export_layer(layer(), "gpkg", crs_key, label=SCHEMATIC_LABEL).data)
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
        assert con.execute("PRAGMA user_version").fetchone()[0] == 10300
    finally:
        con.close()
    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo is None and not os.environ.get("CI"):
        pytest.skip("gdal-bin is not installed here (`make test` installs it)")
    out = subprocess.run([ogrinfo or "ogrinfo", "-al", "-so", "--config", "OGR_GPKG_INTEGRITY_CHECK", "YES", str(path)],
                         capture_output=True, text=True, timeout=60, check=True)
    said = out.stdout + out.stderr
    assert "warning" not in said.lower() and "error" not in out.stderr.lower(), said
    assert "Feature Count: 3" in out.stdout
