"""The checks of one row of a file of actual figures (`layers.actuals_import`): which target it is
for, and whether its cells make an actual record; every finding a `RowProblem` from MESSAGES.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from layers.base import AS_OF_PATTERN
from layers.progress import YEARS, as_number, as_year
from layers.target_units import DIMENSION_NAMES, canonical_unit, convertible, dimension_of_unit
from layers.targets import DIMENSION_UNITS, METRICS

ROW_CODES = ("unknown-park", "unknown-metric", "no-target", "ambiguous-target", "unit-dimension", "unknown-unit",
             "bad-year", "bad-value", "missing-source", "bad-as-of", "duplicate-year")
"""Codes of the problems (the row is not saved)."""
WARNING_CODES = ("replaces", "unit-not-convertible", "target-differs", "ignored-column")
"""Codes of the warnings (the row is saved)."""

MESSAGES: dict[str, tuple[str, str, str]] = {
    # key: (code, English, Chinese); str.format templates (a list argument is joined with ", " / "、")
    "park-empty": ("unknown-park", "is empty: give the park (id or name) or a target_id",
                   "为空：请填写园区（编号或名称）或 target_id"),
    "park-unknown": ("unknown-park", "{cell!r} is not a park id, park name or plan id", "“{cell}”不是园区编号、园区名称或规划编号"),
    "park-several": ("unknown-park", "{cell!r} names {n} parks ({ids}): give the park id",
                     "“{cell}”对应 {n} 个园区（{ids}）：请填写园区编号"),
    "metric-empty": ("unknown-metric", "is empty", "为空"),
    "metric-unknown": ("unknown-metric", "{cell!r} is not a metric (its id or name)", "“{cell}”不是指标（编号或名称）"),
    "target-unknown": ("no-target", "{cell!r} is not the id of a target", "“{cell}”不是目标编号"),
    "target-none": ("no-target", "park {park!r} has no target for metric {metric!r}", "园区“{park}”没有指标“{metric}”的目标"),
    "target-several": ("ambiguous-target", "ambiguous: {n} targets of {park!r} for {metric!r} ({year}): give target_id "
                       "(one of {ids})", "无法确定目标：“{park}”的“{metric}”有 {n} 个目标（{year}）：请填写 target_id（{ids} 之一）"),
    "target-differs": ("target-differs", "target {tid!r} is of {park!r} and {metric!r}, not the park or metric this row "
                       "names: the target_id decides", "目标“{tid}”属于“{park}”的“{metric}”，与本行所填园区或指标不符：以 target_id 为准"),
    "year-empty": ("bad-year", "is empty", "为空"),
    "year-bad": ("bad-year", "{cell!r} is not a year between {lo} and {hi}", "“{cell}”不是 {lo}–{hi} 之间的年份"),
    "value-empty": ("bad-value", "is empty", "为空"),
    "value-bad": ("bad-value", "{cell!r} is not a finite number", "“{cell}”不是有效数值"),
    "unit-empty": ("unknown-unit", "is empty", "为空"),
    "unit-unknown": ("unknown-unit", "{unit!r} is not a unit we know", "“{unit}”不是可识别的单位"),
    "unit-unknown-of": ("unknown-unit", "{unit!r} is not a unit we know; units of {dim_en}: {units}",
                        "“{unit}”不是可识别的单位；{dim_zh}的单位：{units}"),
    "unit-empty-of": ("unknown-unit", "is empty; units of {dim_en}: {units}", "为空；{dim_zh}的单位：{units}"),
    "unit-dimension": ("unit-dimension", "{unit!r} is a unit of {got_en}, but metric {metric!r} is {dim_en} ({units})",
                       "“{unit}”是{got_zh}的单位，而指标“{metric}”是{dim_zh}（{units}）"),
    "unit-not-convertible": ("unit-not-convertible", "{unit!r} does not convert to the target's {target_unit!r}: saved, "
                             "but not compared with the target", "“{unit}”无法换算为目标的单位“{target_unit}”：可以保存，但不与目标比较"),
    "source-empty": ("missing-source", "is empty: every figure cites its statistical bulletin, report or URL",
                     "为空：每个实际值都须注明统计公报、报告或网址"),
    "as-of-bad": ("bad-as-of", "{cell!r} is not an ISO date (YYYY-MM-DD)", "“{cell}”不是 ISO 日期（YYYY-MM-DD）"),
    "duplicate-year": ("duplicate-year", "target {tid!r} already has a figure for {year} in row {earlier}",
                       "目标“{tid}”在第 {earlier} 行已有 {year} 年的实际值"),
    "replaces": ("replaces", "replaces the saved figure {value:g} {unit} of {year} ({rid}): saving makes a new version "
                 "of that record", "将替换已保存的 {year} 年实际值 {value:g} {unit}（{rid}）：保存后成为该记录的新版本"),
    "ignored-column": ("ignored-column", "column {name!r} is not one of ours: ignored", "列“{name}”不是可识别的列：已忽略"),
}
"""Every message of a row, by key: its code and its text in English and Chinese."""


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one cell: the row as a spreadsheet numbers it, the column's header as
    written, a code (ROW_CODES or WARNING_CODES) and the message in English and Chinese."""

    row: int
    column: str
    code: str
    message: str
    message_zh: str = ""

    def text(self, lang: str) -> str:
        """The message in the page's language ("zh" or "en")."""
        return self.message_zh if lang == "zh" and self.message_zh else self.message


