"""Site search for investors: find parks by industry, size and transport, rank them, compare two to four.

Transport distances come from `layers.access.access_table` (planar, EPSG:4547 metres, from the
park boundary) for the network the page chose (`resolve_network`). Areas are the filtering areas
of `layers.parks.area_for_filtering_km2`: computed (geodesic) for polygons, stated for points.

How a park is ranked (`rank_sites`), best first:

1. parks meeting every criterion with data come before parks with a transport criterion that
   could not be checked (no transport data: such a park never *passes* the criterion, it is
   listed as unverified and its `reasons` say so);
2. more matched industries (chips of the query, any-of);
3. shorter distance to the nearest station (`nearest_station_m`; unknown last);
4. area closer to the query's area range (its midpoint, or the one bound given; unknown last);
5. the park id, so that ties are stable.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.measure import convert_area
from layers.access import station_status
from layers.facilities import CATEGORY_LABELS
from layers.parks import (KIND_LABELS, QUALITY_LABELS, STATUS_LABELS, ParkFilter, area_for_filtering_km2,
                          filter_parks)
from layers.programmes import Catalogue
from layers.regions import city_label
from layers.transport import FULL_PLAN

EXISTING = "existing"
"""`SiteQuery.network`: the network in service in the current calendar year."""

METRO_COLUMN = "nearest_station_m"
HSR_COLUMN = "nearest_hsr-station_m"
AIRPORT_COLUMN = "nearest_airport_m"


@dataclass(frozen=True)
class SiteQuery:
    """What an investor looks for. Empty tuples and None mean "any".

    industries: chips matched (case-insensitively, whole term) against a park's `industries` or
    `industries_en`, any-of. min/max_area_km2: inclusive bounds on `area_for_filtering_km2`
    (a park of unknown area fails a bound unless include_unknown_area). metro_within_m, max_hsr_m, max_airport_m: metres
    from the park boundary (EPSG:4547) to the nearest station / HSR station / airport in the
    chosen network. network: "existing" (this year), a year, or "full" (the whole plan).
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

    @property
    def transport_criteria(self) -> dict[str, float]:
        """The transport criteria set, as {access column: maximum metres}."""
        pairs = ((METRO_COLUMN, self.metro_within_m), (HSR_COLUMN, self.max_hsr_m),
                 (AIRPORT_COLUMN, self.max_airport_m))
        return {col: float(v) for col, v in pairs if v is not None}


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


# --------------------------------------------------------------------------- formatting helpers

_WORDS = {
    "matches": ("匹配", "matches"), "metro": ("车站", "station"), "hsr": ("高铁站", "HSR"),
    "airport": ("机场", "airport"), "area": ("面积", "area"), "stated": ("文件所述", "stated"),
    "computed": ("计算", "computed"), "unknown_area": ("面积不明", "area unknown"),
    "none": ("网络中无", "none in the network"),
    "unchecked": ("未核验（无交通数据）", "not checked (no transport data)"),
    "sep": ("；", "; "), "list": ("、", ", "),
}


def _w(key: str, lang: str) -> str:
    zh, en = _WORDS[key]
    return zh if lang == "zh" else en


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


def _num(v: float) -> str:
    return f"{v:g}" if abs(v) < 1e6 else f"{v:,.0f}"


def _finite(v: object) -> bool:
    return isinstance(v, (int, float, np.floating, np.integer)) and math.isfinite(float(v))


def _label(labels: dict[str, tuple[str, str]], key: object, lang: str) -> str:
    pair = labels.get(key) if isinstance(key, str) else None
    return (pair[0] if lang == "zh" else pair[1]) if pair else ("—" if key is None or key != key else str(key))


def _name(frame: pd.DataFrame | None, fid: object, lang: str) -> str:
    if frame is None or not isinstance(fid, str) or fid not in frame.index:
        return str(fid)
    col = "name_zh" if lang == "zh" else "name_en"
    return str(frame.at[fid, col]) if col in frame.columns else str(fid)


def _line_names(refs: Sequence[str], lines: pd.DataFrame | None, lang: str) -> list[str]:
    if lines is None or lines.empty:
        return list(refs)
    col = "name_zh" if lang == "zh" else "name_en"
    names = lines.drop_duplicates("line_ref").set_index("line_ref")[col]
    return [str(names.get(r, r)) for r in refs]


def _area_basis(parks: gpd.GeoDataFrame) -> pd.Series:
    stated = pd.to_numeric(parks["stated_area_km2"], errors="coerce")
    computed = parks["area_km2"] > 0
    return pd.Series(np.where(computed, "computed", np.where(stated.notna(), "stated", "unknown")), index=parks.index)


# --------------------------------------------------------------------------- ranking

