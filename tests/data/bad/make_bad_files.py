"""Regenerate the hostile-file corpus in this folder (see README.md for what each file must produce).

    .venv/bin/python tests/data/bad/make_bad_files.py

Deterministic where the formats allow (fixed zip timestamps, seeded random bytes). Every file < 50 KB.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import struct
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

HERE = Path(__file__).resolve().parent
STAMP = (2026, 1, 1, 0, 0, 0)

# Known WGS84 positions the tests compare against.
TIYU_XILU = (113.3163, 23.1337)  # 体育西路 station
SCIENCE_CITY = (113.4500, 23.1700)  # 广州科学城 (approximate)
FOSHAN = (113.1200, 23.0200)


def feature(geom: dict | None, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geom}


def write_fc(name: str, features: list[dict], **extra) -> None:
    fc = {"type": "FeatureCollection", **extra, "features": features}
    (HERE / name).write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")


def pt(x: float, y: float, *z: float) -> dict:
    return {"type": "Point", "coordinates": [x, y, *z]}


def zinfo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def shapefile_zip(name: str, gdf: gpd.GeoDataFrame, *, encoding: str, keep: tuple[str, ...]) -> None:
    """Write gdf as a Shapefile and zip only the parts whose extension is in `keep`."""
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / "layer.shp"
        gdf.to_file(shp, engine="pyogrio", encoding=encoding)
        with zipfile.ZipFile(HERE / name, "w") as zf:
            for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                part = shp.with_suffix(ext)
                if ext in keep and part.exists():
                    zf.writestr(zinfo(f"{name.removesuffix('.zip')}{ext}"), part.read_bytes())


def main() -> None:
    # --- broken or not geo at all -------------------------------------------------------------
    (HERE / "empty.geojson").write_bytes(b"")
    whole = json.dumps({"type": "FeatureCollection", "features": [feature(pt(*TIYU_XILU), name="a"),
                                                                  feature(pt(*FOSHAN), name="b")]})
    (HERE / "truncated.geojson").write_text(whole[: len(whole) // 2], encoding="utf-8")
    png = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
           + b"\x90wS\xde" + b"\x00\x00\x00\x00IEND\xaeB`\x82")
    (HERE / "image_named.geojson").write_bytes(png)
    noise = np.random.default_rng(6).integers(0, 256, 2048, dtype=np.uint8).tobytes()
    (HERE / "random_bytes.geojson").write_bytes(noise)
    (HERE / "webpage_named.geojson").write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>",
                                                encoding="utf-8")

    # --- GeoJSON variants ---------------------------------------------------------------------
    (HERE / "geojson_named.txt").write_text(whole, encoding="utf-8")
    bad_numbers = ('{"type":"FeatureCollection","features":['
                   '{"type":"Feature","properties":{"n":0},"geometry":{"type":"Point","coordinates":[113.3163,23.1337]}},'
                   '{"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[NaN,23.1]}},'
                   '{"type":"Feature","properties":{"n":2},"geometry":{"type":"Point","coordinates":[1e300,23.1]}},'
                   '{"type":"Feature","properties":{"n":3},"geometry":{"type":"Point","coordinates":[Infinity,23.1]}},'
                   '{"type":"Feature","properties":{"n":4},"geometry":null},'
                   '{"type":"Feature","properties":{"n":5},"geometry":{"type":"Polygon","coordinates":[]}}]}')
    (HERE / "nan_huge_coords.geojson").write_text(bad_numbers, encoding="utf-8")
    write_fc("all_dropped.geojson", [feature(None, n=0), feature(pt(float("nan"), 23.0), n=1)])
    write_fc("mixed_types.geojson", [
        feature(pt(*TIYU_XILU), name="station"),
        feature(LineString([TIYU_XILU, SCIENCE_CITY]).__geo_interface__, name="line"),
        feature(box(113.40, 23.10, 113.41, 23.11).__geo_interface__, name="box"),
        feature(MultiPolygon([box(113.0, 23.0, 113.01, 23.01), box(113.02, 23.0, 113.03, 23.01)]).__geo_interface__,
                name="two boxes"),
        feature(pt(*FOSHAN), name="foshan"),
    ])
    bowtie = Polygon([(113.40, 23.10), (113.41, 23.11), (113.41, 23.10), (113.40, 23.11)])
    write_fc("bowtie.geojson", [feature(box(113.0, 23.0, 113.01, 23.01).__geo_interface__, name="ok"),
                                feature(bowtie.__geo_interface__, name="bowtie")])
    write_fc("script_attrs.geojson", [
        feature(pt(*TIYU_XILU), name="<script>alert(1)</script>", note="${alert(1)}"),
        feature(pt(*FOSHAN), name='<img src=x onerror="alert(2)">', note="{{7*7}}"),
    ])
    to4547 = Transformer.from_crs(4326, 4547, always_xy=True)
    x, y = to4547.transform(*SCIENCE_CITY)
    write_fc("crs2008_epsg4547.geojson", [feature(pt(round(x, 3), round(y, 3)), name="科学城")],
             crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4547"}})
    write_fc("projected_says_nothing.geojson", [feature(pt(round(x, 3), round(y, 3)), name="科学城")])
    write_fc("z_coords.geojson", [feature(pt(*TIYU_XILU, 12.5), name="a"),
                                  feature({"type": "LineString", "coordinates": [[*FOSHAN, 3.0], [*SCIENCE_CITY, 4.0]]},
                                          name="b")])
    from geo.chinese_offsets import wgs84_to_gcj02  # noqa: PLC0415 - the repo's own forward formula
    gcj = [tuple(float(v) for v in wgs84_to_gcj02(*p)) for p in (TIYU_XILU, SCIENCE_CITY)]
    write_fc("gcj02_points.geojson", [feature(pt(*gcj[0]), name="体育西路"), feature(pt(*gcj[1]), name="科学城")])
    write_fc("far_away_beijing.geojson", [feature(pt(116.397, 39.909), name="天安门")])

    # --- CSV ----------------------------------------------------------------------------------
    (HERE / "swapped_axes.csv").write_text(
        "name,lon,lat\n体育西路,23.1337,113.3163\n佛山,23.0200,113.1200\n", encoding="utf-8")
    (HERE / "gbk.csv").write_bytes("名称,lng,lat\n广州科学城,113.45,23.17\n佛山禅城,113.12,23.02\n".encode("gbk"))
    (HERE / "utf8_bom.csv").write_bytes("\ufeff名称,经度,纬度\n体育西路,113.3163,23.1337\n佛山,113.12,23.02\n"
                                        .encode("utf-8"))
    (HERE / "wkt.csv").write_text(
        'id;WKT;名称\n1;"POLYGON ((113.4 23.1, 113.41 23.1, 113.41 23.11, 113.4 23.11, 113.4 23.1))";地块A\n'
        '2;POINT (113.3163 23.1337);车站\n3;POLYGON ((113.4 23.1, oops;坏行\n', encoding="utf-8")
    (HERE / "no_coords.csv").write_text("名称,地址,面积\n科学城,黄埔区,144.65\n", encoding="utf-8")
    to4526 = Transformer.from_crs(4326, 4526, always_xy=True)
    rows = [to4526.transform(*p) for p in (TIYU_XILU, SCIENCE_CITY)]
    (HERE / "zone38_prefixed.csv").write_text(
        "name,X,Y\n" + "".join(f"p{i},{x:.3f},{y:.3f}\n" for i, (x, y) in enumerate(rows)), encoding="utf-8")
    (HERE / "mojibake.csv").write_text("name,lon,lat\n" + "广州科学城".encode("gbk").decode("latin-1")
                                       + ",113.45,23.17\n", encoding="utf-8")

    # --- Shapefile zips -----------------------------------------------------------------------
    names = gpd.GeoDataFrame({"名称": ["广州科学城", "佛山禅城"], "code": ["GZ", "FS"]},
                             geometry=[Point(*SCIENCE_CITY), Point(*FOSHAN)], crs=4326)
    shapefile_zip("gbk_no_cpg.zip", names, encoding="gbk", keep=(".shp", ".shx", ".dbf", ".prj"))
    sx, sy = to4547.transform(*SCIENCE_CITY)
    planar = gpd.GeoDataFrame({"name": ["science city 1 km", "box"]},
                              geometry=[box(sx, sy, sx + 1000, sy + 1000),
                                        box(*to4547.transform(113.40, 23.10), *to4547.transform(113.41, 23.11))],
                              crs=None)
    shapefile_zip("projected_no_prj.zip", planar, encoding="utf-8", keep=(".shp", ".shx", ".dbf", ".cpg"))
    with zipfile.ZipFile(HERE / "zip_slip_dotdot.zip", "w") as zf:
        zf.writestr(zinfo("../evil.shp"), b"\x00" * 100)
        zf.writestr(zinfo("ok.txt"), b"hello")
    with zipfile.ZipFile(HERE / "zip_slip_absolute.zip", "w") as zf:
        zf.writestr(zinfo("/abs/path/evil.shp"), b"\x00" * 100)
    with zipfile.ZipFile(HERE / "zip_symlink.zip", "w") as zf:
        link = zinfo("layer.shp")
        link.create_system = 3
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, b"/etc/passwd")
    with zipfile.ZipFile(HERE / "zip_no_shp.zip", "w") as zf:
        zf.writestr(zinfo("readme.txt"), "说明: 没有 shp".encode())
        zf.writestr(zinfo("data.dbf"), b"\x03" + b"\x00" * 31)
    with zipfile.ZipFile(HERE / "zip_bomb_ratio.zip", "w") as zf:  # 5 MB of zeros -> ~5 KB
        zf.writestr(zinfo("bomb.dbf"), b"\x00" * (5 * 1024 * 1024))
    make_claimed_bomb(HERE / "zip_bomb_claimed.zip", claimed=600 * 1024 * 1024)
    with zipfile.ZipFile(HERE / "zip_missing_dbf.zip", "w") as zf:
        src = HERE / "projected_no_prj.zip"
        with zipfile.ZipFile(src) as good:
            for info in good.infolist():
                if not info.filename.endswith(".dbf"):
                    zf.writestr(zinfo(info.filename.replace("projected_no_prj", "roads")), good.read(info))

    # --- GeoPackage, KML, GeoParquet ----------------------------------------------------------
    gpkg = HERE / "multi_layer.gpkg"
    gpkg.unlink(missing_ok=True)
    names.to_file(gpkg, layer="parks", engine="pyogrio", SPATIAL_INDEX="NO")
    roads = gpd.GeoDataFrame({"名称": ["科学大道"]}, geometry=[LineString([FOSHAN, SCIENCE_CITY])], crs=4326)
    roads.to_file(gpkg, layer="roads", engine="pyogrio", mode="a", SPATIAL_INDEX="NO")
    db = sqlite3.connect(gpkg, isolation_level=None)  # small pages: ~100 KB shrinks to < 50 KB
    db.execute("PRAGMA page_size = 512")
    db.execute("VACUUM")
    db.close()
    (HERE / "chinese_names.kml").write_text(KML, encoding="utf-8")
    names.to_parquet(HERE / "geoparquet.parquet")
    for leftover in HERE.glob("*.gpkg-*"):
        leftover.unlink()


def make_claimed_bomb(target: Path, claimed: int) -> None:
    """A tiny zip whose headers claim `claimed` uncompressed bytes: the check must refuse it from the
    central directory alone (extracting would fail the CRC anyway, but must never be tried)."""
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        zf.writestr(zinfo("bomb.shp"), b"\x00" * 1000)
    data = bytearray(tmp.read_bytes())
    tmp.unlink()
    struct.pack_into("<I", data, 22, claimed)  # local file header: uncompressed size
    cd = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, cd + 24, claimed)  # central directory: uncompressed size
    target.write_bytes(bytes(data))


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document>
  <name>园区</name>
  <Placemark><name>广州科学城</name><description>黄埔区</description>
    <Point><coordinates>113.45,23.17,0</coordinates></Point></Placemark>
  <Placemark><name>佛山禅城</name>
    <Point><coordinates>113.12,23.02,0</coordinates></Point></Placemark>
</Document>
</kml>
"""

if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(HERE.parents[2]))
    main()
    big = [p.name for p in HERE.iterdir() if p.is_file() and p.stat().st_size >= 50_000]
    if big:
        raise SystemExit(f"files over 50 KB: {big}")
    print(f"{sum(1 for p in HERE.iterdir() if p.is_file())} files in {HERE}")
    shutil.rmtree(HERE / "__pycache__", ignore_errors=True)
