"""Finding a park: the text a name search matches, the parks that share one place, and which of
the parks under a click its tooltip names.

Pure functions of the parks frame (EPSG:4326, indexed by id, with `name_zh`, `name_en`, `city`,
`district`, `kind`); no Streamlit, no folium.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from layers.parks import KINDS
from layers.regions import city_label

PLACE_GRID_DEG = 1e-6
"""Two parks are at the same place when their geometries agree on this grid (degrees, ~0.1 m)."""


def search_label(row: pd.Series, lang: str) -> str:
    """The one line a park search shows and matches for a park: its name in `lang`, its name in
    the other language, city and district, and its id. A short name (琶洲, 增城, 华南声谷,
    Pazhou) is a part of one of the names, so a case-insensitive "contains" match finds it.

    >>> row = pd.Series({"id": "gz-vip-pazhou", "name_zh": "海珠琶洲互联网价值创新园",
    ...                  "name_en": "Haizhu Pazhou Internet Value-Innovation Park", "city": "广州市", "district": "海珠区"})
    >>> search_label(row, "zh")
    '海珠琶洲互联网价值创新园 · Haizhu Pazhou Internet Value-Innovation Park（广州市 海珠区）· gz-vip-pazhou'
    >>> search_label(row, "en")
    'Haizhu Pazhou Internet Value-Innovation Park · 海珠琶洲互联网价值创新园 (Guangzhou, 海珠区) · gz-vip-pazhou'
    """
    if lang == "zh":
        return f"{row['name_zh']} · {row['name_en']}（{row['city']} {row['district']}）· {row['id']}"
    city = city_label(row["city"], "en")
    return f"{row['name_en']} · {row['name_zh']} ({city}, {row['district']}) · {row['id']}"


def search_labels(parks: gpd.GeoDataFrame, lang: str) -> dict[str, str]:
    """Park id -> `search_label`, in the order of `parks`."""
    return {pid: search_label(row, lang) for pid, row in parks.iterrows()}


def place_keys(parks: gpd.GeoDataFrame) -> pd.Series:
    """For each park, a key equal for parks drawn at the very same place: its geometry snapped to
    `PLACE_GRID_DEG` and normalised, as WKB (the three 增城 records, one point, share a key)."""
    snapped = shapely.normalize(shapely.set_precision(parks.geometry.values, PLACE_GRID_DEG))
    return pd.Series(shapely.to_wkb(snapped, hex=True), index=parks.index)


def stack_sizes(parks: gpd.GeoDataFrame) -> pd.Series:
    """How many parks (itself included) are drawn at each park's place: 1 for most, 3 for each of
    the 增城 records."""
    keys = place_keys(parks)
    return keys.map(keys.value_counts())


def same_place(parks: gpd.GeoDataFrame, park_id: str) -> list[str]:
    """The ids of the parks at the place of `park_id` (itself included), zones and parks before
    their carriers and phases, then in the order of `parks`; [park_id] alone when none shares it."""
    keys = place_keys(parks)
    ids = list(keys.index[keys == keys.get(park_id)])
    order = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(ids, key=lambda i: order.get(parks.at[i, "kind"], len(order))) or [park_id]


def named_in(parks: gpd.GeoDataFrame, ids: list[str], text: str) -> list[str]:
    """Of `ids`, those whose Chinese or English name is in `text` (a clicked marker's tooltip),
    the longest name first: a phase's tooltip also holds its park's name ("增城新型显示价值创新园 二期"
    contains "增城新型显示价值创新园"), and the phase is the one that was clicked.

    >>> parks = pd.DataFrame({"name_zh": ["园", "园 二期"], "name_en": ["Park", "Park, phase 2"]}, index=["p", "p2"])
    >>> named_in(parks, ["p", "p2"], "园 二期\\nPark, phase 2")
    ['p2', 'p']
    """
    def longest(pid: str) -> int:
        names = (parks.at[pid, "name_zh"], parks.at[pid, "name_en"])
        return max((len(n) for n in names if n and n in text), default=0)

    return sorted((i for i in ids if longest(i) > 0), key=longest, reverse=True)
