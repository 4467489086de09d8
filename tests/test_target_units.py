"""layers.target_units: conversion within a target dimension, and refusals across or without a factor."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layers._errors import UnitMismatchError
from layers.target_units import (SCALES, canonical_unit, conversion_factor, convert, convertible,
                                 dimension_of_unit)
from layers.targets import DIMENSION_UNITS


@pytest.mark.parametrize(("value", "from_unit", "to_unit", "expected"), [
    (1, "亿元", "元", 1e8),
    (1, "万元", "元", 1e4),
    (1500, "万元", "亿元", 0.15),
    (2.5, "亿元", "万元", 25_000),
    (3, "亿美元", "亿美元", 3),
    (1, "km²", "m²", 1e6),
    (1, "km²", "ha", 100),
    (1, "km²", "亩", 1500),
    (15, "亩", "m²", 10_000),
    (1, "ha", "亩", 15),
    (2, "万㎡", "㎡", 20_000),
    (35_000, "人", "万人", 3.5),
    (6.6, "万人", "人", 66_000),
    (12, "家", "家", 12),
    (80, "%", "%", 80),
    (0.4, "吨标准煤/万元", "吨标准煤/万元", 0.4),
])
def test_convert(value, from_unit, to_unit, expected):
    assert convert(value, from_unit, to_unit) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("from_unit", "to_unit", "message"), [
    ("亿美元", "亿元", "no exchange rate"),
    ("万元", "亿美元", "no exchange rate"),
    ("个", "家", "'个' cannot be converted to '家' \\(count\\): they measure different things"),
    ("项", "人", "they measure different things"),
    ("万㎡", "亩", "'万㎡' is a unit of floor_area, '亩' of land_area"),
    ("㎡", "m²", "floor_area.*land_area"),
    ("亿元", "%", "money.*ratio"),
    ("furlong", "亩", "'furlong' \\(from\\) is not a unit we know"),
    ("亩", "", "'' \\(to\\) is not a unit we know"),
    ("furlong", "furlong", "is not a unit we know"),
])
def test_refused(from_unit, to_unit, message):
    with pytest.raises(UnitMismatchError, match=message):
        convert(1.0, from_unit, to_unit)
    assert not convertible(from_unit, to_unit)


def test_every_unit_of_every_dimension_is_known():
    for dim, units in DIMENSION_UNITS.items():
        for unit in units:
            assert dimension_of_unit(unit) == dim
            assert convert(7.0, unit, unit) == 7.0
    assert set(SCALES) <= {u for units in DIMENSION_UNITS.values() for u in units} | {"元"}


@pytest.mark.parametrize(("unit", "dimension"), [
    ("元", "money"), ("亿美元", "money"), ("亩", "land_area"), ("万㎡", "floor_area"), ("万人", "count"),
    ("件/万人", "per_population"), ("平方公里", None), ("", None),
])
def test_dimension_of_unit(unit, dimension):
    assert dimension_of_unit(unit) == dimension


@pytest.mark.parametrize(("text", "unit"), [
    ("平方公里", "km²"), (" km2 ", "km²"), ("公顷", "ha"), ("万平方米", "万㎡"), ("亿元人民币", "亿元"),
    ("平方米", "平方米"),  # land or floor area: left for the caller to refuse
    ("亿元", "亿元"),
])
def test_canonical_unit(text, unit):
    assert canonical_unit(text) == unit


def test_factor():
    assert conversion_factor("万人", "人") == 10_000
    assert conversion_factor("亩", "km²") == pytest.approx(1 / 1500)


SCALED = st.sampled_from([u for u in SCALES if u != "亿美元"])


@given(st.floats(-1e12, 1e12, allow_nan=False), SCALED, SCALED)
def test_there_and_back(value, a, b):
    """Law: converting to a unit of the same scale and back gives the value again."""
    if not convertible(a, b):
        return
    assert convert(convert(value, a, b), b, a) == pytest.approx(value, rel=1e-12, abs=1e-9)
