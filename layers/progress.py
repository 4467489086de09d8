"""Plan vs actual: each target judged against the actual figures reported for it.

Actual figures ("actuals", the `actuals` layer of `layers.actuals`) are records `id`, `target_id`,
`year`, `value` in `unit` (a unit of the target metric's dimension), `source` (the statistical
bulletin, report or URL: required), `as_of` (optional ISO date) and `note`. `assess` applies the
rule below, written once as the text a page shows (RULE_EN, RULE_ZH); the code follows that text
step by step, and `REASONS` lists the step (reason code) -> the status it gives.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re

import numpy as np
import pandas as pd

from layers._errors import LayerError, MissingColumnError
from layers.base import AS_OF_PATTERN
from layers.target_units import convertible, dimension_of_unit, unit_scale
from layers.targets import DIMENSION_UNITS, METRICS

ACTUALS_COLUMNS = ("id", "target_id", "year", "value", "unit", "source", "as_of", "note")
"""The columns of an actual record (`layers.actuals.SCHEMA`)."""

PROGRESS_STATUSES = ("met", "on-track", "behind", "no-data")
_RANK = {"met": 3, "on-track": 2, "behind": 1, "no-data": 0}

YEARS = (1990, 2060)
"""The years an actual figure may be of (inclusive), as for the targets' years."""

LOWER_IS_BETTER = ("≤", "<")
"""Comparisons of a target that is better lower; every other (≥ > = 约, or none) is better higher."""
ABOUT_TOLERANCE: dict[str, float] = {"约": 0.05}
"""A figure within this share of the value reaches it ("约" about: 95 % is enough)."""

REASONS: dict[str, str] = {
    "no-actual": "no-data",
    "unit-not-convertible": "no-data",
    "no-value": "no-data",
    "reached": "met",
    "no-deadline": "on-track",
    "reached-late": "met",
    "deadline-passed": "behind",
    "no-pace": "on-track",
    "pace-ok": "on-track",
    "pace-short": "behind",
}
"""Reason code (the step of the rule that decided) -> the status it gives, in the rule's order."""

RULE_EN = """\
How a target's progress is judged (the reason code in brackets):
1. No data: there is no actual figure for the target (no-actual), or none in a unit that converts to \
the target's unit (unit-not-convertible; 万元 and 亿元 convert, 亿美元 and 亿元 do not: no exchange rate), \
or the target has no value (no-value). Figures are compared in the target's unit; a figure whose unit \
does not convert is left out of every step below.
2. Direction: a target stated with "≤" or "<" is better lower; every other target ("≥", ">", "=", \
"约", or none) is better higher. A figure reaches the value when it is at least the value (at most, when \
lower is better); for "约" (about), 95 % of the value is enough. ">" counts like "≥", "<" like "≤".
3. A target without a target year is met when its latest figure reaches the value (reached); \
otherwise it is on track (no-deadline): nothing makes it late.
4. Met: a figure of the target year or earlier reaches the value (reached). Reached only in a later \
year: met late (reached-late).
5. Behind: the target year has passed (the current year is later) and no figure up to it reached the \
value (deadline-passed).
6. Until then, the latest figure is compared with the linear pace: the straight line from the \
baseline (the baseline value in the baseline year) to the target value in the target year, read at the \
figure's year (before the line starts: its start; after the target year: the value; a line without \
length: the value). Without a baseline the line starts at 0 in the year of the target's document \
date (as_of). At or beyond the pace: on track (pace-ok); short of it: behind (pace-short). Without a \
baseline and a document date, or for a lower-is-better target without a baseline (a line down from 0 \
means nothing), there is no line: on track until the target year (no-pace).
The latest figure is the one of the largest year (in one year, the one with the larger id). The figure \
shown is the one that decided: for a met target the first (earliest) that reached the value, \
otherwise the latest."""

