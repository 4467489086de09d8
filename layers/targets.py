"""The `targets` layer: every quantitative target of the documents, joined to parks by `park_id`.

Records without geometry: seeded from data/targets.csv into the workspace's `targets` layer,
edited there by officers. A target belongs to a park (`park_id` = a park id) or, for the zone-wide
indicator tables (the Guangzhou high-tech zone 2020 -> 2025, the Foshan zone's 2023 targets,
Qingcheng's 2025 targets), to a whole plan (`park_id` = the id of a `programmes` record);
`owner_name` names either. What was achieved is the `actuals` layer (`layers.progress`); the
`actual_*` columns of the CSV are kept empty for files of earlier releases. Each target has a metric from METRICS, whose dimension
fixes the units it may be given in, so a floor area (万㎡) can never be compared with a land area
(亩): `comparable(a, b)` is False across dimensions. Values are as the document states them; an
optional actual value carries its own source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import geopandas as gpd

from layers._errors import LayerValidationError
from layers.base import AS_OF_PATTERN, ID_PATTERN, Column, LayerSchema
from layers.programmes import Catalogue


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
    "energy_intensity": ("吨标准煤/万元",),
    "per_population": ("件/万人",),
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
    Metric("energy-intensity", "万元GDP综合能耗", "Energy use per 10,000 yuan of GDP", "energy_intensity"),
    Metric("patents-per-10k", "每万人发明专利拥有量", "Invention patents per 10,000 people", "per_population"),
    Metric("other-ratio", "其他比例指标", "Other ratio", "ratio"),
    Metric("other-count", "其他数量指标", "Other count", "count"),
    Metric("other-money", "其他金额指标", "Other amount", "money"),
)}

STATUSES = ("target", "achieved", "not-achieved", "in-progress", "baseline")

COLUMNS = ("id", "park_id", "metric", "name_zh", "name_en", "value", "unit", "target_year", "baseline_value",
           "baseline_year", "comparison", "status", "actual_value", "actual_year", "actual_source", "source", "as_of", "note")
"""`comparison`: how the value binds ("≥", "≤", "=", "约" about)."""

COMPARISONS = ("≥", "≤", "=", "约", ">", "<")


def owner_name(owner_id: str, parks: pd.DataFrame, lang: str, programmes: Catalogue) -> str:
    """The name of what a target belongs to: a park (by id) or a whole plan.

    >>> from layers.programmes import Catalogue
    >>> cat = Catalogue(pd.DataFrame({"id": ["qingcheng"], "name_zh": ["清城区园区"], "name_en": ["Qingcheng parks"]}))
    >>> owner_name("qingcheng", pd.DataFrame({"name_zh": [], "name_en": []}), "en", cat)
    'Qingcheng parks (whole programme)'
    """
    if owner_id in parks.index:
        zh, en = parks.at[owner_id, "name_zh"], parks.at[owner_id, "name_en"]
        return str(zh if lang == "zh" or not (isinstance(en, str) and en.strip()) else en)
    if owner_id in programmes:
        name = programmes.name(owner_id, lang)
        return f"{name}（整体）" if lang == "zh" else f"{name} (whole programme)"
    return owner_id


def owner_programme(owner_id: str, parks: pd.DataFrame, programmes: Catalogue) -> str | None:
    """The plan a target's owner belongs to (the plan itself for zone-wide targets)."""
    if owner_id in parks.index:
        return str(parks.at[owner_id, "programme"])
    return owner_id if owner_id in programmes else None


def comparable(metric_a: str, metric_b: str) -> bool:
    """True when two metrics measure the same dimension (never land area vs floor area)."""
    return METRICS[metric_a].dimension == METRICS[metric_b].dimension


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def validate_targets(df: pd.DataFrame, origin: str, park_ids: set[str] | None = None) -> pd.DataFrame:
    """Check a targets table; return it indexed by id, or raise LayerValidationError naming the
    file, target id and field of every problem. park_ids: the ids targets may point at (park ids
    and, for zone-wide targets, programme ids)."""
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
            say(tid, "park_id", f"{r['park_id']!r} is not the id of a park or a programme")
    if problems:
        raise LayerValidationError(problems)
    out = df.copy()
    for fld in ("target_year", "baseline_year", "actual_year"):
        out[fld] = out[fld].astype("Int64")
    return out.set_index("id", drop=False).rename_axis(None)


def _check_metric_unit(gdf) -> list[tuple[str, str, str]]:
    out = []
    for tid, metric, unit, comparison in zip(gdf["id"], gdf["metric"], gdf["unit"], gdf["comparison"]):
        if isinstance(metric, str) and metric not in METRICS:
            out.append((tid, "metric", f"{metric!r} is not one of the known metrics"))
        elif isinstance(metric, str) and isinstance(unit, str):
            dim = METRICS[metric].dimension
            if unit not in DIMENSION_UNITS[dim]:
                out.append((tid, "unit", f"{unit!r} is not a unit of {dim} ({', '.join(DIMENSION_UNITS[dim])}): "
                                         "a floor area is never a land area"))
        if isinstance(comparison, str) and comparison and comparison not in COMPARISONS:
            out.append((tid, "comparison", f"{comparison!r} is not one of {' '.join(COMPARISONS)}"))
    return out


