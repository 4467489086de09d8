"""Exporting a layer in the format and CRS someone needs, and measuring shapes a user draws.

`export_layer(gdf, fmt, crs)` takes a layer in EPSG:4326 (as every layer is stored, DESIGN.md §2) and
returns the bytes of one file, its name and MIME type:

- formats (`EXPORT_FORMATS`): "gpkg" GeoPackage 1.3 (`GPKG_VERSION`), "geojson", "shp" (a zip of shapefiles), "csv" (WKT
  geometry, UTF-8 with BOM) and "xlsx" (attributes, areas and centroids; no geometry);
- CRSs (`EXPORT_CRS`): "wgs84" EPSG:4326, "cgcs2000" EPSG:4490, "cgcs2000-gk-114" EPSG:4547 (metres)
  and "gcj02", the offset system of Gaode/AMap. GCJ-02 is not an EPSG CRS: coordinates are shifted
  with `geo.chinese_offsets.from_wgs84` and written with EPSG:4326 metadata, so every GCJ-02 file
  says so itself: "gcj02" in its file name, a `coord_system` column "GCJ-02 (Gaode/AMap) — not
  WGS84" on every row, and (GeoJSON) no `crs` member at all plus a top-level `coord_system` member.

Every export adds geodesic measures computed on the WGS84 ellipsoid before any reprojection
(`geo.measure`): `area_m2`, `area_ha`, `area_mu` (亩) when the layer has polygons, `length_m` when it
has lines (null on rows of another kind), and `area_method` = "geodesic, WGS84 ellipsoid". A
`label` ("illustrative ..." / "schematic ...", see `label_for`) is written on every row and into the
file name. List values become "；"-joined text except in GeoJSON; dicts JSON text; datetimes ISO text.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from geo import chinese_offsets
from geo._errors import CRSError, InputError
from geo._tabular import fit_sheet_columns, plain_columns, safe_filename, shapefile_field_names
from geo.csv_safe import safe_csv
from geo.crs import PLANAR, WGS84, project, require_wgs84
from geo.measure import convert_area, geodesic_area_m2, geodesic_length_m


@dataclass(frozen=True)
class ExportFormat:
    """A file format we write: key, file extension, MIME type, title shown to users."""

    key: str
    extension: str
    mime: str
    title: str


@dataclass(frozen=True)
class ExportCRS:
    """A coordinate system we write: `epsg` is the CRS in the file's metadata; `offset` names a
    Chinese web-map offset ("gcj02") applied to the coordinates on top of it, or None."""

    key: str
    epsg: int
    title: str
    offset: str | None = None


@dataclass(frozen=True)
class ExportedFile:
    """One exported file: its bytes, a suggested file name and its MIME type."""

    data: bytes
    filename: str
    mime: str


EXPORT_FORMATS: dict[str, ExportFormat] = {f.key: f for f in (
    ExportFormat("gpkg", "gpkg", "application/geopackage+sqlite3", "GeoPackage"),
    ExportFormat("geojson", "geojson", "application/geo+json", "GeoJSON"),
    ExportFormat("shp", "zip", "application/zip", "Shapefile (zip)"),
    ExportFormat("csv", "csv", "text/csv", "CSV (WKT geometry)"),
    ExportFormat("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
)}

GCJ02_NOTE = "GCJ-02 (Gaode/AMap) — not WGS84"
EXPORT_CRS: dict[str, ExportCRS] = {c.key: c for c in (
    ExportCRS("wgs84", 4326, "WGS84 lon/lat (EPSG:4326)"),
    ExportCRS("cgcs2000", 4490, "CGCS2000 lon/lat (EPSG:4490)"),
    ExportCRS("cgcs2000-gk-114", 4547, "CGCS2000 / 3-degree Gauss-Kruger CM 114E, metres (EPSG:4547)"),
    ExportCRS("gcj02", 4326, f"{GCJ02_NOTE}: lon/lat shifted from WGS84, labelled EPSG:4326", offset="gcj02"),
)}

AREA_METHOD = "geodesic, WGS84 ellipsoid"
ILLUSTRATIVE_LABEL = "illustrative — not an official plan / 示意数据，非官方规划"
"""The same words as layers.landuse.ILLUSTRATIVE_LABEL (a test holds them equal)."""
SCHEMATIC_LABEL = "schematic geometry / 示意边界"

GPKG_VERSION = "1.3"
"""The GeoPackage version we write (GDAL dataset creation option VERSION): 1.3, as the workspace
is. GDAL 3.8+ writes 1.4 by default, which GDAL 3.6 (Debian bookworm, and QGIS builds on it) warns
it "may only be partially supported"; 1.3 reads in both without a warning."""

_POLYGONAL = ("Polygon", "MultiPolygon")
_LINEAR = ("LineString", "MultiLineString", "LinearRing")
_SHP_KINDS = {"Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line",
              "LinearRing": "line", "Polygon": "polygon", "MultiPolygon": "polygon"}


def label_for(gdf: pd.DataFrame) -> str | None:
    """The label a layer must carry when exported, derived from its own rows, or None.

    Any row with `geometry_quality` == "schematic" -> `SCHEMATIC_LABEL`; any row with a true
    `illustrative` column, or a `label` column that says "illustrative" (as `layers.landuse`
    parcels do) -> `ILLUSTRATIVE_LABEL`; both -> both, joined by " · ".

    >>> label_for(pd.DataFrame({"geometry_quality": ["surveyed", "schematic"]}))
    'schematic geometry / 示意边界'
    """
    labels = []
    if "illustrative" in gdf.columns and gdf["illustrative"].map(
            lambda v: v is True or str(v).strip().lower() in ("true", "1", "yes")).any():
        labels.append(ILLUSTRATIVE_LABEL)
    elif "label" in gdf.columns and gdf["label"].astype(str).str.contains("illustrative", case=False).any():
        labels.append(ILLUSTRATIVE_LABEL)
    if "geometry_quality" in gdf.columns and (gdf["geometry_quality"] == "schematic").any():
        labels.append(SCHEMATIC_LABEL)
    return " · ".join(labels) or None


def _label_slug(label: str) -> str:
    low = label.lower()
    parts = [word for word, zh in (("illustrative", "示意数据"), ("schematic", "示意边界"))
             if word in low or zh in label]
    return "-".join(parts) or "labelled"


def _measured(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """`gdf` plus geodesic area/length columns, computed on the WGS84 geometry."""
    geom = gdf.geometry
    types = geom.geom_type
    is_poly = types.isin(_POLYGONAL).to_numpy()
    is_line = types.isin(_LINEAR).to_numpy()
    out = gdf.copy()
    if is_poly.any():
        area = geodesic_area_m2(geom).where(is_poly)
        out["area_m2"] = area
        out["area_ha"] = convert_area(area, "ha")
        out["area_mu"] = convert_area(area, "mu")
    if is_line.any():
        out["length_m"] = geodesic_length_m(geom).where(is_line)
    if is_poly.any() or is_line.any():
        out["area_method"] = AREA_METHOD
    return out


def _prepared(gdf: gpd.GeoDataFrame, target: ExportCRS, label: str | None) -> gpd.GeoDataFrame:
    """Measured, labelled copy of `gdf` with its geometry in `target` (offset applied for gcj02)."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputError(f"export needs a GeoDataFrame, got {type(gdf).__name__}")
    require_wgs84(gdf, "the layer's geometries")
    work = gdf.set_crs(WGS84, allow_override=True)  # CGCS2000 input is treated as WGS84 (DESIGN.md §2)
    work = _measured(work)
    if label:
        work["label"] = label
    geom_col = work.geometry.name
    if target.offset:
        work["coord_system"] = GCJ02_NOTE
        new_geom = chinese_offsets.from_wgs84(work.geometry, target.offset)
    elif target.epsg == 4326:
        new_geom = work.geometry
    else:
        new_geom = project(work.geometry, target.epsg)
    # Keep the geometry column last, where readers put it.
    cols = [c for c in work.columns if c != geom_col]
    out = gpd.GeoDataFrame(work[cols], geometry=new_geom.rename(geom_col), crs=new_geom.crs)
    return out.set_crs(target.epsg, allow_override=True)


