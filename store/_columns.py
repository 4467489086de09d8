"""Attribute columns of a layer: what kind each is, which SQL column holds it, and the conversion
of a feature's attributes to and from plain JSON values.

A user's file may have any column names (Chinese, spaces, `Name` beside `name`, `fid`); the SQL
column gets a safe name of its own and the original name is kept in `ws_layers.columns`, so a
layer reads back with exactly the names it was saved with.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from store._tables import FEATURE_TABLE_COLUMNS, jsonable

KINDS = ("str", "float", "int", "bool", "json", "date")


def kind_of(values: pd.Series) -> str:
    """The attribute kind that holds every value of `values` (a column of a frame).

    >>> kind_of(pd.Series([1, 2])), kind_of(pd.Series([1.5, None])), kind_of(pd.Series([["a"], None]))
    ('int', 'float', 'json')
    >>> kind_of(pd.Series(["a", None])), kind_of(pd.Series([True, False]))
    ('str', 'bool')
    """
    if pd.api.types.is_bool_dtype(values):
        return "bool"
    if pd.api.types.is_integer_dtype(values):
        return "int"
    if pd.api.types.is_float_dtype(values):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date"
    present = [v for v in values.tolist() if not is_missing(v)]
    if not present:
        return "str"
    if all(isinstance(v, bool) for v in present):
        return "bool"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "int"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return "float"
    if any(isinstance(v, (list, tuple, dict)) or hasattr(v, "tolist") for v in present):
        return "json"
    return "str"


def kind_of_value(value: Any) -> str:
    """The kind of one value (for an attribute a save adds to a layer)."""
    return kind_of(pd.Series([value], dtype=object))


def is_missing(v: Any) -> bool:
    """True for None, NaN and pandas' missing values (never for a list, tuple or dict)."""
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    try:
        return bool(pd.isna(v)) if not isinstance(v, (list, tuple, dict)) and not hasattr(v, "tolist") else False
    except (TypeError, ValueError):
        return False


def sql_name(wanted: str, taken: set[str]) -> str:
    """A SQL column name for the attribute `wanted`: the name itself when it is safe and free
    (compared case-insensitively, as SQLite does), else a cleaned or numbered one.

    >>> sql_name("名称", set()), sql_name("Name", {"name"}), sql_name("fid", set()), sql_name("a b", set())
    ('名称', 'Name_2', 'fid_2', 'a_b')
    """
    base = re.sub(r"[^\w]", "_", str(wanted), flags=re.UNICODE).strip("_")[:60] or "attr"
    if base[0].isdigit():
        base = f"c_{base}"
    lowered = {t.lower() for t in taken} | set(FEATURE_TABLE_COLUMNS)
    name, n = base, 1
    while name.lower() in lowered:
        n += 1
        name = f"{base}_{n}"
    return name


def columns_for(frame: pd.DataFrame, skip: tuple[str, ...] = ("id",)) -> list[dict]:
    """Column specs ({"name", "column", "kind"}) for every attribute of `frame` but the geometry
    and `skip`, in the frame's order."""
    geometry_name = getattr(frame, "_geometry_column_name", None)
    out: list[dict] = []
    taken: set[str] = set()
    for name in frame.columns:
        if name == geometry_name or name in skip:
            continue
        column = sql_name(str(name), taken)
        taken.add(column)
        out.append({"name": str(name), "column": column, "kind": kind_of(frame[name])})
    return out


def to_sql_value(value: Any, kind: str) -> Any:
    """One attribute value as the SQL column of `kind` stores it (missing -> None)."""
    if kind == "json":
        return None if value is None else jsonable(value)
    if is_missing(value):
        return None
    value = jsonable(value)
    if kind == "float":
        return float(value)
    if kind == "int":
        return int(value)
    if kind == "bool":
        return bool(value)
    return str(value)


def attributes_of(row: dict, columns: list[dict]) -> dict:
    """A feature's attributes by original name, as plain JSON values (what a version stores)."""
    return {c["name"]: to_sql_value(row.get(c["name"]), c["kind"]) for c in columns}