RULE_ZH = """\
目标进展的判定规则（括号内为判定依据代码）：
1. 无数据：该目标没有实际值（no-actual），或没有一个实际值的单位可换算为目标的单位（unit-not-convertible；\
万元与亿元可换算，亿美元与亿元不可换算：无汇率），或目标没有数值（no-value）。实际值均换算为目标的单位后比较；单位无法换算的实际值不参与以下各步。
2. 方向：以“≤”或“<”表述的目标越低越好；其他目标（“≥”“>”“=”“约”或未注明）越高越好。实际值不低于目标值\
（越低越好的目标：不高于目标值）即为达到；“约”的目标达到目标值的 95% 即算达到。“>”按“≥”计，“<”按“≤”计。
3. 没有目标年份的目标：最新实际值达到目标值即为已达成（reached）；否则为按进度推进（no-deadline）：没有期限，不算滞后。
4. 已达成：目标年份及以前某年的实际值达到目标值（reached）。仅在目标年份之后才达到：逾期达成，仍计为已达成\
（reached-late）。
5. 滞后：目标年份已过（当前年份晚于目标年份），且截至目标年份没有实际值达到目标值（deadline-passed）。
6. 目标年份未过时，将最新实际值与线性进度比较：从基期（基期年份的基期值）到目标年份的目标值连一条直线，取实际值所在\
年份的值（早于直线起点：取起点值；晚于目标年份：取目标值；起止同年：取目标值）。没有基期值时，直线从目标所依据文件\
日期（as_of）所在年份的 0 开始。不低于进度（越低越好的目标：不高于）为按进度推进（pace-ok），低于进度为滞后（pace-short）。\
既无基期值又无文件日期时，或越低越好的目标没有基期值时（从 0 开始的下降线没有意义），无法确定进度：目标年份前计为按进度推进（no-pace）。
最新实际值指年份最大者（同一年份取编号较大者）。显示的实际值为作出判定者：已达成的目标显示最早达到目标值者，其他显示最新实际值。"""

RESULT_COLUMNS = ("status", "reason_code", "actual_value", "actual_year", "actual_source", "actual_id",
                  "expected_value", "share")


def rule_text(lang: str, codes: bool = False) -> str:
    """The rule in `lang` ("zh" or "en") as a page shows it: without the reason codes in brackets
    unless `codes` (they are for scripts and exports that carry `reason_code`)."""
    import re

    text = RULE_ZH if lang == "zh" else RULE_EN
    if codes:
        return text
    codes_re = "|".join(re.escape(c) for c in sorted(REASONS, key=len, reverse=True))
    text = re.sub(rf"\s?[（(](?:{codes_re})(?:[；;][^）)]*)?[）)]", lambda m: _keep_note(m.group(0)), text)
    return (text.replace("（括号内为判定依据代码）", "").replace(" (the reason code in brackets)", "")
            .replace("（as_of）", ""))


def _keep_note(bracket: str) -> str:
    """'（unit-not-convertible；万元与亿元可换算…）' -> '（万元与亿元可换算…）'; a bare code -> ''."""
    for sep in ("；", "; "):
        if sep in bracket:
            opening = "（" if "（" in bracket else " ("
            return opening + bracket.split(sep, 1)[1]
    return ""


def progress_rank(status: str) -> int:
    """Sort and colour order of a status: met 3, on-track 2, behind 1, no-data 0.

    >>> sorted(["behind", "met", "no-data"], key=progress_rank, reverse=True)
    ['met', 'behind', 'no-data']
    """
    try:
        return _RANK[status]
    except KeyError:
        raise LayerError(f"{status!r} is not a progress status ({', '.join(PROGRESS_STATUSES)})") from None


def _blank(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def as_number(v: object) -> float | None:
    """A cell or form value as a finite float, or None: numbers, and text such as "1,234.5".

    >>> as_number("1,234.5"), as_number(7), as_number("n/a"), as_number(float("inf")), as_number(True)
    (1234.5, 7.0, None, None, None)
    """
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, numbers.Real):
        out = float(v)
    elif isinstance(v, str):
        try:
            out = float(v.strip().replace(",", "").replace("，", ""))
        except ValueError:
            return None
    else:
        return None
    return out if math.isfinite(out) else None


def as_year(v: object) -> int | None:
    """A cell or form value as a whole year number, or None: 2019, 2019.0, "2019", "2019年".
    (Whether it is in YEARS is the caller's check.)

    >>> as_year("2019年"), as_year(2020.0), as_year(2020.5), as_year("20x9")
    (2019, 2020, None, None)
    """
    if isinstance(v, str):
        v = v.strip().removesuffix("年").strip()
    number = as_number(v)
    return int(number) if number is not None and number.is_integer() else None


