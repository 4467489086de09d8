"""Site search for investors: find parks by industry, size and transport, rank them, compare two to four.

Transport distances come from `layers.access.access_table` (planar, EPSG:4547 metres, from the
park boundary) for the network the page chose (`resolve_network`). Areas are the filtering areas
of `layers.parks.area_for_filtering_km2`: computed (geodesic) for polygons, stated for points.

How a park is ranked (`rank_sites`), best first — `RANK_ORDER`, the same with or without a
filter, so a filter only removes parks and never reorders the ones it keeps:

1. the score: parks meeting every criterion with data come before parks with a transport
   criterion that could not be checked (no transport data: such a park never *passes* the
   criterion, it is listed as unverified and its `reasons` say so); then more matched
   industries (chips of the query, any-of);
2. shorter distance to the nearest station (`nearest_station_m`, to 10 m; unknown last);
3. larger area (km², to 0.01 km²; unknown last);
4. the park id, so that ties are stable.

When two neighbours in the ranking have the same score, the reasons of the second say which of
2–4 put it after the first and with what values (`tie_note`). Why a search finds nothing, or
next to nothing, is `layers.site_explain`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from layers._site_text import (area_basis, finite, format_distance, label_of, line_names, station_text,
                               word)
from layers.parks import KIND_LABELS, STATUS_LABELS, ParkFilter, area_for_filtering_km2, filter_parks
from layers.regions import city_label
from layers.site_compare import AIRPORT_COLUMN, HSR_COLUMN, METRO_COLUMN, compare_parks
from layers.transport import FULL_PLAN

__all__ = ["EXISTING", "METRO_COLUMN", "HSR_COLUMN", "AIRPORT_COLUMN", "CRITERIA", "RANK_ORDER", "SiteQuery",
           "compare_parks", "criteria_masks", "format_distance", "industry_chips", "rank_sites", "resolve_network"]

EXISTING = "existing"
"""`SiteQuery.network`: the network in service in the current calendar year."""

CRITERIA = ("industries", "cities", "kinds", "statuses", "area", "metro", "hsr", "airport", "no_conflict")
"""The criteria of a search, in the order they are applied and explained."""

RANK_ORDER = ("score", "station", "area", "id")
"""The ranking's keys, in order (see the module docstring); the last three break ties of score."""


@dataclass(frozen=True)
class SiteQuery:
    """What an investor looks for. Empty tuples and None mean "any".

    industries: chips matched (case-insensitively, whole term) against a park's `industries` or
    `industries_en`, any-of. min/max_area_km2: inclusive bounds on `area_for_filtering_km2`
    (a park of unknown area fails a bound unless include_unknown_area). metro_within_m, max_hsr_m, max_airport_m: metres
    from the park boundary (EPSG:4547) to the nearest station / HSR station / airport in the
    chosen network. network: "existing" (this year), a year, or "full" (the whole plan).
    no_conflict: drop parks whose overall inspection verdict (the parks' `INSPECTION_COLUMN`,
    `layers.constraint_layers.overall`) is "conflict"; parks not covered by the constraint data
    or without an outline stay, marked in their reasons. Without that column it removes no park.
    """

    industries: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    min_area_km2: float | None = None
    max_area_km2: float | None = None
    metro_within_m: float | None = None
    network: int | str = EXISTING
    max_hsr_m: float | None = None
    max_airport_m: float | None = None
    include_unknown_area: bool = False
    no_conflict: bool = False

    @property
    def transport_criteria(self) -> dict[str, float]:
        """The transport criteria set, as {access column: maximum metres}."""
        pairs = ((METRO_COLUMN, self.metro_within_m), (HSR_COLUMN, self.max_hsr_m),
                 (AIRPORT_COLUMN, self.max_airport_m))
        return {col: float(v) for col, v in pairs if v is not None}


INSPECTION_COLUMN = "inspection"
"""A column the page may add to the parks: each park's overall constraint verdict (None = no
constraint layer checked it)."""
_INSPECTION_MARKS = {"not covered": ("约束数据未覆盖，无冲突未核实", "not covered by the constraint data: no conflict unverified"),
                     "no outline": ("无边界，未核查管控约束", "no outline: constraints not checked")}

TRANSPORT_CRITERIA = {"metro": METRO_COLUMN, "hsr": HSR_COLUMN, "airport": AIRPORT_COLUMN}
"""Criterion key -> the access column (metres) it bounds."""