def problem(row: int, column: str, key: str, **kw: object) -> RowProblem:
    """The RowProblem of message `key` (MESSAGES) about a cell."""
    code, en, zh = MESSAGES[key]
    en_kw = {k: ", ".join(v) if isinstance(v, list) else v for k, v in kw.items()}
    zh_kw = {k: "、".join(v) if isinstance(v, list) else v for k, v in kw.items()}
    where_en = f"row {row}, column {column!r}" if row > 1 else f"header, column {column!r}"
    where_zh = f"第 {row} 行“{column}”列" if row > 1 else f"表头“{column}”列"
    return RowProblem(row, column, code, f"{where_en}: {en.format(**en_kw)}", f"{where_zh}：{zh.format(**zh_kw)}")


def blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip())


def cell_text(v: object) -> str:
    return "" if blank(v) else str(v).strip()


def park_keys(parks: pd.DataFrame, targets: pd.DataFrame) -> dict[str, set[str]]:
    """What a park cell may say -> the owner ids it names: park ids, programme ids that own targets,
    the parks' Chinese and English names (case-insensitive)."""
    keys: dict[str, set[str]] = {}
    ids = [str(i) for i in (parks["id"] if "id" in parks.columns else parks.index)]
    for pid in ids + [str(p) for p in targets["park_id"].dropna().unique()]:
        keys.setdefault(pid.casefold(), set()).add(pid)
    for col in ("name_zh", "name_en"):
        if col in parks.columns:
            for pid, name in zip(ids, parks[col]):
                if not blank(name):
                    keys.setdefault(str(name).strip().casefold(), set()).add(pid)
    return keys


def _metric_keys() -> dict[str, str]:
    """What a metric cell may say -> the metric id: the id, the Chinese name or a part of it split at
    "/" (主营业务收入/营业收入) or before "（", the English name; case-insensitive."""
    keys: dict[str, str] = {}
    for m in METRICS.values():
        names = [m.id, m.name_en, m.name_zh, *m.name_zh.split("/"), m.name_zh.split("（")[0]]
        for name in names:
            keys.setdefault(name.strip().casefold(), m.id)
    return keys


_METRIC_KEYS = _metric_keys()


