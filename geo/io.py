"""Reading the vector files users bring: one safe import path for the Data page, tests and scripts.

`import_file` reads GeoJSON, GeoPackage, zipped (or bare) Shapefile, KML, CSV (lon/lat or WKT columns)
and GeoParquet; detects the format by content when the extension lies; decides the text encoding and
the CRS when the file does not say (and says it guessed); swaps lat/lon written the wrong way round;
converts GCJ-02 / BD-09 web-map coordinates; repairs invalid geometries and drops unusable ones; and
returns a GeoDataFrame in EPSG:4326 with an `ImportReport` of everything it decided. Every failure is
an `InputError` that names the file, what is wrong and what to do.
"""

from __future__ import annotations

import io as _io
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely
from pyproj import CRS

from geo import _archive, detect
from geo._errors import FileTooLargeError, InputError
from geo.chinese_offsets import to_wgs84
from geo.crs import project

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
SUPPORTED = "GeoJSON, GeoPackage, zipped Shapefile, KML, CSV (lon/lat or WKT columns), GeoParquet"
_READ_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError,
                pyogrio.errors.GeometryError, pyogrio.errors.CRSError, shapely.errors.GEOSException,
                zipfile.BadZipFile, UnicodeError, ValueError, TypeError, KeyError, IndexError, OSError)
_JSON_CHECK_BYTES = 20 * 1024 * 1024  # GeoJSON up to this size is parsed once in Python for a clear error
_BIG = 1e8  # |coordinate| beyond this is no position in any CRS we know (zone-prefixed GK is < 4.6e7)


@dataclass
class FeatureNote:
    """One feature that was repaired or dropped: its 0-based position in the file and what happened."""

    index: int
    description: str


@dataclass
class ImportReport:
    """What `import_file` detected, decided, repaired and dropped (for the user to read and confirm)."""

    source: str
    format: str = ""
    layer: str | None = None
    layers: list[str] = field(default_factory=list)
    encoding: str | None = None
    encoding_source: str = ""
    crs_source: str = ""  # "file" | "detected, please confirm" | "given"
    crs_original: str | None = None  # the CRS the coordinates were read in, e.g. "EPSG:4547"
    crs_candidates: list[int] = field(default_factory=list)
    coordinate_system: str = "wgs84"
    axes_swapped_detected: bool = False
    axes_swapped_applied: bool = False
    features_in: int = 0
    features_out: int = 0
    geometry_types: dict[str, int] = field(default_factory=dict)
    repaired: list[FeatureNote] = field(default_factory=list)
    dropped: list[FeatureNote] = field(default_factory=list)
    z_dropped: bool = False  # True: Z coordinates were dropped (3D -> 2D); Z is never kept
    bounds: tuple[float, float, float, float] | None = None  # EPSG:4326 degrees
    far_from_study_region: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """`gdf`: EPSG:4326, indexed by each feature's 0-based position in the file; `report`: see ImportReport."""

    gdf: gpd.GeoDataFrame
    report: ImportReport


@dataclass
class _Raw:
    gdf: gpd.GeoDataFrame  # positional RangeIndex, CRS as the file declares it (or None)
    pre_dropped: dict[int, str] = field(default_factory=dict)
    lonlat_named: bool = False  # CSV lon/lat columns named as such: their CRS is "file"


def list_layers(path: str | Path) -> list[str]:
    """Layer names of a GeoPackage or KML file (one name for single-layer formats)."""
    path = Path(path)
    try:
        return [str(name) for name in pyogrio.list_layers(path)[:, 0]]
    except _READ_ERRORS as exc:
        raise InputError(f"{path.name}: cannot list layers ({exc}).") from exc


