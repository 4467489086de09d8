"""Bytes for table downloads: CSV (UTF-8 with BOM, for spreadsheet programs) and XLSX."""

from __future__ import annotations

import io

import pandas as pd


def table_csv(table: pd.DataFrame) -> bytes:
    """CSV bytes of `table` (index first), UTF-8 with a BOM so spreadsheet programs read Chinese."""
    return table.to_csv(index=True).encode("utf-8-sig")


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""A CSV cell starting with one of these is a formula to a spreadsheet (OWASP's CSV injection)."""


def neutralised(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, made inert with a leading "'".

    >>> neutralised("=SUM(A1)"), neutralised("ok"), neutralised(-3)
    ("'=SUM(A1)", 'ok', -3)
    """
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) else value


def audit_csv(log: pd.DataFrame) -> bytes:
    """The audit log as CSV (UTF-8 with BOM, times in UTC ISO 8601); every text cell a user typed
    (reasons, evidence, names) neutralised against spreadsheet formulas."""
    out = log.copy()
    out["time"] = [v.strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z" if v is not None else "" for v in out["time"]]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralised)
    return out.to_csv(index=False).encode("utf-8-sig")


def table_xlsx(table: pd.DataFrame, sheet: str = "ParkAtlas", note: str | None = None) -> bytes:
    """XLSX bytes of `table` (index first); `note` (e.g. the data's provenance) goes on a second sheet."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet[:31], index=True)
        if note:
            pd.DataFrame({"note": [note]}).to_excel(writer, sheet_name="about", index=False)
    return buf.getvalue()
