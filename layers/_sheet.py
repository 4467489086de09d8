"""Reading a small table a user uploads (CSV or the first sheet of an XLSX) into a header and rows of
cell values, within limits, every failure a `TableFileError` that says what to do.

CSV text encoding is decided as the file import decides it (`geo.detect.detect_encoding`: UTF-8,
with or without BOM, else GB18030, a superset of GBK); the separator is the one of , ; tab | the
header line holds most of. An XLSX is checked as a zip before openpyxl opens it (`geo._archive.
check_zip`: entry count, expanded size, compression ratio), then read in openpyxl's read-only mode
(cached values of formulas, never the formulas), at most `max_rows` rows and MAX_COLUMNS columns.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import pandas as pd

from geo import detect
from geo._archive import check_zip
from geo._errors import UnsafeArchiveError
from layers._errors import TableFileError

MAX_COLUMNS = 100
"""Columns read from an XLSX sheet (a cell far to the right would otherwise widen every row)."""
XLSX_MAX_EXPANDED = 200 * 1024 * 1024
"""What an XLSX's parts may expand to, together; more is refused as a zip bomb."""
XLSX_MAX_RATIO = 200.0
"""Largest compression ratio of an XLSX part over 1 MB (sheet XML compresses well, ~10-30:1)."""


@dataclass
class Sheet:
    """A table as the user wrote it: the header cells, the data rows (row k of `rows` is row k + 2
    of the file as a spreadsheet shows it), the format ("csv" or "xlsx") and, for a CSV, the text
    encoding and how it was decided."""

    header: list[object]
    rows: list[list[object]]
    kind: str
    encoding: str | None = None
    encoding_source: str = ""


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def read_sheet(content: bytes, file_name: str, *, max_bytes: int, max_rows: int) -> Sheet:
    """The table in `content` (a file named `file_name`): CSV text or an XLSX workbook's first sheet.

    Raises TableFileError ("too-large", "too-many-rows", "empty", "unreadable", "unsafe",
    "unsupported") naming the file and what to do.
    """
    if len(content) > max_bytes:
        raise TableFileError("too-large", f"{file_name}: {_mb(len(content))} is more than the {_mb(max_bytes)} a file "
                             "of figures may be; split it into smaller files.",
                             f"{file_name}：文件大小 {_mb(len(content))}，超过上限 {_mb(max_bytes)}；请拆分为较小的文件。")
    kind = detect.sniff_format(content[:8192])
    ext = PurePath(file_name).suffix.lower()
    if ext in (".xls", ".et"):
        raise TableFileError("unsupported", f"{file_name}: the old {ext} format is not read; save it as .xlsx or CSV.",
                             f"{file_name}：不支持旧的 {ext} 格式；请另存为 .xlsx 或 CSV。")
    if kind == "empty":
        raise TableFileError("empty", f"{file_name}: the file is empty.", f"{file_name}：文件为空。")
    if ext == ".xlsx" or kind == "zip":
        if kind != "zip":
            raise TableFileError("unreadable", f"{file_name}: not an XLSX workbook (an .xlsx file is a zip archive; this "
                                 "one is not). Save it again from Excel or WPS as .xlsx, or as CSV.",
                                 f"{file_name}：不是 XLSX 工作簿（.xlsx 文件是 zip 压缩包，此文件不是）。"
                                 "请用 Excel 或 WPS 重新另存为 .xlsx 或 CSV。")
        return _read_xlsx(content, file_name, max_rows)
    if kind != "text":
        raise TableFileError("unreadable", f"{file_name}: not a CSV table or an XLSX workbook (it looks like {kind or 'binary data'}).",
                             f"{file_name}：不是 CSV 表格或 XLSX 工作簿（看起来是 {kind or '二进制数据'}）。")
    return _read_csv(content, file_name, max_rows)


def _too_many(file_name: str, max_rows: int) -> TableFileError:
    return TableFileError("too-many-rows", f"{file_name}: more than {max_rows:,} rows of figures; split the file.",
                          f"{file_name}：数据超过 {max_rows:,} 行；请拆分文件。")


def _read_csv(content: bytes, file_name: str, max_rows: int) -> Sheet:
    encoding, why = detect.detect_encoding(content)
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError as exc:
        raise TableFileError("unreadable", f"{file_name}: the text is neither UTF-8 nor GBK/GB18030 (byte {exc.start}); "
                             "save it as UTF-8 CSV.",
                             f"{file_name}：文本既不是 UTF-8 也不是 GBK/GB18030（第 {exc.start} 字节）；请另存为 UTF-8 CSV。") from exc
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    sep = max([",", ";", "\t", "|"], key=first.count)
    try:
        table = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, nrows=max_rows + 2)
    except pd.errors.EmptyDataError as exc:
        raise TableFileError("empty", f"{file_name}: no header row.", f"{file_name}：没有表头行。") from exc
    except (pd.errors.ParserError, ValueError) as exc:
        raise TableFileError("unreadable", f"{file_name}: not a readable CSV table ({exc}).",
                             f"{file_name}：无法作为 CSV 表格读取（{exc}）。") from exc
    if len(table) > max_rows + 1:
        raise _too_many(file_name, max_rows)
    cells: list[list[object]] = table.to_numpy(dtype=object).tolist()
    return Sheet(cells[0] if cells else [], cells[1:], "csv", encoding, why)


def _read_xlsx(content: bytes, file_name: str, max_rows: int) -> Sheet:
    damaged_en = f"{file_name}: not a readable XLSX workbook: the file is damaged or truncated"
    damaged_zh = f"{file_name}：无法读取的 XLSX 工作簿：文件已损坏或不完整"
    from openpyxl import load_workbook

    rows: list[list[object]] = []
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            check_zip(zf, file_name, max_total=XLSX_MAX_EXPANDED, max_ratio=XLSX_MAX_RATIO)
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            if not book.worksheets:
                raise TableFileError("empty", f"{file_name}: the workbook has no sheet.", f"{file_name}：工作簿没有工作表。")
            for values in book.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True):
                rows.append(list(values))
                if len(rows) > max_rows + 1:
                    raise _too_many(file_name, max_rows)
        finally:
            book.close()
    except TableFileError:
        raise
    except UnsafeArchiveError as exc:
        raise TableFileError("unsafe", str(exc), f"{file_name}：已拒绝：工作簿解压后过大或压缩比异常（疑似 zip 炸弹）。") from exc
    except Exception as exc:  # noqa: BLE001 - a damaged workbook makes zipfile and openpyxl raise almost anything
        # (BadZipFile, NotImplementedError for a garbled version field, KeyError for a missing part, XML
        # ParseError, TypeError, zlib.error, ...): each named in the message, never a crash.
        kind = type(exc).__name__ if type(exc).__module__ == "builtins" else f"{type(exc).__module__}.{type(exc).__name__}"
        raise TableFileError("unreadable", f"{damaged_en} ({kind}: {exc}). Save it again as .xlsx.",
                             f"{damaged_zh}（{kind}：{exc}）。请重新另存为 .xlsx。") from exc
    if not rows:
        raise TableFileError("empty", f"{file_name}: the first sheet is empty.", f"{file_name}：第一个工作表为空。")
    return Sheet(rows[0], rows[1:], "xlsx")
