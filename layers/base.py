"""What every layer has: a schema of typed, constrained columns, loading and validation.

A layer is a GeoDataFrame in EPSG:4326 whose columns follow a `LayerSchema`. Bundled layers are
GeoJSON files (text, reviewable in diffs); `read_geojson` reads them keeping JSON lists as Python
lists, and `validate` checks every feature and reports every problem at once, each naming the
file, the feature id and the field.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import pandas as pd

from geo.validate import invalid_reasons, out_of_lonlat_range
from layers._errors import LayerValidationError

ColumnKind = Literal["str", "float", "int", "str_list", "date", "json"]
"""`json`: a list or mapping of plain JSON values (a story's slides), checked by the layer's own checks."""

GEOMETRY_QUALITIES = ("surveyed", "digitised", "reference", "schematic", "approximate-location")
"""How a geometry was made: surveyed data (an official boundary file: 红线, 控规 parcels), digitised
by an officer on the map, third-party reference data, drawn from a description (schematic), or a
point at a roughly known place (approximate-location)."""

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
AS_OF_PATTERN = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


@dataclass(frozen=True)
class Column:
    """One attribute column: its type, whether it may be null, and what values it allows."""

    name: str
    kind: ColumnKind = "str"
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    optional: bool = False
    """May be absent from a file (added as null): a column later releases added to a layer."""


SHARED_COLUMNS: tuple[Column, ...] = (
    Column("id"),
    Column("name_zh"),
    Column("name_en"),
    Column("source"),
    Column("geometry_quality", allowed=GEOMETRY_QUALITIES),
    Column("as_of", kind="date"),
)
"""Columns every feature of every layer has (DESIGN.md §3)."""


@dataclass(frozen=True)
class LayerSchema:
    """The declared shape of a layer: its columns, allowed geometry types and cross-field checks."""

    layer_id: str
    columns: tuple[Column, ...]
    geometry_types: frozenset[str]
    geometry_nullable: bool = False
    checks: tuple[Callable[[gpd.GeoDataFrame], list[tuple[str, str, str]]], ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def read_geojson(path: Path) -> gpd.GeoDataFrame:
    """Read a GeoJSON FeatureCollection as a GeoDataFrame in EPSG:4326, lists kept as lists.

    Raises LayerValidationError naming the file when it is not a readable FeatureCollection.
    """
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LayerValidationError([f"{path}: cannot be read as UTF-8 JSON: {exc}"]) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise LayerValidationError([f"{path}: not a GeoJSON FeatureCollection"])
    features = doc.get("features") or []
    try:
        gdf = gpd.GeoDataFrame.from_features(features, crs=4326)
    except Exception as exc:  # shapely/geopandas raise many types for malformed geometry
        raise LayerValidationError([f"{path}: malformed feature geometry: {exc}"]) from None
    return gdf


def _value_problem(col: Column, value: Any) -> str | None:
    """Why `value` does not fit `col`, or None."""
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    if missing:
        return None if col.nullable else "is missing"
    if col.kind == "str":
        if not isinstance(value, str) or not value.strip():
            return f"{value!r} is not a non-empty string"
        if col.allowed is not None and value not in col.allowed:
            return f"{value!r} is not one of {', '.join(col.allowed)}"
    elif col.kind in ("float", "int"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return f"{value!r} is not a finite number"
        if col.kind == "int" and float(value) != int(value):
            return f"{value!r} is not a whole number"
        if col.minimum is not None and value < col.minimum:
            return f"{value!r} is below the minimum {col.minimum}"
    elif col.kind == "str_list":
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            return f"{value!r} is not a list of non-empty strings"
    elif col.kind == "json":
        if not isinstance(value, (list, dict)):
            return f"{value!r} is not a list or mapping"
    elif col.kind == "date":
        if not isinstance(value, str) or not AS_OF_PATTERN.match(value):
            return f"{value!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"
        parts = [int(p) for p in value.split("-")] + [1, 1]
        try:
            date(parts[0], parts[1], parts[2])
        except ValueError:
            return f"{value!r} is not a real date"
    return None


def validate(gdf: gpd.GeoDataFrame, schema: LayerSchema, origin: str) -> gpd.GeoDataFrame:
    """Check `gdf` against `schema`; return it (columns in schema order) or raise.

    origin: the file name (or other label) that error messages name.
    Raises LayerValidationError listing every problem as "<origin>: feature '<id>': field '<f>': ...".
    """
    problems: list[str] = []
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        problems.append(f"{origin}: CRS is {gdf.crs}; bundled layers are EPSG:4326")
    absent_optional = [c.name for c in schema.columns if c.optional and c.name not in gdf.columns]
    if absent_optional:
        gdf = gdf.assign(**{name: None for name in absent_optional})
    missing_cols = [c.name for c in schema.columns if c.name not in gdf.columns]
    if missing_cols:
        problems.append(f"{origin}: missing column(s) {', '.join(missing_cols)}")
        raise LayerValidationError(problems)

    ids = gdf["id"].tolist()
    labels = [str(i) if isinstance(i, str) and i else f"#{n}" for n, i in enumerate(ids)]

    def say(label: str, fld: str, what: str) -> None:
        problems.append(f"{origin}: feature '{label}': field '{fld}': {what}")

    for col in schema.columns:
        for label, value in zip(labels, gdf[col.name].tolist()):
            why = _value_problem(col, value)
            if why:
                say(label, col.name, why)
    for label, value in zip(labels, ids):
        if isinstance(value, str) and not ID_PATTERN.match(value):
            say(label, "id", f"{value!r} is not a lowercase slug (a-z, 0-9, hyphens)")
    for dup in sorted(pd.Series(ids)[pd.Series(ids).duplicated()].dropna().unique()):
        say(str(dup), "id", "is used by more than one feature")

    reasons = invalid_reasons(gdf.geometry)
    far = out_of_lonlat_range(gdf.geometry)
    for label, geom, reason, bad_range in zip(labels, gdf.geometry, reasons, far):
        if geom is None and schema.geometry_nullable:
            continue
        if reason:
            say(label, "geometry", f"invalid: {reason}")
            continue
        if geom.geom_type not in schema.geometry_types:
            say(label, "geometry", f"{geom.geom_type} is not one of {', '.join(sorted(schema.geometry_types))}")
        if bad_range:
            say(label, "geometry", "coordinates outside lon/lat range; is it in another CRS?")

    for check in schema.checks:
        for label, fld, what in check(gdf):
            say(label, fld, what)
    if problems:
        raise LayerValidationError(problems)
    extra = [c for c in gdf.columns if c not in schema.column_names and c != "geometry"]
    return gdf[schema.column_names + extra + ["geometry"]]


class _OneFeature:
    """One feature standing in for a layer frame in the per-feature checks of a schema: `f[col]`
    and `f.geometry` are one-item lists (the checks zip columns), without building a frame."""

    def __init__(self, attributes: dict, geometry) -> None:
        self._attributes, self._geometry = attributes, geometry

    def __getitem__(self, column: str) -> list:
        return [self._attributes.get(column)]

    @property
    def geometry(self) -> list:
        return [self._geometry]


def validate_feature(schema: LayerSchema, attributes: dict, geometry, origin: str) -> None:
    """Check one feature (its attributes by column name, its shapely geometry or None) against
    the per-feature rules of `schema`: every column's type and allowed values, the id pattern,
    a valid geometry of an allowed type in lon/lat range, and the checks marked `per_feature`.
    Checks that need the whole layer (parents, unique ids) are the layer's `validate`.
    Raises LayerValidationError."""
    fid = str(attributes.get("id") or "#new")
    problems: list[str] = []

    def say(fld: str, what: str) -> None:
        problems.append(f"{origin}: feature '{fid}': field '{fld}': {what}")

    for col in schema.columns:
        why = _value_problem(col, attributes.get(col.name))
        if why:
            say(col.name, why)
    if not ID_PATTERN.match(fid):
        say("id", f"{fid!r} is not a lowercase slug")
    if geometry is None:
        if not schema.geometry_nullable:
            say("geometry", "is missing")
    else:
        reason = invalid_reasons(gpd.GeoSeries([geometry])).iloc[0]
        if reason:
            say("geometry", f"invalid: {reason}")
        elif geometry.geom_type not in schema.geometry_types:
            say("geometry", f"{geometry.geom_type} is not one of {', '.join(sorted(schema.geometry_types))}")
        minx, miny, maxx, maxy = geometry.bounds if not geometry.is_empty else (0, 0, 0, 0)
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            say("geometry", "coordinates outside lon/lat range")
    one = _OneFeature({**attributes, "id": fid}, geometry)
    for check in schema.checks:
        if getattr(check, "per_feature", False):
            problems += [f"{origin}: feature '{label_}': field '{fld}': {what}" for label_, fld, what in check(one)]
    if problems:
        raise LayerValidationError(problems)


def label(labels: dict[str, tuple[str, str]], key: str | None, lang: str) -> str:
    """The zh or en label of a coded value (the code itself when it has no label).

    >>> label({"park": ("园区", "Park")}, "park", "en"), label({}, "x", "zh")
    ('Park', 'x')
    """
    if key is None:
        return ""
    pair = labels.get(key)
    return (pair[0] if lang == "zh" else pair[1]) if pair else str(key)