def _filename(layer_name: str, target: ExportCRS, fmt: ExportFormat, label: str | None,
              label_slug: str | None) -> str:
    slug = "" if not label else "-" + safe_filename(label_slug or _label_slug(label), "labelled")
    return f"{safe_filename(layer_name)}-{target.key}{slug}.{fmt.extension}"


def _about(layer_name: str, target: ExportCRS, label: str | None, n: int,
           extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """What a reader of the file needs to know, for GeoPackage metadata, README.txt, XLSX and
    GeoJSON members: layer, features, CRS, how areas were measured, label, date, and `extra`."""
    about = {"layer": layer_name, "features": str(n), "crs": target.title,
             "areas": f"area_m2/area_ha/area_mu (亩 = 10000/15 m²) and length_m: {AREA_METHOD}, "
                      "computed before reprojection",
             "label": label or "", "exported": dt.date.today().isoformat()}
    if target.offset:
        about["coord_system"] = GCJ02_NOTE
    about.update({k: v for k, v in (extra or {}).items() if k not in about})
    return about


def _write_ogr(frame: gpd.GeoDataFrame, path: str, driver: str, **kwargs) -> None:
    pyogrio.write_dataframe(frame, path, driver=driver, **kwargs)


def _gpkg(frame: gpd.GeoDataFrame, layer_name: str, about: dict[str, str]) -> bytes:
    """GeoPackage `GPKG_VERSION` bytes of `frame` (in its own CRS), `about` as layer metadata."""
    frame = plain_columns(frame, frame.geometry.name, keep_lists=False)
    with tempfile.TemporaryDirectory(prefix="parkatlas-export-") as tmp:
        path = os.path.join(tmp, "export.gpkg")
        _write_ogr(frame, path, "GPKG", layer=layer_name, layer_metadata=about,
                   dataset_options={"VERSION": GPKG_VERSION})
        with open(path, "rb") as fh:
            return fh.read()


def _geojson(frame: gpd.GeoDataFrame, target: ExportCRS, about: dict[str, str]) -> bytes:
    frame = plain_columns(frame, frame.geometry.name, keep_lists=True)
    # Not GeoJSON's own members (type, features, bbox, and crs, which RFC 7946 removed), nor the date.
    members = {k: v for k, v in about.items() if k not in ("type", "features", "bbox", "crs", "exported") and v}
    if target.epsg == 4326:
        # RFC 7946: lon/lat WGS84, no `crs` member (none is allowed). For gcj02 the coordinates are
        # offset, and the top-level foreign member `coord_system` says so instead of any crs claim.
        options = {"RFC7946": "YES", "WRITE_NAME": "NO"}
    else:
        # EPSG:4490/4547 are not RFC 7946: GDAL writes the 2008 GeoJSON `crs` member
        # ("urn:ogc:def:crs:EPSG::4547"), with x/y (lon/lat, easting/northing) order.
        options = {"RFC7946": "NO", "WRITE_NAME": "NO"}
    options["FOREIGN_MEMBERS_COLLECTION"] = json.dumps(members, ensure_ascii=False)
    with tempfile.TemporaryDirectory(prefix="parkatlas-export-") as tmp:
        path = os.path.join(tmp, "export.geojson")
        _write_ogr(frame, path, "GeoJSON", layer_options=options)
        with open(path, "rb") as fh:
            return fh.read()


def _shp(frame: gpd.GeoDataFrame, name: str, about: dict[str, str]) -> bytes:
    frame = plain_columns(frame, frame.geometry.name, keep_lists=False)
    geom_col = frame.geometry.name
    names = shapefile_field_names([c for c in frame.columns if c != geom_col])
    frame = frame.rename(columns=names)
    kinds = frame.geometry.geom_type.map(_SHP_KINDS)  # None/empty geometries -> NaN
    odd = kinds.isna() & frame.geometry.notna() & ~frame.geometry.is_empty
    if odd.any():
        first = frame.index[odd.to_numpy()][0]
        raise InputError(f"a shapefile cannot hold {frame.geometry[first].geom_type} geometries (row {first!r}, "
                         f"{int(odd.sum())} in all): export as GeoPackage or GeoJSON, or explode them first")
    present = [k for k in ("polygon", "line", "point") if (kinds == k).any()]
    groups: dict[str, np.ndarray] = {}
    if len(present) <= 1:
        groups[name] = np.ones(len(frame), dtype=bool)
    else:
        for i, kind in enumerate(present):
            # Rows without geometry go with the first kind (a null shape is valid in any shapefile).
            groups[f"{name}_{kind}"] = ((kinds == kind) | (kinds.isna() if i == 0 else False)).to_numpy()
    readme = ["Shapefile export from ParkAtlas (园区图谱)", ""]
    readme += [f"{k}: {v}" for k, v in about.items()]
    readme += ["", "Files (a shapefile holds one geometry type, so mixed layers get one per type;",
               "rows without geometry are in the first file):"]
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="parkatlas-export-") as tmp, \
            zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for stem, mask in groups.items():
            _write_ogr(frame[mask], os.path.join(tmp, stem + ".shp"), "ESRI Shapefile", encoding="UTF-8")
            readme.append(f"  {stem}.shp: {int(mask.sum())} features")
            for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                path = os.path.join(tmp, stem + ext)
                if ext == ".cpg":
                    with open(path, "w", encoding="ascii") as fh:  # GDAL writes it; make sure it says so
                        fh.write("UTF-8")
                zf.write(path, stem + ext)
        renamed = {k: v for k, v in names.items() if k != v}
        readme += ["", "Text is UTF-8 (see .cpg); text longer than 254 bytes is cut by the format.",
                   "Field names are at most 10 bytes; renamed fields (also in fields.csv):"]
        readme += [f"  {v} <- {k}" for k, v in renamed.items()] or ["  (none)"]
        zf.writestr("README.txt", "\n".join(readme) + "\n")
        fields = pd.DataFrame({"field": list(names.values()), "column": list(names.keys())})
        zf.writestr("fields.csv", safe_csv(fields))
    return buf.getvalue()


