"""Transport and facility overlays: lines by mode (metro in line colours, planned and under
construction dashed), stations and piers as markers, sited facilities by category.

Layers arrive already filtered to the network year the user chose; every tooltip is escaped.
"""

from __future__ import annotations

import json

import folium
import geopandas as gpd
import pandas as pd

from geo.generalize import simplify_for_display
from layers.facilities import CATEGORY_COLOURS, CATEGORY_LABELS
from layers.base import label
from layers.transport import MODE_LABELS, STATUS_LABELS, line_style, placed
from ui.i18n import Lang, t
from ui.safe_html import esc

RAIL_MODES = ("metro", "tram", "monorail", "intercity", "high-speed-rail")
ROAD_MODES = ("expressway", "arterial", "bridge", "ferry")


def _name(row: pd.Series, lang: Lang) -> str:
    return row["name_zh"] if lang == "zh" else row["name_en"]


def _status_text(row: pd.Series, lang: Lang) -> str:
    text = label(STATUS_LABELS, row["status"], lang)
    year = row.get("open_year")
    if year is not None and not pd.isna(year):
        text += f" · {t('opened', lang)} {int(year)}"
    return text


def _tip(row: pd.Series, lang: Lang, extra: str = "") -> str:
    mode = label(MODE_LABELS, row["mode"], lang)
    return (f"<b>{esc(_name(row, lang))}</b><br>{esc(mode)} · {esc(_status_text(row, lang))}"
            + (f"<br>{esc(extra)}" if extra else ""))


def _features(gdf: gpd.GeoDataFrame, props: pd.DataFrame) -> dict:
    frame = gpd.GeoDataFrame(props, geometry=simplify_for_display(gdf.geometry), crs=gdf.crs, index=gdf.index)
    return json.loads(frame.to_json(drop_id=True))


def _line_group(lines: gpd.GeoDataFrame, modes: tuple[str, ...], name: str, lang: Lang) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=name, show=True)
    lines = placed(lines)  # a named-only link has no geometry: it is listed in the profile instead
    subset = lines[lines["mode"].isin(modes)]
    if subset.empty:
        return group
    props = pd.DataFrame({
        "style": [line_style(m, r, s) for m, r, s in zip(subset["mode"], subset["line_ref"], subset["status"])],
        "tip": [_tip(row, lang) for _, row in subset.iterrows()],
    }, index=subset.index)
    folium.GeoJson(
        _features(subset, props),
        style_function=lambda f: f["properties"]["style"],
        highlight_function=lambda _: {"weight": 7},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    ).add_to(group)
    return group


def _node_group(nodes: gpd.GeoDataFrame, lang: Lang) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=t("layer_stations", lang), show=True)
    for _, row in placed(nodes).iterrows():
        big = row["mode"] in ("hsr-station", "airport", "hub")
        refs = ", ".join(row["line_refs"])
        folium.CircleMarker(
            location=(row.geometry.y, row.geometry.x), radius=7 if big else 4.5,
            color="#222222", weight=2, fill=True, fill_color="#ffffff", fill_opacity=1.0,
            dash_array=None if row["status"] == "existing" else "3 3",
            tooltip=folium.Tooltip(_tip(row, lang, refs)),
        ).add_to(group)
    return group


def _facility_group(facilities: gpd.GeoDataFrame, parks: gpd.GeoDataFrame, lang: Lang) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=t("layer_facilities", lang), show=True)
    sited = facilities[facilities.geometry.notna()]
    for _, row in sited.iterrows():
        colour = CATEGORY_COLOURS[row["category"]]
        park = parks.at[row["park_id"], "name_zh" if lang == "zh" else "name_en"] if row["park_id"] in parks.index else ""
        tip = (f"<b>{esc(_name(row, lang))}</b><br>{esc(label(CATEGORY_LABELS, row['category'], lang))}"
               f" · {esc(row['capacity_text'] or '')}<br>{esc(park)}")
        geom = row.geometry
        if geom.geom_type == "Point":
            folium.RegularPolygonMarker(location=(geom.y, geom.x), number_of_sides=4, radius=6, rotation=45,
                                        color=colour, fill=True, fill_color=colour, fill_opacity=0.9,
                                        tooltip=folium.Tooltip(tip)).add_to(group)
        else:
            folium.GeoJson(
                _features(sited.loc[[row.name]], pd.DataFrame({"tip": [tip]}, index=[row.name])),
                style_function=lambda _, c=colour: {"color": c, "weight": 4, "opacity": 0.8, "fillOpacity": 0.3},
                tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
            ).add_to(group)
    return group


def transport_groups(lines: gpd.GeoDataFrame, nodes: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame,
                     parks: gpd.GeoDataFrame, lang: Lang) -> list[folium.FeatureGroup]:
    """Overlays for the layer control: rail & metro lines, roads & bridges, stations, facilities.

    lines, nodes: EPSG:4326, already reduced to the network year shown. facilities: all of them
    (those without a site are listed in park profiles instead). parks: for facility tooltips.
    """
    return [
        _line_group(lines, RAIL_MODES, t("layer_rail", lang), lang),
        _line_group(lines, ROAD_MODES, t("layer_roads", lang), lang),
        _node_group(nodes, lang),
        _facility_group(facilities, parks, lang),
    ]