def match(targets: pd.DataFrame, park: str, metric: str, year: int) -> tuple[list[str], float]:
    """The targets a figure of `park`, `metric` and `year` is for (the rule of `layers.actuals_import`; one when the
    match is clear, several when ambiguous, none), and their target year (inf: none)."""
    rows = targets[(targets["park_id"] == park) & (targets["metric"] == metric)]
    if rows.empty:
        return [], np.nan
    years = pd.to_numeric(rows["target_year"], errors="coerce").astype("Float64").to_numpy(dtype=float, na_value=np.inf)
    later = years[years >= year]
    chosen = later.min() if later.size else years.max()
    return sorted(str(i) for i in rows.index[years == chosen]), float(chosen)


def existing_figures(existing: pd.DataFrame | None) -> dict[tuple[str, int], tuple[str, float, str]]:
    """(target id, year) -> (record id, value, unit) of the saved figures (the largest id of a pair)."""
    out: dict[tuple[str, int], tuple[str, float, str]] = {}
    if existing is None or existing.empty:
        return out
    for rid, tid, year, value, unit in sorted(zip(existing["id"], existing["target_id"], existing["year"],
                                                  existing["value"], existing["unit"]), key=lambda r: str(r[0])):
        y = as_year(year)
        if y is not None:
            number = as_number(value)
            out[(str(tid), y)] = (str(rid), float("nan") if number is None else number, str(unit))
    return out


