"""Map pieces for park outlines: an outline as editable Leaflet polygons (leaflet-draw's edit
mode, served from our install), the live area shown while drawing or editing, and two versions of
an outline side by side (the current one dashed, the new one solid)."""

from __future__ import annotations

import json

import folium
import shapely
from folium.elements import JSCSSMixin
from jinja2 import Template

from geo.measure import SQUARE_METRES_PER
from ui.assets import GEODESIC_JS_URL
from ui.safe_html import esc

OLD_STYLE = {"color": "#555555", "weight": 2, "dashArray": "6 5", "fill": False}
NEW_STYLE = {"color": "#d62728", "weight": 3, "fillColor": "#d62728", "fillOpacity": 0.15}


def _rings(polygon: shapely.Polygon) -> list[list[tuple[float, float]]]:
    """A polygon's rings as Leaflet wants them: [[lat, lon], ...], outer ring first."""
    return [[(y, x) for x, y in ring.coords[:-1]] for ring in (polygon.exterior, *polygon.interiors)]


def polygons_of(geom: shapely.Geometry | None) -> list[shapely.Polygon]:
    """The polygons of a (Multi)Polygon; nothing for points, lines and None."""
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type == "MultiPolygon":
        return list(geom.geoms)
    return []


def editable_outline(geom: shapely.Geometry | None, name: str) -> folium.FeatureGroup:
    """A FeatureGroup holding the outline as plain Leaflet polygons (one per part), which
    leaflet-draw's edit toolbar can move vertex by vertex. Empty for a point park."""
    group = folium.FeatureGroup(name=esc(name))
    for polygon in polygons_of(geom):
        folium.Polygon(_rings(polygon), color="#d62728", weight=3, fill=True, fill_opacity=0.15).add_to(group)
    return group


def outline_pair(old: shapely.Geometry | None, new: shapely.Geometry | None, name: str,
                 old_label: str, new_label: str) -> folium.FeatureGroup:
    """The current geometry (dashed grey; a point as a grey ring) and the new outline (solid red)
    of one park, with escaped tooltips."""
    group = folium.FeatureGroup(name=esc(name))
    if old is not None and not old.is_empty:
        if old.geom_type == "Point":
            folium.CircleMarker((old.y, old.x), radius=6, color="#555555", weight=2, fill=False,
                                tooltip=esc(old_label)).add_to(group)
        else:
            folium.GeoJson(shapely.geometry.mapping(old), style_function=lambda _: OLD_STYLE, tooltip=esc(old_label)).add_to(group)
    if new is not None and not new.is_empty:
        folium.GeoJson(shapely.geometry.mapping(new), style_function=lambda _: NEW_STYLE, tooltip=esc(new_label)).add_to(group)
    return group


class LiveArea(JSCSSMixin, folium.MacroElement):
    """A box on the map showing the area of the outline while it is drawn or edited, in km², ha
    and 亩: geodesic on the WGS84 ellipsoid, computed in the browser with GeographicLib (Karney's
    algorithms, the same as the server's pyproj.Geod), so the figure is the one that is saved."""

    default_js = [("geographiclib-geodesic", GEODESIC_JS_URL)]

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var group = {{ this.group.get_name() }};
            var texts = {{ this.texts }};
            var box = L.control({position: "topright"});
            box.onAdd = function () {
                var div = L.DomUtil.create("div", "parkatlas-live-area");
                div.style.cssText = "background:rgba(255,255,255,.95);padding:4px 8px;border-radius:4px;font:11px/1.35 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.35);max-width:220px";
                div.title = texts.note;
                return div;
            };
            box.addTo(map);
            var wgs84 = geodesic.Geodesic.WGS84;
            function ringArea(latlngs) {
                if (latlngs.length < 3) return 0;
                var poly = wgs84.Polygon(false);
                latlngs.forEach(function (p) { poly.AddPoint(p.lat, p.lng); });
                return Math.abs(poly.Compute(false, true).area);
            }
            function areaOf(ll) {
                if (!ll || !ll.length) return 0;
                if (ll[0] instanceof L.LatLng) return ringArea(ll);
                if (ll[0][0] instanceof L.LatLng) {
                    var a = ringArea(ll[0]);
                    for (var i = 1; i < ll.length; i++) a -= ringArea(ll[i]);
                    return a;
                }
                return ll.reduce(function (s, p) { return s + areaOf(p); }, 0);
            }
            function show(m2, drawing) {
                var el = document.querySelector(".parkatlas-live-area");
                if (!el) return;
                el.setAttribute("data-area-m2", m2.toFixed(1));
                if (!drawing && m2 <= 0) { el.innerHTML = texts.none; return; }
                el.innerHTML = "<b>" + (drawing ? texts.drawing : texts.outline) + "</b> " + (m2 / 1e6).toFixed(3) + " km²<br>"
                    + (m2 / {{ this.m2_per_ha }}).toFixed(2) + " ha · " + Math.round(m2 / {{ this.m2_per_mu }}).toLocaleString() + " 亩"
                    + " <span style='color:#666'>" + texts.short + "</span>";
            }
            function total() {
                var a = 0;
                group.eachLayer(function (l) { if (l instanceof L.Polygon) a += areaOf(l.getLatLngs()); });
                return a;
            }
            function refresh() { show(total(), false); }
            map.on("draw:editvertex draw:editmove draw:edited draw:deleted draw:created draw:editstop draw:deletestop", function () {
                setTimeout(refresh, 0);
            });
            map.on("draw:drawvertex", function (e) {
                var pts = [];
                e.layers.eachLayer(function (m) { pts.push(m.getLatLng()); });
                show(total() + ringArea(pts), true);
            });
            refresh();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, group: folium.FeatureGroup, drawing: str, outline: str, note: str, none: str, short: str):
        super().__init__()
        self._name = "LiveArea"
        self.group = group
        self.m2_per_ha, self.m2_per_mu = json.dumps(SQUARE_METRES_PER["ha"]), json.dumps(SQUARE_METRES_PER["mu"])  # geo.measure's units
        self.texts = json.dumps({"drawing": esc(drawing), "outline": esc(outline), "note": note, "none": esc(none),
                                 "short": esc(short)}, ensure_ascii=False)