def _matched(parks: gpd.GeoDataFrame, chips: Sequence[str], lang: str) -> pd.Series:
    wanted = {c.strip().casefold() for c in chips if c.strip()}
    out = {}
    for fid, zh, en in zip(parks.index, parks["industries"], parks["industries_en"]):
        shown = zh if lang == "zh" else en
        out[fid] = [s for s, a, b in zip(shown, zh, en) if a.casefold() in wanted or b.casefold() in wanted]
    return pd.Series(out, index=parks.index, dtype=object)


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
    `hsr_m`, `airport_m` (metres, NaN when unknown), `verified` (bool) and `reasons` (text).
    """
    # City, kind and area work as on the atlas (a park of unknown area fails an area bound).
    atlas_filter = ParkFilter(cities=tuple(query.cities), kinds=tuple(query.kinds),
                              min_area_km2=query.min_area_km2, max_area_km2=query.max_area_km2,
                              include_unknown_area=query.include_unknown_area)
    keep = parks.index.isin(filter_parks(parks, atlas_filter).index)
    keep = pd.Series(keep, index=parks.index)
    if query.statuses:
        keep &= parks["status"].isin(query.statuses)
    matched = _matched(parks, query.industries, lang)
    if query.industries:
        keep &= matched.map(bool)
    area = area_for_filtering_km2(parks)
    criteria = query.transport_criteria
    if access is not None:
        for col, limit in criteria.items():
            dist = access[col].reindex(parks.index) if col in access.columns else pd.Series(np.nan, index=parks.index)
            keep &= dist.astype(float) <= limit  # NaN (none in service) fails
    sel = parks[keep]

    def dist_col(col: str) -> pd.Series:
        if access is None or col not in access.columns:
            return pd.Series(np.nan, index=sel.index, dtype=float)
        return access[col].reindex(sel.index).astype(float)

    out = pd.DataFrame(index=sel.index)
    out["name"] = sel["name_zh" if lang == "zh" else "name_en"]
    out["city"] = sel["city"].map(lambda c: city_label(c, lang))
    out["kind"] = sel["kind"].map(lambda k: _label(KIND_LABELS, k, lang))
    out["status"] = sel["status"].map(lambda s: _label(STATUS_LABELS, s, lang))
    out["matched_industries"] = matched.reindex(sel.index)
    out["n_matched"] = out["matched_industries"].map(len).astype(int)
    out["area_km2"] = area.reindex(sel.index).astype(float)
    out["area_basis"] = _area_basis(sel)
    out["station"] = (access["nearest_station"].reindex(sel.index) if access is not None and "nearest_station" in access
                      else pd.Series(None, index=sel.index, dtype=object))
    out["station_m"] = dist_col(METRO_COLUMN)
    out["lines_800m"] = (access["lines_800m"].reindex(sel.index) if access is not None and "lines_800m" in access
                         else pd.Series([[] for _ in sel.index], index=sel.index, dtype=object))
    out["hsr_m"] = dist_col(HSR_COLUMN)
    out["airport_m"] = dist_col(AIRPORT_COLUMN)
    out["verified"] = access is not None or not criteria
    year = resolve_network(query.network)
    out["reasons"] = [_reasons(row, query, access is not None, lang, nodes, lines, year) for _, row in out.iterrows()]

    lo, hi = query.min_area_km2, query.max_area_km2
    target = (lo + hi) / 2 if lo is not None and hi is not None else (lo if lo is not None else hi)
    closeness = (out["area_km2"] - target).abs() if target is not None else pd.Series(0.0, index=out.index)
    order = pd.DataFrame({"v": ~out["verified"], "m": -out["n_matched"], "d": out["station_m"].fillna(np.inf),
                          "a": closeness.fillna(np.inf), "id": out.index})
    out = out.loc[order.sort_values(["v", "m", "d", "a", "id"]).index]
    out.insert(0, "rank", range(1, len(out) + 1))
    return out


def _station_text(nodes: pd.DataFrame | None, fid: object, year: int | str, lang: str) -> str:
    """A station's name and its state ("磨碟沙, open since 2021"; zh "磨碟沙，2021年起运营")."""
    name = _name(nodes, fid, lang)
    if nodes is None or not isinstance(fid, str) or fid not in nodes.index:
        return name
    state = station_status(nodes.loc[fid], year, lang)
    return f"{name}，{state}" if lang == "zh" else f"{name}, {state}"