def resolve_network(network: int | str, today: date | None = None) -> int | str:
    """The `year` argument of `access_table` for a query's network: "existing" is the current
    year (of `today`, default the system date), "full" stays "full", a year stays a year.

    >>> resolve_network("existing", date(2026, 5, 1)), resolve_network(2030), resolve_network("full")
    (2026, 2030, 'full')
    """
    if network == EXISTING:
        return (today or date.today()).year
    if network == FULL_PLAN:
        return FULL_PLAN
    return int(network)


def industry_chips(parks: gpd.GeoDataFrame, lang: str) -> list[str]:
    """The distinct leading industries in `lang` ("zh" or "en"), most common first (counted once
    per park; phases are not counted again beside their park), ties in alphabetical order."""
    column = "industries" if lang == "zh" else "industries_en"
    counted = parks[parks["kind"] != "phase"]
    counts = Counter(term for terms in counted[column] for term in dict.fromkeys(terms))
    for terms in parks[column]:
        for term in terms:
            counts.setdefault(term, 0)
    return sorted(counts, key=lambda t: (-counts[t], t))


# --------------------------------------------------------------------------- criteria

def _matched(parks: gpd.GeoDataFrame, chips: Sequence[str], lang: str) -> pd.Series:
    wanted = {c.strip().casefold() for c in chips if c.strip()}
    out = {}
    for fid, zh, en in zip(parks.index, parks["industries"], parks["industries_en"]):
        shown = zh if lang == "zh" else en
        out[fid] = [s for s, a, b in zip(shown, zh, en) if a.casefold() in wanted or b.casefold() in wanted]
    return pd.Series(out, index=parks.index, dtype=object)


def distance_column(access: pd.DataFrame | None, col: str, index: pd.Index) -> pd.Series:
    """Metres of access column `col` for the parks `index` (NaN where unknown or without access)."""
    if access is None or col not in access.columns:
        return pd.Series(np.nan, index=index, dtype=float)
    return access[col].reindex(index).astype(float)


def criteria_masks(parks: gpd.GeoDataFrame, access: pd.DataFrame | None, query: SiteQuery,
                   lang: str = "zh") -> dict[str, pd.Series]:
    """Each criterion the query sets, alone, as a boolean Series over `parks` (True = passes),
    keyed by the names of `CRITERIA`, in that order. City, kind and area work as on the atlas (a
    park of unknown area fails an area bound unless `include_unknown_area`). A transport criterion
    is left out when `access` is None: it cannot be checked, so it removes no park (`rank_sites`
    lists such parks as unverified). A park with no such link in the network fails it."""
    masks: dict[str, pd.Series] = {}

    def atlas(flt: ParkFilter) -> pd.Series:
        return pd.Series(parks.index.isin(filter_parks(parks, flt).index), index=parks.index)

    if query.industries:
        masks["industries"] = _matched(parks, query.industries, lang).map(bool).astype(bool)
    if query.cities:
        masks["cities"] = atlas(ParkFilter(cities=tuple(query.cities)))
    if query.kinds:
        masks["kinds"] = atlas(ParkFilter(kinds=tuple(query.kinds)))
    if query.statuses:
        masks["statuses"] = parks["status"].isin(query.statuses)
    if query.min_area_km2 is not None or query.max_area_km2 is not None:
        masks["area"] = atlas(ParkFilter(min_area_km2=query.min_area_km2, max_area_km2=query.max_area_km2,
                                         include_unknown_area=query.include_unknown_area))
    limits = {"metro": query.metro_within_m, "hsr": query.max_hsr_m, "airport": query.max_airport_m}
    if access is not None:
        for key, col in TRANSPORT_CRITERIA.items():
            limit = limits[key]
            if limit is not None:
                masks[key] = distance_column(access, col, parks.index) <= float(limit)  # NaN fails
    if query.no_conflict and INSPECTION_COLUMN in parks.columns:
        masks["no_conflict"] = (parks[INSPECTION_COLUMN] != "conflict").astype(bool)
    return masks


# --------------------------------------------------------------------------- ranking