class RowCheck:
    """The checks of one row, with what the rows before it said (for duplicate years)."""

    def __init__(self, targets: pd.DataFrame, park_keys: dict[str, set[str]],
                 existing: dict[tuple[str, int], tuple[str, float, str]], cols: dict[str, tuple[int, str]],
                 problems: list[RowProblem], warnings: list[RowProblem]):
        self.targets, self.park_keys, self.existing, self.cols = targets, park_keys, existing, cols
        self.problems, self.warnings = problems, warnings
        self.seen: dict[tuple[str, int], int] = {}

    def cell(self, cells: list[object], fld: str) -> object:
        pos = self.cols.get(fld, (-1, ""))[0]
        return cells[pos] if 0 <= pos < len(cells) and not blank(cells[pos]) else None

    def say(self, row: int, fld: str, key: str, **kw: object) -> None:
        found = problem(row, self.cols.get(fld, (0, fld))[1], key, **kw)
        (self.warnings if found.code in WARNING_CODES else self.problems).append(found)

    def row(self, row: int, cells: list[object]) -> dict | None:
        """The actual record of a row, or None when it has a problem (said in the report)."""
        before = len(self.problems)
        year_cell = self.cell(cells, "year")
        year = as_year(year_cell)
        if year is None or not YEARS[0] <= year <= YEARS[1]:
            self.say(row, "year", "year-empty" if year_cell is None else "year-bad", cell=year_cell, lo=YEARS[0],
                     hi=YEARS[1])
            year = None
        tid = self.target(row, cells, year)
        metric = self.targets.at[tid, "metric"] if tid is not None else \
            _METRIC_KEYS.get(cell_text(self.cell(cells, "metric")).casefold())
        unit = self.unit(row, self.cell(cells, "unit"), tid, metric)
        value_cell = self.cell(cells, "value")
        value = as_number(value_cell)
        if value is None:
            self.say(row, "value", "value-empty" if value_cell is None else "value-bad", cell=value_cell)
        source = cell_text(self.cell(cells, "source"))
        if not source:
            self.say(row, "source", "source-empty")
        as_of = self.as_of(row, self.cell(cells, "as_of"))
        if tid is not None and year is not None:
            self.duplicate_or_replaced(row, tid, year)
        if len(self.problems) > before or tid is None or year is None or value is None or unit is None:
            return None
        rid = self.existing.get((tid, year), (f"a-{tid}-{year}",))[0]
        return {"id": rid, "target_id": tid, "year": year, "value": value, "unit": unit, "source": source,
                "as_of": as_of, "note": cell_text(self.cell(cells, "note")) or None, "row": row}

    def target(self, row: int, cells: list[object], year: int | None) -> str | None:
        """The target of a row: its target_id, else matched by park, metric and year."""
        tid_cell = self.cell(cells, "target_id")
        if tid_cell is not None:
            tid = cell_text(tid_cell)
            if tid not in self.targets.index:
                self.say(row, "target_id", "target-unknown", cell=tid)
                return None
            park_ids = self.park_keys.get(cell_text(self.cell(cells, "park")).casefold(), set())
            metric = _METRIC_KEYS.get(cell_text(self.cell(cells, "metric")).casefold())
            its_park, its_metric = str(self.targets.at[tid, "park_id"]), str(self.targets.at[tid, "metric"])
            if (park_ids and its_park not in park_ids) or (metric and metric != its_metric):
                self.say(row, "target_id", "target-differs", tid=tid, park=its_park, metric=its_metric)
            return tid
        park, metric = self.park(row, self.cell(cells, "park")), self.metric(row, self.cell(cells, "metric"))
        if park is None or metric is None or year is None:
            return None
        found, target_year = match(self.targets, park, metric, year)
        if not found:
            self.say(row, "metric", "target-none", park=park, metric=metric)
        elif len(found) > 1:
            self.say(row, "target_id", "target-several", n=len(found), park=park, metric=metric, ids=found,
                     year=f"{target_year:.0f}" if np.isfinite(target_year) else "-")
        return found[0] if len(found) == 1 else None

    def park(self, row: int, cell: object) -> str | None:
        named = sorted(self.park_keys.get(cell_text(cell).casefold(), set()))
        if len(named) == 1:
            return named[0]
        if cell is None:
            self.say(row, "park", "park-empty")
        elif named:
            self.say(row, "park", "park-several", cell=cell_text(cell), n=len(named), ids=named)
        else:
            self.say(row, "park", "park-unknown", cell=cell_text(cell))
        return None

    def metric(self, row: int, cell: object) -> str | None:
        found = _METRIC_KEYS.get(cell_text(cell).casefold())
        if found is None:
            self.say(row, "metric", "metric-empty" if cell is None else "metric-unknown", cell=cell_text(cell))
        return found

    def unit(self, row: int, cell: object, tid: str | None, metric: str | None) -> str | None:
        """The row's unit as ours (`canonical_unit`), or None when unknown or of another dimension than
        the metric's. A unit of the dimension that does not convert to the target's is a warning."""
        unit, dim = canonical_unit(cell_text(cell)), METRICS[metric].dimension if metric in METRICS else None
        got = dimension_of_unit(unit)
        named = {"units": list(DIMENSION_UNITS[dim]), "dim_zh": DIMENSION_NAMES[dim][0],
                 "dim_en": DIMENSION_NAMES[dim][1]} if dim else {}
        if got is None:
            key = ("unit-empty" if cell is None else "unit-unknown") + ("-of" if dim else "")
            self.say(row, "unit", key, unit=unit, **named)
            return None
        if dim is not None and got != dim:
            self.say(row, "unit", "unit-dimension", unit=unit, metric=metric, got_zh=DIMENSION_NAMES[got][0],
                     got_en=DIMENSION_NAMES[got][1], **named)
            return None
        if tid is not None and not convertible(unit, str(self.targets.at[tid, "unit"])):
            self.say(row, "unit", "unit-not-convertible", unit=unit, target_unit=str(self.targets.at[tid, "unit"]))
        return unit

    def as_of(self, row: int, cell: object) -> str | None:
        if cell is None:
            return None
        if isinstance(cell, (dt.date, pd.Timestamp)):
            return cell.date().isoformat() if isinstance(cell, dt.datetime) else cell.isoformat()
        if AS_OF_PATTERN.match(cell_text(cell)):
            return cell_text(cell)
        self.say(row, "as_of", "as-of-bad", cell=cell_text(cell))
        return None

    def duplicate_or_replaced(self, row: int, tid: str, year: int) -> None:
        earlier = self.seen.setdefault((tid, year), row)
        if earlier != row:
            self.say(row, "year", "duplicate-year", tid=tid, year=year, earlier=earlier)
        elif (tid, year) in self.existing:
            rid, value, unit = self.existing[(tid, year)]
            self.say(row, "year", "replaces", value=value, unit=unit, year=year, rid=rid)