def validate_actual(attrs: dict, targets: pd.DataFrame) -> list[str]:
    """The problems of one actual record before it is saved; [] when it may be saved.

    attrs: the record's fields (ACTUALS_COLUMNS; `id` is not checked here). targets: the targets
    table (`layers.targets`, indexed by target id). Each problem names its field, e.g.
    ``field 'unit': '亩' is a unit of land_area, not of money (the metric of 't-x' is revenue)``.
    Units of the metric's dimension that do not convert to the target's unit (亿美元 for a target in
    亿元) are allowed: the figure is recorded, and `assess` says it cannot be compared.
    """
    problems: list[str] = []

    def say(fld: str, what: str) -> None:
        problems.append(f"field '{fld}': {what}")

    tid, unit = attrs.get("target_id"), attrs.get("unit")
    target_dim = None
    if _blank(tid):
        say("target_id", "is missing")
    elif tid not in targets.index:
        say("target_id", f"{tid!r} is not the id of a target")
    else:
        metric = targets.at[tid, "metric"]
        target_dim = METRICS[metric].dimension if metric in METRICS else None
    if _blank(unit):
        say("unit", "is missing")
    elif not isinstance(unit, str) or dimension_of_unit(unit) is None:
        say("unit", f"{unit!r} is not a unit we know")
    elif target_dim is not None and dimension_of_unit(unit) != target_dim:
        say("unit", f"{unit!r} is a unit of {dimension_of_unit(unit)}, not of {target_dim} "
                    f"({', '.join(DIMENSION_UNITS[target_dim])}; the metric of {tid!r} is {targets.at[tid, 'metric']})")
    year = attrs.get("year")
    parsed = as_year(year)
    if _blank(year):
        say("year", "is missing")
    elif parsed is None or not YEARS[0] <= parsed <= YEARS[1]:
        say("year", f"{year!r} is not a year between {YEARS[0]} and {YEARS[1]}")
    value = attrs.get("value")
    if _blank(value):
        say("value", "is missing")
    elif isinstance(value, str) or as_number(value) is None:
        say("value", f"{value!r} is not a finite number")
    if _blank(attrs.get("source")):
        say("source", "is missing (an actual figure cites its own source: a statistical bulletin, report or URL)")
    as_of = attrs.get("as_of")
    if not _blank(as_of) and not (isinstance(as_of, str) and AS_OF_PATTERN.match(as_of)):
        say("as_of", f"{as_of!r} is not an ISO date (YYYY-MM-DD)")
    return problems


def _floats(s: pd.Series) -> np.ndarray:
    return pd.to_numeric(s, errors="coerce").astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def _document_year(s: pd.Series) -> np.ndarray:
    return np.array([float(str(v)[:4]) if not _blank(v) and re.match(r"\d{4}", str(v)) else np.nan for v in s])


def _usable_actuals(targets: pd.DataFrame, actuals: pd.DataFrame | None) -> tuple[pd.DataFrame, set]:
    """The actuals of known targets with a year and a value, with `converted` (in the target's
    unit, NaN when the unit does not convert); and the ids of the targets that have any."""
    if actuals is None or actuals.empty:
        return pd.DataFrame(columns=[*ACTUALS_COLUMNS, "converted"]), set()
    missing = [c for c in ("id", "target_id", "year", "value", "unit", "source") if c not in actuals.columns]
    if missing:
        raise MissingColumnError(f"actuals: missing column(s) {', '.join(missing)}; it has {', '.join(map(str, actuals.columns))}")
    a = pd.DataFrame({c: actuals[c].to_numpy() for c in ("id", "target_id", "unit", "source")})
    a["year"], a["value"] = _floats(actuals["year"]), _floats(actuals["value"])
    a = a[a["target_id"].isin(targets.index) & np.isfinite(a["year"]) & np.isfinite(a["value"])]
    target_unit = a["target_id"].map(targets["unit"])
    ok = np.array([isinstance(u, str) and isinstance(tu, str) and convertible(u, tu)
                   for u, tu in zip(a["unit"], target_unit)], dtype=bool)
    f_from = np.array([unit_scale(u)[1] if k else np.nan for u, k in zip(a["unit"], ok)], dtype=float)
    f_to = np.array([unit_scale(u)[1] if k else np.nan for u, k in zip(target_unit, ok)], dtype=float)
    a["converted"] = a["value"].to_numpy() * f_from / f_to
    return a.reset_index(drop=True), set(a["target_id"])


def _pick(rows: pd.DataFrame, index: pd.Index, latest: bool) -> pd.DataFrame:
    """Per target, the latest row (largest year, then larger id) or the first (smallest year, then larger id)."""
    if rows.empty:
        return pd.DataFrame(index=index, columns=[c for c in rows.columns if c != "target_id"])
    ordered = rows.sort_values(["year", "id"], ascending=[not latest, False], kind="stable")
    return ordered.drop_duplicates("target_id").set_index("target_id").reindex(index)


