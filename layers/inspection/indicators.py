"""Land-use indicators of a park's outline, and the plan's rules applied to them.

From land-use parcels clipped to each outline (`geo.overlay.composition`: planar overlay in
EPSG:4547 over STRtree candidates, areas scaled to the geodesic WGS84 figure of each park, agreeing
with `geo.measure` to ~1e-5):

- ``green_ratio``, ``industrial_share`` (M / M0), ``residential_share``, ``public_service_share``,
  ``road_share``: area of the parcels of that indicator group inside the outline / the outline's
  geodesic area. A parcel's group comes from `data/landuse_codes.csv` (GB 50137-2011 codes, M0,
  and 2023 用地用海分类 codes): its code's longest listed prefix (R21 -> R2, 100101 -> 1001).
- ``parcel_coverage``: area of all parcels inside the outline / the outline's area (how much of
  the park the land-use data speaks for; shares are of the whole outline, not of the parcels).
- ``far`` (容积率, gross): floor area of the parcels (column `floor_area_m2`, m², apportioned by
  the share of each parcel's area inside the outline: a parcel half inside brings half its floor
  area) / the outline's geodesic area (m²); a ratio such as 1.8.
- ``building_coverage`` (建筑密度, gross): building footprint area (column `footprint_m2`, m²,
  apportioned likewise) / the outline's area; a share (shown as %).

Both columns are mapped at import (`layers.landuse_measures`). Parcels meeting the outline without
a value count as none (the figure is then a lower bound, and the method says how many); with no
value on any of them the indicator has no data.

Parcels overlapping each other are counted twice: bring clean parcels. Rules are records of the
workspace's `indicator_rules` layer (`layers.indicator_rules`: indicator, comparison, value, the
plan's words and section; seeded from `data/landuse_rules.csv`, officers add their own), applied
to the parks whose `programme` and `kind` match (``*`` matches any); never constants in code.
Without a workspace (the command line) they are read from the CSV (`load_rules`).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.measure import geodesic_area_m2
from geo.overlay import composition
from layers.indicator_rules import (  # noqa: F401  (the rule vocabulary, re-exported for callers of this module)
    GROUP_INDICATORS, INDICATORS, OPS as _OPS, IndicatorRule, value_problem)

DATA = Path(__file__).resolve().parents[2] / "data"
CODES_FILE = DATA / "landuse_codes.csv"
RULES_FILE = DATA / "landuse_rules.csv"


@lru_cache(maxsize=4)
def code_groups(path: Path = CODES_FILE) -> dict[str, str]:
    """code -> indicator group, from the code table (data/landuse_codes.csv by default)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["code"].strip(): row["group"].strip() for row in csv.DictReader(fh)}


def group_of(code: object, groups: dict[str, str] | None = None) -> str | None:
    """The indicator group of a land-use code by its longest listed prefix, or None.

    >>> group_of("M1"), group_of("R21"), group_of("100101"), group_of("1002"), group_of("B1")
    ('industrial', 'residential', 'industrial', None, None)
    """
    table = code_groups() if groups is None else groups
    text = "" if code is None or (isinstance(code, float) and np.isnan(code)) else str(code).strip().upper()
    for end in range(len(text), 0, -1):
        if text[:end] in table:
            return table[text[:end]]
    return None