def split_by_geometry_type(gdf: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """`gdf` split into "Point", "LineString" and "Polygon" frames (Multi* kinds go with their single
    kind), for callers whose layers hold one kind; only kinds present are keys.

    >>> from shapely.geometry import Point, MultiPoint, box
    >>> g = gpd.GeoDataFrame(geometry=[Point(0, 0), box(0, 0, 1, 1), MultiPoint([(0, 0), (1, 1)])])
    >>> {k: len(v) for k, v in split_by_geometry_type(g).items()}
    {'Point': 2, 'Polygon': 1}
    """
    family = gdf.geom_type.str.replace("Multi", "", regex=False)
    return {str(kind): gdf[family == kind].copy() for kind in pd.unique(family.dropna())}


def import_file(path: str | Path, *, crs: int | str | CRS | None = None, encoding: str | None = None,
                coordinate_system: str | None = None, layer: str | None = None, swap_axes: bool = True,
                max_bytes: int = DEFAULT_MAX_BYTES) -> ImportResult:
    """Read a user's vector file into EPSG:4326, with a report of every decision.

    path: the file. crs: the CRS of its coordinates (EPSG code or any pyproj input), overriding the
    file's and any detection. encoding: text encoding of a Shapefile's .dbf or a CSV (otherwise .cpg,
    then detection). coordinate_system: None/"wgs84", "gcj02" (Gaode, Tencent) or "bd09" (Baidu) for
    lon/lat copied from Chinese web maps. layer: GeoPackage/KML layer or the Shapefile's name in a zip
    (default: the first, with a warning when there are several). swap_axes: swap lat/lon written as
    lon/lat when detected (False: report it only). max_bytes: refuse larger files before reading.
    Raises `InputError` (or its subclasses) with a message that says what to do.
    """
    path = Path(path)
    label = path.name
    if coordinate_system not in (None, "wgs84", "gcj02", "bd09"):
        raise InputError(f"unknown coordinate_system {coordinate_system!r}; expected 'wgs84', 'gcj02' or 'bd09'")
    if not path.is_file():
        raise InputError(f"{label}: no such file")
    size = path.stat().st_size
    if size > max_bytes:
        raise FileTooLargeError(f"{label}: file is {size / 1048576:.1f} MB; the limit is "
                                f"{max_bytes / 1048576:.1f} MB. Import a smaller extract (clip or filter it).")
    report = ImportReport(source=label, coordinate_system=coordinate_system or "wgs84")
    with open(path, "rb") as fh:
        head = fh.read(8192)
    kind = detect.sniff_format(head)
    try:
        raw = _read(path, kind, report, layer=layer, encoding=encoding)
    except InputError:
        raise
    except UnicodeDecodeError as exc:
        raise InputError(f"{label}: its text cannot be decoded as {report.encoding or 'UTF-8'} ({exc}). "
                         "Pass another encoding= (e.g. 'gbk' or 'utf-8').") from exc
    except _READ_ERRORS as exc:
        raise InputError(f"{label}: cannot be read as {report.format or 'a geo file'}: {exc}") from exc
    return _finish(raw, report, crs=crs, swap_axes=swap_axes, coordinate_system=coordinate_system)


def _read(path: Path, kind: str | None, report: ImportReport, *, layer: str | None, encoding: str | None) -> _Raw:
    label, ext = path.name, path.suffix.lower()
    if kind == "empty":
        raise InputError(f"{label}: the file is empty (0 bytes). Export it again from the source program.")
    if kind in ("png", "jpeg", "pdf", "html", "xml", None):
        what = {"png": "a PNG image", "jpeg": "a JPEG image", "pdf": "a PDF document", "html": "an HTML page",
                "xml": "XML that is not KML", None: "binary data of no format we read"}[kind]
        raise InputError(f"{label}: not a geo file (its content is {what}, whatever its name says). "
                         f"Supported: {SUPPORTED}.")
    if kind == "json" or (kind == "text" and ext in (".geojson", ".json")):
        report.format = "GeoJSON"
        if path.stat().st_size <= _JSON_CHECK_BYTES:  # larger files: GDAL's own error, without a 2nd parse
            problem = detect.json_problem(path.read_bytes())
            if problem:
                raise InputError(f"{label}: {problem}. Export the GeoJSON again.")
        report.encoding, report.encoding_source = (encoding, "given") if encoding else \
            ("utf-8", "GeoJSON is UTF-8 by definition (RFC 7946)")
        return _Raw(_vector(path, layer=None, encoding=encoding))
    if kind == "zip":
        report.format = "Shapefile (zip)"
        return _read_zip(path, report, layer=layer, encoding=encoding)
    if kind == "shp":
        report.format = "Shapefile"
        return _read_shapefile(path, path.with_suffix(".dbf"), path.with_suffix(".cpg"), report, encoding)
    if kind in ("gpkg", "kml"):
        report.format = "GeoPackage" if kind == "gpkg" else "KML"
        report.layers = list_layers(path)
        report.layer = _choose(report.layers, layer, report, label)
        report.encoding = "utf-8"
        report.encoding_source = "GeoPackage text is UTF-8 by definition" if kind == "gpkg" else \
            "KML is XML: UTF-8 unless it declares otherwise"
        return _Raw(_vector(path, layer=report.layer, encoding=None))
    if kind == "parquet":
        report.format = "GeoParquet"
        report.encoding, report.encoding_source = "utf-8", "Parquet strings are UTF-8 by definition"
        try:
            return _Raw(gpd.read_parquet(path))
        except ValueError as exc:
            if "geo" not in str(exc).lower():
                raise
        report.format = "Parquet (table)"
        return _table(pd.read_parquet(path), report, label)
    report.format = "CSV"
    return _read_csv(path, report, encoding)


def _choose(names: list[str], wanted: str | None, report: ImportReport, label: str) -> str:
    if not names:
        raise InputError(f"{label}: the file has no layers.")
    if wanted is not None:
        if wanted not in names:
            raise InputError(f"{label}: no layer {wanted!r}; its layers are {names}.")
        return wanted
    if len(names) > 1:
        report.warnings.append(f"{label} has {len(names)} layers {names}; imported the first, {names[0]!r}. "
                               "Pass layer= to choose another.")
    return names[0]


def _vector(path: Path, *, layer: str | None, encoding: str | None) -> gpd.GeoDataFrame:
    gdf = pyogrio.read_dataframe(path, layer=layer, encoding=encoding, on_invalid="ignore")
    return gdf.reset_index(drop=True)


def _read_zip(path: Path, report: ImportReport, *, layer: str | None, encoding: str | None) -> _Raw:
    label = path.name
    with _archive.open_zip(path, label) as zf:
        infos = _archive.check_zip(zf, label)
        sets = {stem: parts for stem, parts in _archive.shapefile_sets(infos).items() if ".shp" in parts}
        if not sets:
            found = ", ".join(i.filename for i in infos[:10]) or "nothing"
            raise InputError(f"{label}: the zip contains no .shp file (found: {found}). A zipped Shapefile "
                             "needs the .shp, .shx and .dbf of one layer (plus .prj and .cpg if present).")
        names = {Path(stem).name: stem for stem in sets}
        report.layers = list(names)
        report.layer = _choose(report.layers, layer, report, label)
        parts = sets[names[report.layer]]
        missing = [ext for ext in (".shx", ".dbf") if ext not in parts]
        if missing:
            raise InputError(f"{label}: the Shapefile {report.layer!r} lacks its {' and '.join(missing)} file; "
                             "zip all of its parts together.")
        with tempfile.TemporaryDirectory(prefix="parkatlas-import-") as tmp:
            files = {ext: _archive.extract_member(zf, info, Path(tmp), f"layer{ext}", label)
                     for ext, info in parts.items()}
            shp = files[".shp"]
            return _read_shapefile(shp, files[".dbf"], shp.with_suffix(".cpg"), report, encoding)


_CPG = {"65001": "utf-8", "utf8": "utf-8", "utf-8": "utf-8", "936": "gb18030", "cp936": "gb18030",
        "gbk": "gb18030", "gb2312": "gb18030", "gb18030": "gb18030", "ansi 936": "gb18030"}


def _read_shapefile(shp: Path, dbf: Path, cpg: Path, report: ImportReport, encoding: str | None) -> _Raw:
    for part in (dbf, shp.with_suffix(".shx")):
        if not part.is_file():
            raise InputError(f"{shp.name}: the Shapefile lacks its {part.suffix} file next to it.")
    if encoding:
        report.encoding, report.encoding_source = encoding, "given"
    elif cpg.is_file():
        declared = cpg.read_bytes().decode("ascii", errors="replace").strip()
        report.encoding = _CPG.get(declared.lower())
        if report.encoding:
            report.encoding_source = f"from .cpg ({declared!r})"
        else:
            report.warnings.append(f".cpg declares {declared!r}, which we do not know; detected instead")
    if not report.encoding:
        report.encoding, why = detect.detect_encoding(detect.dbf_text_bytes(dbf.read_bytes()))
        report.encoding_source = why + " (no .cpg)"
    return _Raw(_vector(shp, layer=None, encoding=report.encoding))


def _read_csv(path: Path, report: ImportReport, encoding: str | None) -> _Raw:
    data = path.read_bytes()
    if encoding:
        report.encoding, report.encoding_source = encoding, "given"
    else:
        report.encoding, report.encoding_source = detect.detect_encoding(data)
    try:
        text = data.decode(report.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(f"{path.name}: cannot be decoded as {report.encoding} ({exc}). "
                         "Pass another encoding= (e.g. 'gbk' or 'utf-8').") from exc
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    sep = max([",", ";", "\t", "|"], key=first.count)
    try:
        table = pd.read_csv(_io.StringIO(text.lstrip("\ufeff")), sep=sep)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{path.name}: not a readable CSV table ({exc}).") from exc
    return _table(table, report, path.name)


def _table(table: pd.DataFrame, report: ImportReport, label: str) -> _Raw:
    table.columns = [str(c).strip() for c in table.columns]
    found = detect.geometry_columns(list(table.columns))
    if found is None:
        raise InputError(f"{label}: no coordinate columns; found columns {list(table.columns)}. Expected a lon/lat "
                         "pair (经度/纬度, lng/lat, lon/lat, longitude/latitude, x/y) or a WKT column "
                         "(wkt, geometry, geom).")
    if found[0] == "wkt":
        col = found[1]
        text = table[col].astype(object).where(table[col].notna(), None).to_numpy()
        geoms = shapely.from_wkt(text, on_invalid="ignore")
        pre = {i: f"unreadable WKT in column {col!r}: {str(text[i])[:40]!r}"
               for i in range(len(text)) if geoms[i] is None and text[i] not in (None, "")}
        report.warnings.append(f"geometry from WKT column {col!r}")
        return _Raw(gpd.GeoDataFrame(table.drop(columns=[col]), geometry=list(geoms)).reset_index(drop=True), pre)
    _, xcol, ycol, named = found
    xs = pd.to_numeric(table[xcol], errors="coerce").to_numpy(dtype=float)
    ys = pd.to_numeric(table[ycol], errors="coerce").to_numpy(dtype=float)
    ok = ~(np.isnan(xs) | np.isnan(ys))
    geoms = np.where(ok, shapely.points(np.where(ok, xs, 0), np.where(ok, ys, 0)), None)
    pre = {int(i): f"missing or non-numeric coordinate ({xcol}={_cell(table[xcol].iloc[i])}, "
                   f"{ycol}={_cell(table[ycol].iloc[i])})" for i in np.flatnonzero(~ok)}
    report.warnings.append(f"coordinates from columns {xcol!r} (x) and {ycol!r} (y)")
    gdf = gpd.GeoDataFrame(table.drop(columns=[xcol, ycol]), geometry=list(geoms)).reset_index(drop=True)
    return _Raw(gdf, pre, lonlat_named=named)


def _cell(value) -> str:
    return repr(value) if isinstance(value, str) else "empty" if pd.isna(value) else str(value)


def _finish(raw: _Raw, report: ImportReport, *, crs, swap_axes: bool, coordinate_system: str | None) -> ImportResult:
    label, gdf = report.source, raw.gdf
    gdf.columns = [c if c == gdf.geometry.name else str(c) for c in gdf.columns]
    report.features_in = len(gdf)
    geoms = np.asarray(gdf.geometry.array, dtype=object).copy()
    dropped: dict[int, str] = dict(raw.pre_dropped)
    for i, g in enumerate(geoms):
        if i in dropped:
            continue
        reason = _unusable(g)
        if reason:
            dropped[i] = reason
    keep = np.array([i not in dropped for i in range(len(geoms))], dtype=bool)
    if keep.any() and shapely.has_z(geoms[keep].astype(object)).any():
        geoms[keep] = shapely.force_2d(geoms[keep].astype(object))
        report.z_dropped = True
        report.warnings.append("Z coordinates dropped (3D -> 2D)")
    _nothing_left(keep, dropped, report)
    file_crs = gdf.crs
    xy = shapely.get_coordinates(geoms[keep].astype(object))
    if (crs is None and (file_crs is None or file_crs.is_geographic)) and detect.looks_swapped(xy[:, 0], xy[:, 1]):
        report.axes_swapped_detected = True
        if swap_axes:
            geoms[keep] = shapely.transform(geoms[keep].astype(object), lambda c: c[:, ::-1])
            report.axes_swapped_applied = True
            report.warnings.append("x looked like latitude and y like longitude (lat/lon swapped); swapped them. "
                                   "Pass swap_axes=False if that is wrong.")
        else:
            report.warnings.append("x looks like latitude and y like longitude (lat/lon swapped); not swapped "
                                   "because swap_axes=False.")
        xy = shapely.get_coordinates(geoms[keep].astype(object))
    bounds = (xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max())
    decision = detect.decide_crs(crs, file_crs, bounds, lonlat_named=raw.lonlat_named,
                                 swapped=report.axes_swapped_detected, label=label)
    src = decision.crs
    report.crs_source, report.crs_candidates, report.crs_original = decision.source, decision.candidates, decision.name
    report.warnings.extend(decision.warnings)
    geoms[~keep] = None  # dropped features are never projected
    series = project(gpd.GeoSeries(geoms, crs=src), 4326)
    if coordinate_system in ("gcj02", "bd09"):
        series = to_wgs84(series, coordinate_system)
        report.warnings.append(f"converted from {coordinate_system.upper()} (Chinese web-map offset) to WGS84")
    geoms = np.asarray(series.array, dtype=object)
    for i in np.flatnonzero(keep).tolist():
        c = shapely.get_coordinates(geoms[i])
        if not (np.isfinite(c).all() and (np.abs(c[:, 0]) <= 180).all() and (np.abs(c[:, 1]) <= 90).all()):
            dropped[i], keep[i] = "coordinates outside lon -180..180 / lat -90..90 in EPSG:4326", False
    _nothing_left(keep, dropped, report)
    for i in np.flatnonzero(keep).tolist():
        geoms[i], note = _repair(geoms[i])
        if note:
            report.repaired.append(FeatureNote(int(i), note))
    out = gpd.GeoDataFrame(gdf.drop(columns=gdf.geometry.name), geometry=list(geoms), crs=4326)[keep]
    report.dropped = [FeatureNote(int(i), dropped[i]) for i in sorted(dropped)]
    report.features_out = len(out)
    report.geometry_types = {str(k): int(v) for k, v in out.geom_type.value_counts().sort_index().items()}
    minx, miny, maxx, maxy = (float(v) for v in out.total_bounds)
    report.bounds = (minx, miny, maxx, maxy)
    _region_and_text_checks(out, report)
    return ImportResult(out, report)


def _unusable(g) -> str | None:
    if g is None:
        return "missing geometry"
    if g.is_empty:
        return "empty geometry"
    c = shapely.get_coordinates(g)
    if not np.isfinite(c).all():
        return "non-finite coordinate (NaN or infinity)"
    if np.abs(c[:, :2]).max() > _BIG:
        return f"coordinate {np.abs(c[:, :2]).max():.3g} is not a position in any CRS (|value| > 1e8)"
    return None


def _nothing_left(keep: np.ndarray, dropped: dict[int, str], report: ImportReport) -> None:
    if keep.any():
        return
    if not dropped:
        raise InputError(f"{report.source}: the file has no features.")
    reasons = pd.Series([r.split(" (")[0] for r in dropped.values()]).value_counts()
    why = ", ".join(f"{n} {r}" for r, n in reasons.items())
    raise InputError(f"{report.source}: nothing to import: all {len(dropped)} features were dropped ({why}).")


def _repair(g):
    if shapely.is_valid(g):
        return g, None
    reason = shapely.is_valid_reason(g).split("[")[0].strip().lower()
    fixed = shapely.make_valid(g)
    if fixed.geom_type == "GeometryCollection":
        dim = shapely.get_dimensions(g)
        parts = [p for p in shapely.get_parts(fixed) if shapely.get_dimensions(p) == dim]
        fixed = shapely.union_all(parts) if parts else fixed
    return fixed, f"{g.geom_type} {reason} -> {fixed.geom_type}"


def _region_and_text_checks(out: gpd.GeoDataFrame, report: ImportReport) -> None:
    assert report.bounds is not None  # _finish sets them first
    minx, miny, maxx, maxy = report.bounds
    rx0, ry0, rx1, ry1 = detect.STUDY_REGION
    if maxx < rx0 - 1 or minx > rx1 + 1 or maxy < ry0 - 1 or miny > ry1 + 1:
        report.far_from_study_region = True
        report.warnings.append(f"the data (lon {minx:.3f}..{maxx:.3f}, lat {miny:.3f}..{maxy:.3f}) is more than "
                               "~100 km from Guangzhou/Foshan/Qingyuan: check its CRS and coordinate system.")
    report.warnings.extend(detect.mojibake_warnings(out.drop(columns=out.geometry.name)))