def rank_sites(parks: gpd.GeoDataFrame, access: pd.DataFrame | None, query: SiteQuery, lang: str = "zh", *,
               nodes: pd.DataFrame | None = None, lines: pd.DataFrame | None = None) -> pd.DataFrame:
    """The parks meeting `query`, ranked (see the module docstring), with the reasons in `lang`.

    parks: the parks layer (indexed by id). access: `access_table(parks, lines, nodes, year)` for
    the query's network, or None when there is no transport data — then every transport
    criterion of the query is *not checked*: the park stays listed with `verified` False and its
    reasons say "not checked (no transport data)"; it never counts as passing. A park whose
    distance is known and too long, or that has no such link in the network, is dropped.
    nodes / lines (optional): used to name the nearest station and its lines in the reasons.

    Returns a DataFrame indexed by park id with columns `rank` (1 = best), `name`, `city`,
    `kind`, `status`, `matched_industries` (list, in `lang`), `n_matched`, `area_km2`,
    `area_basis` ("computed" / "stated" / "unknown"), `station`, `station_m`, `lines_800m`,
    `hsr_m`, `airport_m` (metres, NaN when unknown), `verified` (bool), `inspection` (the overall
    constraint verdict, only when the parks have `INSPECTION_COLUMN`), `tie_break` (what put
    the park after its predecessor of equal score — one of `RANK_ORDER[1:]` — or "") and
    `reasons` (text, ending with that tie-break when there is one).
    """
    keep = pd.Series(True, index=parks.index)
    for mask in criteria_masks(parks, access, query, lang).values():
        keep &= mask
    sel = parks[keep]
    matched = _matched(sel, query.industries, lang)
    criteria = query.transport_criteria

    out = pd.DataFrame(index=sel.index)
    out["name"] = sel["name_zh" if lang == "zh" else "name_en"]
    out["city"] = sel["city"].map(lambda c: city_label(c, lang))
    out["kind"] = sel["kind"].map(lambda k: label_of(KIND_LABELS, k, lang))
    out["status"] = sel["status"].map(lambda s: label_of(STATUS_LABELS, s, lang))
    out["matched_industries"] = matched
    out["n_matched"] = out["matched_industries"].map(len).astype(int)
    out["area_km2"] = area_for_filtering_km2(sel).astype(float)
    out["area_basis"] = area_basis(sel)
    out["station"] = (access["nearest_station"].reindex(sel.index) if access is not None and "nearest_station" in access
                      else pd.Series(None, index=sel.index, dtype=object))
    out["station_m"] = distance_column(access, METRO_COLUMN, sel.index)
    out["lines_800m"] = (access["lines_800m"].reindex(sel.index) if access is not None and "lines_800m" in access
                         else pd.Series([[] for _ in sel.index], index=sel.index, dtype=object))
    out["hsr_m"] = distance_column(access, HSR_COLUMN, sel.index)
    out["airport_m"] = distance_column(access, AIRPORT_COLUMN, sel.index)
    out["verified"] = access is not None or not criteria
    if INSPECTION_COLUMN in sel.columns:
        out[INSPECTION_COLUMN] = sel[INSPECTION_COLUMN]
    year = resolve_network(query.network)
    reasons = [_reasons(row, query, access is not None, lang, nodes, lines, year) for _, row in out.iterrows()]
    if query.no_conflict and INSPECTION_COLUMN in out.columns:
        marks = [_INSPECTION_MARKS.get(v) if isinstance(v, str) else None for v in out[INSPECTION_COLUMN]]
        reasons = [r + (word("sep", lang) + (m[0] if lang == "zh" else m[1]) if m else "") for r, m in zip(reasons, marks)]
    out["reasons"] = pd.Series(reasons, index=out.index, dtype=object)

    keys = _sort_keys(out)
    out = out.loc[keys.sort_values(list(keys.columns)).index]
    out.insert(0, "rank", range(1, len(out) + 1))
    deciders, notes = _tie_breaks(out, keys.loc[out.index], bool(query.industries), lang)
    out.insert(len(out.columns) - 1, "tie_break", deciders)
    out["reasons"] = [r + (word("sep", lang) + n if n else "") for r, n in zip(out["reasons"], notes)]
    return out


def _sort_keys(out: pd.DataFrame) -> pd.DataFrame:
    """The keys of `RANK_ORDER` per park, as sortable columns (ascending = better): the score as
    (unverified, -matches), the station distance to 10 m and the negated area to 0.01 km²
    (unknown last), then the id."""
    return pd.DataFrame({"unverified": ~out["verified"].astype(bool), "matches": -out["n_matched"],
                         "station": (out["station_m"] / 10).round().fillna(np.inf),
                         "area": (-out["area_km2"]).round(2).fillna(np.inf), "id": out.index.astype(str)},
                        index=out.index)