def _table(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """Attributes without geometry, lists and dicts as text."""
    geom_col = frame.geometry.name
    return plain_columns(pd.DataFrame(frame.drop(columns=geom_col)), geom_col, keep_lists=False)


def _csv(frame: gpd.GeoDataFrame, target: ExportCRS) -> bytes:
    table = _table(frame)
    wkt = shapely.to_wkt(np.asarray(frame.geometry.array), rounding_precision=-1)
    table["wkt"] = ["" if w is None else w for w in wkt]
    table["wkt_crs"] = GCJ02_NOTE if target.offset else f"EPSG:{target.epsg}"
    return safe_csv(table)  # UTF-8 with BOM, formula-like cells neutralised


def _centroids(wgs84: gpd.GeoSeries, target: ExportCRS) -> tuple[str, str, np.ndarray, np.ndarray]:
    """Centroid of each geometry (taken in EPSG:4547 metres), written in `target`."""
    cen = project(project(wgs84, PLANAR).centroid, WGS84)
    if target.offset:
        cen = chinese_offsets.from_wgs84(cen, target.offset)
    elif target.epsg != 4326:
        cen = project(cen, target.epsg)
    xs = np.array([np.nan if g is None or g.is_empty else g.x for g in cen])
    ys = np.array([np.nan if g is None or g.is_empty else g.y for g in cen])
    if CRS.from_epsg(target.epsg).is_geographic:
        return "centroid_lon", "centroid_lat", xs, ys
    return "centroid_x_m", "centroid_y_m", xs, ys


def _xlsx(frame: gpd.GeoDataFrame, wgs84: gpd.GeoSeries, target: ExportCRS, about: dict[str, str]) -> bytes:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    table = _table(frame)
    xname, yname, xs, ys = _centroids(wgs84, target)
    table[xname], table[yname] = xs, ys
    for col in table.columns:
        if table[col].dtype == object or pd.api.types.is_string_dtype(table[col].dtype):
            table[col] = table[col].map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
    about = dict(about, geometry=f"not included; {xname}/{yname}: centroid of each feature in the CRS above")
    about_df = pd.DataFrame({"item": list(about), "value": list(about.values())})
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="data", index=False)
        about_df.to_excel(writer, sheet_name="about", index=False)
        for sheet in writer.book.worksheets:  # widths to fit; text starting with "=" is data, never a formula
            fit_sheet_columns(sheet)
    return buf.getvalue()


