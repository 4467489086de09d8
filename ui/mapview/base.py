"""The stable part of every map: basemaps, controls (full screen, measure with 亩, minimap,
metric scale) and a legend control. Its JS/CSS all come from our own install (`ui.assets`)."""

from __future__ import annotations

import json

import folium
from folium.plugins import Fullscreen, MeasureControl, MiniMap
from jinja2 import Template

from ui.assets import localize
from ui.i18n import Lang, t
from ui.mapview.basemaps import WEB_TILES, add_basemap_layers
from ui.safe_html import esc

TILES = WEB_TILES
"""Basemaps: tiles load in the user's browser; nothing of ours needs the internet."""

MU_UNIT = {"mu": {"factor": 0.0015, "display": "亩 (mu)", "decimals": 1}}
"""leaflet-measure custom unit: 1 m² = 0.0015 亩 (1 亩 = 10000/15 m²); shown as `map_mu_unit`."""

MEASURE_LOCALE = {"zh": "cn", "en": "en"}
"""leaflet-measure's `localization` (its bundled translations) for each page language."""


class ZoomControl(folium.MacroElement):
    """Leaflet's zoom buttons (top left) with their tooltips in the page's language."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.zoom({position: "topleft", zoomInTitle: {{ this.zoom_in|tojson }},
                        zoomOutTitle: {{ this.zoom_out|tojson }}}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, lang: Lang):
        super().__init__()
        self._name = "ZoomControl"
        self.zoom_in, self.zoom_out = t("map_zoom_in", lang), t("map_zoom_out", lang)


class MetricScale(folium.MacroElement):
    """Leaflet's scale bar in metres and kilometres only."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, position: "bottomleft"}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


FOLD_LEGEND_BELOW_PX = 700
"""A map narrower than this (px) opens with its legend folded (1024×768 with the sidebar: ~560 px)."""


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
                div.style.cssText = "background:rgba(255,255,255,.92);padding:5px 8px;border-radius:4px;font:11px/1.45 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:250px";
                div.innerHTML = {{ this.html_json }};
                return div;
            };
            var map = {{ this._parent.get_name() }};
            legend.addTo(map);
            // a small map folds its legend (the names and the parks need the room); one click opens it
            var opened = legend.getContainer().querySelector("details").open;  // as the page asked
            function fold() {  // folded while the map is narrow, as asked once it is wide (the frame grows after load)
                var d = legend.getContainer() && legend.getContainer().querySelector("details");
                if (d && !d.dataset.touched) { d.open = opened && map.getSize().x >= {{ this.fold_below_px }}; }
            }
            legend.getContainer().querySelector("summary").addEventListener("click", function () {
                this.parentNode.dataset.touched = "1"; });
            fold();
            map.on("resize", fold);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, title: str, items: list[tuple[str, str]], notes: list[str],
                 sizes: tuple[str, list[tuple[float, str]]] | None = None, open_: bool = True):
        super().__init__()
        self._name = "Legend"
        size_html = ""
        if sizes is not None:  # (caption, [(radius px, value label)]): circles drawn at their true size
            caption, steps = sizes
            size_html = f"<div style='margin-top:4px'><b>{esc(caption)}</b></div>" + "".join(
                f'<div style="display:flex;align-items:center;gap:6px"><span style="display:inline-block;width:{2 * r:.0f}px;'
                f'height:{2 * r:.0f}px;border-radius:50%;border:1.5px solid #444;background:rgba(120,120,120,.25)"></span>{esc(v)}</div>'
                for r, v in steps)
        rows = "".join(
            f'<div><span style="display:inline-block;width:12px;height:12px;background:{esc(colour)};'
            f'opacity:.7;margin-right:6px;vertical-align:middle;border:1px solid {esc(colour)}"></span>{esc(label)}</div>'
            for colour, label in items
        )
        notes_html = "".join(f'<div style="color:#555">{esc(n)}</div>' for n in notes)
        self.fold_below_px = FOLD_LEGEND_BELOW_PX
        self.html_json = json.dumps(f"<details{' open' if open_ else ''}><summary style='cursor:pointer'><b>{esc(title)}</b></summary>"
                                    f"{rows}{notes_html}{size_html}</details>")