def _reasons(row: pd.Series, query: SiteQuery, have_access: bool, lang: str,
             nodes: pd.DataFrame | None, lines: pd.DataFrame | None, year: int | str) -> str:
    parts: list[str] = []
    if row["matched_industries"]:
        parts.append(f"{_w('matches', lang)} {_w('list', lang).join(row['matched_industries'])}")
    limits = {"station_m": query.metro_within_m, "hsr_m": query.max_hsr_m, "airport_m": query.max_airport_m}
    for col, word in (("station_m", "metro"), ("hsr_m", "hsr"), ("airport_m", "airport")):
        if not have_access:
            if (limit := limits[col]) is not None:
                parts.append(f"{_w(word, lang)} ≤ {format_distance(limit, lang)}: {_w('unchecked', lang)}")
            continue
        d = row[col]
        if not _finite(d):
            if limits[col] is not None or col == "station_m":
                parts.append(f"{_w(word, lang)}: {_w('none', lang)}")
            continue
        text = f"{_w(word, lang)} {format_distance(float(d), lang)}"
        if col == "station_m":
            detail = []
            if nodes is not None and isinstance(row["station"], str):
                detail.append(_station_text(nodes, row["station"], year, lang))
            refs = row["lines_800m"] if isinstance(row["lines_800m"], list) else []
            if refs:
                detail.append(_w("list", lang).join(_line_names(refs, lines, lang)))
            if detail:
                text += f" ({'; '.join(detail)})" if lang == "en" else f"（{'；'.join(detail)}）"
        parts.append(text)
    if _finite(row["area_km2"]):
        basis = _w(row["area_basis"], lang)
        parts.append(f"{_w('area', lang)} {row['area_km2']:.1f} km² ({basis})" if lang == "en"
                     else f"{_w('area', lang)} {row['area_km2']:.1f} km²（{basis}）")
    else:
        parts.append(_w("unknown_area", lang))
    return _w("sep", lang).join(parts)


# --------------------------------------------------------------------------- comparison

_ROWS = {
    "name_zh": ("名称", "Name (Chinese)"), "name_en": ("英文名称", "Name (English)"), "kind": ("类型", "Kind"),
    "programme": ("规划/园区体系", "Programme"), "status": ("状态", "Status"), "place": ("城市/区", "City / district"),
    "area_km2": ("面积（km²）", "Area (km²)"), "area_ha": ("面积（公顷）", "Area (ha)"), "area_mu": ("面积（亩）", "Area (亩)"),
    "area_basis": ("面积来源", "Area basis"), "industries": ("主导产业", "Leading industries"),
    "operator": ("开发运营主体", "Operator"), "station": ("最近车站", "Nearest station"),
    "lines_800m": ("800米内线路", "Lines within 800 m"), "hsr": ("最近高铁站", "Nearest HSR station"),
    "airport": ("最近机场", "Nearest airport"), "network": ("交通网络", "Access network"), "targets": ("目标", "Targets"),
    "facilities": ("规划配套", "Planned facilities"), "source": ("来源", "Source"),
    "geometry_quality": ("位置/边界质量", "Geometry quality"),
}
_BASIS = {"computed": ("由边界计算（测地线）", "computed from the boundary (geodesic)"),
          "stated": ("文件所述", "stated in the document"), "unknown": ("不明", "unknown")}
_NO_DATA = ("无交通数据", "no transport data")
_FACILITY_STATUS = {"existing": ("已建成", "existing"), "under-construction": ("在建", "under construction"),
                    "planned": ("规划", "planned")}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def _target_line(t: pd.Series, lang: str) -> str:
    name = t["name_zh"] if lang == "zh" else t["name_en"]
    comp = t.get("comparison")
    comp = "" if not isinstance(comp, str) or comp == "=" else comp
    year = t.get("target_year")
    when = f" ({int(year)})" if year is not None and not pd.isna(year) else ""
    unit = t["unit"] if t["unit"] == "%" else f" {t['unit']}"
    colon = "：" if lang == "zh" else ": "
    return f"{name}{colon}{comp}{_num(float(t['value']))}{unit}{when}"


