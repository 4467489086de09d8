"""Bytes for table downloads: CSV (UTF-8 with BOM, for spreadsheet programs) and XLSX."""

from __future__ import annotations

import io
import unicodedata

import pandas as pd

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


def _display_width(value: object) -> int:
    """Columns a cell's text needs (a CJK character takes two), its longest line."""
    lines = str(value if value is not None else "").splitlines() or [""]
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines)


def _fit_columns(sheet, max_width: int = 60) -> None:
    """Column widths from the longest text (capped; longer text wraps), header row frozen, and
    text starting with "=" kept as text, never run as a formula."""
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
            _fit_columns(ws)
    return buf.getvalue()
