"""Names of administrative regions (province, city) in both languages: a gazetteer kept as data.

data/regions.csv lists Guangdong, its 21 prefecture-level cities and the districts our parks lie
in (level `district`, parent the city) with their GB/T 2260 codes as the citation and the official
romanisation ("Haizhu District"). A city the table does not have is shown by its
Chinese name in English too, and marked as such by the page (`label` says whether it fell back).
Which cities the app offers is decided by the parks, never by this table.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

REGIONS_FILE = "regions.csv"


@functools.lru_cache(maxsize=4)
def _names(path: str) -> dict[str, str]:
    try:
        df = pd.read_csv(path, encoding="utf-8", dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError):
        return {}
    return {zh.strip(): en.strip() for zh, en in zip(df.get("name_zh", []), df.get("name_en", [])) if zh.strip() and en.strip()}


def english_names(data_dir: Path) -> dict[str, str]:
    """{Chinese name: English name} of the regions data/regions.csv knows."""
    return dict(_names(str(Path(data_dir) / REGIONS_FILE)))


def city_label(name: str | None, lang: str) -> str:
    """A city (or district list) in `lang`, from the bundled gazetteer; the Chinese name where it
    has no English one (pages mark that themselves with `label`)."""
    from layers.registry import data_dir

    return label(name, lang, data_dir())[0]


def label(name: str | None, lang: str, data_dir: Path) -> tuple[str, bool]:
    """(name shown in `lang`, fell back to Chinese?). Several regions joined by '、' are labelled
    one by one.

    >>> from layers.registry import data_dir
    >>> label("佛山市", "en", data_dir()), label("中山市", "zh", data_dir())
    (('Foshan', False), ('中山市', False))
    """
    if not name:
        return "", False
    if lang == "zh":
        return name, False
    names = english_names(data_dir)
    parts = [p for p in str(name).split("、") if p]
    shown = [names.get(p) for p in parts]
    return ", ".join(s or p for s, p in zip(shown, parts)), any(s is None for s in shown)


@functools.lru_cache(maxsize=4)
def _parents(path: str) -> dict[str, str]:
    try:
        df = pd.read_csv(path, encoding="utf-8", dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError):
        return {}
    return {zh.strip(): p.strip() for zh, p in zip(df.get("name_zh", []), df.get("parent", [])) if zh.strip() and p.strip()}


def province_of(city: str | None, data_dir: Path) -> str | None:
    """The province the gazetteer puts a city in (None for a city it does not list).

    >>> from layers.registry import data_dir
    >>> province_of("清远市", data_dir()), province_of("Atlantis", data_dir())
    ('广东省', None)
    """
    return _parents(str(Path(data_dir) / REGIONS_FILE)).get(str(city or "").strip())
