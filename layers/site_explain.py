"""Why a site search found nothing, or next to nothing: what each criterion removes and the
nearest relaxation of each numeric criterion, computed from the data.

Every count is of parks of the layer (phases included, as `layers.sites.rank_sites` lists them).
For each criterion the query sets (in the order of `layers.sites.CRITERIA`):

- `removes_alone`: parks failing it, whatever the other criteria say;
- `left_after`: parks left once it and every criterion before it are applied;
- `matches_without`: parks the search would find with only this criterion dropped.

The criterion whose dropping brings back the most parks is the `blocking` one (the first in
order on a tie). A relaxation moves one numeric bound — a distance to the next step of the
page's choices (`DISTANCE_STEPS`, metres) that lets in a park more; an area bound down (the
minimum) or up (the maximum) to the step (`AREA_STEP_KM2`) that does — and says how many parks
the search then finds, every other criterion kept.

An empty search still has a map (`search_area`, `network_in_area`): every park greyed, the view
on the place the search covers, and the stations and lines of the chosen network in service there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from layers.parks import area_for_filtering_km2, placed
from layers.sites import CRITERIA, TRANSPORT_CRITERIA, SiteQuery, criteria_masks, distance_column
from layers.transport import open_in
from layers.transport import placed as placed_links

DISTANCE_STEPS = (500.0, 800.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0, 50000.0)
"""Distances (metres) a relaxation moves to: the choices the Sites page offers."""
AREA_STEP_KM2 = 0.1
"""The step (km²) of a relaxed area bound (the inputs take any value; the page shows one decimal)."""
TINY = 2
"""A search finding this many parks or fewer is explained."""

_QUERY_FIELD = {"metro": "metro_within_m", "hsr": "max_hsr_m", "airport": "max_airport_m",
                "min_area": "min_area_km2", "max_area": "max_area_km2"}


@dataclass(frozen=True)
class CriterionEffect:
    """What one criterion does to the search (see the module docstring)."""

    key: str
    removes_alone: int
    left_after: int
    matches_without: int


@dataclass(frozen=True)
class Relaxation:
    """One numeric bound moved: `key` is "metro", "hsr", "airport" (metres) or "min_area",
    "max_area" (km²); the search finds `matches` parks with `value` instead of `current`."""

    key: str
    current: float
    value: float
    matches: int

    @property
    def query_field(self) -> str:
        """The `SiteQuery` field this relaxation changes."""
        return _QUERY_FIELD[self.key]


@dataclass(frozen=True)
class SearchExplanation:
    """Why a search found `matches` of `total` parks."""

    total: int
    matches: int
    effects: tuple[CriterionEffect, ...]
    blocking: str | None
    relaxations: tuple[Relaxation, ...]


def needs_explaining(matches: int, query_masks: dict[str, pd.Series]) -> bool:
    """Whether a search of `matches` results is empty or tiny (≤ `TINY`) and has criteria to blame."""
    return matches <= TINY and bool(query_masks)


def explain_search(parks: gpd.GeoDataFrame, access: pd.DataFrame | None, query: SiteQuery, lang: str = "zh", *,
                   distance_steps: Sequence[float] = DISTANCE_STEPS, area_step: float = AREA_STEP_KM2
                   ) -> SearchExplanation:
    """Explain the search `query` over `parks` with `access` (as `rank_sites` takes them).

    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> parks = gpd.GeoDataFrame({"industries": [["芯片"], ["芯片"]], "industries_en": [["Chips"], ["Chips"]],
    ...     "name_zh": ["甲", "乙"], "name_en": ["A", "B"], "kind": ["park", "park"], "city": ["广州市"] * 2,
    ...     "status": ["planned"] * 2, "stated_area_km2": [1.0, 4.0], "area_km2": [0.0, 0.0]},
    ...     index=["a", "b"], geometry=[Point(113, 23), Point(113.1, 23)], crs=4326)
    >>> access = pd.DataFrame({"nearest_station_m": [400.0, 3200.0]}, index=["a", "b"])
    >>> e = explain_search(parks, access, SiteQuery(min_area_km2=2.0, metro_within_m=800))
    >>> e.matches, e.blocking, [(f.key, f.removes_alone, f.left_after, f.matches_without) for f in e.effects]
    (0, 'area', [('area', 1, 1, 1), ('metro', 1, 0, 1)])
    >>> [(r.key, r.value, r.matches) for r in e.relaxations]
    [('min_area', 1.0, 1), ('metro', 5000.0, 1)]
    """
    masks = criteria_masks(parks, access, query, lang)
    everything = pd.Series(True, index=parks.index)

    def all_but(skip: str | None) -> pd.Series:
        keep = everything.copy()
        for key, mask in masks.items():
            if key != skip:
                keep &= mask
        return keep

    effects = []
    cumulative = everything.copy()
    for key in [k for k in CRITERIA if k in masks]:
        cumulative &= masks[key]
        effects.append(CriterionEffect(key, int((~masks[key]).sum()), int(cumulative.sum()), int(all_but(key).sum())))
    matches = int(all_but(None).sum())
    gains = [e for e in effects if e.matches_without > matches]
    blocking = max(gains, key=lambda e: e.matches_without).key if gains else None
    relaxations = _distance_relaxations(parks, access, query, all_but, matches, distance_steps)
    relaxations += _area_relaxations(parks, query, all_but, matches, area_step)
    order = {k: i for i, k in enumerate(("min_area", "max_area", *TRANSPORT_CRITERIA))}
    relaxations.sort(key=lambda r: order[r.key])
    return SearchExplanation(len(parks), matches, tuple(effects), blocking, tuple(relaxations))


def _distance_relaxations(parks: gpd.GeoDataFrame, access: pd.DataFrame | None, query: SiteQuery, all_but,
                          matches: int, steps: Sequence[float]) -> list[Relaxation]:
    """For each distance criterion set (and checkable): the nearest larger distance letting in a park more."""
    out = []
    for key, col in TRANSPORT_CRITERIA.items():
        limit = getattr(query, _QUERY_FIELD[key])
        if limit is None or access is None:
            continue
        dist = distance_column(access, col, parks.index)[all_but(key)]
        farther = dist[dist > float(limit)].dropna()
        if farther.empty:
            continue
        needed = float(farther.min())
        value = next((float(s) for s in sorted(steps) if s >= needed), float(math.ceil(needed / 1000.0) * 1000.0))
        out.append(Relaxation(key, float(limit), value, matches + int((farther <= value).sum())))
    return out


def _area_relaxations(parks: gpd.GeoDataFrame, query: SiteQuery, all_but, matches: int,
                      step: float) -> list[Relaxation]:
    """The area bounds moved to the nearest step that lets in a park more (the other bound kept)."""
    if query.min_area_km2 is None and query.max_area_km2 is None:
        return []
    area = area_for_filtering_km2(parks)[all_but("area")].astype(float).dropna()
    out = []
    lo, hi = query.min_area_km2, query.max_area_km2
    top = np.inf if hi is None else float(hi)
    if lo is not None:
        below = area[area < float(lo)]
        below = below[below <= top]
        if not below.empty:
            value = round(max(0.0, math.floor(float(below.max()) / step) * step), 6)
            out.append(Relaxation("min_area", float(lo), value, matches + int((below >= value).sum())))
    bottom = -np.inf if lo is None else float(lo)
    if hi is not None:
        above = area[area > float(hi)]
        above = above[above >= bottom]
        if not above.empty:
            value = round(math.ceil(float(above.min()) / step) * step, 6)
            out.append(Relaxation("max_area", float(hi), value, matches + int((above <= value).sum())))
    return out


def relaxed(query: SiteQuery, relaxation: Relaxation) -> SiteQuery:
    """`query` with `relaxation` applied."""
    changes: dict = {relaxation.query_field: relaxation.value}
    return replace(query, **changes)


AREA_MARGIN_DEG = 0.05
"""How far (degrees, about 5 km) around the search area the network of an empty search's map reaches."""
MAX_AREA_NODES = 400
"""The most stations an empty search's map draws (an imported network may hold thousands)."""