def load_rules(path: Path | str = RULES_FILE) -> list[IndicatorRule]:
    """The rules of a rules CSV (columns as data/landuse_rules.csv); raises ValueError naming the
    file, the row and the field when a rule is unusable."""
    rules = []
    with open(path, encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            where = f"{Path(path).name}: line {n}"
            if row.get("indicator") not in INDICATORS:
                raise ValueError(f"{where}: field 'indicator': {row.get('indicator')!r} is not one of {INDICATORS}")
            if row.get("op") not in _OPS:
                raise ValueError(f"{where}: field 'op': {row.get('op')!r} is not one of {tuple(_OPS)}")
            try:
                value = float(row["value"])
            except (TypeError, ValueError):
                raise ValueError(f"{where}: field 'value': {row.get('value')!r} is not a number") from None
            why = value_problem(row["indicator"], value)
            if why:
                raise ValueError(f"{where}: field 'value': {why}")
            rules.append(IndicatorRule(row["id"], row["programme"] or "*", row["park_kind"] or "*", row["indicator"],
                                       row["op"], value, row.get("unit", ""), row.get("quote", ""), row.get("source", "")))
    return rules


def park_indicators(parks: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame, *, code_col: str = "code",
                    floor_area_col: str = "floor_area_m2", footprint_col: str = "footprint_m2") -> pd.DataFrame:
    """Indicators of every park with an outline (see the module doc), long format.

    parks: EPSG:4326, indexed by park id; parcels: EPSG:4326 with `code_col`, and optionally
    `floor_area_col` / `footprint_col` (m² of floor / of building footprint per parcel).
    Returns columns `park_id`, `indicator`, `area_m2` (geodesic m² of the group, or of the
    apportioned footprint; NaN for far), `value` (the ratio; NaN = no data), `parcels` (parcels
    meeting the outline) and `valued` (of those, how many carry the indicator's column: far and
    building_coverage only, else NaN). Parks without an outline get no rows.
    """
    outlined = parks[parks.geom_type.isin(["Polygon", "MultiPolygon"])]
    columns = ["park_id", "indicator", "area_m2", "value", "parcels", "valued"]
    if outlined.empty:
        return pd.DataFrame(columns=columns)
    park_area = geodesic_area_m2(outlined.geometry)
    keyed = gpd.GeoDataFrame({"_row": np.arange(len(parcels))}, geometry=parcels.geometry.to_numpy(), crs=parcels.crs)
    pieces = composition(outlined, keyed, "_row") if len(parcels) else pd.DataFrame(columns=["zone", "class", "area_m2"])
    rows = pieces["class"].to_numpy(dtype=np.int64)
    groups = np.array([group_of(c) for c in parcels[code_col].to_numpy()], dtype=object)
    full_area = geodesic_area_m2(parcels.geometry).to_numpy() if len(parcels) else np.zeros(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.where(full_area[rows] > 0, pieces["area_m2"].to_numpy(dtype=float) / full_area[rows], 0.0)
    frame = pd.DataFrame({"zone": pieces["zone"].to_numpy(), "group": groups[rows], "row": rows,
                          "area": pieces["area_m2"].to_numpy(dtype=float)})
    frame["floor"] = _apportioned(parcels, floor_area_col, rows, fraction)
    frame["footprint"] = _apportioned(parcels, footprint_col, rows, fraction)
    out = []
    for park_id, area in park_area.items():
        mine = frame[frame["zone"] == park_id]
        has_parcels = not mine.empty
        n = mine["row"].nunique()
        for group, indicator in GROUP_INDICATORS.items():
            a = float(mine.loc[mine["group"] == group, "area"].sum()) if has_parcels else np.nan
            out.append((park_id, indicator, a, a / area if area > 0 else np.nan, n, np.nan))
        covered = float(mine["area"].sum()) if has_parcels else np.nan
        out.append((park_id, "parcel_coverage", covered, covered / area if area > 0 else np.nan, n, np.nan))
        floor = float(mine["floor"].sum()) if has_parcels and mine["floor"].notna().any() else np.nan
        out.append((park_id, "far", np.nan, floor / area if area > 0 else np.nan, n,
                    mine.loc[mine["floor"].notna(), "row"].nunique()))
        foot = float(mine["footprint"].sum()) if has_parcels and mine["footprint"].notna().any() else np.nan
        out.append((park_id, "building_coverage", foot, foot / area if area > 0 else np.nan, n,
                    mine.loc[mine["footprint"].notna(), "row"].nunique()))
    return pd.DataFrame(out, columns=columns)


def _apportioned(parcels: gpd.GeoDataFrame, column: str, rows: np.ndarray, fraction: np.ndarray) -> np.ndarray:
    """`column` of each piece's parcel times the share of the parcel inside the park (NaN if absent)."""
    if column not in parcels.columns:
        return np.full(len(rows), np.nan)
    values = pd.to_numeric(parcels[column], errors="coerce").to_numpy(dtype=float)
    return values[rows] * fraction


_MEASURES = {"far": ("floor-area ratio (容积率, gross)", "floor area", "a ratio"),
             "building_coverage": ("building coverage (建筑密度, gross)", "building footprint", "a share, shown as %")}
"""Indicator -> (its name, what its column holds, how the value reads) for `measure_method`."""


def measure_method(indicator: str, column: str, layer_label: str, parcels: float, valued: float) -> str:
    """How a floor-area ratio or building coverage was computed, for the inspection's `method`.

    parcels: how many parcels meet the outline; valued: how many of them carry `column` (m²).
    """
    name, holds, reads = _MEASURES[indicator]
    n = 0 if pd.isna(parcels) else int(parcels)
    k = 0 if pd.isna(valued) else int(valued)
    text = (f"{name} = Σ {holds} (column {column}, m², mapped at import) of {layer_label} meeting the outline, "
            "each weighted by the share of its area inside the outline (half inside: half counted) / the outline's "
            f"geodesic area (WGS84); {reads}")
    if n == 0:
        return f"{text}. No parcel meets the outline: no data."
    if k == 0:
        return f"{text}. None of the {n} parcel(s) meeting the outline carries a {holds}: no data."
    if k < n:
        return f"{text}. {k} of {n} parcels carry a {holds}; the other {n - k} count as 0 (a lower bound)."
    return f"{text}. All {n} parcel(s) carry a {holds}."


def indicator_rows(parks: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame, rules: list[IndicatorRule] | None = None,
                   *, layer_label: str = "land use", **columns: str) -> pd.DataFrame:
    """One row per (park, indicator, applicable rule) in the inspection table's columns.

    `park_id`, `check` (indicator name), `rule` (the rule's text, "" without one), `area_m2`,
    `share` (the indicator's value: a share of the outline, or floor/land for far), `verdict`
    (met / not met / no data; "no rule" when no rule applies; "no outline"), `area_ha`, `area_mu`,
    `covered_share` (parcel coverage of the outline), `method`, `method_parts` (what `method` is
    made of, for saying it in another language: {"key": "indicator", "layer"} or {"key": "measure",
    "indicator", "column", "layer", "parcels", "valued"}). Parks' `programme` and `kind` columns
    select the rules (absent: only rules with ``*`` apply). rules: the workspace's rules
    (`layers.indicator_rules.rules_of`); None reads data/landuse_rules.csv (`load_rules`), for
    callers without a workspace. `columns`: see park_indicators.
    """
    from geo.measure import convert_area

    rules = load_rules() if rules is None else rules
    values = park_indicators(parks, parcels, **columns)
    measure_columns = {"far": columns.get("floor_area_col", "floor_area_m2"),
                       "building_coverage": columns.get("footprint_col", "footprint_m2")}
    method = (f"parcels of {layer_label} clipped to the outline; areas geodesic (WGS84 ellipsoid; planar overlay "
              "in EPSG:4547 scaled per park), shares of the outline's area; code groups: data/landuse_codes.csv")
    out = []
    for park_id, park in parks.iterrows():
        mine = values[values["park_id"] == park_id].set_index("indicator")
        for indicator in INDICATORS:
            applicable: list[IndicatorRule | None] = [r for r in rules if r.indicator == indicator
                          and r.applies(park.get("programme", "*"), park.get("kind", "*"))]
            area = float(mine.at[indicator, "area_m2"]) if indicator in mine.index else np.nan
            value = float(mine.at[indicator, "value"]) if indicator in mine.index else np.nan
            coverage = float(mine.at["parcel_coverage", "value"]) if "parcel_coverage" in mine.index else np.nan
            how = method
            parts: dict[str, object] = {"key": "indicator", "layer": layer_label}
            if indicator in measure_columns and indicator in mine.index:
                counted = [mine.at[indicator, c] for c in ("parcels", "valued")]
                how = measure_method(indicator, measure_columns[indicator], layer_label, *counted)
                parts = {"key": "measure", "indicator": indicator, "column": measure_columns[indicator],
                         "layer": layer_label, **{c: 0 if pd.isna(v) else int(v)
                                                  for c, v in zip(("parcels", "valued"), counted)}}
            for rule in applicable or [None]:
                if mine.empty:
                    verdict = "no outline"
                elif rule is None:
                    verdict = "no rule"
                elif np.isnan(value):
                    verdict = "no data"
                else:
                    verdict = "met" if rule.met(value) else "not met"
                out.append({"park_id": str(park_id), "check": indicator, "rule": rule.text() if rule else "",
                            "area_m2": area, "share": value, "verdict": verdict, "covered_share": coverage,
                            "method": how, "method_parts": parts})
    rows = pd.DataFrame(out, columns=["park_id", "check", "rule", "area_m2", "share", "verdict", "covered_share",
                                      "method", "method_parts"])
    rows.insert(6, "area_ha", convert_area(rows["area_m2"], "ha"))
    rows.insert(7, "area_mu", convert_area(rows["area_m2"], "mu"))
    return rows