class FillFrame(folium.MacroElement):
    """Inside the map's iframe: the map fills the frame's whole height (the page sizes the frame
    to the viewport with CSS, `ui.page.map_first_header`) and Leaflet follows when the frame is
    resized. On a small frame (under `small_px` wide or 560 px high) or a small screen (the
    browser's window under `small_screen_px` wide) the minimap is hidden and the legend is folded,
    so they do not cover the map: when drawn, or once the frame becomes small (the atlas's first
    paint is wider than the page with its sidebar). Once drawn, the map sends st_folium's value,
    which reruns the page: the atlas's first paint waits for it to send the sidebar."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        html, body, #parent, #map_div, #map_div2 { height: 100vh !important; }
        .folium-map { height: 100% !important; }
        @media (max-width: {{ this.small_px }}px), (max-height: 560px) {
            .leaflet-control-minimap, .leaflet-control-minimap-toggle-display { display: none !important; }
        }
        .parkatlas-small .leaflet-control-minimap, .parkatlas-small .leaflet-control-minimap-toggle-display {
            display: none !important;
        }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            // Fold the legend once the frame is small: when drawn, or when it shrinks after (the
            // atlas's sidebar arrives after its first paint); a legend opened again stays open.
            var folded = false;
            function foldIfSmall() {
                var screenWidth = window.innerWidth;
                try { screenWidth = window.top.innerWidth; } catch (e) {}  // a page of another origin
                var small = window.innerWidth < {{ this.small_px }} || window.innerHeight < 560
                    || screenWidth < {{ this.small_screen_px }};
                document.documentElement.classList.toggle("parkatlas-small", small);
                if (folded || !small) return;
                folded = true;
                document.querySelectorAll(".parkatlas-legend details").forEach(function(d) { d.open = false; });
            }
            setTimeout(foldIfSmall, 0);
            window.addEventListener("resize", function() { map.invalidateSize(); foldIfSmall(); });
            setTimeout(function() { map.invalidateSize(); }, 50);
            // Drawn: tell Streamlit (st_folium's value, sent even though the view did not move), so
            // a first paint that sent the map alone gets the rest of the page (ui.pages.atlas).
            setTimeout(function() {
                var shared = window.__GLOBAL_DATA__;
                if (shared && window.map) { shared.previous_data = null; window.map.fire("moveend"); }
            }, 0);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, small_px: int = 760, small_screen_px: int = 1200):
        super().__init__()
        self._name = "FillFrame"
        self.small_px, self.small_screen_px = int(small_px), int(small_screen_px)


def base_map(lang: Lang, basemap: str, center: tuple[float, float], zoom: int, vendor_url: str,
             size_legend: tuple[str, list[tuple[float, str]]] | None = None, compact: bool = False,
             fill_frame: bool = False, minimap: bool | None = None, legend_open: bool | None = None,
             plans: list[tuple[str, str]] | None = None) -> folium.Map:
    """The stable part of the atlas map: basemaps, scale, full screen, measure (with 亩), minimap
    and the legend. center is (lat, lon) in degrees WGS84; vendor_url is where static/vendor is
    served; size_legend: (caption, [(radius px, value label)]) when parks are sized by a target.
    compact: for small maps (Sites results, import preview): no minimap, the legend folded.
    fill_frame: the map fills its frame's height, which the page sizes to the viewport (`FillFrame`).
    minimap: whether to add the minimap (default: unless compact; presentation mode has none).
    legend_open: whether the legend starts open (default: unless compact).
    plans: the legend's plan entries, (colour, name) of each plan on the map (`plan_legend`).
    Returns a folium.Map whose JS/CSS all come from our own install."""
    m = folium.Map(location=list(center), zoom_start=zoom, tiles=None, control_scale=False, zoom_control=False)
    ZoomControl(lang).add_to(m)
    MetricScale().add_to(m)
    add_basemap_layers(m, basemap, {key: t(f"basemap_{key}", lang) for key in (*WEB_TILES, "gaode", "tianditu")})
    Fullscreen(position="topleft", title=t("map_fullscreen", lang), title_cancel=t("map_fullscreen_exit", lang)).add_to(m)
    MeasureControl(position="topleft", primary_length_unit="kilometers", secondary_length_unit="meters",
                   primary_area_unit="hectares", secondary_area_unit="mu",
                   units={"mu": {**MU_UNIT["mu"], "display": t("map_mu_unit", lang)}},
                   localization=MEASURE_LOCALE[lang]).add_to(m)
    if (not compact) if minimap is None else minimap:
        MiniMap(tile_layer=folium.TileLayer(TILES["light"]), position="bottomleft", toggle_display=True,
                width=140, height=110, strings={"hideText": t("map_minimap_hide", lang),
                                                "showText": t("map_minimap_show", lang)}).add_to(m)
    Legend(t("legend", lang), list(plans or []), [t("legend_schematic", lang), t("legend_point", lang), t("legend_transport", lang)]
           + ([t("gaode_note", lang)] if basemap == "gaode" else []),
           sizes=size_legend, open_=(not compact) if legend_open is None else legend_open).add_to(m)
    if fill_frame:
        FillFrame().add_to(m)
    return localize(m, vendor_url)


def layer_control() -> folium.LayerControl:
    """The layer control (basemaps as radio buttons, programmes as check boxes)."""
    return folium.LayerControl(collapsed=True, position="topright")
