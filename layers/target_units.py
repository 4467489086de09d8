"""Unit conversion within a target dimension: 万元 <-> 亿元, 亩 <-> km², 人 <-> 万人, ...

The dimensions and the units each may be given in are `layers.targets.DIMENSION_UNITS`; this module
adds the factors. Two units convert only when they are of the same dimension *and* measure on one
scale (the `SCALES` table): 亿美元 never converts to 亿元 (there is no exchange rate here), and
among counts only 人 and 万人 convert (个 and 家 count different things). A floor area (万㎡) is
never a land area (亩), whatever the numbers.

Besides the units of DIMENSION_UNITS, 元 (the base of the money scale) is known, and a few
unambiguous spellings a statistical table may use are read as our units (`UNIT_ALIASES`).
"""

from __future__ import annotations

from layers._errors import UnitMismatchError
from layers.targets import DIMENSION_UNITS

SCALES: dict[str, tuple[str, float]] = {
    # unit: (the base unit of its scale, how many base units one unit is)
    "元": ("元", 1.0),
    "万元": ("元", 1e4),
    "亿元": ("元", 1e8),
    "亿美元": ("美元", 1e8),
    "m²": ("m²", 1.0),
    "ha": ("m²", 1e4),
    "亩": ("m²", 10000 / 15),
    "km²": ("m²", 1e6),
    "㎡": ("㎡", 1.0),
    "万㎡": ("㎡", 1e4),
    "人": ("人", 1.0),
    "万人": ("人", 1e4),
}
"""Units that share a scale with others. Every other unit of DIMENSION_UNITS is a scale of its own
(factor 1): it converts only to itself. Land area is in m², floor area in ㎡ (two scales: never
compared)."""

EXTRA_UNITS: dict[str, str] = {"元": "money"}
"""Units known besides those of DIMENSION_UNITS: unit -> dimension."""

UNIT_ALIASES: dict[str, str] = {
    "km2": "km²", "平方公里": "km²", "平方千米": "km²", "公顷": "ha", "m2": "m²",
    "万平方米": "万㎡", "万m²": "万㎡", "万m2": "万㎡", "万元人民币": "万元", "亿元人民币": "亿元",
}
"""Spellings read as one of our units (`canonical_unit`); none is ambiguous (平方米 is not here:
it may be a land or a floor area)."""

DIMENSION_NAMES: dict[str, tuple[str, str]] = {
    "money": ("金额", "money"),
    "land_area": ("用地面积", "land area"),
    "floor_area": ("建筑面积", "floor area"),
    "count": ("数量", "count"),
    "ratio": ("比例", "ratio"),
    "energy_intensity": ("能耗强度", "energy intensity"),
    "per_population": ("每万人拥有量", "per 10,000 people"),
}
"""Each dimension's name in Chinese and English, for messages."""

_DIMENSION: dict[str, str] = {u: dim for dim, units in DIMENSION_UNITS.items() for u in units} | EXTRA_UNITS


UNIT_ENGLISH: dict[str, str] = {
    "亿元": "100 million yuan", "万元": "10,000 yuan", "亿美元": "100 million US dollars", "元": "yuan",
    "亩": "mu", "万㎡": "10,000 m² of floor area", "㎡": "m² of floor area", "个": "", "家": "firms",
    "项": "projects", "套": "units", "人": "people", "万人": "10,000 people", "所": "schools", "座": "",
    "条": "", "件/万人": "per 10,000 people", "吨标准煤/万元": "tonnes of standard coal per 10,000 yuan",
}
"""Our units in English, for exports in English ("" where a count needs no word: "4 个" is "4").
Every unit of `layers.targets.DIMENSION_UNITS` has an entry (a test holds them to it); a unit is
not a name, so the English export writes no Chinese beside it."""


def unit_in_english(unit: str) -> str:
    """A unit as an English export writes it: its English words (`UNIT_ENGLISH`; "" for a bare
    count), the unit itself where it is international (%, km², ha, m²) or has no entry.

    >>> unit_in_english("亿元"), unit_in_english("%"), unit_in_english("个"), unit_in_english("万人")
    ('100 million yuan', '%', '', '10,000 people')
    """
    return UNIT_ENGLISH.get(unit, unit)


