"""The `targets` layer: every quantitative target of the documents, joined to parks by `park_id`.

A table (data/targets.csv, no geometry). Each target has a metric from METRICS, whose dimension
fixes the units it may be given in, so a floor area (万㎡) can never be compared with a land area
(亩): `comparable(a, b)` is False across dimensions. Values are as the document states them; an
optional actual value carries its own source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from layers._errors import LayerValidationError
from layers.base import AS_OF_PATTERN, ID_PATTERN


@dataclass(frozen=True)
class Metric:
    """What a target measures: names, and its dimension (which decides the allowed units)."""

    id: str
    name_zh: str
    name_en: str
    dimension: str


DIMENSION_UNITS: dict[str, tuple[str, ...]] = {
    "money": ("亿元", "万元", "亿美元"),
    "land_area": ("亩", "km²", "ha", "m²"),
    "floor_area": ("万㎡", "㎡"),
    "count": ("个", "家", "项", "套", "人", "万人", "所", "座", "条"),
    "ratio": ("%",),
}

METRICS: dict[str, Metric] = {m.id: m for m in (
    Metric("revenue", "主营业务收入/营业收入", "Operating revenue", "money"),
    Metric("output", "产值", "Output value", "money"),
    Metric("gdp", "地区生产总值", "GDP", "money"),
    Metric("tax", "税收", "Tax revenue", "money"),
    Metric("investment", "投资额", "Investment", "money"),
    Metric("fund", "产业基金规模", "Industry fund size", "money"),
    Metric("jobs", "新增就业岗位", "New jobs", "count"),
    Metric("residents", "人口/人才", "Residents or researchers", "count"),
    Metric("firms", "企业数量", "Number of firms", "count"),
    Metric("high-tech-firms", "高新技术企业数量", "High-tech firms", "count"),
    Metric("platforms", "创新平台数量", "Innovation platforms", "count"),
    Metric("patents", "专利数量", "Patents", "count"),
    Metric("projects", "项目数量", "Projects", "count"),
    Metric("housing-units", "住房套数", "Housing units", "count"),
    Metric("parking-spaces", "停车位", "Parking spaces", "count"),
    Metric("land-developed", "开发/供应土地面积", "Land developed", "land_area"),
    Metric("land-area", "用地面积", "Land area", "land_area"),
    Metric("floor-area", "建筑面积（载体）", "Floor area of carriers", "floor_area"),
    Metric("green-ratio", "绿地率", "Green ratio", "ratio"),
    Metric("charging-ratio", "充电设施配建比例", "Share of spaces with EV charging", "ratio"),
    Metric("rd-share", "研发投入占比", "R&D spending share", "ratio"),
    Metric("industry-concentration", "主导产业集聚度", "Leading-industry concentration", "ratio"),
    Metric("graduate-share", "本科以上从业人员占比", "Share of staff with a degree", "ratio"),
    Metric("other-ratio", "其他比例指标", "Other ratio", "ratio"),
    Metric("other-count", "其他数量指标", "Other count", "count"),
    Metric("other-money", "其他金额指标", "Other amount", "money"),
)}

STATUSES = ("target", "achieved", "not-achieved", "in-progress", "baseline")

COLUMNS = ("id", "park_id", "metric", "name_zh", "name_en", "value", "unit", "target_year", "baseline_value",
           "baseline_year", "comparison", "status", "actual_value", "actual_year", "actual_source", "source", "as_of", "note")
"""`comparison`: how the value binds ("≥", "≤", "=", "约" about)."""

COMPARISONS = ("≥", "≤", "=", "约", ">", "<")


def comparable(metric_a: str, metric_b: str) -> bool:
    """True when two metrics measure the same dimension (never land area vs floor area)."""
    return METRICS[metric_a].dimension == METRICS[metric_b].dimension


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def validate_targets(df: pd.DataFrame, origin: str, park_ids: set[str] | None = None) -> pd.DataFrame:
    """Check a targets table; return it indexed by id, or raise LayerValidationError naming the
    file, target id and field of every problem. park_ids: the ids targets may point at."""
    problems: list[str] = []
    missing_cols = [c for c in COLUMNS if c not in df.columns]
    if missing_cols:
        raise LayerValidationError([f"{origin}: missing column(s) {', '.join(missing_cols)}"])

    def say(tid: str, fld: str, what: str) -> None:
        problems.append(f"{origin}: target '{tid}': field '{fld}': {what}")

    for dup in sorted(df.loc[df["id"].duplicated(), "id"].astype(str).unique()):
        say(dup, "id", "is used by more than one target")
    for _, r in df.iterrows():
        tid = str(r["id"])
        if not ID_PATTERN.match(tid):
            say(tid, "id", f"{tid!r} is not a lowercase slug")
        for fld in ("park_id", "metric", "name_zh", "name_en", "unit", "status", "source", "as_of"):
            if _missing(r[fld]):
                say(tid, fld, "is missing")
        if not _missing(r["metric"]) and r["metric"] not in METRICS:
            say(tid, "metric", f"{r['metric']!r} is not one of the known metrics")
        elif not _missing(r["metric"]) and not _missing(r["unit"]):
            dim = METRICS[r["metric"]].dimension
            if r["unit"] not in DIMENSION_UNITS[dim]:
                say(tid, "unit", f"{r['unit']!r} is not a unit of {dim} ({', '.join(DIMENSION_UNITS[dim])})")
        if not _missing(r["status"]) and r["status"] not in STATUSES:
            say(tid, "status", f"{r['status']!r} is not one of {', '.join(STATUSES)}")
        if not _missing(r["comparison"]) and r["comparison"] not in COMPARISONS:
            say(tid, "comparison", f"{r['comparison']!r} is not one of {' '.join(COMPARISONS)}")
        for fld in ("value", "baseline_value", "actual_value"):
            v = r[fld]
            if fld == "value" and _missing(v):
                say(tid, fld, "is missing")
            elif not _missing(v) and not (isinstance(v, (int, float)) and math.isfinite(v)):
                say(tid, fld, f"{v!r} is not a finite number")
        for fld in ("target_year", "baseline_year", "actual_year"):
            v = r[fld]
            if not _missing(v) and not (isinstance(v, (int, float)) and 1990 <= v <= 2060 and float(v).is_integer()):
                say(tid, fld, f"{v!r} is not a year")
        if not _missing(r["baseline_value"]) and _missing(r["baseline_year"]):
            say(tid, "baseline_year", "is required with baseline_value")
        if not _missing(r["actual_value"]) and _missing(r["actual_source"]):
            say(tid, "actual_source", "is required with actual_value (an actual value cites its own source)")
        if not _missing(r["as_of"]) and not AS_OF_PATTERN.match(str(r["as_of"])):
            say(tid, "as_of", f"{r['as_of']!r} is not an ISO date")
        if park_ids is not None and not _missing(r["park_id"]) and r["park_id"] not in park_ids:
            say(tid, "park_id", f"{r['park_id']!r} is not the id of a park")
    if problems:
        raise LayerValidationError(problems)
    out = df.copy()
    for fld in ("target_year", "baseline_year", "actual_year"):
        out[fld] = out[fld].astype("Int64")
    return out.set_index("id", drop=False).rename_axis(None)


def load(path: Path, park_ids: set[str] | None = None) -> pd.DataFrame:
    """Read data/targets.csv (UTF-8) and validate it (see validate_targets)."""
    try:
        df = pd.read_csv(path, encoding="utf-8", dtype={"id": str, "park_id": str, "unit": str, "as_of": str},
                         keep_default_na=True)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise LayerValidationError([f"{path}: cannot be read as a UTF-8 CSV table: {exc}"]) from None
    return validate_targets(df, str(path), park_ids)