def search_area(parks: gpd.GeoDataFrame, query: SiteQuery) -> list[str]:
    """The placed parks of the place a search covers — those of its cities (as the city criterion
    selects them), or every placed park when it names no city or none of its cities has one —
    for the view of an empty search's map.

    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> parks = gpd.GeoDataFrame({"city": ["广州市", "佛山市"], "district": ["", ""], "kind": ["park"] * 2,
    ...     "geometry_quality": ["exact"] * 2}, index=["a", "b"], geometry=[Point(113, 23), Point(113.1, 23)], crs=4326)
    >>> search_area(parks, SiteQuery(cities=("佛山市",))), search_area(parks, SiteQuery())
    (['b'], ['a', 'b'])
    """
    shown = placed(parks)
    if query.cities:
        inside = criteria_masks(shown, None, SiteQuery(cities=query.cities))["cities"]
        if inside.any():
            return list(shown.index[inside])
    return list(shown.index)


def network_in_area(lines: gpd.GeoDataFrame | None, nodes: gpd.GeoDataFrame | None, year: int | str,
                    bounds: tuple[float, float, float, float] | None, margin: float = AREA_MARGIN_DEG,
                    max_nodes: int = MAX_AREA_NODES) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """The placed lines and stations of a network in service in `year` that reach into `bounds`
    (minlon, minlat, maxlon, maxlat, EPSG:4326) widened by `margin` degrees (None: anywhere);
    at most `max_nodes` stations, those of the larger modes (hub, airport, HSR) first.
    (None, None) without a network."""
    if lines is None or nodes is None:
        return None, None
    out = []
    for links in (lines, nodes):
        links = placed_links(links)
        if not links.empty:
            links = links[open_in(links, year)]
        if bounds is not None and not links.empty:
            minx, miny, maxx, maxy = bounds
            links = links[links.intersects(box(minx - margin, miny - margin, maxx + margin, maxy + margin))]
        out.append(links)
    shown_lines, shown_nodes = out
    if len(shown_nodes) > max_nodes:
        big = shown_nodes["mode"].isin(["hub", "airport", "hsr-station"]).astype(int)
        shown_nodes = shown_nodes.loc[big.sort_values(ascending=False, kind="stable").index[:max_nodes]]
    return shown_lines, shown_nodes

