"""The table of shown parks: localized headers, areas in km², ha and 亩, CSV bytes for download."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from layers.parks import KIND_LABELS, QUALITY_LABELS, STATUS_LABELS, is_placed, label
from ui.i18n import Lang, t
from ui.plan_names import plan_name, region_name


def park_table(parks: gpd.GeoDataFrame, lang: Lang) -> pd.DataFrame:
    """One row per park, indexed by id, with headers and coded values in `lang`.

    Computed areas are geodesic (WGS84 ellipsoid) of the drawn outline; points have none (empty).
    """
    name_col = "name_zh" if lang == "zh" else "name_en"
    industries_col = "industries" if lang == "zh" else "industries_en"
    polygonal = parks["area_m2"] > 0
    table = pd.DataFrame(
        {
            t("col_name", lang): parks[name_col],
            t("col_kind", lang): parks["kind"].map(lambda v: label(KIND_LABELS, v, lang)),
            t("col_programme", lang): parks["programme"].map(lambda v: plan_name(v, lang)),
            t("col_city", lang): parks["city"].map(lambda v: region_name(v, lang)),
            t("col_district", lang): parks["district"],
            t("col_industries", lang): parks[industries_col].map(lambda v: "、".join(v) if lang == "zh" else "; ".join(v)),
            t("col_stated_km2", lang): pd.to_numeric(parks["stated_area_km2"], errors="coerce").round(3),
            t("col_area_km2", lang): parks["area_km2"].where(polygonal).round(3),
            t("col_area_ha", lang): parks["area_ha"].where(polygonal).round(1),
            t("col_area_mu", lang): parks["area_mu"].where(polygonal).round(0),
            t("col_diff_pct", lang): parks["area_diff_pct"].round(1),
            t("col_quality", lang): [label(QUALITY_LABELS, q, lang) if ok else t("not_placed_yet", lang)
                                     for q, ok in zip(parks["geometry_quality"], is_placed(parks))],
            t("col_status", lang): parks["status"].map(lambda v: label(STATUS_LABELS, v, lang)),
            t("col_source", lang): parks["source"],
        },
        index=parks.index,
    )
    table.index.name = "id"
    return table


def access_view(parks: gpd.GeoDataFrame, access: pd.DataFrame, nodes: gpd.GeoDataFrame,
                lines: gpd.GeoDataFrame, lang: Lang) -> pd.DataFrame:
    """One row per park: nearest station and distances (m, planar EPSG:4547, from the boundary),
    counts of stations and the lines within 800 m and 2 km, nearest HSR station and airport."""
    name_col = "name_zh" if lang == "zh" else "name_en"
    a = access.loc[parks.index]
    node_name = nodes[name_col] if not nodes.empty else pd.Series(dtype=object)
    line_name = lines.drop_duplicates("line_ref").set_index("line_ref")[name_col] if not lines.empty else pd.Series(dtype=object)
    sep = "、" if lang == "zh" else "; "

    def col(name: str) -> pd.Series:
        return a[name] if name in a.columns else pd.Series(None, index=a.index, dtype=object)

    table = pd.DataFrame({
        t("col_name", lang): parks[name_col],
        t("acc_nearest", lang): col("nearest_stop").map(node_name),
        t("acc_nearest", lang) + " (m)": col("nearest_stop_m").round(0),
        t("acc_stations_800", lang): a["stations_800m"].map(len),
        t("acc_lines_800", lang): a["lines_800m"].map(lambda refs: sep.join(line_name.get(r, r) for r in refs)),
        t("acc_stations_2k", lang): a["stations_2km"].map(len),
        t("acc_lines_2k", lang): a["lines_2km"].map(lambda refs: sep.join(line_name.get(r, r) for r in refs)),
        t("acc_hsr", lang): col("nearest_hsr-station").map(node_name),
        t("acc_hsr", lang) + " (km)": (col("nearest_hsr-station_m") / 1000).round(1),
        t("acc_airport", lang): col("nearest_airport").map(node_name),
        t("acc_airport", lang) + " (km)": (col("nearest_airport_m") / 1000).round(1),
    }, index=parks.index)
    table.index.name = "id"
    return table
