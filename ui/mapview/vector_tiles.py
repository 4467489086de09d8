"""A big layer drawn from its PMTiles archive of vector tiles (issue 13), by protomaps-leaflet
(vendored from npm like the rest of the map's code, `ui.assets`).

The archive is one static file Streamlit serves (Range requests: each view fetches only the
tiles it shows). Parcels are filled by their land-use code in the planning colours; a click on
one shows its attributes (escaped in the browser before they reach the page) and its geodesic
area, when the archive carries an `area_m2` property (shown in ha and 亩 with `geo.measure`'s units).
"""

from __future__ import annotations

import json

import folium
from folium.elements import JSCSSMixin
from jinja2 import Template

from geo.measure import SQUARE_METRES_PER
from layers.big_layers import TILE_ZOOMS
from layers.landuse import CODES
from ui.assets import PROTOMAPS_JS_URL
from ui.i18n import Lang, t
from ui.safe_html import esc

DEFAULT_FILL = "#cccccc"
"""Fill of a parcel whose code has no planning colour."""


class VectorTileLayer(JSCSSMixin, folium.map.Layer):
    """Overlay the archive at `url` (an URL our server serves), layer `data_layer` of its tiles,
    filled by `colours[feature[code_field]]`. `labels`: the popup's fields and their labels, in
    order; `names`: what a code is called (the popup shows it for `code_field`); `area_label`:
    the label of the area line. A folium Layer: the layer control lists it as `name` (HTML:
    escape user text), and unticking it hides it and its legend (`legend`: HTML, or "").
    `default_fill`: the fill of a feature whose code has no colour (a constraint layer: its kind's)."""

    default_js = [("protomaps-leaflet", PROTOMAPS_JS_URL)]

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function() {
            var map = {{ this._parent.get_name() }};
            var cfg = {{ this.config }};
            function esc(v) {
                return String(v).replace(/[&<>"']/g, function (c) {
                    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
                });
            }
            var layer = protomapsL.leafletLayer({
                url: cfg.url, maxDataZoom: cfg.maxDataZoom, levelDiff: 0, attribution: cfg.attribution,
                paintRules: [{
                    dataLayer: cfg.dataLayer,
                    symbolizer: new protomapsL.PolygonSymbolizer({
                        fill: function (z, f) { return cfg.colours[f.props[cfg.codeField]] || cfg.defaultFill; },
                        opacity: 0.7, stroke: "#555555", width: 0.3
                    })
                }],
                labelRules: []
            });
            window.parkatlasVectorLayers = (window.parkatlasVectorLayers || []).concat([layer]);
            if (cfg.legend) {
                var legend = L.control({position: "bottomright"});
                legend.onAdd = function () {
                    var div = L.DomUtil.create("div", "parkatlas-legend parkatlas-tile-legend");
                    div.style.cssText = "background:rgba(255,255,255,.92);padding:5px 8px;border-radius:4px;font:11px/1.45 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:250px;max-height:40vh;overflow:auto";
                    div.innerHTML = cfg.legend;
                    return div;
                };
                layer.on("add", function () { legend.addTo(map); });
                layer.on("remove", function () { legend.remove(); });
            }
            map.on("click", function (e) {
                if (!map.hasLayer(layer)) return;
                var hits = layer.queryTileFeaturesDebug(e.latlng.lng, e.latlng.lat, 4);
                var found = null;
                hits.forEach(function (features) {
                    features.forEach(function (h) {
                        if (!found && h.layerName === cfg.dataLayer) found = h.feature;
                    });
                });
                if (!found) return;
                var rows = cfg.labels.map(function (pair) {
                    var v = found.props[pair[0]];
                    if (pair[0] === cfg.codeField && cfg.names[v]) v = cfg.names[v];
                    return v === undefined || v === null ? "" :
                        "<tr><th style='text-align:left;padding-right:6px'>" + esc(pair[1]) + "</th><td>" + esc(v) + "</td></tr>";
                }).join("");
                var a = found.props.area_m2;
                if (typeof a === "number") {
                    rows += "<tr><th style='text-align:left;padding-right:6px'>" + esc(cfg.areaLabel) + "</th><td>"
                        + (a / cfg.m2PerHa).toFixed(2) + " ha · " + (a / cfg.m2PerMu).toFixed(1) + " 亩</td></tr>";
                }
                L.popup({className: "parkatlas-parcel-popup"}).setLatLng(e.latlng)
                    .setContent("<table>" + rows + "</table>").openOn(map);
            });
            return layer;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, url: str, *, data_layer: str, colours: dict[str, str], code_field: str,
                 labels: list[tuple[str, str]], area_label: str, names: dict[str, str] | None = None,
                 attribution: str = "", name: str | None = None, legend: str = "",
                 default_fill: str = DEFAULT_FILL) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "VectorTileLayer"
        self.config = json.dumps({
            "url": url, "dataLayer": data_layer, "colours": colours, "codeField": code_field,
            "labels": labels, "names": names or {}, "areaLabel": area_label, "attribution": attribution,
            "legend": legend,
            "maxDataZoom": TILE_ZOOMS[1], "defaultFill": default_fill,
            "m2PerHa": SQUARE_METRES_PER["ha"], "m2PerMu": SQUARE_METRES_PER["mu"],  # geo.measure's units
        }, ensure_ascii=False).replace("</", "<\\/")  # inside a <script>: no string can end it


LABELS = {"code": "tiles_code", "name_zh": "tiles_name", "name": "tiles_name", "id": "tiles_id", "label": "tiles_label"}
"""The popup's label (an i18n key) of each attribute a tile archive may carry."""


def land_use_tiles(url: str, data_layer: str, fields: list[str], lang: Lang, attribution: str = "",
                   name: str | None = None, codes: list[str] | None = None) -> VectorTileLayer:
    """A land-use layer drawn from the archive at `url` (tile layer `data_layer`): codes in the
    planning colours (`layers.landuse.CODES`), a click shows `fields` (those with a label) with
    the code's name in `lang`, and the geodesic area. `attribution` and `name` (the layer
    control's label) are HTML: escape user text. `codes`: the codes the layer holds, which its
    legend lists (with the planning colours; unknown codes in grey); None for no legend."""
    names = {c.code: f"{c.code} {c.name_zh if lang == 'zh' else c.name_en}" for c in CODES.values()}
    return VectorTileLayer(
        url, data_layer=data_layer, colours={c.code: c.colour for c in CODES.values()}, code_field="code",
        names=names, labels=[(f, t(LABELS[f], lang)) for f in fields if f in LABELS],
        area_label=t("tiles_area", lang), attribution=attribution, name=name,
        legend=code_legend(codes, names, lang, title=name or "") if codes is not None else "")


def code_legend(codes: list[str], names: dict[str, str], lang: Lang, title: str) -> str:
    """The legend of a tiled land-use layer (HTML, user text escaped; `title` is HTML already):
    one swatch per code it holds, in code order, folded like the atlas legend on small screens."""
    rows = "".join(
        f'<div><span style="display:inline-block;width:12px;height:12px;background:{esc(_colour(c))};opacity:.7;'
        f'margin-right:6px;vertical-align:middle;border:1px solid #555"></span>{esc(names.get(c, c))}</div>'
        for c in sorted(set(codes)))
    return (f"<details open><summary style='cursor:pointer'><b>{title}</b></summary>"
            f"{rows}<div style='color:#555'>{esc(t('tiles_legend_note', lang))}</div></details>")


def _colour(code: str) -> str:
    known = CODES.get(code)
    return known.colour if known is not None else DEFAULT_FILL