_TIE = {
    "after": ("排在第{rank}名“{name}”之后", "after #{rank} {name}"),
    "same_matches": ("匹配数相同", "same matches"), "same_station": ("车站距离相同", "same station distance"),
    "same_area": ("面积相同", "same area"),
    "station": ("车站 {this} 对 {that}", "station {this} vs {that}"),
    "area": ("面积 {this} 对 {that} km²（大者在前）", "area {this} vs {that} km² (larger first)"),
    "id": ("园区编号 {this} 在 {that} 之后", "park id {this} after {that}"),
}


def _tie(key: str, lang: str, **values: object) -> str:
    zh, en = _TIE[key]
    return (zh if lang == "zh" else en).format(**values)


def _tie_breaks(out: pd.DataFrame, keys: pd.DataFrame, by_matches: bool, lang: str) -> tuple[list[str], list[str]]:
    """For each ranked park (in order): the key of `RANK_ORDER` that put it after the park before
    it when their scores are equal ("" otherwise), and the sentence saying so in `lang`."""
    ids = list(out.index)
    deciders, notes = [""] * min(1, len(ids)), [""] * min(1, len(ids))
    for prev, cur in zip(ids, ids[1:]):
        a, b = keys.loc[prev], keys.loc[cur]
        if (a["unverified"], a["matches"]) != (b["unverified"], b["matches"]):
            deciders.append("")
            notes.append("")
            continue
        decider = next(k for k in ("station", "area", "id") if a[k] != b[k])
        same = [_tie("same_matches", lang)] if by_matches else []
        same += {"station": [], "area": [_tie("same_station", lang)],
                 "id": [_tie("same_station", lang), _tie("same_area", lang)]}[decider]
        if decider == "station":
            this, that = (_distance_or_none(out.at[p, "station_m"], lang) for p in (cur, prev))
        elif decider == "area":
            this, that = (_area_or_none(out.at[p, "area_km2"], lang) for p in (cur, prev))
        else:
            this, that = cur, prev
        head = _tie("after", lang, rank=int(out.at[prev, "rank"]), name=out.at[prev, "name"])
        if same:
            head += f"（{'、'.join(same)}）" if lang == "zh" else f" ({', '.join(same)})"
        deciders.append(decider)
        notes.append(f"{head}{'：' if lang == 'zh' else ': '}{_tie(decider, lang, this=this, that=that)}")
    return deciders, notes


def _distance_or_none(v: object, lang: str) -> str:
    return format_distance(float(v), lang) if finite(v) else word("none", lang)  # type: ignore[arg-type]


def _area_or_none(v: object, lang: str) -> str:
    return f"{float(v):.2f}" if finite(v) else ("不明" if lang == "zh" else "unknown")  # type: ignore[arg-type]


def _reasons(row: pd.Series, query: SiteQuery, have_access: bool, lang: str,
             nodes: pd.DataFrame | None, lines: pd.DataFrame | None, year: int | str) -> str:
    parts: list[str] = []
    if row["matched_industries"]:
        parts.append(f"{word('matches', lang)} {word('list', lang).join(row['matched_industries'])}")
    limits = {"station_m": query.metro_within_m, "hsr_m": query.max_hsr_m, "airport_m": query.max_airport_m}
    for col, key in (("station_m", "metro"), ("hsr_m", "hsr"), ("airport_m", "airport")):
        if not have_access:
            if (limit := limits[col]) is not None:
                parts.append(f"{word(key, lang)} ≤ {format_distance(limit, lang)}: {word('unchecked', lang)}")
            continue
        d = row[col]
        if not finite(d):
            if limits[col] is not None or col == "station_m":
                parts.append(f"{word(key, lang)}: {word('none', lang)}")
            continue
        text = f"{word(key, lang)} {format_distance(float(d), lang)}"
        if col == "station_m":
            detail = []
            if nodes is not None and isinstance(row["station"], str):
                detail.append(station_text(nodes, row["station"], year, lang))
            refs = row["lines_800m"] if isinstance(row["lines_800m"], list) else []
            if refs:
                detail.append(word("list", lang).join(line_names(refs, lines, lang)))
            if detail:
                text += f" ({'; '.join(detail)})" if lang == "en" else f"（{'；'.join(detail)}）"
        parts.append(text)
    if finite(row["area_km2"]):
        basis = word(row["area_basis"], lang)
        parts.append(f"{word('area', lang)} {row['area_km2']:.1f} km² ({basis})" if lang == "en"
                     else f"{word('area', lang)} {row['area_km2']:.1f} km²（{basis}）")
    else:
        parts.append(word("unknown_area", lang))
    return word("sep", lang).join(parts)