def _check_years(gdf) -> list[tuple[str, str, str]]:
    return [(tid, fld, f"{v!r} is not a year between 1990 and 2060")
            for fld in ("target_year", "baseline_year") for tid, v in zip(gdf["id"], gdf[fld])
            if isinstance(v, (int, float)) and not _missing(v) and not 1990 <= v <= 2060]


_check_metric_unit.per_feature = True  # type: ignore[attr-defined]
_check_years.per_feature = True  # type: ignore[attr-defined]

SCHEMA = LayerSchema(
    layer_id="targets",
    columns=(
        Column("id"), Column("park_id"), Column("metric"), Column("name_zh"), Column("name_en", nullable=True),
        Column("value", kind="float"), Column("unit"), Column("target_year", kind="int", nullable=True),
        Column("baseline_value", kind="float", nullable=True), Column("baseline_year", kind="int", nullable=True),
        Column("comparison", nullable=True), Column("status", allowed=STATUSES), Column("source"),
        Column("as_of", kind="date"), Column("note", nullable=True),
    ),
    geometry_types=frozenset(),
    geometry_nullable=True,
    checks=(_check_metric_unit, _check_years),
)
"""The per-record rules the workspace applies to every saved target (the whole-table rules —
unique ids, owners that exist — are `validate_targets` and the editor's)."""


def as_records(df: pd.DataFrame) -> gpd.GeoDataFrame:
    """A validated targets table as workspace records: a GeoDataFrame without geometry."""
    out = df.copy()
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries([None] * len(out), index=out.index, crs=4326), crs=4326)


def finish(records: pd.DataFrame) -> pd.DataFrame:
    """The targets records of the workspace as the pages use them: a DataFrame indexed by id with
    nullable integer years (no geometry column)."""
    out = pd.DataFrame(records.drop(columns=[c for c in ("geometry",) if c in records.columns]))
    for fld in ("target_year", "baseline_year", "actual_year"):
        if fld in out.columns:
            out[fld] = pd.to_numeric(out[fld], errors="coerce").astype("Int64")
    for fld in ("value", "baseline_value", "actual_value"):
        if fld in out.columns:
            out[fld] = pd.to_numeric(out[fld], errors="coerce").astype(float)
    for fld in COLUMNS:
        if fld not in out.columns:
            out[fld] = None
    return out


def load(path: Path, park_ids: set[str] | None = None) -> pd.DataFrame:
    """Read data/targets.csv (UTF-8) and validate it (see validate_targets)."""
    try:
        df = pd.read_csv(path, encoding="utf-8", dtype={"id": str, "park_id": str, "unit": str, "as_of": str, "actual_source": str, "comparison": str,
                                                            "note": str, "name_en": str},
                         keep_default_na=True)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise LayerValidationError([f"{path}: cannot be read as a UTF-8 CSV table: {exc}"]) from None
    return validate_targets(df, str(path), park_ids)




def sizing_choices(targets: pd.DataFrame, park_ids: set[str]) -> dict[str, list[int]]:
    """Metrics the atlas can size parks by: metric id -> target years present, for the park-level
    targets (zone-wide targets have no single place to draw them)."""
    rows = targets[targets["park_id"].isin(park_ids) & targets["target_year"].notna()]
    return {m: sorted(int(y) for y in g["target_year"].unique()) for m, g in rows.groupby("metric")}


def metric_values(targets: pd.DataFrame, metric: str, year: int, park_ids: set[str]) -> tuple[pd.Series, str | None]:
    """Each park's target value for `metric` in `year`, in one unit: (park_id -> value, unit).

    Only park-level targets count; when a metric is stated in several units, the most common unit
    is kept (values are never converted between, e.g., 人 and 万人 silently). When a park has two
    targets of the same metric and year (e.g. two revenue scopes), the larger is taken.

    >>> df = pd.DataFrame({"park_id": ["a", "b", "c"], "metric": ["jobs"] * 3, "value": [3.0, 1.5, 9.0],
    ...                    "unit": ["万人", "万人", "人"], "target_year": [2020, 2020, 2020]})
    >>> metric_values(df, "jobs", 2020, {"a", "b", "c"})
    (park_id
    a    3.0
    b    1.5
    Name: value, dtype: float64, '万人')
    """
    rows = targets[(targets["metric"] == metric) & (targets["target_year"] == year) & targets["park_id"].isin(park_ids)]
    if rows.empty:
        return pd.Series(dtype=float, name="value").rename_axis("park_id"), None
    unit = rows["unit"].mode().iloc[0]
    rows = rows[rows["unit"] == unit]
    return rows.groupby("park_id")["value"].max().astype(float), str(unit)


def marker_radius(values: pd.Series, smallest_px: float = 6.0, largest_px: float = 22.0) -> pd.Series:
    """Circle radius in screen pixels proportional to sqrt(value), so a circle's AREA is
    proportional to the value (the honest way to size symbols); the largest value gets `largest_px`.

    >>> marker_radius(pd.Series({"a": 100.0, "b": 25.0})).round(1).tolist()
    [22.0, 11.0]
    """
    top = float(values.max()) if not values.empty else 0.0
    if top <= 0:
        return pd.Series(smallest_px, index=values.index)
    return (values.clip(lower=0) / top).pow(0.5).mul(largest_px).clip(lower=smallest_px)
