"""The small map on which an officer places a park with one click: the plan's other parks for
orientation (escaped tooltips), and the point clicked so far as a separate group, so a new click
moves the marker without rebuilding the map (`st_folium(feature_group_to_add=...)`).

Everything is EPSG:4326; Leaflet takes (lat, lon).
"""

from __future__ import annotations

import folium
import geopandas as gpd
import shapely

from geo.generalize import simplify_for_display, zoom_for_bounds
from ui.i18n import Lang
from ui.mapview.base import base_map
from ui.safe_html import esc

PICKER_HEIGHT = 420
OTHER_COLOUR = "#4477AA"
PICKED_COLOUR = "#d62728"
DEFAULT_VIEW = ((23.1, 113.35), 9)
"""Where the picker opens when the plan has no placed park yet: the Pearl River Delta."""


def picker_view(parks: gpd.GeoDataFrame, picked: shapely.Point | None) -> tuple[tuple[float, float], int]:
    """(center (lat, lon), zoom) that shows the placed parks of `parks` (EPSG:4326) and the point
    already picked; the default view when there are none."""
    geoms = [g for g in parks.geometry if g is not None and not g.is_empty] if len(parks) else []
    if picked is not None:
        geoms.append(picked)
    if not geoms:
        return DEFAULT_VIEW
    minx, miny, maxx, maxy = shapely.union_all(geoms).buffer(0.01).bounds
    zoom = zoom_for_bounds((minx, miny, maxx, maxy), width_px=700, height_px=PICKER_HEIGHT - 40, max_zoom=15)
    return ((miny + maxy) / 2, (minx + maxx) / 2), zoom


def place_picker_map(lang: Lang, basemap: str, parks: gpd.GeoDataFrame, names: list[str], title: str,
                     center: tuple[float, float], zoom: int, vendor_url: str) -> folium.Map:
    """The picker's stable map: basemap and controls, and `parks` (EPSG:4326, placed ones only are
    drawn) in one group named `title`, each with its name from `names` (same order) as an escaped
    tooltip. Points are CircleMarkers (streamlit-folium reports no click on GeoJSON markers)."""
    m = base_map(lang, basemap if basemap in ("light", "osm", "satellite") else "light", center, zoom, vendor_url,
                 compact=True)
    group = folium.FeatureGroup(name=esc(title))
    for geom, name in zip(parks.geometry, names):
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type == "Point":
            folium.CircleMarker((geom.y, geom.x), radius=5, color=OTHER_COLOUR, weight=2, fill=True, fill_opacity=0.5,
                                tooltip=esc(name)).add_to(group)
        else:
            shape = simplify_for_display(gpd.GeoSeries([geom], crs=4326)).iloc[0]
            folium.GeoJson(shapely.geometry.mapping(shape), tooltip=esc(name), zoom_on_click=False,
                           style_function=lambda _: {"color": OTHER_COLOUR, "weight": 2, "fillOpacity": 0.15}).add_to(group)
    group.add_to(m)
    return m


def picked_group(point: shapely.Point | None, label: str) -> folium.FeatureGroup:
    """The point clicked so far (EPSG:4326) as a red marker with an escaped tooltip; empty when
    nothing is picked yet."""
    group = folium.FeatureGroup(name=esc(label))
    if point is not None:
        folium.CircleMarker((point.y, point.x), radius=8, color=PICKED_COLOUR, weight=3, fill=True, fill_opacity=0.7,
                            tooltip=esc(label)).add_to(group)
    return group