def assess(targets: pd.DataFrame, actuals: pd.DataFrame | None, today: dt.date) -> pd.DataFrame:
    """Each target's progress by RULE_EN, indexed like `targets` (by target id).

    Parameters
    ----------
    targets : the targets table of `layers.targets` (index = target id; `value` in `unit`,
        `target_year`, `baseline_value`, `baseline_year`, `comparison`, `as_of`).
    actuals : actual records (ACTUALS_COLUMNS); records of unknown targets, or without a year or
        value, are ignored. None or empty: every target has no data.
    today : the date the judgement is made on (only its year counts).

    Returns
    -------
    DataFrame with columns `status` (PROGRESS_STATUSES), `reason_code` (REASONS), `actual_value`
    (the deciding figure in the target's unit), `actual_year`, `actual_source`, `actual_id`,
    `expected_value` (the linear pace at `actual_year`, in the target's unit; NaN unless the pace
    decided), `share` (actual_value / target value).
    """
    ids = targets.index
    value, target_year = _floats(targets["value"]), _floats(targets["target_year"])
    lower = targets["comparison"].isin(LOWER_IS_BETTER).to_numpy()
    tol = targets["comparison"].map(ABOUT_TOLERANCE).fillna(0.0).to_numpy(dtype=float)
    has_baseline = ~np.isnan(_floats(targets["baseline_value"])) & ~np.isnan(_floats(targets["baseline_year"]))
    start_year = np.where(has_baseline, _floats(targets["baseline_year"]), _document_year(targets["as_of"]))
    start_value = np.where(has_baseline, _floats(targets["baseline_value"]), 0.0)

    a, with_any = _usable_actuals(targets, actuals)
    a = a[a["converted"].notna()].copy()
    pos = ids.get_indexer(a["target_id"])
    v, t_year = value[pos], target_year[pos]
    a["reached"] = np.where(lower[pos], a["converted"] <= v + tol[pos] * np.abs(v),
                            a["converted"] >= v - tol[pos] * np.abs(v))
    latest = _pick(a, ids, latest=True)
    first_in_time = _pick(a[a["reached"] & (a["year"] <= t_year)], ids, latest=False)
    first_late = _pick(a[a["reached"] & (a["year"] > t_year)], ids, latest=False)

    latest_year = latest["year"].to_numpy(dtype=float)
    span = target_year - start_year
    with np.errstate(invalid="ignore", divide="ignore"):
        along = np.clip((latest_year - start_year) / np.where(span > 0, span, np.nan), 0.0, 1.0)
    expected = np.where(span > 0, start_value + (value - start_value) * along, value)
    latest_value = latest["converted"].to_numpy(dtype=float)
    pace_ok = np.where(lower, latest_value <= expected, latest_value >= expected)
    no_year = np.isnan(target_year)
    steps = [  # (condition, reason): the rule's steps in order; the first that holds decides
        (~ids.isin(list(with_any)), "no-actual"),
        (latest["id"].isna().to_numpy(), "unit-not-convertible"),
        (np.isnan(value), "no-value"),
        (no_year & latest["reached"].eq(True).to_numpy(), "reached"),
        (no_year, "no-deadline"),
        (first_in_time["id"].notna().to_numpy(), "reached"),
        (first_late["id"].notna().to_numpy(), "reached-late"),
        (today.year > target_year, "deadline-passed"),
        (np.isnan(start_year) | (lower & ~has_baseline), "no-pace"),
        (pace_ok, "pace-ok"),
    ]
    reason = np.select([c for c, _ in steps], [r for _, r in steps], default="pace-short")
    shown = latest.copy()
    for picked, when in ((first_in_time, reason == "reached"), (first_late, reason == "reached-late")):
        use = when & ~no_year
        shown.loc[use] = picked.loc[use].to_numpy()
    shown_value = shown["converted"].to_numpy(dtype=float)
    out = pd.DataFrame({
        "status": pd.Series(reason, index=ids).map(REASONS),
        "reason_code": reason,
        "actual_value": shown_value,
        "actual_year": pd.array(shown["year"].to_numpy(dtype=float), dtype="Float64").astype("Int64"),
        "actual_source": shown["source"].to_numpy(dtype=object),
        "actual_id": shown["id"].to_numpy(dtype=object),
        "expected_value": np.where(np.isin(reason, ["pace-ok", "pace-short"]), expected, np.nan),
        "share": np.where(value != 0, shown_value / np.where(value != 0, value, 1.0), np.nan),
    }, index=ids)
    return out
