"""Bytes for table downloads: CSV (UTF-8 with BOM, for spreadsheet programs) and XLSX."""

from __future__ import annotations

import io

import pandas as pd

from geo.csv_safe import safe_csv


def table_csv(table: pd.DataFrame) -> bytes:
    """CSV bytes of `table` (index first), UTF-8 with a BOM so spreadsheet programs read Chinese,
    formula-like text cells neutralised (`geo.csv_safe`)."""
    return safe_csv(table, index=True)


def audit_csv(log: pd.DataFrame) -> bytes:
    """The audit log as CSV (UTF-8 with BOM, times in UTC ISO 8601); every text cell a user typed
    (reasons, evidence, names) neutralised against spreadsheet formulas."""
    out = log.copy()
    out["time"] = [v.strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z" if v is not None else "" for v in out["time"]]
    return safe_csv(out)


def table_xlsx(table: pd.DataFrame, sheet: str = "ParkAtlas", note: str | None = None) -> bytes:
    """XLSX bytes of `table` (index first); `note` (e.g. the data's provenance) goes on a second sheet."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet[:31], index=True)
        if note:
            pd.DataFrame({"note": [note]}).to_excel(writer, sheet_name="about", index=False)
    return buf.getvalue()
