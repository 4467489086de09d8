"""geo.detect: CRS candidates from coordinate ranges, encoding, swapped axes, mojibake, format sniffing."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import CRS, Transformer

from geo import detect
from geo._errors import InputError
from geo.detect import (COMMON_CRS, decide_crs, detect_crs_candidates, detect_encoding, geometry_columns,
                        json_problem, looks_swapped, mojibake_reason, sniff_format)


def test_common_crs_codes_are_what_their_names_say():
    expected = {4326: "WGS 84", 4490: "China Geodetic Coordinate System 2000",
                4546: "CGCS2000 / 3-degree Gauss-Kruger CM 111E", 4547: "CGCS2000 / 3-degree Gauss-Kruger CM 114E",
                4548: "CGCS2000 / 3-degree Gauss-Kruger CM 117E", 4526: "CGCS2000 / 3-degree Gauss-Kruger zone 38",
                4610: "Xian 1980", 2383: "Xian 1980 / 3-degree Gauss-Kruger CM 114E", 4214: "Beijing 1954",
                2435: "Beijing 1954 / 3-degree Gauss-Kruger CM 114E"}
    assert {c.epsg: CRS.from_epsg(c.epsg).name for c in COMMON_CRS} == expected
    assert all(c.name_zh and c.name_en for c in COMMON_CRS)


@pytest.mark.parametrize(("zone", "epsg"), [(25, 4513), (38, 4526), (45, 4533)])
def test_zone_codes_match_pyproj(zone, epsg):
    assert CRS.from_epsg(epsg).name == f"CGCS2000 / 3-degree Gauss-Kruger zone {zone}"
    assert CRS.from_epsg(2349 + zone - 25).name == f"Xian 1980 / 3-degree Gauss-Kruger zone {zone}"
    assert CRS.from_epsg(2401 + zone - 25).name == f"Beijing 1954 / 3-degree Gauss-Kruger zone {zone}"


def _bounds_in(epsg: int, lonlats):
    tr = Transformer.from_crs(4326, epsg, always_xy=True)
    xs, ys = tr.transform(*np.array(lonlats).T)
    return (xs.min(), ys.min(), xs.max(), ys.max())


GZ_FS_QY = [(113.26, 23.13), (113.12, 23.02), (113.05, 23.68)]  # Guangzhou, Foshan, Qingyuan


def test_lonlat_detected():
    assert detect_crs_candidates((113.0, 23.0, 113.5, 23.5)) == [4326]
    assert detect_crs_candidates((-180, -90, 180, 90)) == [4326]


def test_plain_gauss_kruger_cm114_detected_first():
    assert detect_crs_candidates(_bounds_in(4547, GZ_FS_QY)) == [4547, 4546, 4548, 32649, 32650]


def test_zone_prefixed_38_detected():
    assert detect_crs_candidates(_bounds_in(4526, GZ_FS_QY)) == [4526, 2362, 2414]


def test_zone_prefixed_39_detected():
    assert detect_crs_candidates(_bounds_in(4527, [(117.1, 36.6)])) == [4527, 2363, 2415]


@pytest.mark.parametrize("bounds", [
    (1e9, 1e9, 2e9, 2e9),              # nonsense
    (5000.0, 5000.0, 6000.0, 6000.0),  # local CAD drawing units
    (400000.0, 9e6, 410000.0, 9.1e6),  # northing beyond China
    (37_900_000, 2.5e6, 38_100_000, 2.6e6),  # spans two zones
    (np.nan, 0, 1, 1),
])
def test_nothing_detected(bounds):
    assert detect_crs_candidates(bounds) == []


def test_looks_swapped():
    assert looks_swapped(np.array([23.13, 22.5]), np.array([113.26, 114.0]))
    assert not looks_swapped(np.array([113.26]), np.array([23.13]))
    assert not looks_swapped(np.array([23.13, 113.0]), np.array([113.26, 23.0]))  # mixed
    assert not looks_swapped(np.array([]), np.array([]))


@pytest.mark.parametrize(("data", "encoding", "why"), [
    ("广州科学城".encode("gbk"), "gb18030", "detected: not valid UTF-8 (byte 0), decoded as GB18030/GBK"),
    ("广州科学城".encode("utf-8"), "utf-8", "detected: strict UTF-8 decode succeeded"),
    ("\ufeff广州".encode("utf-8"), "utf-8-sig", "detected: UTF-8 byte-order mark"),
    (b"name,lon,lat", "utf-8", "detected: plain ASCII, read as UTF-8"),
    ("abc 佛山".encode("gb18030"), "gb18030", "detected: not valid UTF-8 (byte 4), decoded as GB18030/GBK"),
])
def test_detect_encoding(data, encoding, why):
    assert detect_encoding(data) == (encoding, why)
    assert data.decode(encoding)  # the decision decodes


def test_dbf_text_bytes_skips_header():
    header = bytearray(32)
    header[8:10] = (65).to_bytes(2, "little")
    dbf = bytes(header) + b"\x00" * 33 + "广州".encode("gbk")
    assert detect.dbf_text_bytes(dbf) == "广州".encode("gbk")
    assert detect.dbf_text_bytes(b"short") == b""


@pytest.mark.parametrize(("text", "why"), [
    ("广州科学城", None),
    ("Science City 科学城", None),
    ("Müller Straße", None),
    ("abc\ufffd", "contains '\ufffd'"),
    ("锟斤拷锟斤拷", "contains '锟斤拷'"),
    ("â€œquotedâ€", "contains 'â€'"),
    ("Ã©cole", "contains 'Ã'"),
    ("¹ãÖÝ¿ÆÑ§³Ç", "Latin-1 characters where Chinese was expected"),
])
def test_mojibake_reason(text, why):
    assert mojibake_reason(text) == why


@pytest.mark.parametrize(("head", "kind"), [
    (b"", "empty"),
    (b"PK\x03\x04rest", "zip"),
    (b"SQLite format 3\x00", "gpkg"),
    (b"PAR1\x00\x00", "parquet"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b'\xef\xbb\xbf  {"type": "FeatureCollection"', "json"),
    (b"[1, 2]", "json"),
    (b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2">', "kml"),
    (b"<?xml version='1.0'?><gpx></gpx>", "xml"),
    (b"<!DOCTYPE html><html>", "html"),
    (b"\x00\x00\x27\x0a\x00\x00", "shp"),
    ("名称,经度,纬度\n".encode("gbk"), "text"),
    ("名称,经度,纬度\n".encode("utf-8"), "text"),
    (bytes(range(256)), None),
])
def test_sniff_format(head, kind):
    assert sniff_format(head) == kind


def test_json_problem():
    assert json_problem(b'{"type": "FeatureCollection", "features": []}') is None
    assert json_problem(b'{"type": "Feature') == ("not valid JSON: Unterminated string starting at at line 1, "
                                                  "column 10 - the file looks truncated")
    assert json_problem(b'{"a": 1,, "b": 2}') == ("not valid JSON: Expecting property name enclosed in double "
                                                  "quotes at line 1, column 9")
    assert json_problem("{\"名\": 1}".encode("gbk")) == "not UTF-8 text (byte 2); GeoJSON must be UTF-8"


WGS84 = CRS.from_epsg(4326)
GK114 = (400_000.0, 2_550_000.0, 410_000.0, 2_560_000.0)


def test_decide_crs_given_wins_and_notes_the_conflict():
    d = decide_crs("EPSG:4547", WGS84, GK114, label="f.geojson")
    assert (d.name, d.source, d.candidates) == ("EPSG:4547", "given", [])
    assert d.warnings == ["the file declares EPSG:4326; using the given EPSG:4547 instead"]
    assert decide_crs(4547, None, GK114).warnings == []


def test_decide_crs_file_kept_when_consistent():
    assert (decide_crs(None, CRS.from_epsg(4547), GK114).source, decide_crs(None, WGS84, (113, 23, 114, 24)).name) \
        == ("file", "EPSG:4326")


def test_decide_crs_file_lonlat_contradicted_by_projected_values():
    d = decide_crs(None, WGS84, GK114)
    assert (d.name, d.source, d.candidates) == ("EPSG:4547", "detected, please confirm", [4547, 4546, 4548, 32649,
                                                                                         32650])


def test_decide_crs_named_lonlat_columns():
    d = decide_crs(None, None, (113, 23, 114, 24), lonlat_named=True)
    assert (d.name, d.source, d.warnings) == ("EPSG:4326", "file", ["lon/lat columns read as WGS84 (EPSG:4326)"])
    assert decide_crs(None, None, (113, 23, 114, 24)).source == "detected, please confirm"


def test_decide_crs_nothing_fits():
    with pytest.raises(InputError, match=r"^cad\.csv: coordinates \(x 5000\.\.6000, y 5000\.\.6000\) are neither "
                                         r"lon/lat .* Pass crs= \(e\.g\. crs=4547\)\.$"):
        decide_crs(None, None, (5000, 5000, 6000, 6000), label="cad.csv")
    with pytest.raises(InputError, match=r"unknown crs 'EPSG:0'"):
        decide_crs("EPSG:0", None, GK114)


@pytest.mark.parametrize(("columns", "found"), [
    (["名称", "经度", "纬度"], ("lonlat", "经度", "纬度", True)),
    (["Name", "LNG", "Lat"], ("lonlat", "LNG", "Lat", True)),
    (["Longitude", "Latitude"], ("lonlat", "Longitude", "Latitude", True)),
    (["X", "Y"], ("lonlat", "X", "Y", False)),
    (["id", "geom"], ("wkt", "geom")),
    (["名称", "地址"], None),
])
def test_geometry_columns(columns, found):
    assert geometry_columns(columns) == found
