"""Bytes for table downloads: CSV (UTF-8 with BOM, for spreadsheet programs) and XLSX."""

from __future__ import annotations

import io

import pandas as pd

from geo._tabular import fit_sheet_columns
from geo.csv_safe import safe_csv
from ui.i18n import Lang, t


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


def table_xlsx(table: pd.DataFrame, sheet: str, lang: Lang, about: dict[str, str] | None = None) -> bytes:
    """XLSX bytes of `table` (index first) on a sheet named `sheet`; `about` (what the data is,
    how it was measured, its date) on a second sheet. Every sheet name and header in `lang`,
    columns as wide as their text (capped, long text wrapped), formulas never run."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet[:31], index=True)
        if about:
            frame = pd.DataFrame({t("xlsx_item", lang): list(about), t("xlsx_value", lang): list(about.values())})
            frame.to_excel(writer, sheet_name=t("xlsx_about", lang)[:31], index=False)
        for ws in writer.book.worksheets:
            fit_sheet_columns(ws)
    return buf.getvalue()
