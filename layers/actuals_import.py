"""Checking a CSV or XLSX of actual figures before anything is saved: a check report, row by row.

One row is one figure: the park (or, for zone-wide targets, the plan) and the metric it is for, or
the target id itself, the year, the value in its unit, and its source. Headers may be Chinese or
English (COLUMN_ALIASES, matched case-insensitively). Each row is matched to a target:

- by `target_id` when the row gives one (it decides);
- else among the targets of that park and metric: the one with the smallest target year at or after
  the figure's year; else the one with the latest target year. A target without a target year
  counts as later than every year (it is open-ended). Two targets of that park, metric and year
  (e.g. two scopes of revenue) are ambiguous: the row must give `target_id`.

Every problem names the row as a spreadsheet shows it (the header is row 1, the first figure row 2),
the column and what is wrong, with a code (ROW_CODES) and the message in English and Chinese. A
figure for a target and year that already has one is a warning ("replaces"), not an error: saving
makes a new version of that record, which keeps its id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from layers._actuals_rows import (MESSAGES, ROW_CODES, WARNING_CODES, RowCheck, RowProblem, blank, cell_text,
                                  existing_figures, park_keys, problem)
from layers._errors import TableFileError
from layers._sheet import read_sheet
from layers.progress import ACTUALS_COLUMNS

__all__ = ["COLUMN_ALIASES", "MAX_BYTES", "MAX_ROWS", "MESSAGES", "ROW_CODES", "WARNING_CODES", "ActualsReport",
           "RowProblem", "check_actuals"]

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    # field: the headers read as it (case-insensitive, surrounding spaces ignored)
    "park": ("park", "park_id", "park id", "园区", "园区名称", "园区编号", "所属园区", "规划", "programme"),
    "metric": ("metric", "metric_id", "指标", "指标名称", "指标编号"),
    "year": ("year", "年份", "年度", "统计年份"),
    "value": ("value", "actual", "actual_value", "数值", "实际值", "完成值", "实际完成值"),
    "unit": ("unit", "单位", "计量单位"),
    "source": ("source", "来源", "数据来源", "出处"),
    "target_id": ("target_id", "target id", "target", "目标编号", "目标id"),
    "as_of": ("as_of", "as of", "date", "数据日期", "统计日期", "截至日期"),
    "note": ("note", "notes", "备注", "说明"),
}
"""The accepted headers of each field. Required: year, value, unit, source, and either target_id or
both park and metric; as_of (an ISO date) and note are optional."""

REQUIRED = ("year", "value", "unit", "source")
_ALIAS = {alias.casefold(): fld for fld, aliases in COLUMN_ALIASES.items() for alias in aliases}


@dataclass
class ActualsReport:
    """The check of one file: the rows that may be saved as actual records (`records`: ACTUALS_COLUMNS
    and `row`, the row number in the file), the problems (rows not saved), the warnings, how many
    figure rows were read, and for a CSV its encoding and how that was decided."""

    file_name: str
    records: pd.DataFrame
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    rows: int = 0
    encoding: str | None = None
    encoding_source: str = ""

    @property
    def ok(self) -> bool:
        """True when no row has a problem (warnings allowed)."""
        return not self.problems


def _columns(header: list[object], file_name: str, warnings: list[RowProblem]) -> dict[str, tuple[int, str]]:
    """field -> (position, header as written); raises TableFileError for a missing or doubled field."""
    found: dict[str, tuple[int, str]] = {}
    for pos, cell in enumerate(header):
        name = cell_text(cell)
        fld = _ALIAS.get(name.casefold())
        if fld is None:
            if name:
                warnings.append(problem(1, name, "ignored-column", name=name))
        elif fld in found:
            raise TableFileError("duplicate-column", f"{file_name}: columns {found[fld][1]!r} and {name!r} both give {fld}; "
                                 "keep one.", f"{file_name}：“{found[fld][1]}”和“{name}”两列都表示 {fld}；请只保留一列。")
        else:
            found[fld] = (pos, name)
    need = [f for f in REQUIRED if f not in found]
    if "target_id" not in found:
        need += [f for f in ("park", "metric") if f not in found]
    if need:
        listed = "; ".join(f"{f}: {' / '.join(COLUMN_ALIASES[f])}" for f in need)
        raise TableFileError("missing-columns", f"{file_name}: missing column(s) {', '.join(need)} (accepted headers — {listed}). "
                             "A file without park and metric columns needs a target_id column.",
                             f"{file_name}：缺少列 {', '.join(need)}（可用的表头——{listed}）。没有园区和指标列时需要 target_id 列。")
    return found


def check_actuals(content: bytes, file_name: str, targets: pd.DataFrame, parks: pd.DataFrame,
                  existing: pd.DataFrame | None) -> ActualsReport:
    """Check a CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or XLSX (first sheet) of actual figures.

    Parameters
    ----------
    content, file_name : the file's bytes and the name the user gave it (its extension counts).
    targets : the targets table (`layers.targets`, indexed by target id).
    parks : the parks (indexed by id; `name_zh`, `name_en`): what a park cell may name, besides the
        plan ids that own zone-wide targets.
    existing : the saved actual records (ACTUALS_COLUMNS), or None.

    Raises TableFileError when the file cannot be checked at all (over MAX_BYTES or MAX_ROWS, not a
    readable CSV or XLSX, a zip bomb, missing columns). Otherwise returns the report; values are
    kept in the unit the row gives (converted only when compared, `layers.progress`).
    """
    sheet = read_sheet(content, file_name, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    report = ActualsReport(file_name, pd.DataFrame(columns=[*ACTUALS_COLUMNS, "row"]),
                           encoding=sheet.encoding, encoding_source=sheet.encoding_source)
    cols = _columns(sheet.header, file_name, report.warnings)
    check = RowCheck(targets, park_keys(parks, targets), existing_figures(existing), cols, report.problems,
                     report.warnings)
    records = []
    for k, cells in enumerate(sheet.rows):
        if all(blank(c) for c in cells):
            continue
        report.rows += 1
        record = check.row(k + 2, cells)
        if record is not None:
            records.append(record)
    order = {name: pos for pos, name in cols.values()}
    report.problems.sort(key=lambda p: (p.row, order.get(p.column, -1)))
    if records:
        report.records = pd.DataFrame(records, columns=[*ACTUALS_COLUMNS, "row"])
        report.records["year"] = report.records["year"].astype("int64")
        report.records["value"] = report.records["value"].astype(float)
    return report
