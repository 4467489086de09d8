"""Helpers of `geo.export` (and the app's table downloads): attribute values made writable,
shapefile field names, and XLSX sheets sized to their text (`fit_sheet_columns`, which changes
the openpyxl sheet it is given).

Nothing here knows about CRSs or geometry; the pandas helpers return new objects (their inputs are
never mutated).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import unicodedata

import numpy as np
import pandas as pd

LIST_SEPARATOR = "；"
"""What joins the items of a list value (e.g. `industries`) in formats that cannot hold lists."""


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _plain(value: object, keep_lists: bool) -> object:
    """One attribute value as something every writer accepts (see `plain_columns`)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        items = [_plain(v, keep_lists=True) for v in value]
        if keep_lists:
            return items
        return LIST_SEPARATOR.join("" if _is_missing(v) else str(v) for v in items)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date, dt.time)):
        return None if value is pd.NaT else value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def plain_columns(frame: pd.DataFrame, skip: str, keep_lists: bool) -> pd.DataFrame:
    """A copy of `frame` whose columns (except `skip`, the geometry) writers can hold.

    - datetime columns and date/datetime values become ISO 8601 text (NaT -> null);
    - lists, tuples and arrays become "；"-joined text, or stay lists when `keep_lists` (GeoJSON);
    - dicts become JSON text (UTF-8, not escaped).
    Other columns are left as they are.
    """
    out = frame.copy()
    for col in out.columns:
        if col == skip:
            continue
        series = out[col]
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            out[col] = pd.Series([None if pd.isna(v) else v.isoformat() for v in series], index=series.index,
                                 dtype=object)
        elif series.dtype == object:
            out[col] = pd.Series([_plain(v, keep_lists) for v in series], index=series.index, dtype=object)
    return out


_FIELD_BYTES = 10


def _truncate_bytes(name: str, limit: int) -> str:
    """`name` cut to at most `limit` UTF-8 bytes, never in the middle of a character."""
    out = ""
    for ch in name:
        if len((out + ch).encode("utf-8")) > limit:
            break
        out += ch
    return out


def shapefile_field_names(columns: list[str]) -> dict[str, str]:
    """Map each column name to a dBASE field name of at most 10 UTF-8 bytes, deterministically.

    Names that fit are kept. Longer ones are cut to 10 bytes; when that collides (case-insensitively,
    as dBASE compares) with a name already given, the stem is cut shorter and "_1", "_2", ... added.

    >>> shapefile_field_names(["name_zh", "geometry_quality", "geometry_quantity"])
    {'name_zh': 'name_zh', 'geometry_quality': 'geometry_q', 'geometry_quantity': 'geometry_1'}
    """
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    # Names that already fit are claimed first, so a short name is never renamed because of a long one.
    for col in columns:
        if len(col.encode("utf-8")) <= _FIELD_BYTES and col.lower() not in taken:
            mapping[col] = col
            taken.add(col.lower())
    for col in columns:
        if col in mapping:
            continue
        candidate = _truncate_bytes(col, _FIELD_BYTES) or "field"
        n = 0
        while candidate.lower() in taken:
            n += 1
            suffix = f"_{n}"
            candidate = _truncate_bytes(col, _FIELD_BYTES - len(suffix)) + suffix
        mapping[col] = candidate
        taken.add(candidate.lower())
    return {col: mapping[col] for col in columns}


_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')


def safe_filename(name: str, fallback: str = "layer") -> str:
    """`name` usable as a file name on Windows, macOS and Linux (Chinese kept; separators and
    reserved characters become "_"); `fallback` when nothing is left.

    >>> safe_filename("园区 / parks: 2025")
    '园区_parks_2025'
    """
    cleaned = _UNSAFE_FILENAME.sub("_", name).strip("._")
    cleaned = re.sub(r"_+", "_", cleaned)
    return cleaned[:80] or fallback


def _display_width(value: object) -> int:
    """Columns a cell's text needs (a CJK character takes two), its longest line."""
    lines = str(value if value is not None else "").splitlines() or [""]
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines)


def fit_sheet_columns(sheet, max_width: int = 60) -> None:
    """An openpyxl worksheet made readable and safe: column widths from the longest text (capped at
    `max_width` characters; longer text wraps), the header row and first column frozen, and text
    starting with "=" kept as text, never run as a formula."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for idx, column in enumerate(sheet.iter_cols(), start=1):
        widest = 0
        for cell in column:
            if cell.data_type == "f":
                cell.data_type = "s"
            width = _display_width(cell.value)
            widest = max(widest, width)
            if width > max_width or "\n" in str(cell.value or ""):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(idx)].width = min(max(widest, 6), max_width) + 2
    sheet.freeze_panes = "B2"
