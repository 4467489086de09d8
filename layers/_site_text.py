"""Text helpers shared by the site search (`layers.sites`), its explanations and the comparison
(`layers.site_compare`): distances for people, labels, station and line names in zh or en."""

from __future__ import annotations

import math
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.access import station_status

WORDS = {
    "matches": ("匹配", "matches"), "metro": ("车站", "station"), "hsr": ("高铁站", "HSR"),
    "airport": ("机场", "airport"), "area": ("面积", "area"), "stated": ("文件所述", "stated"),
    "computed": ("计算", "computed"), "unknown_area": ("面积不明", "area unknown"),
    "none": ("网络中无", "none in the network"),
    "unchecked": ("未核验（无交通数据）", "not checked (no transport data)"),
    "sep": ("；", "; "), "list": ("、", ", "),
}


def word(key: str, lang: str) -> str:
    """The word `key` of `WORDS` in `lang` ("zh" or anything else for English)."""
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


def pick(pair: tuple[str, str], lang: str) -> str:
    """The Chinese or English half of a (zh, en) pair."""
    return pair[0] if lang == "zh" else pair[1]


def format_distance(metres: float, lang: str) -> str:
    """A distance for people: "420 m" (to 10 m) under 1 km, "3.2 km" from 1 km; zh "420 米", "3.2 公里".

    >>> format_distance(417, "en"), format_distance(3240, "en"), format_distance(3240, "zh")
    ('420 m', '3.2 km', '3.2 公里')
    """
    if metres < 995:
        value, unit = f"{int(round(metres / 10.0) * 10)}", ("米", "m")
    else:
        value, unit = f"{metres / 1000:.1f}", ("公里", "km")
    return f"{value} {unit[0] if lang == 'zh' else unit[1]}"


def num(v: float) -> str:
    """A number without trailing zeros ("20", "2.5"), with thousands separators from a million."""
    return f"{v:g}" if abs(v) < 1e6 else f"{v:,.0f}"


def finite(v: object) -> bool:
    """Whether `v` is a finite int or float (not None, NaN or a string)."""
    return isinstance(v, (int, float, np.floating, np.integer)) and math.isfinite(float(v))


def label_of(labels: dict[str, tuple[str, str]], key: object, lang: str) -> str:
    """The label of a domain value in `lang`; the value itself when unlabelled, "—" when missing."""
    pair = labels.get(key) if isinstance(key, str) else None
    return (pair[0] if lang == "zh" else pair[1]) if pair else ("—" if key is None or key != key else str(key))


def name_of(frame: pd.DataFrame | None, fid: object, lang: str) -> str:
    """The name in `lang` of feature `fid` of `frame` (its id when it has none)."""
    if frame is None or not isinstance(fid, str) or fid not in frame.index:
        return str(fid)
    col = "name_zh" if lang == "zh" else "name_en"
    return str(frame.at[fid, col]) if col in frame.columns else str(fid)


def line_names(refs: Sequence[str], lines: pd.DataFrame | None, lang: str) -> list[str]:
    """The names in `lang` of the lines `refs` (a ref unknown to `lines` stays as it is)."""
    if lines is None or lines.empty:
        return list(refs)
    col = "name_zh" if lang == "zh" else "name_en"
    names = lines.drop_duplicates("line_ref").set_index("line_ref")[col]
    return [str(names.get(r, r)) for r in refs]


def area_basis(parks: gpd.GeoDataFrame) -> pd.Series:
    """Per park, what its filtering area is: "computed" (an outline), "stated" or "unknown"."""
    stated = pd.to_numeric(parks["stated_area_km2"], errors="coerce")
    computed = parks["area_km2"] > 0
    return pd.Series(np.where(computed, "computed", np.where(stated.notna(), "stated", "unknown")), index=parks.index)


def station_text(nodes: pd.DataFrame | None, fid: object, year: int | str, lang: str) -> str:
    """A station's name and its state ("磨碟沙, open since 2021"; zh "磨碟沙，2021年起运营")."""
    name = name_of(nodes, fid, lang)
    if nodes is None or not isinstance(fid, str) or fid not in nodes.index:
        return name
    state = station_status(nodes.loc[fid], year, lang)
    return f"{name}，{state}" if lang == "zh" else f"{name}, {state}"
