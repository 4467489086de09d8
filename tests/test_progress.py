"""layers.progress: each target judged against its actual figures, by the rule the page shows."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layers import registry
from layers._errors import LayerError, MissingColumnError
from layers.actuals import SCHEMA as ACTUALS_SCHEMA
from layers.progress import (ACTUALS_COLUMNS, PROGRESS_STATUSES, REASONS, RULE_EN, RULE_ZH, assess, progress_rank,
                             validate_actual)

TODAY = dt.date(2023, 6, 1)


def target(**fields) -> pd.DataFrame:
    """One target "t": ≥ 100 亿元 of revenue by 2025, no baseline, from a document of 2020-06-01."""
    row = {"id": "t", "park_id": "p", "metric": "revenue", "value": 100.0, "unit": "亿元", "target_year": 2025,
           "baseline_value": None, "baseline_year": None, "comparison": "≥", "as_of": "2020-06-01"} | fields
    df = pd.DataFrame([row]).set_index("id", drop=False).rename_axis(None)
    for col in ("target_year", "baseline_year"):
        df[col] = pd.to_numeric(df[col]).astype("Int64")
    return df


def actuals(*rows: tuple) -> pd.DataFrame:
    """Actual records of target "t" from (id, year, value, unit) tuples."""
    return pd.DataFrame([{"id": i, "target_id": "t", "year": y, "value": v, "unit": u, "source": f"bulletin {y}",
                          "as_of": None, "note": None} for i, y, v, u in rows], columns=list(ACTUALS_COLUMNS))


BASE = {"baseline_value": 50.0, "baseline_year": 2020}  # 50 in 2020 -> 100 in 2025: 80 expected in 2023
LOW = {"metric": "energy-intensity", "unit": "吨标准煤/万元", "value": 0.4, "comparison": "≤"}
LOW_BASE = LOW | {"baseline_value": 0.5, "baseline_year": 2020}  # 0.5 -> 0.4: 0.44 expected in 2023
E = "吨标准煤/万元"

CASES = [
    # (case, target fields, actual rows (id, year, value, unit), today,
    #  status, reason_code, actual_id, actual_value (target's unit), expected_value)
    ("no figure at all", {}, [], TODAY, "no-data", "no-actual", None, None, None),
    ("US dollars never convert to yuan", {}, [("a1", 2022, 20, "亿美元")], TODAY,
     "no-data", "unit-not-convertible", None, None, None),
    ("an unknown unit", {}, [("a1", 2022, 20, "furlong")], TODAY, "no-data", "unit-not-convertible", None, None, None),
    ("万元 converted to the target's 亿元", {}, [("a1", 2022, 1_200_000, "万元")], TODAY,
     "met", "reached", "a1", 120.0, None),
    ("1500 万元 is exactly 0.15 亿元", {"value": 0.15}, [("a1", 2022, 1500, "万元")], TODAY,
     "met", "reached", "a1", 0.15, None),
    ("亿元 figure, 万元 target", {"value": 5000, "unit": "万元"}, [("a1", 2022, 0.15, "亿元")], TODAY,
     "behind", "pace-short", "a1", 1500.0, 5000 * 2 / 5),
    ("人 converted to the target's 万人", {"metric": "jobs", "unit": "万人", "value": 3.0, "comparison": "="},
     [("a1", 2024, 35_000, "人")], TODAY, "met", "reached", "a1", 3.5, None),
    ("the first figure that reached it is shown", {}, [("a1", 2021, 101, "亿元"), ("a2", 2022, 130, "亿元")], TODAY,
     "met", "reached", "a1", 101.0, None),
    ("reached in time, later fell back: still met", {"target_year": 2021},
     [("a1", 2021, 100, "亿元"), ("a2", 2022, 90, "亿元")], TODAY, "met", "reached", "a1", 100.0, None),
    ("reached only after the target year", {"target_year": 2020},
     [("a1", 2020, 90, "亿元"), ("a2", 2021, 99, "亿元"), ("a3", 2022, 105, "亿元")], TODAY,
     "met", "reached-late", "a3", 105.0, None),
    ("target year passed, never reached", {"target_year": 2020},
     [("a1", 2019, 80, "亿元"), ("a2", 2020, 90, "亿元")], TODAY, "behind", "deadline-passed", "a2", 90.0, None),
    ("deadline passed: the latest figure is shown", {"target_year": 2020},
     [("a1", 2020, 90, "亿元"), ("a2", 2022, 95, "亿元")], TODAY, "behind", "deadline-passed", "a2", 95.0, None),
    ("baseline pace: exactly at pace", BASE, [("a1", 2023, 80, "亿元")], TODAY, "on-track", "pace-ok", "a1", 80.0, 80.0),
    ("baseline pace: short of it", BASE, [("a1", 2023, 79, "亿元")], TODAY, "behind", "pace-short", "a1", 79.0, 80.0),
    ("no baseline: pace from 0 in the document's year", {}, [("a1", 2023, 60, "亿元")], TODAY,
     "on-track", "pace-ok", "a1", 60.0, 60.0),
    ("the same figure is short of a baseline pace", BASE, [("a1", 2023, 60, "亿元")], TODAY,
     "behind", "pace-short", "a1", 60.0, 80.0),
    ("no baseline: short of the pace from 0", {}, [("a1", 2023, 59, "亿元")], TODAY,
     "behind", "pace-short", "a1", 59.0, 60.0),
    ("a figure before the baseline year: the pace is the baseline", BASE, [("a1", 2018, 50, "亿元")], TODAY,
     "on-track", "pace-ok", "a1", 50.0, 50.0),
    ("in the target year itself the pace is the value", {"target_year": 2023}, [("a1", 2023, 99, "亿元")], TODAY,
     "behind", "pace-short", "a1", 99.0, 100.0),
    ("the latest figure decides the pace", BASE, [("a1", 2021, 90, "亿元"), ("a2", 2023, 70, "亿元")], TODAY,
     "behind", "pace-short", "a2", 70.0, 80.0),
    ("two figures of one year: the larger id is the latest", BASE,
     [("a-2", 2023, 85, "亿元"), ("a-1", 2023, 70, "亿元")], TODAY, "on-track", "pace-ok", "a-2", 85.0, 80.0),
    ("a non-convertible figure is ignored beside a good one", BASE,
     [("a1", 2023, 85, "亿元"), ("a2", 2024, 1, "亿美元")], TODAY, "on-track", "pace-ok", "a1", 85.0, 80.0),
    ("lower is better: reached", LOW_BASE, [("a1", 2023, 0.39, E)], TODAY, "met", "reached", "a1", 0.39, None),
    ("lower is better: at pace", LOW_BASE, [("a1", 2023, 0.44, E)], TODAY, "on-track", "pace-ok", "a1", 0.44, 0.44),
    ("lower is better: above the pace", LOW_BASE, [("a1", 2023, 0.45, E)], TODAY,
     "behind", "pace-short", "a1", 0.45, 0.44),
    ("lower is better, no baseline: no pace line, on track until the year", LOW, [("a1", 2023, 0.41, E)], TODAY,
     "on-track", "no-pace", "a1", 0.41, None),
    ("lower is better: deadline passed", LOW | {"target_year": 2020}, [("a1", 2020, 0.41, E)], TODAY,
     "behind", "deadline-passed", "a1", 0.41, None),
    ("'<' is lower is better too", LOW | {"comparison": "<", "target_year": 2020}, [("a1", 2020, 0.38, E)], TODAY,
     "met", "reached", "a1", 0.38, None),
    ("约: 95 % of the value reaches it", {"comparison": "约", "target_year": 2020}, [("a1", 2020, 95, "亿元")], TODAY,
     "met", "reached", "a1", 95.0, None),
    ("约: 94.9 % does not", {"comparison": "约", "target_year": 2020}, [("a1", 2020, 94.9, "亿元")], TODAY,
     "behind", "deadline-passed", "a1", 94.9, None),
    ("≥ needs the whole value", {"target_year": 2020}, [("a1", 2020, 99.9, "亿元")], TODAY,
     "behind", "deadline-passed", "a1", 99.9, None),
    ("'>' counts like ≥", {"comparison": ">", "target_year": 2020}, [("a1", 2020, 100, "亿元")], TODAY,
     "met", "reached", "a1", 100.0, None),
    ("no target year: the latest figure reaches it", {"target_year": None}, [("a1", 2022, 100, "亿元")], TODAY,
     "met", "reached", "a1", 100.0, None),
    ("no target year: reached once, the latest falls short", {"target_year": None},
     [("a1", 2021, 110, "亿元"), ("a2", 2022, 90, "亿元")], TODAY, "on-track", "no-deadline", "a2", 90.0, None),
    ("no baseline and no document date: no pace", {"as_of": None}, [("a1", 2023, 10, "亿元")], TODAY,
     "on-track", "no-pace", "a1", 10.0, None),
    ("a target without a value", {"value": None}, [("a1", 2023, 10, "亿元")], TODAY,
     "no-data", "no-value", "a1", 10.0, None),
]


@pytest.mark.parametrize(("case", "fields", "rows", "today", "status", "reason", "actual_id", "actual_value",
                          "expected_value"), CASES, ids=[c[0] for c in CASES])
def test_rule(case, fields, rows, today, status, reason, actual_id, actual_value, expected_value):
    got = assess(target(**fields), actuals(*rows), today).loc["t"]
    assert (got["status"], got["reason_code"]) == (status, reason)
    assert REASONS[reason] == status
    if actual_id is None:
        assert pd.isna(got["actual_id"]) and pd.isna(got["actual_value"]) and pd.isna(got["actual_year"])
        return
    assert got["actual_id"] == actual_id
    source_row = next(r for r in rows if r[0] == actual_id)
    assert (got["actual_year"], got["actual_source"]) == (source_row[1], f"bulletin {source_row[1]}")
    assert got["actual_value"] == pytest.approx(actual_value)
    if expected_value is None:
        assert math.isnan(got["expected_value"])
    else:
        assert got["expected_value"] == pytest.approx(expected_value)
    value = target(**fields).at["t", "value"]
    if pd.notna(value):
        assert got["share"] == pytest.approx(actual_value / value)


def test_every_reason_is_in_the_rule_text():
    for code in REASONS:
        assert f"({code}" in RULE_EN and f"（{code}" in RULE_ZH, code
    assert set(REASONS.values()) == set(PROGRESS_STATUSES)


def test_the_bundled_targets_without_figures_have_no_data():
    targets = registry.load("targets")
    got = assess(targets, None, TODAY)
    assert list(got.index) == list(targets.index)
    assert (got["status"] == "no-data").all() and (got["reason_code"] == "no-actual").all()
    assert got["actual_year"].dtype == "Int64"


def test_the_bundled_pazhou_revenue_target():
    targets = registry.load("targets")
    figures = pd.DataFrame([{"id": "a-1", "target_id": "t-pazhou-revenue-2025", "year": 2022, "value": 1500.0,
                             "unit": "亿元", "source": "海珠区统计公报", "as_of": None, "note": None},
                            {"id": "a-2", "target_id": "not-a-target", "year": 2022, "value": 1.0,
                             "unit": "亿元", "source": "x", "as_of": None, "note": None}])
    got = assess(targets, figures, TODAY).loc["t-pazhou-revenue-2025"]
    assert (got["status"], got["reason_code"], got["expected_value"]) == ("on-track", "pace-ok", 1400.0)


def test_actuals_without_their_columns_are_refused():
    with pytest.raises(MissingColumnError, match="missing column.*source"):
        assess(target(), pd.DataFrame({"id": ["a"], "target_id": ["t"], "year": [2020], "value": [1.0],
                                       "unit": ["亿元"]}), TODAY)


def test_actuals_columns_are_the_layer_schema():
    assert ACTUALS_COLUMNS == tuple(c.name for c in ACTUALS_SCHEMA.columns)


@pytest.mark.parametrize(("status", "rank"), [("met", 3), ("on-track", 2), ("behind", 1), ("no-data", 0)])
def test_progress_rank(status, rank):
    assert progress_rank(status) == rank


def test_progress_rank_of_an_unknown_status():
    with pytest.raises(LayerError, match="'done' is not a progress status"):
        progress_rank("done")


@given(st.lists(st.floats(0, 300), min_size=1, max_size=4), st.floats(0, 300))
def test_a_higher_figure_never_lowers_the_status(values, extra):
    """Law: raising one figure of a higher-is-better target never makes its status worse."""
    rows = [(f"a{i}", 2020 + i, v, "亿元") for i, v in enumerate(values)]
    before = assess(target(**BASE), actuals(*rows), TODAY).at["t", "status"]
    raised = rows[:-1] + [(rows[-1][0], rows[-1][1], rows[-1][2] + extra, "亿元")]
    after = assess(target(**BASE), actuals(*raised), TODAY).at["t", "status"]
    assert progress_rank(after) >= progress_rank(before)


GOOD = {"target_id": "t", "year": 2022, "value": 12.5, "unit": "万元", "source": "2022年统计公报"}


@pytest.mark.parametrize(("change", "problem"), [
    ({}, None),
    ({"as_of": "2023-03-01", "year": "2022"}, None),
    ({"unit": "亿美元"}, None),  # recorded; assess says it cannot be compared
    ({"target_id": "t-x"}, "field 'target_id': 't-x' is not the id of a target"),
    ({"target_id": None}, "field 'target_id': is missing"),
    ({"unit": "亩"}, "field 'unit': '亩' is a unit of land_area, not of money"),
    ({"unit": "furlong"}, "field 'unit': 'furlong' is not a unit we know"),
    ({"year": 1989}, "field 'year': 1989 is not a year between 1990 and 2060"),
    ({"year": 2020.5}, "field 'year': 2020.5 is not a year"),
    ({"value": float("nan")}, "field 'value': is missing"),
    ({"value": float("inf")}, "field 'value': inf is not a finite number"),
    ({"value": "12"}, "field 'value': '12' is not a finite number"),
    ({"source": "  "}, "field 'source': is missing"),
    ({"as_of": "March 2023"}, "field 'as_of': 'March 2023' is not an ISO date"),
])
def test_validate_actual(change, problem):
    problems = validate_actual(GOOD | change, target())
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith(problem), problems
