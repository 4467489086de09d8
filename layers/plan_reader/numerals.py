"""Numbers as plans write them: Arabic (1,200.5), Chinese (约二点二, 一千二百, 二〇二三), ranges.

Rules of our own rather than cn2an (which rewrites ordinals, 一期 → 1期, and drops 亿 from
一千亿元) or jionlp (GPL-3.0). Only a numeral followed by a unit is ever read as a quantity (the
patterns of `areas` and `targets` say which units), so an ordinal such as 一期, 第一, 一是, 一区五园 or
十大 is never rewritten: the text itself is never changed, a value is computed beside it. 万 and 亿
after a numeral stay in the unit as written (一千亿元 → 1000 and 亿元; 四十万辆 → 40 and 万辆) unless
more digits follow (一万二千亩 → 12000 and 亩).

>>> parse_number("约二点二".removeprefix("约"))
2.2
>>> parse_number("一千二百"), parse_number("二〇二三"), parse_number("1,200.5")
(1200.0, 2023.0, 1200.5)
>>> [m.group() for m in NUMBER_RE.finditer("一期二期共一千亿元，第一批")]
['一千']
"""

from __future__ import annotations

import re

CN_DIGITS: dict[str, int] = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
                             "六": 6, "七": 7, "八": 8, "九": 9}
"""Chinese digit characters and their values (两 = 2; 〇 and ○ as written in dates)."""
CN_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
"""Chinese place-value characters inside a numeral (万 and 亿 are handled apart)."""

_D = "零〇○一二两三四五六七八九"
_CN = f"(?:[{_D}十][{_D}十百千]*(?:万[{_D}十百千]+)?(?:点[{_D}]+)?)"
_AR = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
NUMBER = f"(?:{_AR}|{_CN})"
"""Regex of one number: Arabic (with thousands commas, decimals) or a Chinese numeral that starts
with a digit or 十 (so 百亩 / 千亩 / 万亩 in names such as 千亩产业加速器 are not numbers)."""
NUMBER_RE = re.compile(f"(?<![{_D}十百千万第])(?:{_AR}|{_CN})(?=[亿万千百]?[元亩个家人名项件辆吨套所座条%平公米])"
                       f"|(?<![\\d.]){_AR}")
"""A number as it stands in running text: Chinese numerals only when a unit follows, never after 第."""
RANGE_SEP = "—–~～至到-"
"""Characters that join the two ends of a range (2—3个, 1-2家)."""

_CN_ONLY = re.compile(f"^{_CN}$")
_AR_ONLY = re.compile(f"^{_AR}$")


def parse_number(text: str) -> float | None:
    """The value of one numeral `text` (Arabic or Chinese, no unit), or None if it is not one.

    >>> parse_number("十二"), parse_number("四十"), parse_number("一万二千"), parse_number("三点三")
    (12.0, 40.0, 12000.0, 3.3)
    >>> parse_number("一期") is None
    True
    """
    text = text.strip()
    if not text:
        return None
    if _AR_ONLY.match(text):
        return float(text.replace(",", ""))
    if not _CN_ONLY.match(text):
        return None
    whole, _, frac = text.partition("点")
    value = float(_cn_integer(whole))
    if frac:
        value = float(f"{int(value)}." + "".join(str(CN_DIGITS[c]) for c in frac))
    return value


def _cn_integer(text: str) -> int:
    if all(c in CN_DIGITS for c in text):  # 二〇二三, 一九九一: digit by digit
        return int("".join(str(CN_DIGITS[c]) for c in text))
    total = section = digit = 0
    for c in text:
        if c in CN_DIGITS:
            digit = CN_DIGITS[c]
        elif c in CN_UNITS:
            section += (digit or 1) * CN_UNITS[c]
            digit = 0
        elif c == "万":
            total += (section + digit) * 10000
            section = digit = 0
    return total + section + digit


def parse_year(text: str) -> int | None:
    """A year written in Arabic or Chinese digits (with or without 年), or None.

    >>> parse_year("二〇二三年"), parse_year("2027年"), parse_year("二三年")
    (2023, 2027, None)
    """
    value = parse_number(text.removesuffix("年"))
    if value is None or not 1900 <= value <= 2100:
        return None
    return int(value)


def plain(value: float) -> int | float:
    """`value` as an int when it is whole (650.0 → 650), else as it is.

    >>> plain(650.0), plain(0.96)
    (650, 0.96)
    """
    return int(value) if float(value).is_integer() else value


def tidy(value: float) -> float:
    """`value` rounded to 6 decimals, without float noise (0.1 + 0.2 → 0.3).

    >>> tidy(180 / 1500), tidy(2600 / 1500)
    (0.12, 1.733333)
    """
    return round(value + 0.0, 6)
