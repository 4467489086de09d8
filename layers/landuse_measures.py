"""Floor area and building footprint of land-use parcels, mapped at import.

A land-use file may carry, per parcel, its total floor area (建筑面积, m²) and its building
footprint (建筑基底面积, m²) under any column name. At import the officer says which columns hold
them (`suggest_column` only proposes one from common names; the officer confirms it); `map_measures`
then renames them to the canonical columns the inspection reads (`FLOOR_AREA` = ``floor_area_m2``,
`FOOTPRINT` = ``footprint_m2``, see `layers.inspection.indicators`), as numbers in m², and
`mapping_notes` records the file's own column names for the layer's notes.

Values: numbers ≥ 0, in m² (thousands separators such as ``12,345.6`` are read); an empty cell is
"no value" (NaN: that parcel carries no floor area). Anything else (text, a negative or infinite
number) is refused with one line per feature naming the file, the feature (1-based position in
the file) and the column: a `LayerValidationError`, never a crash.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from layers._errors import LayerValidationError

FLOOR_AREA = "floor_area_m2"
"""Canonical column of a parcel's total floor area (建筑面积), m²."""
FOOTPRINT = "footprint_m2"
"""Canonical column of a parcel's building footprint (建筑基底面积), m²."""

FLOOR_AREA_HINTS: tuple[str, ...] = (
    FLOOR_AREA, "floor_area", "floorarea", "gfa", "gross_floor_area", "建筑面积", "总建筑面积", "计容建筑面积",
    "jzmj", "zjzmj",
)
"""Column names (case-insensitive, exact) suggested as the floor area, most specific first."""
FOOTPRINT_HINTS: tuple[str, ...] = (
    FOOTPRINT, "footprint", "building_footprint", "footprint_area", "基底面积", "建筑基底面积", "建筑占地面积",
    "jdmj", "jzjdmj",
)
"""Column names (case-insensitive, exact) suggested as the building footprint, most specific first."""

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_SHOWN = 40
"""Longest text of a refused value quoted in a problem line (characters)."""


def suggest_column(columns: Iterable[object], hints: Sequence[str]) -> str | None:
    """The first of `columns` whose name equals a hint (case- and space-insensitive), hints in
    order; None when none does. A suggestion only: the officer confirms it.

    >>> suggest_column(["id", "DLDM", "JZMJ"], FLOOR_AREA_HINTS), suggest_column(["建筑基底面积"], FOOTPRINT_HINTS)
    ('JZMJ', '建筑基底面积')
    >>> suggest_column(["area"], FLOOR_AREA_HINTS) is None
    True
    """
    by_name = {str(c).strip().lower(): str(c) for c in columns if c is not None}
    for hint in hints:
        if hint.lower() in by_name:
            return by_name[hint.lower()]
    return None


def _number(value: object) -> float | None:
    """`value` as a float (NaN for an empty cell), or None when it is not a number."""
    if value is None or value is pd.NA or value is pd.NaT:
        return math.nan
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    text = str(value).strip().replace("\u3000", "")
    if text == "" or text.lower() in ("nan", "null", "none"):
        return math.nan
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def parse_m2(values: pd.Series, column: str, origin: str, what: str) -> tuple[pd.Series, list[str]]:
    """`values` as float m² (NaN where empty) and the problems: one line per value that is not a
    number ≥ 0 (``{origin}: feature #{n}: field {column!r} ({what}, m²): {value!r} is ...``)."""
    out = np.full(len(values), np.nan)
    problems = []
    for i, value in enumerate(values.to_numpy(dtype=object)):
        number = _number(value)
        where = f"{origin}: feature #{i + 1}: field {column!r} ({what}, m²)"
        shown = repr(value) if len(repr(value)) <= _SHOWN else repr(value)[:_SHOWN] + "…"
        if number is None:
            problems.append(f"{where}: {shown} is not a number")
        elif math.isinf(number):
            problems.append(f"{where}: {shown} is not a finite number")
        elif number < 0:
            problems.append(f"{where}: {shown} is negative (an area is ≥ 0)")
        else:
            out[i] = number
    return pd.Series(out, index=values.index, dtype=float), problems


def map_measures(gdf: gpd.GeoDataFrame, floor_area: str | None, footprint: str | None,
                 origin: str) -> gpd.GeoDataFrame:
    """`gdf` with the chosen floor-area and footprint columns renamed to `FLOOR_AREA` and
    `FOOTPRINT`, as float m² (a new frame; None: not mapped, and a canonical column the file
    already has is left as it is).

    A file column that already bears a canonical name but is not the one chosen is kept as
    ``<name> (file)``, so nothing of the file is lost. Raises LayerValidationError listing every
    refused value (feature and column named), or when one column is chosen for both.
    """
    chosen = {FLOOR_AREA: (floor_area, "floor area"), FOOTPRINT: (footprint, "building footprint")}
    problems = []
    for canonical, (column, _what) in chosen.items():
        if column is not None and column not in gdf.columns:
            problems.append(f"{origin}: column {column!r} is not in the file (it has {', '.join(map(str, gdf.columns))})")
    if floor_area is not None and floor_area == footprint:
        problems.append(f"{origin}: column {floor_area!r} cannot be both the floor area and the building footprint")
    if problems:
        raise LayerValidationError(problems)
    out = gdf.copy()
    parsed = {}
    for canonical, (column, what) in chosen.items():
        if column is not None:
            parsed[canonical], found = parse_m2(out[column], column, origin, what)
            problems += found
    if problems:
        raise LayerValidationError(problems)
    renames = {}
    for canonical, (column, _what) in chosen.items():
        if column is not None and canonical in out.columns and column != canonical:
            renames[canonical] = f"{canonical} (file)"
    out = out.rename(columns=renames)
    drop = [column for canonical, (column, _w) in chosen.items() if column is not None and column != canonical]
    out = out.drop(columns=drop)
    for canonical, values in parsed.items():
        out[canonical] = values
    geometry = out.geometry.name
    return out[[c for c in out.columns if c != geometry] + [geometry]]


def mapping_notes(floor_area: str | None, footprint: str | None, lang: str = "en") -> list[str]:
    """The layer's notes recording the file's own column names of what was mapped.

    >>> mapping_notes("建筑面积", None)
    ["floor area (m²): the file's column '建筑面积', kept as floor_area_m2"]
    """
    notes = []
    for column, canonical, en, zh in ((floor_area, FLOOR_AREA, "floor area", "建筑面积"),
                                      (footprint, FOOTPRINT, "building footprint", "建筑基底面积")):
        if column is not None:
            notes.append(f"{zh}（m²）：文件字段 '{column}'，保存为 {canonical}" if lang == "zh"
                         else f"{en} (m²): the file's column '{column}', kept as {canonical}")
    return notes
