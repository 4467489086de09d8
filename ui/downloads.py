"""Bytes for table downloads: CSV (UTF-8 with BOM, for spreadsheet programs) and XLSX."""

from __future__ import annotations

import io

import pandas as pd


def table_csv(table: pd.DataFrame) -> bytes:
    """CSV bytes of `table` (index first), UTF-8 with a BOM so spreadsheet programs read Chinese."""
    return table.to_csv(index=True).encode("utf-8-sig")


def table_xlsx(table: pd.DataFrame, sheet: str = "ParkAtlas", note: str | None = None) -> bytes:
    """XLSX bytes of `table` (index first); `note` (e.g. the data's provenance) goes on a second sheet."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet[:31], index=True)
        if note:
            pd.DataFrame({"note": [note]}).to_excel(writer, sheet_name="about", index=False)
    return buf.getvalue()
