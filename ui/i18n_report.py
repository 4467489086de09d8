"""The import check's own words in Chinese. `geo.io` and `geo.detect` (which know no languages)
say in English what they detected, repaired and dropped: the report's format, the source of its
CRS and encoding, its warnings and the reason for each repaired or dropped feature. This table
gives each of those phrases in Chinese.

`report_text(text, "zh")` translates a phrase it knows and leaves any other as geo wrote it
(English rather than nothing); in English every phrase is shown as written. In a pattern, a
group named `p_…` is itself a phrase (translated in turn), `g_…` a geometry type; any other group
is a value from the file (a column, a name, a number) and goes in unchanged."""

from __future__ import annotations

import re

from ui.i18n import Lang

_NUM = r"-?\d+(?:\.\d+)?"

GEOMETRY_TYPES_ZH = {"Point": "点", "MultiPoint": "多点", "LineString": "线", "MultiLineString": "多线",
                     "LinearRing": "线环", "Polygon": "面", "MultiPolygon": "多面", "GeometryCollection": "几何集合"}
"""Shapely's geometry type names in Chinese."""

_ENCODING_ADVICE = "文本编码可能不对：请在“编码、坐标系与坐标体系”中选择 gbk 或 utf-8 后重新导入。"

_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), zh) for pattern, zh in (
    # the format (ImportReport.format), where only the words differ
    (r"Shapefile \(zip\)", "Shapefile（zip 压缩包）"),
    (r"Parquet \(table\)", "Parquet（表格）"),
    # where the CRS and the encoding came from (crs_source, encoding_source)
    (r"file", "文件声明"),
    (r"given", "用户指定"),
    (r"detected, please confirm", "按坐标范围推测，请确认"),
    (r"GeoJSON is UTF-8 by definition \(RFC 7946\)", "GeoJSON 规定使用 UTF-8（RFC 7946）"),
    (r"GeoPackage text is UTF-8 by definition", "GeoPackage 的文本规定使用 UTF-8"),
    (r"KML is XML: UTF-8 unless it declares otherwise", "KML 是 XML：未另行声明时为 UTF-8"),
    (r"Parquet strings are UTF-8 by definition", "Parquet 的字符串规定使用 UTF-8"),
    (r"from \.cpg \((?P<declared>.+)\)", "来自 .cpg 文件（{declared}）"),
    (r"(?P<p_why>.+) \(no \.cpg\)", "{p_why}（无 .cpg 文件）"),
    (r"detected: UTF-8 byte-order mark", "自动识别：UTF-8 字节顺序标记（BOM）"),
    (r"detected: not valid UTF-8 \(byte (?P<n>\d+)\), decoded as GB18030/GBK",
     "自动识别：不是有效的 UTF-8（第 {n} 字节），按 GB18030/GBK 解码"),
    (r"detected: plain ASCII, read as UTF-8", "自动识别：纯 ASCII 文本，按 UTF-8 读取"),
    (r"detected: strict UTF-8 decode succeeded", "自动识别：可按 UTF-8 严格解码"),
    # warnings (ImportReport.warnings)
    (r"(?P<label>.+) has (?P<n>\d+) layers (?P<names>\[.*\]); imported the first, (?P<first>.+)\. "
     r"Pass layer= to choose another\.", "{label} 含 {n} 个图层 {names}，已导入第一个：{first}。"),
    (r"\.cpg declares (?P<declared>.+), which we do not know; detected instead",
     ".cpg 文件声明的编码 {declared} 无法识别，已改为自动识别"),
    (r"geometry from WKT column (?P<col>.+)", "几何取自 WKT 列 {col}"),
    (r"coordinates from columns (?P<x>.+) \(x\) and (?P<y>.+) \(y\)", "坐标取自列 {x}（x）和 {y}（y）"),
    (r"Z coordinates dropped \(3D -> 2D\)", "Z 坐标已舍弃（三维转二维）"),
    (r"x looked like latitude and y like longitude \(lat/lon swapped\); swapped them\. "
     r"Pass swap_axes=False if that is wrong\.", "x 像纬度、y 像经度（经纬度颠倒），已交换。"),
    (r"x looks like latitude and y like longitude \(lat/lon swapped\); not swapped because swap_axes=False\.",
     "x 像纬度、y 像经度（经纬度可能颠倒），未交换。"),
    (r"converted from (?P<system>GCJ02|BD09) \(Chinese web-map offset\) to WGS84",
     "已从 {system}（国内网络地图的偏移坐标）转换为 WGS84"),
    (rf"the data \(lon (?P<x0>{_NUM})\.\.(?P<x1>{_NUM}), lat (?P<y0>{_NUM})\.\.(?P<y1>{_NUM})\) is more than "
     r"~100 km from Guangzhou/Foshan/Qingyuan: check its CRS and coordinate system\.",
     "数据（经度 {x0}..{x1}，纬度 {y0}..{y1}）距广州、佛山、清远超过约 100 km：请检查坐标参考系和坐标来源。"),
    (r"lon/lat columns read as WGS84 \(EPSG:4326\)", "经纬度列按 WGS84（EPSG:4326）读取"),
    (r"the file declares (?P<declared>.+); using the given (?P<given>.+) instead",
     "文件声明为 {declared}，已改用指定的 {given}"),
    (r"(?P<p_why>the file declares .+); coordinates look like (?P<crs>\S+)(?P<p_others> \(other candidates: .+\))?"
     r"\. Please confirm by passing crs=\.", "{p_why}；坐标看起来是 {crs}{p_others}。请在下方确认坐标参考系。"),
    (r"the file declares no CRS", "文件未声明坐标参考系"),
    (r"the file declares (?P<declared>.+) but its coordinates are not lon/lat", "文件声明为 {declared}，但坐标不是经纬度"),
    (r" \(other candidates: (?P<crs>.+)\)", "（其他可能：{crs}）"),
    (r"column name (?P<col>.+) looks mis-decoded \((?P<p_why>.+)\); the encoding may be wrong\. "
     r"Pass encoding='gbk' or encoding='utf-8'\.", "列名 {col} 疑似乱码（{p_why}），" + _ENCODING_ADVICE),
    (r"column (?P<col>.+) looks mis-decoded \(e\.g\. (?P<value>.+): (?P<p_why>[^:]+)\); the encoding may be wrong\. "
     r"Pass encoding='gbk' or encoding='utf-8'\.", "列 {col} 的值疑似乱码（如 {value}：{p_why}），" + _ENCODING_ADVICE),
    (r"Latin-1 characters where Chinese was expected", "应为中文处出现了 Latin-1 字符"),
    (r"contains (?P<marker>.+)", "含有 {marker}"),
    # why a feature was dropped (ImportReport.dropped)
    (r"missing geometry", "缺少几何"),
    (r"empty geometry", "几何为空"),
    (r"non-finite coordinate \(NaN or infinity\)", "坐标不是有限数（NaN 或无穷大）"),
    (r"coordinate (?P<value>\S+) is not a position in any CRS \(\|value\| > 1e8\)",
     "坐标 {value} 在任何坐标系中都不是位置（绝对值 > 1e8）"),
    (r"coordinates outside lon -180\.\.180 / lat -90\.\.90 in EPSG:4326",
     "坐标超出经度 -180..180、纬度 -90..90（EPSG:4326）"),
    (r"unreadable WKT in column (?P<col>'.*?'|\".*?\"): (?P<text>.+)", "列 {col} 中的 WKT 无法读取：{text}"),
    (r"missing or non-numeric coordinate \((?P<x>[^=]+)=(?P<p_xv>.*), (?P<y>[^=]+)=(?P<p_yv>.*)\)",
     "坐标缺失或不是数字（{x}={p_xv}，{y}={p_yv}）"),
    (r"empty", "空"),
    # how a feature was repaired (ImportReport.repaired): "<type> <GEOS reason> -> <type>"
    (r"(?P<g_from>[A-Za-z]+) (?P<p_reason>.+) -> (?P<g_to>[A-Za-z]+)", "{g_from}：{p_reason} → {g_to}"),
    (r"self-intersection", "自相交"),
    (r"ring self-intersection", "环自相交"),
    (r"too few points in geometry component", "几何部件的点数过少"),
    (r"hole lies outside shell", "内环位于外环之外"),
    (r"holes are nested", "内环相互嵌套"),
    (r"interior is disconnected", "内部不连通"),
    (r"nested shells", "外环相互嵌套"),
    (r"duplicate rings?", "环重复"),
    (r"invalid coordinate", "坐标无效"),
    (r"ring is not closed", "环未闭合"),
))
"""(the English phrase as a regular expression matched whole, its Chinese)."""