def compare_parks(parks: gpd.GeoDataFrame, ids: Sequence[str], access: pd.DataFrame | None = None,
                  targets: pd.DataFrame | None = None, facilities: pd.DataFrame | None = None,
                  lang: str = "zh", *, nodes: pd.DataFrame | None = None,
                  lines: pd.DataFrame | None = None, year: int | str = FULL_PLAN,
                  network: str = "", programmes: Catalogue | None = None) -> pd.DataFrame:
    """Two to four parks side by side: one row per attribute (labels in `lang`), one column per
    park id, every cell a display string ("—" when unknown).

    Areas are computed (geodesic) for polygons or stated in the document for points; the
    "area basis" row says which. Distances come from `access` (metres, EPSG:4547, from the
    boundary) or read "no transport data" when access is None; each station says its state in
    `year` (`layers.access.station_status`) and the "access network" row names `network` (what
    the distances are measured on, e.g. "plan links, in service in 2026"). Targets: one line per target
("name: ≥value unit (year)"); facilities: one line per facility of the park.
    Raises ValueError for fewer than 2 or more than 4 ids, a repeated id, or an unknown id.
    """
    ids = list(ids)
    if not 2 <= len(ids) <= 4:
        raise ValueError(f"compare 2 to 4 parks at a time; got {len(ids)}")
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"each park may be compared once; repeated: {', '.join(repeated)}")
    unknown = [i for i in ids if i not in parks.index]
    if unknown:
        raise ValueError(f"unknown park id(s): {', '.join(map(repr, unknown))}")
    sel = parks.loc[ids]
    area = area_for_filtering_km2(sel)
    basis = _area_basis(sel)
    rows: dict[str, dict[str, str]] = {key: {} for key in _ROWS}
    for fid, p in sel.iterrows():
        col = rows
        col["name_zh"][fid] = str(p["name_zh"])
        col["name_en"][fid] = str(p["name_en"])
        col["kind"][fid] = _label(KIND_LABELS, p["kind"], lang)
        col["programme"][fid] = programmes.name(p["programme"], lang) if programmes is not None else str(p["programme"])
        col["status"][fid] = _label(STATUS_LABELS, p["status"], lang)
        col["place"][fid] = f"{city_label(p['city'], lang)} / {p['district']}"
        a = area[fid]
        if _finite(a):
            m2 = float(a) * 1e6
            col["area_km2"][fid] = f"{a:.2f}"
            col["area_ha"][fid] = f"{convert_area(m2, 'ha'):.0f}"
            col["area_mu"][fid] = f"{convert_area(m2, 'mu'):,.0f}"
        else:
            for k in ("area_km2", "area_ha", "area_mu"):
                col[k][fid] = "—"
        col["area_basis"][fid] = _pick(_BASIS[basis[fid]], lang)
        terms = p["industries"] if lang == "zh" else p["industries_en"]
        col["industries"][fid] = ("、" if lang == "zh" else ", ").join(terms) or "—"
        col["operator"][fid] = p["operator"] if isinstance(p["operator"], str) and p["operator"] else "—"
        _access_cells(col, fid, access, lang, nodes, lines, year)
        col["network"][fid] = network or "—"
        col["targets"][fid] = _targets_cell(targets, fid, lang)
        col["facilities"][fid] = _facilities_cell(facilities, fid, lang)
        col["source"][fid] = str(p["source"])
        col["geometry_quality"][fid] = _label(QUALITY_LABELS, p["geometry_quality"], lang)
    table = pd.DataFrame.from_dict(rows, orient="index")[ids]
    table.index = [_pick(_ROWS[k], lang) for k in table.index]
    return table


def _access_cells(col: dict, fid: str, access: pd.DataFrame | None, lang: str,
                  nodes: pd.DataFrame | None, lines: pd.DataFrame | None, year: int | str) -> None:
    if access is None or fid not in access.index:
        for k in ("station", "lines_800m", "hsr", "airport"):
            col[k][fid] = _pick(_NO_DATA, lang)
        return
    a = access.loc[fid]
    for key, id_col, m_col in (("station", "nearest_station", METRO_COLUMN), ("hsr", "nearest_hsr-station", HSR_COLUMN),
                               ("airport", "nearest_airport", AIRPORT_COLUMN)):
        d = a.get(m_col)
        if _finite(d):
            col[key][fid] = f"{_station_text(nodes, a.get(id_col), year, lang)}, {format_distance(float(d), lang)}"
        else:
            col[key][fid] = _pick(("网络中无", "none in the network"), lang)
    refs = a.get("lines_800m")
    refs = refs if isinstance(refs, list) else []
    col["lines_800m"][fid] = ("、" if lang == "zh" else ", ").join(_line_names(refs, lines, lang)) or "—"


def _targets_cell(targets: pd.DataFrame | None, fid: str, lang: str) -> str:
    if targets is None or targets.empty:
        return "—"
    own = targets[targets["park_id"] == fid]
    if "target_year" in own:
        own = own.sort_values(["target_year", "id"] if "id" in own else ["target_year"], na_position="last")
    return "\n".join(_target_line(t, lang) for _, t in own.iterrows()) or "—"


def _facilities_cell(facilities: pd.DataFrame | None, fid: str, lang: str) -> str:
    if facilities is None or facilities.empty:
        return "—"
    own = facilities[facilities["park_id"] == fid]
    lines_ = [f"{_label(CATEGORY_LABELS, f['category'], lang)}: {f['name_zh'] if lang == 'zh' else f['name_en']} "
              f"({_pick(_FACILITY_STATUS[f['status']], lang)})" for _, f in own.iterrows()]
    return "\n".join(lines_) or "—"
