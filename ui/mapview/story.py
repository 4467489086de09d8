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
from layers.stories import Slide, Text
from ui.i18n import Lang, t
from ui.mapview.parks import SELECTED_COLOUR, park_groups
from ui.mapview.story_labels import GAP_PX, LABEL_FONT_PX, LABEL_MAX_WIDTH_PX, LabelPlacer
from ui.mapview.transport import transport_groups
from ui.safe_html import esc

HIGHLIGHT_RADIUS = 13.0
"""Radius (px) of a highlighted point park; other parks keep the atlas's 7 px."""

ANCHOR_RADIUS = 3.0
"""Radius (px) kept clear around a highlighted polygon's label anchor (its representative point)."""

ZOOM_SNAP = 0.25
"""The story map's zoom steps: a slide's bounds are fitted to a quarter zoom level, not rounded
out to a whole one (which opened a saved view about one level further out than saved)."""


def tight_zoom(m: folium.Map) -> folium.Map:
    """Let `m` (the story map) zoom, and fit bounds, in steps of `ZOOM_SNAP`; returns `m`."""
    m.options["zoom_snap"] = ZOOM_SNAP
    return m


class SlideCaption(folium.MacroElement):
    """A Leaflet control (class `parkatlas-caption`, bottom left) with the slide's title and
    caption in large type. Added to a FeatureGroup: it joins the map with the group and leaves
    when streamlit-folium removes the group (the next slide). With `bounds` (minlon, minlat,
    maxlon, maxlat, in the map's display system) the map is then fitted to them within the area
    the caption leaves free, so the caption never covers the slide's subject."""

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
            var bounds = {{ this.bounds_json }};
            function fit(map) {
                // Fit the slide into the largest part of the map the caption leaves free, beside it
                // or above it (the caption sits bottom left), less room for the parks' names around
                // the outermost parks (as ui.exports.static_layout.free_rect does for the export).
                if (!bounds || !caption._container) { return; }
                var size = map.getSize(), m = 16, o = map.getContainer().getBoundingClientRect();
                var box = caption._container.getBoundingClientRect();  // not always at the bottom: the minimap is below it
                var right = box.right - o.left + m, top = box.top - o.top - m;
                var lw = 0, lh = 0;  // half the widest name, the tallest name
                document.querySelectorAll(".parkatlas-highlight-label").forEach(function (el) {
                    var r = el.getBoundingClientRect(); lw = Math.max(lw, r.width / 2); lh = Math.max(lh, r.height);
                });
                var beside = Math.max(size.x - right, 0) * size.y, above = size.x * Math.max(top, 0);
                var free = beside >= above ? [right, 0, size.x, size.y] : [0, 0, size.x, top];
                // with room for the names; else with less; else (too little room) the whole map
                var named = {{ this.names_parks_json }};
                var tries = [[free, m + 24 + lw, m + 24 + lh], [free, m + 24, m + 24], [[0, 0, size.x, size.y], m + 24, m + 24]];
                // a slide that names no park (a view the presenter panned to) has no subject for the
                // caption to hide: its extent fills the map as it was saved, the caption over its corner
                if (!named) { tries = [[[0, 0, size.x, size.y], 0, 0]]; }
                var pick = tries[tries.length - 1];
                for (var i = 0; i < tries.length; i++) {
                    var r = tries[i][0], x = tries[i][1], y = tries[i][2];
                    if (r[2] - r[0] - 2 * x >= size.x * 0.2 && r[3] - r[1] - 2 * y >= size.y * 0.2) { pick = tries[i]; break; }
                }
                var f = pick[0], mx = pick[1], my = pick[2];
                var opts = {paddingTopLeft: [f[0] + mx, f[1] + my],
                            paddingBottomRight: [size.x - f[2] + mx, size.y - f[3] + my]};
                opts.maxZoom = 16;
                opts.animate = false;
                map.fitBounds(L.latLngBounds(bounds), opts);
            }
            var refit = null, watch = null, touched = false, seen = null;
            function view(map) { return map.getCenter().toString() + "@" + map.getZoom(); }
            function touch() { touched = true; }
            function outside(map) {  // a highlighted park the view leaves out (a view set after the fit)
                var size = map.getSize(), o = map.getContainer().getBoundingClientRect(), out = false;
                map.getContainer().querySelectorAll("path.park-highlight").forEach(function (el) {
                    var r = el.getBoundingClientRect(), x = (r.left + r.right) / 2 - o.left, y = (r.top + r.bottom) / 2 - o.top;
                    if (x < 0 || y < 0 || x > size.x || y > size.y) { out = true; }
                });
                return out;
            }
            function show(map) {
                if (!caption._map) { caption.addTo(map); }
                // after streamlit-folium's own setView, and again once the frame has its final size
                setTimeout(function () { fit(map); seen = view(map); }, 0);
                setTimeout(function () { fit(map); seen = view(map); }, 400);
                if (!refit) {
                    refit = function () { fit(map); seen = view(map); };
                    map.on("resize", refit);
                    // a view the presenter did not ask for (streamlit-folium's setView, which can come
                    // after the fits above when the page is slow) is fitted again; once the presenter
                    // has touched the map (pointer, wheel, keys), their view stays
                    touched = false;
                    var rescues = 0;  // fits for a park left out: at most two (a view too small for all never loops)
                    watch = function () {
                        if (touched || seen === null) { return; }
                        if (view(map) !== seen) { refit(); return; }
                        if (rescues < 2 && outside(map)) { rescues += 1; setTimeout(refit, 0); }
                    };
                    map.on("moveend", watch);
                    ["pointerdown", "wheel", "keydown", "touchstart"].forEach(function (t) {
                        map.getContainer().addEventListener(t, touch, true); });
                }
            }
            group.on("add", function (e) { show(e.target._map); });
            group.on("remove", function (e) {
                var map = caption._map;
                if (refit && map) {
                    map.off("resize", refit); map.off("moveend", watch);
                    ["pointerdown", "wheel", "keydown", "touchstart"].forEach(function (t) {
                        map.getContainer().removeEventListener(t, touch, true); });
                }
                refit = null; watch = null;
                caption.remove();
            });
            if (group._map) { show(group._map); }
        })();
        {% endmacro %}
        """
    )

    CSS = ("background:#ffffff;padding:12px 16px;border-radius:6px;"
           "box-shadow:0 2px 8px rgba(0,0,0,.3);max-width:min(600px,42vw);max-height:45vh;overflow:auto;"
           "font:17px/1.5 'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei',sans-serif;color:#1a1a1a")

    def __init__(self, title: str, caption: str, counter: str = "", position: str = "bottomleft",
                 bounds: tuple[float, float, float, float] | None = None, names_parks: bool = True):
        super().__init__()
        self._name = "SlideCaption"
        self.names_parks_json = json.dumps(bool(names_parks))  # False: a panned view, filled as saved
        # [[south, west], [north, east]] (display coordinates) to fit beside the caption, or null
        self.bounds_json = json.dumps(None if bounds is None else [[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
        head = (f"<div class='parkatlas-caption-title' style='font-size:22px;font-weight:700;margin-bottom:4px'>"
                f"{esc(title)}</div>") if title else ""
        count = (f"<span class='parkatlas-caption-counter' style='float:right;color:#777;font-size:14px;"
                 f"margin-left:12px'>{esc(counter)}</span>") if counter else ""
        self.html_json = json.dumps(f"{count}{head}<div class='parkatlas-caption-text'>{esc(caption)}</div>")
        self.css_json = json.dumps(self.CSS)
        self.position_json = json.dumps(position)


def caption_group(title: str, caption: str, counter: str = "",
                  bounds: tuple[float, float, float, float] | None = None,
                  names_parks: bool = True) -> folium.FeatureGroup:
    """A FeatureGroup (not in the layer control) carrying the slide's caption control (which
    fits the map to `bounds` beside it, see SlideCaption; names_parks=False: the slide highlights
    no park, so its extent fills the map, the caption over a corner of it)."""
    group = folium.FeatureGroup(name="caption", show=True, control=False)
    SlideCaption(title, caption, counter, bounds=bounds, names_parks=names_parks).add_to(group)
    return group


LABEL_CSS = (f"font:600 {LABEL_FONT_PX}px/1.2 'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei',sans-serif;"
             "color:#1a1a1a;background:rgba(255,255,255,.9);padding:2px 6px;border-radius:3px;"
             "box-shadow:0 1px 3px rgba(0,0,0,.35);width:max-content;"
             f"max-width:{LABEL_MAX_WIDTH_PX}px;text-align:center;transform:translate(-50%, -100%);"
             "display:inline-block;pointer-events:none")


def highlight_group(frame: gpd.GeoDataFrame, ids: tuple[str, ...], lang: Lang) -> folium.FeatureGroup:
    """The highlighted parks, on top: points as large dots and polygons filled stronger, both
    outlined dark (class `park-highlight park-<id>`), with the atlas's escaped tooltips, and
    their names, which `LabelPlacer` keeps clear of each other, the markers and the caption.

    frame: rows of `ui.mapview.parks.display_frame` (EPSG:4326 or shifted for display)."""
    group = folium.FeatureGroup(name=t("present_highlighted", lang), show=True)
    for pid in [i for i in ids if i in frame.index]:
        row = frame.loc[pid]
        where = row.geometry if row.geometry.geom_type == "Point" else row.geometry.representative_point()
        # the marker's radius (its outline included) that the label keeps clear of
        r = HIGHLIGHT_RADIUS + 1.5 if row.geometry.geom_type == "Point" else ANCHOR_RADIUS
        folium.Marker(  # its name, always shown, so the audience can tell the parks apart; placed in the browser
            location=(where.y, where.x), interactive=False,
            icon=folium.DivIcon(html=f"<div class='parkatlas-highlight-label' data-r='{r:g}' style=\"{LABEL_CSS};"
                                     f"margin-top:-{r + GAP_PX:.0f}px\">{row['name_html']}</div>",
                                icon_size=(0, 0), icon_anchor=(0, 0)),
        ).add_to(group)
        colour = row["colour"]
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
    LabelPlacer().add_to(group)
    return group


def slide_overlays(slide: Slide, lang: Lang, frame: gpd.GeoDataFrame, parks: gpd.GeoDataFrame,
                   lines: gpd.GeoDataFrame, nodes: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame,
                   title: str, counter: str,
                   bounds: tuple[float, float, float, float] | None = None) -> list[folium.FeatureGroup]:
    """Everything a slide draws over the base map: its layers (parks, and transport lines,
    stations and facilities when the slide lists them; the caller passes empty frames for the
    rest), the highlighted parks on top, and the caption control.

    frame: `display_frame` rows of all parks; parks: the parks layer (facility tooltips);
    lines, nodes: the network of the slide's year. All in the display system of the basemap, as
    are `bounds` (where the slide looks), which the caption fits beside itself."""
    groups: list[folium.FeatureGroup] = []
    if "parks" in slide.layers:
        groups += park_groups(frame[~frame.index.isin(slide.highlight)], lang, None)
    wanted = {"transport_lines", "transport_nodes", "facilities"} & set(slide.layers)
    if wanted:
        groups += transport_groups(lines if "transport_lines" in wanted else lines.iloc[0:0],
                                   nodes if "transport_nodes" in wanted else nodes.iloc[0:0],
                                   facilities if "facilities" in wanted else facilities.iloc[0:0], parks, lang)
    groups.append(highlight_group(frame, slide.highlight, lang))
    groups.append(caption_group(title, shown_text(slide.caption, lang), counter, bounds,
                                names_parks=bool(slide.highlight)))
    return groups


def shown_text(text: Text, lang: Lang) -> str:
    """A story's text in `lang`; when it has none in `lang`, the other language's, marked so
    ("[Chinese only]", "〔仅有英文〕"). Plain text: escape it where it goes into HTML.

    >>> shown_text(Text("只有中文"), "en"), shown_text(Text("甲", "A"), "en")
    ('只有中文 [Chinese only]', 'A')
    """
    value = text.get(lang)
    return f"{value} {t('story_fallback', lang)}" if text.is_fallback(lang) else value


def view_for_bounds(bounds: tuple[float, float, float, float], width_px: int, height_px: int,
                    ) -> tuple[tuple[float, float], int]:
    """Map centre (lat, lon) and the largest zoom at which `bounds` (minlon, minlat, maxlon,
    maxlat, EPSG:4326) fit a map of width_px x height_px."""
    minx, miny, maxx, maxy = bounds
    return ((miny + maxy) / 2, (minx + maxx) / 2), zoom_for_bounds(bounds, width_px=width_px, height_px=height_px)
