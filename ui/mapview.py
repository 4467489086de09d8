"""Builds folium maps from layers and a view state: the only place folium is used.

The map is split as streamlit-folium wants it (DESIGN.md §7): `base_map` (tiles, controls,
legend) stays the same while the user filters, and `park_groups` (the park overlays, rebuilt on
every filter change) are handed to `st_folium(feature_group_to_add=...)`, so the map updates in
place instead of reloading. Every property that reaches a tooltip is escaped (`ui.safe_html`) and
only the properties the map shows are sent.
"""

from __future__ import annotations

import json

import folium
import geopandas as gpd
from folium.plugins import Fullscreen, MeasureControl, MiniMap
from jinja2 import Template
from xyzservices import providers

from geo.generalize import simplify_for_display
from layers.parks import PROGRAMMES, programme_name
from ui.assets import localize
from ui.i18n import Lang, t
from ui.safe_html import esc

TILES = {
    "light": providers.Esri.WorldGrayCanvas,
    "osm": providers.OpenStreetMap.Mapnik,
    "satellite": providers.Esri.WorldImagery,
}
"""Basemaps: tiles load in the user's browser; nothing of ours needs the internet."""

MU_UNIT = {"mu": {"factor": 0.0015, "display": "亩 (mu)", "decimals": 1}}
"""leaflet-measure custom unit: 1 m² = 0.0015 亩 (1 亩 = 10000/15 m²)."""

SELECTED_COLOUR = "#111111"


class MetricScale(folium.MacroElement):
    """Leaflet's scale bar in metres and kilometres only."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, position: "bottomleft"}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


class Legend(folium.MacroElement):
    """A Leaflet control (bottom right) listing programme colours and what outlines mean.

    `items` are (colour, label) pairs; labels are escaped here.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "parkatlas-legend");
                div.style.cssText = "background:rgba(255,255,255,.92);padding:6px 9px;border-radius:4px;font:12px/1.5 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)";
                div.innerHTML = {{ this.html_json }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, title: str, items: list[tuple[str, str]], notes: list[str]):
        super().__init__()
        self._name = "Legend"
        rows = "".join(
            f'<div><span style="display:inline-block;width:12px;height:12px;background:{esc(colour)};'
            f'opacity:.7;margin-right:6px;vertical-align:middle;border:1px solid {esc(colour)}"></span>{esc(label)}</div>'
            for colour, label in items
        )
        notes_html = "".join(f'<div style="color:#555">{esc(n)}</div>' for n in notes)
        self.html_json = json.dumps(f"<b>{esc(title)}</b>{rows}{notes_html}")


def base_map(lang: Lang, basemap: str, center: tuple[float, float], zoom: int, vendor_url: str) -> folium.Map:
    """The stable part of the atlas map: basemaps, scale, full screen, measure (with 亩), minimap
    and the legend. center is (lat, lon) in degrees WGS84; vendor_url is where static/vendor is
    served. Returns a folium.Map whose JS/CSS all come from our own install."""
    m = folium.Map(location=list(center), zoom_start=zoom, tiles=None, control_scale=False)
    MetricScale().add_to(m)
    for key in ("light", "osm", "satellite"):
        folium.TileLayer(TILES[key], name=t(f"basemap_{key}", lang), show=(key == basemap), overlay=False,
                         control=True).add_to(m)
    Fullscreen(position="topleft", title="Full screen" if lang == "en" else "全屏",
               title_cancel="Exit full screen" if lang == "en" else "退出全屏").add_to(m)
    MeasureControl(position="topleft", primary_length_unit="kilometers", secondary_length_unit="meters",
                   primary_area_unit="hectares", secondary_area_unit="mu", units=MU_UNIT).add_to(m)
    MiniMap(tile_layer=folium.TileLayer(TILES["light"]), position="bottomleft", toggle_display=True,
            width=140, height=110).add_to(m)
    items = [(p.colour, programme_name(p.id, lang)) for p in PROGRAMMES.values()]
    Legend(t("legend", lang), items, [t("legend_schematic", lang), t("legend_point", lang)]).add_to(m)
    return localize(m, vendor_url)


def _tooltip_html(row: gpd.GeoSeries, lang: Lang) -> str:
    name = row["name_zh"] if lang == "zh" else row["name_en"]
    other = row["name_en"] if lang == "zh" else row["name_zh"]
    if row["area_km2"] > 0:
        area = f'{t("tooltip_area", lang)}: {row["area_km2"]:.2f} km² · {row["area_mu"]:,.0f} 亩'
    else:
        area = t("tooltip_location_only", lang)
    return f"<b>{esc(name)}</b><br><span style='color:#555'>{esc(other)}</span><br>{esc(area)}"


def display_frame(parks: gpd.GeoDataFrame, lang: Lang) -> gpd.GeoDataFrame:
    """What the map needs of each park, and nothing more: id, programme, styling flags, an escaped
    tooltip, and geometry simplified to 5 m and rounded to 6 decimals (EPSG:4326)."""
    out = gpd.GeoDataFrame(
        {
            "id": parks["id"].map(esc),
            "programme": parks["programme"],
            "kind": parks["kind"],
            "schematic": parks["geometry_quality"] == "schematic",
            "tip": [_tooltip_html(row, lang) for _, row in parks.iterrows()],
        },
        geometry=simplify_for_display(parks.geometry),
        crs=parks.crs,
        index=parks.index,
    )
    # Larger features first so that phases and carriers are drawn on top and stay clickable.
    return out.assign(_order=-parks["area_m2"]).sort_values("_order", kind="stable").drop(columns="_order")


def _style(selected: str | None):
    def style(feature: dict) -> dict:
        p = feature["properties"]
        colour = PROGRAMMES[p["programme"]].colour
        is_selected = p["id"] == selected
        return {
            "color": SELECTED_COLOUR if is_selected else colour,
            "weight": 4 if is_selected else (1.5 if p["kind"] == "phase" else 2),
            "fillColor": colour,
            "fillOpacity": 0.45 if is_selected else 0.25,
            "dashArray": "6 4" if p["schematic"] else None,
            "radius": 7,
        }

    return style


def park_groups(frame: gpd.GeoDataFrame, lang: Lang, selected: str | None) -> list[folium.FeatureGroup]:
    """One FeatureGroup per programme with its parks (polygons, and points as circle markers),
    each feature with an escaped tooltip; the selected park is outlined in black.

    frame: rows of `display_frame` (the parks to show)."""
    groups = []
    for pid, programme in PROGRAMMES.items():
        subset = frame[frame["programme"] == pid]
        group = folium.FeatureGroup(name=programme_name(pid, lang), show=True)
        if not subset.empty:
            folium.GeoJson(
                json.loads(subset.to_json(drop_id=True)),
                style_function=_style(selected),
                highlight_function=lambda _: {"weight": 4, "fillOpacity": 0.5},
                tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
                marker=folium.CircleMarker(radius=7),
                zoom_on_click=False,
            ).add_to(group)
        groups.append(group)
    return groups


def layer_control() -> folium.LayerControl:
    """The layer control (basemaps as radio buttons, programmes as check boxes)."""
    return folium.LayerControl(collapsed=True, position="topright")
