"""Overlays of the user's own layers (imported or drawn): one GeoJson per layer, every tooltip
value escaped (attributes of a user's file are hostile until shown otherwise)."""

from __future__ import annotations

import json

import folium
import geopandas as gpd

from geo.generalize import simplify_for_display
from layers.import_check import PREVIEW_FEATURES
from ui.safe_html import esc

USER_COLOURS = ("#e6550d", "#3182bd", "#31a354", "#756bb1", "#636363", "#de2d26")
MAX_DRAWN_FEATURES = PREVIEW_FEATURES
"""Past this many features a preview draws a sample (the map stays usable; the layer is intact)."""


def tooltip_frame(gdf: gpd.GeoDataFrame, heading_html: str) -> gpd.GeoDataFrame | None:
    """The features of `gdf` (EPSG:4326) to draw — those with a geometry, a sample past
    MAX_DRAWN_FEATURES — simplified for display, each with a `tip`: `heading_html` (already
    escaped) then its name, escaped; None when there is nothing to draw."""
    shown = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    if len(shown) > MAX_DRAWN_FEATURES:
        shown = shown.sample(MAX_DRAWN_FEATURES, random_state=0)
    if shown.empty:
        return None
    names = shown["name_zh"] if "name_zh" in shown.columns else shown.index.astype(str)
    return gpd.GeoDataFrame({"tip": [f"{heading_html}<br>{esc(n)}" for n in names]},
                            geometry=simplify_for_display(shown.geometry), crs=shown.crs)


def user_layer_group(name: str, gdf: gpd.GeoDataFrame, colour_index: int = 0, show: bool = True) -> folium.FeatureGroup:
    """One FeatureGroup drawing `gdf` (EPSG:4326) with a tooltip of its name column, escaped."""
    colour = USER_COLOURS[colour_index % len(USER_COLOURS)]
    group = folium.FeatureGroup(name=esc(name), show=show)
    frame = tooltip_frame(gdf, f"<b>{esc(name)}</b>")
    if frame is None:
        return group
    folium.GeoJson(
        json.loads(frame.to_json(drop_id=True)),
        style_function=lambda _: {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.25},
        marker=folium.CircleMarker(radius=5, color=colour, fill=True, fill_opacity=0.6),
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        zoom_on_click=False,
    ).add_to(group)
    return group