def export_layer(gdf: gpd.GeoDataFrame, fmt: str, crs: str = "wgs84", *, layer_name: str = "layer",
                 label: str | None = None, label_slug: str | None = None,
                 about: Mapping[str, str] | None = None) -> ExportedFile:
    """Write a layer (EPSG:4326) as one file in format `fmt` and coordinate system `crs`.

    gdf: the layer in EPSG:4326 (EPSG:4490 is accepted as equal); raises `CRSError` otherwise. Never
        mutated. Null geometries are kept (GeoJSON/GeoPackage/Shapefile null, CSV empty WKT).
    fmt: a key of `EXPORT_FORMATS`. GeoJSON is RFC 7946 for "wgs84"/"gcj02" (7 decimals, ~1 cm); for "cgcs2000" and
        "cgcs2000-gk-114" it is written in that CRS with the GeoJSON 2008 `crs` member. "shp" is a zip
        with .shp/.shx/.dbf/.prj (ESRI WKT)/.cpg ("UTF-8") per geometry type, README.txt and
        fields.csv (field names cut to 10 bytes). "csv" is UTF-8 with BOM with `wkt` (full precision,
        in the chosen CRS) and `wkt_crs` columns. "xlsx" has a "data" sheet (attributes, measures,
        centroid lon/lat or x/y in the chosen CRS, no WKT: Excel cells hold 32767 characters) and an
        "about" sheet (layer, crs, areas, label, exported date).
    crs: a key of `EXPORT_CRS`; "gcj02" shifts coordinates and labels them (see the module docstring).
    layer_name: GeoPackage layer name, file name stem (made file-name safe).
    label: e.g. `label_for(gdf)`; when given, a `label` column on every row, `-illustrative` /
        `-schematic` (or `label_slug`) in the file name, and in the metadata/README/about sheet.
    about: more to say about the layer's columns ({item: text}), beside the layer, CRS, areas and
        label: in the GeoPackage metadata, README.txt, the "about" sheet and GeoJSON members.
    Returns ExportedFile(data, filename, mime); filename is "<layer>-<crs key>[-<slug>].<ext>".
    """
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r}; expected one of {sorted(EXPORT_FORMATS)}")
    if crs not in EXPORT_CRS:
        raise CRSError(f"unknown export CRS {crs!r}; expected one of {sorted(EXPORT_CRS)}")
    form, target = EXPORT_FORMATS[fmt], EXPORT_CRS[crs]
    frame = _prepared(gdf, target, label)
    said = _about(layer_name, target, label, len(frame), about)
    if fmt == "gpkg":
        data = _gpkg(frame, layer_name, said)
    elif fmt == "geojson":
        data = _geojson(frame, target, said)
    elif fmt == "shp":
        data = _shp(frame, safe_filename(layer_name), said)
    elif fmt == "csv":
        data = _csv(frame, target)
    else:
        data = _xlsx(frame, gdf.geometry.set_crs(WGS84, allow_override=True), target, said)
    return ExportedFile(data, _filename(layer_name, target, form, label, label_slug), form.mime)


__all__ = ["EXPORT_CRS", "EXPORT_FORMATS", "ExportCRS", "ExportFormat", "ExportedFile", "ILLUSTRATIVE_LABEL",
           "SCHEMATIC_LABEL", "export_layer", "label_for"]