def geometry_type(name: str, lang: Lang) -> str:
    """A geometry type's name (Point, MultiPolygon, …) in `lang`.

    >>> geometry_type("MultiPolygon", "zh"), geometry_type("MultiPolygon", "en")
    ('多面', 'MultiPolygon')
    """
    return GEOMETRY_TYPES_ZH.get(name, name) if lang == "zh" else name


def report_text(text: str, lang: Lang) -> str:
    """One phrase of the import check (`text`, as geo wrote it) in `lang`.

    >>> report_text("coordinates from columns '经度' (x) and '纬度' (y)", "zh")
    "坐标取自列 '经度'（x）和 '纬度'（y）"
    >>> report_text("something new", "zh")
    'something new'
    """
    return _zh(text) if lang == "zh" else text


def _zh(text: str) -> str:
    for pattern, zh in _PHRASES:
        found = pattern.fullmatch(text)
        if found:
            return zh.format(**{name: _part(name, value) for name, value in found.groupdict().items()})
    return text


def _part(name: str, value: str | None) -> str:
    """A matched group as it goes into the Chinese: a phrase translated, a geometry type named."""
    if value is None:
        return ""
    if name.startswith("p_"):
        return _zh(value)
    if name.startswith("g_"):
        return geometry_type(value, "zh")
    return value
