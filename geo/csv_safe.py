"""CSV that a spreadsheet cannot turn into a formula (OWASP's CSV-injection rule).

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return, also after spaces (Excel
and LibreOffice skip them), is read as a formula by Excel, LibreOffice and Google Sheets
(`=HYPERLINK("http://…","click")` becomes a live link; worse runs commands through DDE). Every
CSV ParkAtlas writes goes through `safe_csv`, which prefixes such cells — values, column names and
index labels alike — with a single quote, as OWASP recommends. Numbers stay numbers (a negative
float is written as -3.5, not as text).
"""

from __future__ import annotations

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is a formula to a spreadsheet."""


def neutralised(value: object) -> object:
    r"""`value`, made inert with a leading "'" when it is text a spreadsheet would run as a formula,
    also when spaces (or other whitespace) come before the formula's first character.

    >>> neutralised("=SUM(A1)"), neutralised("ok"), neutralised(-3), neutralised("@cmd")
    ("'=SUM(A1)", 'ok', -3, "'@cmd")
    >>> neutralised("  =HYPERLINK(A1)"), neutralised("\u3000+1"), neutralised("\tok"), neutralised(" ok")
    ("'  =HYPERLINK(A1)", "'\u3000+1", "'\tok", ' ok')
    """
    if isinstance(value, str) and (value.startswith(FORMULA_PREFIXES) or value.lstrip().startswith(FORMULA_PREFIXES)):
        return "'" + value
    return value


def neutralised_frame(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of `table` with every text cell, column name and index label neutralised."""
    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralised)
    out.columns = pd.Index([neutralised(c) for c in out.columns], name=neutralised(out.columns.name))
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = pd.Index([neutralised(i) for i in out.index], name=neutralised(out.index.name))
    else:
        out.index = out.index.rename(neutralised(out.index.name))
    return out


def safe_csv(table: pd.DataFrame, *, index: bool = False, lineterminator: str = "\r\n") -> bytes:
    """`table` as CSV bytes in UTF-8 with a BOM (so spreadsheet programs read Chinese intact),
    every formula-like text cell neutralised (see the module docstring)."""
    return neutralised_frame(table).to_csv(index=index, lineterminator=lineterminator).encode("utf-8-sig")
