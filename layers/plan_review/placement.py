"""Where a proposed park might go: suggestions the officer confirms, each saying what it is.

A document rarely gives coordinates. What it gives is a location text (位于黄埔区九龙镇，毗邻知识城地铁站…)
and a name. From those and the workspace, `suggest` offers:

- ``park``: a placed park of the workspace named in the location text — its site (a point on it),
  not the new park's outline;
- ``station``: a station of the workspace's transport layer named in the location text;
- ``feature``: a feature of an imported layer carrying the park's name (or a short name): its
  outline becomes the park's outline as *reference* data, a point stays an approximate location;
- ``district``: the centroid of the park's district in a layer used as administrative districts —
  a district's middle, never the park's site.

Every geometry is EPSG:4326; a point suggestion is an `approximate-location`. Nothing is placed
without the officer's choice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

from layers.districts import guess_name_column, named_districts, same_district

KINDS = ("park", "station", "feature", "district")
MIN_NAME = 3
"""A workspace name shorter than this (characters) is not looked for in a location text."""
LOCATION_CHARS = 400
"""How much text after a park's name is read as its location text (to the paragraph's end)."""


@dataclass(frozen=True)
class PlaceSuggestion:
    """A place a park might go: `kind` (see KINDS), `label` the name matched, `source` the layer
    it comes from, `geometry` (EPSG:4326) and the `quality` a park placed there records."""

    kind: str
    label: str
    source: str
    geometry: shapely.Geometry
    quality: str


@dataclass(frozen=True)
class NamedLayer:
    """An imported layer offered for suggestions: its name, frame and the column holding names."""

    name: str
    gdf: gpd.GeoDataFrame
    name_column: str


def location_text(text: str, start: int, end: int) -> str:
    """The words that say where a park is: from its name (`start`, `end` in `text`) to the end of
    its paragraph, at most LOCATION_CHARS after the name.

    >>> location_text("甲园位于乙区，东至丙路。\\n下一段", 0, 2)
    '甲园位于乙区，东至丙路。'
    """
    stop = text.find("\n", end)
    stop = len(text) if stop < 0 else stop
    return text[start:min(stop, end + LOCATION_CHARS)]


def _in_4326(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is None or gdf.crs.to_epsg() == 4326:
        return gdf
    return gdf.to_crs(4326)


def _point(geom: shapely.Geometry) -> shapely.Point:
    return geom if geom.geom_type == "Point" else geom.representative_point()


def _named_in(location: str, frame: gpd.GeoDataFrame, column: str, exclude: Iterable[str] = ()) -> list[tuple[str, shapely.Geometry]]:
    skip = set(exclude)
    out = []
    for idx, name, geom in zip(frame.index, frame[column], frame.geometry):
        if str(idx) in skip or not isinstance(name, str) or len(name.strip()) < MIN_NAME:
            continue
        if geom is None or geom.is_empty:
            continue
        if name.strip() in location:
            out.append((name.strip(), geom))
    return out


def _station_names(name: str) -> list[str]:
    """The forms a text may use for a station of the transport layer: its name, and each "X站"
    in it without a line prefix or a note (地铁12号线官洲站 → 官洲站; 冼村站（地铁18号线） → 冼村站).

    >>> _station_names("地铁12号线官洲站"), _station_names("新造站TOD综合交通枢纽")
    (['地铁12号线官洲站', '官洲站'], ['新造站TOD综合交通枢纽', '新造站'])
    """
    core = re.sub(r"(?:地铁|轨道交通)?\d+号线|[（(][^）)]*[）)]", " ", name)
    forms = [name.strip(), *re.findall(r"[\u4e00-\u9fff]{2,8}站", core)]
    return [f for f in dict.fromkeys(forms) if len(f) >= MIN_NAME]


def suggest(park_names: Sequence[str], district: str | None, location: str, *,
            parks: gpd.GeoDataFrame | None = None, exclude_park: str | None = None,
            stations: gpd.GeoDataFrame | None = None, layers: Sequence[NamedLayer] = (),
            districts: Sequence[gpd.GeoDataFrame] = ()) -> list[PlaceSuggestion]:
    """The places a park (its names, district as written and location text) might go; the best
    first (a feature with its name, then named parks and stations, then district centroids)."""
    out: list[PlaceSuggestion] = []
    names = {n.strip() for n in park_names if n and len(n.strip()) >= 2}  # equal to a feature's whole name
    for layer in layers:
        gdf = _in_4326(layer.gdf)
        if layer.name_column not in gdf.columns:
            continue
        for value, geom in zip(gdf[layer.name_column], gdf.geometry):
            if isinstance(value, str) and value.strip() in names and geom is not None and not geom.is_empty:
                polygon = geom.geom_type in ("Polygon", "MultiPolygon")
                out.append(PlaceSuggestion("feature", value.strip(), layer.name, geom if polygon else _point(geom),
                                           "reference" if polygon else "approximate-location"))
    if parks is not None and not parks.empty:
        for name, geom in _named_in(location, _in_4326(parks), "name_zh", [exclude_park or ""]):
            if name not in names:
                out.append(PlaceSuggestion("park", name, "parks", _point(geom), "approximate-location"))
    if stations is not None and not stations.empty and "name_zh" in stations.columns:
        frame = _in_4326(stations)
        seen: set[str] = set()
        for name, geom in zip(frame["name_zh"], frame.geometry):
            if not isinstance(name, str) or geom is None or geom.is_empty or name in seen:
                continue
            if any(form.endswith("站") and form in location for form in _station_names(name)):
                seen.add(name)
                out.append(PlaceSuggestion("station", name, "transport_nodes", _point(geom), "approximate-location"))
    for gdf in districts:
        column = guess_name_column(gdf)
        if column is None:
            continue
        frame = _in_4326(gdf)
        for written in named_districts(district):
            for value, geom in zip(frame[column], frame.geometry):
                if isinstance(value, str) and geom is not None and not geom.is_empty and same_district(written, value):
                    out.append(PlaceSuggestion("district", value, str(column), geom.centroid, "approximate-location"))
    return out


def name_column(gdf: pd.DataFrame) -> str | None:
    """The column of an imported layer most likely to hold names (name_zh, name, 名称 …)."""
    for col in ("name_zh", "name", "名称", "园区名称", "NAME", "Name", "mc", "MC"):
        if col in gdf.columns:
            return col
    return guess_name_column(gdf)
