"""The land-use overlay of the selected park: parcels clipped to the park, in planning colours.
Illustrative parcels say so in the layer name and in every tooltip."""

from __future__ import annotations

import json

import folium
import geopandas as gpd
import pandas as pd

from geo.generalize import simplify_for_display
from geo.measure import geodesic_area_m2
from layers.landuse import CODES, ILLUSTRATIVE_LABEL
from ui.i18n import Lang, t
from ui.safe_html import esc


def landuse_group(parcels: gpd.GeoDataFrame, lang: Lang, illustrative: bool) -> folium.FeatureGroup:
    """A FeatureGroup of land-use parcels (EPSG:4326) coloured by code, with escaped tooltips."""
    name = t("layer_landuse", lang) + (f" — {ILLUSTRATIVE_LABEL}" if illustrative else "")
    group = folium.FeatureGroup(name=name, show=True)
    if parcels.empty:
        return group
    area = geodesic_area_m2(parcels.geometry)
    code_name = parcels["code"].map(lambda c: CODES[c].name_zh if lang == "zh" else CODES[c].name_en)
    tips = [f"<b>{esc(c)}</b> {esc(n)}<br>{a / 1e4:,.2f} ha" + (f"<br><i>{esc(ILLUSTRATIVE_LABEL)}</i>" if illustrative else "")
            for c, n, a in zip(parcels["code"], code_name, area)]
    frame = gpd.GeoDataFrame({"colour": parcels["code"].map(lambda c: CODES[c].colour), "tip": tips},
                             geometry=simplify_for_display(parcels.geometry, tolerance_m=2), crs=parcels.crs,
                             index=parcels.index)
    folium.GeoJson(
        json.loads(frame.to_json(drop_id=True)),
        style_function=lambda f: {"color": "#ffffff", "weight": 0.6, "fillColor": f["properties"]["colour"], "fillOpacity": 0.75},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    ).add_to(group)
    return group


def corridor_group(corridors: gpd.GeoSeries, names: pd.Series, lang: Lang) -> folium.FeatureGroup:
    """Document-derived green corridors and belts (schematic buffers of their lines)."""
    group = folium.FeatureGroup(name=t("layer_corridors", lang), show=True)
    if corridors.empty:
        return group
    frame = gpd.GeoDataFrame({"tip": [f"<b>{esc(n)}</b><br>{esc(t('schematic_buffer', lang))}" for n in names]},
                             geometry=simplify_for_display(corridors), crs=corridors.crs, index=corridors.index)
    folium.GeoJson(
        json.loads(frame.to_json(drop_id=True)),
        style_function=lambda _: {"color": "#2d8a3e", "weight": 1, "dashArray": "5 4", "fillColor": "#3fae49", "fillOpacity": 0.35},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    ).add_to(group)
    return group
