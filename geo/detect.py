"""Guesses an import needs when a file does not say: CRS from coordinate ranges, text encoding from
bytes, swapped lon/lat, mojibake, and the file format from its first bytes.

Every guess is reported to the user as a guess ("detected, please confirm"); none is silent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
from pyproj import CRS
from pyproj.exceptions import CRSError as ProjCRSError

from geo._errors import InputError

STUDY_REGION = (112.0, 21.5, 114.2, 24.6)
"""Guangzhou, Foshan and Qingyuan as (min lon, min lat, max lon, max lat), EPSG:4326 degrees."""

CHINA_LON = (73.0, 135.0)
CHINA_LAT = (18.0, 54.0)


@dataclass(frozen=True)
class CommonCRS:
    """A CRS that Chinese planning data commonly arrives in."""

    epsg: int
    name_zh: str
    name_en: str


COMMON_CRS: tuple[CommonCRS, ...] = (
    CommonCRS(4326, "WGS84 经纬度", "WGS 84 (lon/lat)"),
    CommonCRS(4490, "CGCS2000 国家大地坐标系 经纬度", "China Geodetic Coordinate System 2000 (lon/lat)"),
    CommonCRS(4546, "CGCS2000 3度带 中央经线111°E", "CGCS2000 / 3-degree Gauss-Kruger CM 111E"),
    CommonCRS(4547, "CGCS2000 3度带 中央经线114°E", "CGCS2000 / 3-degree Gauss-Kruger CM 114E"),
    CommonCRS(4548, "CGCS2000 3度带 中央经线117°E", "CGCS2000 / 3-degree Gauss-Kruger CM 117E"),
    CommonCRS(4526, "CGCS2000 3度带 高斯-克吕格 第38带(带号前缀)", "CGCS2000 / 3-degree Gauss-Kruger zone 38"),
    CommonCRS(4610, "西安80 经纬度", "Xian 1980 (lon/lat)"),
    CommonCRS(2383, "西安80 3度带 高斯-克吕格 中央经线114°E", "Xian 1980 / 3-degree Gauss-Kruger CM 114E"),
    CommonCRS(4214, "北京54 经纬度", "Beijing 1954 (lon/lat)"),
    CommonCRS(2435, "北京54 3度带 高斯-克吕格 中央经线114°E", "Beijing 1954 / 3-degree Gauss-Kruger CM 114E"),
)
"""Offered to the user when a file has no CRS (EPSG codes checked against pyproj's names)."""

# Plain (no zone prefix) Gauss-Kruger / UTM eastings of a 3- or 6-degree zone, and northings of China.
_PLAIN_EASTING = (100_000.0, 900_000.0)
_CHINA_NORTHING = (1_900_000.0, 6_100_000.0)
_OUR_NORTHING = (2_300_000.0, 2_800_000.0)
_PLAIN_CANDIDATES = [4547, 4546, 4548, 32649, 32650]


def detect_crs_candidates(bounds: tuple[float, float, float, float]) -> list[int]:
    """EPSG codes that coordinates with these bounds (minx, miny, maxx, maxy) are plausibly in,
    best guess first; [] when none fits.

    - lon/lat ranges -> [4326]
    - zone-prefixed Gauss-Kruger eastings (zone 25-45, e.g. 38xxxxxx) -> CGCS2000 3-degree zone
      (4513-4533), then the Xi'an 80 (2349-2369) and Beijing 54 (2401-2421) zones of the same number
    - plain eastings 100 000-900 000 m with Chinese northings -> 4547 (CM 114E, ours), 4546, 4548,
      UTM 49N 32649, UTM 50N 32650

    >>> detect_crs_candidates((113.2, 23.0, 113.4, 23.2))
    [4326]
    >>> detect_crs_candidates((38_400_000, 2_550_000, 38_410_000, 2_560_000))
    [4526, 2362, 2414]
    >>> detect_crs_candidates((400_000, 2_550_000, 410_000, 2_560_000))
    [4547, 4546, 4548, 32649, 32650]
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not np.isfinite([minx, miny, maxx, maxy]).all():
        return []
    if -180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90:
        return [4326]
    if not (_CHINA_NORTHING[0] - 1_000_000 <= miny and maxy <= _CHINA_NORTHING[1]):
        return []
    zone_min, zone_max = int(minx // 1_000_000), int(maxx // 1_000_000)
    if zone_min == zone_max and 25 <= zone_min <= 45:
        easting = minx - zone_min * 1_000_000
        if _PLAIN_EASTING[0] <= easting <= _PLAIN_EASTING[1]:
            return [4513 + zone_min - 25, 2349 + zone_min - 25, 2401 + zone_min - 25]
    if _PLAIN_EASTING[0] <= minx and maxx <= _PLAIN_EASTING[1]:
        return list(_PLAIN_CANDIDATES)
    return []


def crs_label(crs: CRS) -> str:
    """"EPSG:4547" when the CRS has an EPSG code, else its name."""
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name


@dataclass
class CRSDecision:
    """The CRS coordinates will be read in, where that came from ("file", "detected, please confirm",
    "given"), the detected candidates (best first; empty unless detected) and warnings for the user."""

    crs: CRS
    source: str
    candidates: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return crs_label(self.crs)


def decide_crs(given, file_crs: CRS | None, bounds: tuple[float, float, float, float], *,
               lonlat_named: bool = False, swapped: bool = False, label: str = "") -> CRSDecision:
    """Decide the CRS of coordinates with these bounds: `given` (any pyproj input) wins; then the
    file's CRS, unless it is geographic and the coordinates are plainly projected; then a lon/lat
    table's column names; else detection from the ranges (raises `InputError` when nothing fits).

    >>> decide_crs(None, None, (400_000, 2_550_000, 410_000, 2_560_000)).name
    'EPSG:4547'
    >>> decide_crs(4547, CRS.from_epsg(4326), (1, 2, 3, 4)).source
    'given'
    """
    if given is not None:
        try:
            src = CRS.from_user_input(given)
        except ProjCRSError as exc:
            raise InputError(f"{label}: unknown crs {given!r} ({exc}); pass an EPSG code such as 4547.") from exc
        notes = [f"the file declares {crs_label(file_crs)}; using the given {crs_label(src)} instead"] \
            if file_crs is not None and not file_crs.equals(src) else []
        return CRSDecision(src, "given", [], notes)
    candidates = detect_crs_candidates(bounds)
    if file_crs is not None and not (file_crs.is_geographic and candidates and candidates != [4326]):
        return CRSDecision(file_crs, "file")
    if lonlat_named and candidates == [4326]:
        return CRSDecision(CRS.from_epsg(4326), "file", [], ["lon/lat columns read as WGS84 (EPSG:4326)"])
    if not candidates:
        hint = "They look like lat/lon swapped: import with swap_axes=True." if swapped else \
            "Pass crs= (e.g. crs=4547)."
        raise InputError(f"{label}: coordinates (x {bounds[0]:.6g}..{bounds[2]:.6g}, y {bounds[1]:.6g}.."
                         f"{bounds[3]:.6g}) are neither lon/lat nor a Chinese projected CRS we recognise, and "
                         f"the file declares no CRS. {hint}")
    src = CRS.from_epsg(candidates[0])
    why = f"the file declares {crs_label(file_crs)} but its coordinates are not lon/lat" if file_crs else \
        "the file declares no CRS"
    others = f" (other candidates: {', '.join(f'EPSG:{c}' for c in candidates[1:])})" if candidates[1:] else ""
    return CRSDecision(src, "detected, please confirm", candidates,
                       [f"{why}; coordinates look like {crs_label(src)}{others}. Please confirm by passing crs=."])


def looks_swapped(xs: np.ndarray, ys: np.ndarray) -> bool:
    """True when every x is in China's latitude range (18-54) and every y in its longitude range
    (73-135): lat/lon written in the lon/lat order.

    >>> looks_swapped(np.array([23.1, 23.2]), np.array([113.3, 113.4]))
    True
    >>> looks_swapped(np.array([113.3]), np.array([23.1]))
    False
    """
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    if xs.size == 0:
        return False
    return bool(((xs >= CHINA_LAT[0]) & (xs <= CHINA_LAT[1])).all()
                and ((ys >= CHINA_LON[0]) & (ys <= CHINA_LON[1])).all())


def detect_encoding(data: bytes) -> tuple[str, str]:
    """The encoding of Chinese text bytes and how it was decided: ("utf-8", why) when a strict UTF-8
    decode succeeds (a UTF-8 BOM gives "utf-8-sig"), else ("gb18030", why) - GB18030 is a superset of
    GBK and GB2312, which Chinese GIS desktops write by default.

    >>> detect_encoding("广州".encode("gbk"))[0]
    'gb18030'
    >>> detect_encoding("广州".encode("utf-8"))[0]
    'utf-8'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", "detected: UTF-8 byte-order mark"
    try:
        data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        return "gb18030", f"detected: not valid UTF-8 (byte {exc.start}), decoded as GB18030/GBK"
    if data.isascii():
        return "utf-8", "detected: plain ASCII, read as UTF-8"
    return "utf-8", "detected: strict UTF-8 decode succeeded"


def dbf_text_bytes(dbf: bytes) -> bytes:
    """The record bytes of a dBASE (.dbf) file, skipping its binary header (for encoding detection)."""
    if len(dbf) < 32:
        return b""
    header_len = int.from_bytes(dbf[8:10], "little")
    return dbf[header_len:]


_MOJIBAKE_MARKERS = ("\ufffd", "锟斤拷", "â€", "Ã")


def mojibake_reason(text: str) -> str | None:
    """Why `text` looks like mis-decoded bytes (e.g. GBK read as Latin-1), or None.

    >>> mojibake_reason("广州科学城") is None
    True
    >>> mojibake_reason("¹ãÖÝ¿ÆÑ§³Ç")
    'Latin-1 characters where Chinese was expected'
    """
    for marker in _MOJIBAKE_MARKERS:
        if marker in text:
            return f"contains {marker!r}"
    high = sum(1 for ch in text if "\u0080" <= ch <= "\u00ff")
    non_ascii = sum(1 for ch in text if not ch.isascii())
    if high >= 4 and high * 2 > non_ascii:
        return "Latin-1 characters where Chinese was expected"
    return None


def mojibake_warnings(table) -> list[str]:
    """One warning per column of a DataFrame whose name or string values look mis-decoded."""
    warnings = []
    for col in table.columns:
        why = mojibake_reason(str(col))
        if why:
            warnings.append(f"column name {col!r} looks mis-decoded ({why}); the encoding may be wrong. "
                            "Pass encoding='gbk' or encoding='utf-8'.")
        for value in table[col]:
            why = mojibake_reason(value) if isinstance(value, str) else None
            if why:
                warnings.append(f"column {col!r} looks mis-decoded (e.g. {value[:20]!r}: {why}); the encoding "
                                "may be wrong. Pass encoding='gbk' or encoding='utf-8'.")
                break
    return warnings


LONLAT_COLUMNS = [("经度", "纬度"), ("lon", "lat"), ("lng", "lat"), ("long", "lat"), ("longitude", "latitude"),
                  ("x", "y"), ("easting", "northing"), ("东坐标", "北坐标")]
"""Column pairs (x, y) that hold coordinates in a table, matched case-insensitively, in this order."""
_NOT_LONLAT = ("x", "easting", "东坐标")
WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom", "shape")


def geometry_columns(columns: list[str]) -> tuple | None:
    """Where a table keeps its geometry: ("lonlat", x column, y column, named_lonlat) - named_lonlat is
    False for x/y or easting/northing, which may be projected - or ("wkt", column), or None.

    >>> geometry_columns(["名称", "经度", "纬度"])
    ('lonlat', '经度', '纬度', True)
    >>> geometry_columns(["id", "X", "Y"])
    ('lonlat', 'X', 'Y', False)
    >>> geometry_columns(["id", "WKT"])
    ('wkt', 'WKT')
    """
    lower = {str(c).strip().lower(): c for c in columns}
    for xname, yname in LONLAT_COLUMNS:
        if xname in lower and yname in lower:
            return "lonlat", lower[xname], lower[yname], xname not in _NOT_LONLAT
    for name in WKT_COLUMNS:
        if name in lower:
            return "wkt", lower[name]
    return None


def sniff_format(head: bytes) -> str | None:
    """The format a file's first bytes show: "zip", "gpkg", "parquet", "json", "kml", "html",
    "png", "pdf", "shp", "text" or None (binary we do not read); "empty" for no bytes."""
    if not head:
        return "empty"
    signatures = {b"PK\x03\x04": "zip", b"PK\x05\x06": "zip", b"SQLite format 3\x00": "gpkg",
                  b"PAR1": "parquet", b"\x89PNG": "png", b"%PDF": "pdf", b"\xff\xd8\xff": "jpeg",
                  b"\x00\x00\x27\x0a": "shp"}
    for sig, name in signatures.items():
        if head.startswith(sig):
            return name
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    low = text[:512].lower()
    if low.startswith((b"{", b"[")):
        return "json"
    if low.startswith((b"<!doctype html", b"<html")):
        return "html"
    if low.startswith(b"<"):
        return "kml" if b"<kml" in head.lower() else "xml"
    if b"\x00" in head[:4096]:
        return None
    try:
        head[:4096].decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < 4090:  # not only a character cut at the end of the window
            try:
                head[:4096].decode("gb18030")
            except UnicodeDecodeError:
                return None
    return "text"


def json_problem(raw: bytes) -> str | None:
    """Why `raw` is not valid JSON (with line and column), or None when it parses."""
    try:
        json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return f"not UTF-8 text (byte {exc.start}); GeoJSON must be UTF-8"
    except json.JSONDecodeError as exc:
        at_end = exc.pos >= len(raw.rstrip()) - 1 or exc.msg.startswith("Unterminated string")
        end = " - the file looks truncated" if at_end else ""
        return f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}{end}"
    return None
