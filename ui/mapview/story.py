"""Map elements of the Present page: the slide caption drawn on the map, the highlighted parks,
and the overlays and view of one slide.

Everything that changes from slide to slide is a FeatureGroup handed to
`st_folium(feature_group_to_add=...)`, so moving between slides updates the map in place
(DESIGN.md §7); the caption is a Leaflet control that lives and dies with its (hidden from the
layer control) group. Every text shown is escaped (`ui.safe_html.esc`).
"""

from __future__ import annotations

import json

import folium
import geopandas as gpd
from jinja2 import Template

from geo.generalize import zoom_for_bounds
from layers.parks import PROGRAMMES
from layers.stories import Slide
from ui.i18n import Lang, t
from ui.mapview.parks import SELECTED_COLOUR, park_groups
from ui.mapview.transport import transport_groups
from ui.safe_html import esc

HIGHLIGHT_RADIUS = 13.0
"""Radius (px) of a highlighted point park; other parks keep the atlas's 7 px."""


class SlideCaption(folium.MacroElement):
    """A Leaflet control (class `parkatlas-caption`, bottom left) with the slide's title and
    caption in large type. Added to a FeatureGroup: it joins the map with the group and leaves
    when streamlit-folium removes the group (the next slide)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var group = {{ this._parent.get_name() }};
            var caption = L.control({position: {{ this.position_json }}});
            caption.onAdd = function () {
                var div = L.DomUtil.create("div", "parkatlas-caption");
                div.style.cssText = {{ this.css_json }};
                div.innerHTML = {{ this.html_json }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            function show(map) { if (!caption._map) { caption.addTo(map); } }
            group.on("add", function (e) { show(e.target._map); });
            group.on("remove", function () { caption.remove(); });
            if (group._map) { show(group._map); }
        })();
        {% endmacro %}
        """
    )

    CSS = ("background:#ffffff;padding:12px 16px;border-radius:6px;"
           "box-shadow:0 2px 8px rgba(0,0,0,.3);max-width:min(600px,42vw);max-height:45vh;overflow:auto;"
           "font:17px/1.5 'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei',sans-serif;color:#1a1a1a")

    def __init__(self, title: str, caption: str, counter: str = "", position: str = "bottomleft"):
        super().__init__()
        self._name = "SlideCaption"
        head = (f"<div class='parkatlas-caption-title' style='font-size:22px;font-weight:700;margin-bottom:4px'>"
                f"{esc(title)}</div>") if title else ""
        count = (f"<span class='parkatlas-caption-counter' style='float:right;color:#777;font-size:14px;"
                 f"margin-left:12px'>{esc(counter)}</span>") if counter else ""
        self.html_json = json.dumps(f"{count}{head}<div class='parkatlas-caption-text'>{esc(caption)}</div>")
        self.css_json = json.dumps(self.CSS)
        self.position_json = json.dumps(position)


def caption_group(title: str, caption: str, counter: str = "") -> folium.FeatureGroup:
    """A FeatureGroup (not in the layer control) carrying the slide's caption control."""
    group = folium.FeatureGroup(name="caption", show=True, control=False)
    SlideCaption(title, caption, counter).add_to(group)
    return group


def highlight_group(frame: gpd.GeoDataFrame, ids: tuple[str, ...], lang: Lang) -> folium.FeatureGroup:
    """The highlighted parks, on top: points as large dots and polygons filled stronger, both
    outlined dark (class `park-highlight park-<id>`), with the atlas's escaped tooltips.

    frame: rows of `ui.mapview.parks.display_frame` (EPSG:4326 or shifted for display)."""
    group = folium.FeatureGroup(name=t("present_highlighted", lang), show=True)
    for pid in [i for i in ids if i in frame.index]:
        row = frame.loc[pid]
        colour = PROGRAMMES[row["programme"]].colour
        css = f"park-marker park-highlight park-{row['id']}"
        geom = row.geometry
        if geom.geom_type == "Point":
            folium.CircleMarker(location=(geom.y, geom.x), radius=HIGHLIGHT_RADIUS, color=SELECTED_COLOUR, weight=3,
                                fill=True, fill_color=colour, fill_opacity=0.95, tooltip=folium.Tooltip(row["tip"]),
                                **{"className": css}).add_to(group)
        else:
            folium.GeoJson(
                geom.__geo_interface__,
                style_function=lambda _, c=colour: {"color": SELECTED_COLOUR, "weight": 4, "fill": True,
                                                    "fillColor": c, "fillOpacity": 0.55},
                tooltip=folium.Tooltip(row["tip"]),
            ).add_to(group)
    return group


def slide_overlays(slide: Slide, lang: Lang, frame: gpd.GeoDataFrame, parks: gpd.GeoDataFrame,
                   lines: gpd.GeoDataFrame, nodes: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame,
                   title: str, counter: str) -> list[folium.FeatureGroup]:
    """Everything a slide draws over the base map: its layers (parks, and transport lines,
    stations and facilities when the slide lists them; the caller passes empty frames for the
    rest), the highlighted parks on top, and the caption control.

    frame: `display_frame` rows of all parks; parks: the parks layer (facility tooltips);
    lines, nodes: the network of the slide's year. All in the display system of the basemap."""
    groups: list[folium.FeatureGroup] = []
    if "parks" in slide.layers:
        groups += park_groups(frame[~frame.index.isin(slide.highlight)], lang, None)
    wanted = {"transport_lines", "transport_nodes", "facilities"} & set(slide.layers)
    if wanted:
        groups += transport_groups(lines if "transport_lines" in wanted else lines.iloc[0:0],
                                   nodes if "transport_nodes" in wanted else nodes.iloc[0:0],
                                   facilities if "facilities" in wanted else facilities.iloc[0:0], parks, lang)
    groups.append(highlight_group(frame, slide.highlight, lang))
    groups.append(caption_group(title, slide.caption.get(lang), counter))
    return groups


def view_for_bounds(bounds: tuple[float, float, float, float], width_px: int, height_px: int,
                    ) -> tuple[tuple[float, float], int]:
    """Map centre (lat, lon) and the largest zoom at which `bounds` (minlon, minlat, maxlon,
    maxlat, EPSG:4326) fit a map of width_px x height_px."""
    minx, miny, maxx, maxy = bounds
    return ((miny + maxy) / 2, (minx + maxx) / 2), zoom_for_bounds(bounds, width_px=width_px, height_px=height_px)
