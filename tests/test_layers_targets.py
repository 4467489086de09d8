"""layers.targets: validation (units per dimension, citations), comparability."""

from __future__ import annotations

import pandas as pd
import pytest

from layers._errors import LayerValidationError
from layers.targets import comparable, load, validate_targets

PARKS = {"test-square-park", "test-foshan-base"}


@pytest.fixture()
def table(small_parks_path):
    return pd.read_csv(small_parks_path.parent / "targets.csv", dtype={"id": str, "park_id": str, "unit": str, "as_of": str})


def test_loads_and_indexes(small_parks_path):
    df = load(small_parks_path.parent / "targets.csv", PARKS)
    assert df.loc["t-test-revenue-2025", "baseline_value"] == 1000
    assert df["target_year"].dtype == "Int64"


def test_floor_area_is_never_comparable_with_land():
    assert not comparable("floor-area", "land-developed")
    assert comparable("revenue", "output")


@pytest.mark.parametrize(("row", "col", "value", "message"), [
    (4, "unit", "亩", r"target 't-test-floor': field 'unit': '亩' is not a unit of floor_area"),
    (3, "unit", "万㎡", r"target 't-test-land': field 'unit': '万㎡' is not a unit of land_area"),
    (0, "metric", "happiness", r"field 'metric': 'happiness' is not one of the known metrics"),
    (0, "source", None, r"target 't-test-revenue-2020': field 'source': is missing"),
    (1, "park_id", "nowhere", r"field 'park_id': 'nowhere' is not the id of a park or a programme"),
    (0, "actual_value", 900.0, r"field 'actual_source': is required with actual_value"),
    (0, "baseline_value", 10.0, r"field 'baseline_year': is required with baseline_value"),
    (0, "target_year", 20200, r"field 'target_year': 20200 is not a year"),
    (0, "status", "done", r"field 'status': 'done' is not one of"),
])
def test_problems_name_the_target_and_field(table, row, col, value, message):
    table[col] = table[col].astype(object)
    table.at[row, col] = value
    with pytest.raises(LayerValidationError, match=message):
        validate_targets(table, "targets.csv", PARKS)