def canonical_unit(text: str) -> str:
    """`text` stripped, and as our unit when it is one of UNIT_ALIASES; otherwise unchanged.

    >>> canonical_unit(" 平方公里 ")
    'km²'
    >>> canonical_unit("亿元")
    '亿元'
    """
    stripped = text.strip()
    return UNIT_ALIASES.get(stripped, stripped)


def dimension_of_unit(unit: str) -> str | None:
    """The dimension a unit measures ("money", "land_area", ...), or None for a unit we do not know.

    >>> dimension_of_unit("万元")
    'money'
    >>> dimension_of_unit("万㎡")
    'floor_area'
    >>> dimension_of_unit("furlong") is None
    True
    """
    return _DIMENSION.get(unit)


def unit_scale(unit: str) -> tuple[str, float]:
    """The scale a unit measures on and its size in the scale's base unit (no check that the unit
    is known: see `dimension_of_unit`).

    >>> unit_scale("万元"), unit_scale("家")
    (('元', 10000.0), ('家', 1.0))
    """
    return SCALES.get(unit, (unit, 1.0))


def _known(unit: str, role: str) -> str:
    dim = dimension_of_unit(unit)
    if dim is None:
        raise UnitMismatchError(f"{unit!r} ({role}) is not a unit we know; known units: {', '.join(_DIMENSION)}")
    return dim


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """The number that turns a value in `from_unit` into `to_unit` (value * factor).

    Raises UnitMismatchError when either unit is unknown, when they are of different dimensions,
    or when they are of one dimension without a factor between them (亿美元 -> 亿元, 个 -> 家).

    >>> conversion_factor("亿元", "万元")
    10000.0
    >>> conversion_factor("km²", "亩")
    1500.0
    """
    dim_from, dim_to = _known(from_unit, "from"), _known(to_unit, "to")
    if dim_from != dim_to:
        raise UnitMismatchError(f"{from_unit!r} is a unit of {dim_from}, {to_unit!r} of {dim_to}: "
                                "values of different dimensions are never converted")
    (base_from, f_from), (base_to, f_to) = unit_scale(from_unit), unit_scale(to_unit)
    if base_from != base_to:
        if "美元" in (base_from, base_to):
            why = "there is no exchange rate between US dollars and yuan here"
        else:
            why = "they measure different things"
        raise UnitMismatchError(f"{from_unit!r} cannot be converted to {to_unit!r} ({dim_from}): {why}")
    return f_from / f_to


def convertible(from_unit: str, to_unit: str) -> bool:
    """Whether `convert` turns values in `from_unit` into `to_unit` (never raises).

    >>> convertible("人", "万人"), convertible("个", "家"), convertible("万㎡", "亩")
    (True, False, False)
    """
    try:
        conversion_factor(from_unit, to_unit)
    except UnitMismatchError:
        return False
    return True


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """`value` in `from_unit` expressed in `to_unit`, within one dimension of DIMENSION_UNITS.

    Raises UnitMismatchError when the units are of different dimensions or not convertible (see
    `conversion_factor`).

    >>> convert(1500, "万元", "亿元")
    0.15
    >>> round(convert(1, "km²", "亩"), 6)
    1500.0
    >>> convert(3.5, "万人", "人")
    35000.0
    >>> convert(10, "亿美元", "亿元")
    Traceback (most recent call last):
    ...
    layers._errors.UnitMismatchError: '亿美元' cannot be converted to '亿元' (money): there is no exchange rate between US dollars and yuan here
    >>> convert(5, "万㎡", "亩")
    Traceback (most recent call last):
    ...
    layers._errors.UnitMismatchError: '万㎡' is a unit of floor_area, '亩' of land_area: values of different dimensions are never converted
    """
    if from_unit == to_unit:
        _known(from_unit, "from")
        return float(value)
    conversion_factor(from_unit, to_unit)  # raises when they do not convert
    return float(value) * unit_scale(from_unit)[1] / unit_scale(to_unit)[1]  # exact for 1500 万元 -> 0.15 亿元
