"""Map elements of the Sites page: a view that fits the results in the frame the browser
actually draws, the stations and lines of the chosen network that the ranking reasons name, the
result whose row was clicked emphasised (`highlight_group`), and, for an empty search, every park
greyed (`greyed_group`).

Both are FeatureGroups for `st_folium(feature_group_to_add=...)` (DESIGN.md §7), so a new search
updates the map in place: the base map stays the same and only the groups change. Every text
shown is escaped (`ui.safe_html.esc`).
"""

from __future__ import annotations

import json

import folium
import geopandas as gpd
import pandas as pd
from jinja2 import Template

from layers.access import station_status
from layers.transport import MODE_LABELS, line_style, open_in, placed
from layers.base import label
from ui.i18n import Lang, t
from ui.safe_html import esc

PADDING_TOP_LEFT = (60, 48)
"""Room (px, x then y) kept between the results and the frame's top and left edges: clear of the
zoom, full-screen and measure buttons down the left side."""
PADDING_BOTTOM_RIGHT = (48, 40)
"""Room (px) kept from the bottom and right edges: clear of the layer control and the legend."""
POINT_ZOOM = 13
"""Zoom of a view of one result that is a point (an approximate location)."""
MAX_FIT_ZOOM = 15
"""Closest zoom a fit goes to (one small outline)."""
NODE_COLUMNS = ("nearest_station", "nearest_hsr-station", "nearest_airport")
"""The access columns naming the stations the reasons speak of."""


class FitView(folium.MacroElement):
    """Fits the map to `bounds` ([[south, west], [north, east]], the map's display system) inside
    the frame as drawn: Leaflet measures the frame in the browser, so the fit holds whatever the
    column's width. A single point is centred at `POINT_ZOOM`. Added to a FeatureGroup, it acts when
    the group joins the map, fits again once the frame has its final size (and on each resize
    while the user has not moved the map), and stops when the group leaves (the next search)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var group = {{ this._parent.get_name() }};
            var bounds = L.latLngBounds({{ this.bounds_json }});
            var point = {{ this.point_json }};
            var fitted = null, map = null;
            function fit() {
                if (!map) { return; }
                map.invalidateSize(false);
                if (point) {
                    map.setView(bounds.getCenter(), {{ this.point_zoom }}, {animate: false});
                } else {
                    map.fitBounds(bounds, {paddingTopLeft: {{ this.top_left }}, paddingBottomRight: {{ this.bottom_right }},
                                           maxZoom: {{ this.max_zoom }}, animate: false});
                }
                fitted = {c: map.getCenter(), z: map.getZoom()};
            }
            function still() {
                return fitted && map.getZoom() === fitted.z && map.getCenter().distanceTo(fitted.c) < 1;
            }
            function refit() { if (still()) { fit(); } }
            group.on("add", function (e) {
                map = e.target._map;
                window.parkatlasFit = {bounds: bounds, point: point};
                fit();
                setTimeout(refit, 0);
                setTimeout(refit, 400);
                map.on("resize", refit);
            });
            group.on("remove", function () { if (map) { map.off("resize", refit); } map = null; });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds: tuple[float, float, float, float], point: bool = False,
                 top_left: tuple[int, int] = PADDING_TOP_LEFT, bottom_right: tuple[int, int] = PADDING_BOTTOM_RIGHT,
                 point_zoom: int = POINT_ZOOM, max_zoom: int = MAX_FIT_ZOOM):
        super().__init__()
        self._name = "FitView"
        minx, miny, maxx, maxy = bounds
        self.bounds = bounds
        self.bounds_json = json.dumps([[miny, minx], [maxy, maxx]])
        self.point_json = json.dumps(bool(point))
        self.top_left, self.bottom_right = json.dumps(list(top_left)), json.dumps(list(bottom_right))
        self.point_zoom, self.max_zoom = int(point_zoom), int(max_zoom)


def view_target(frame: gpd.GeoDataFrame) -> tuple[tuple[float, float, float, float], bool] | None:
    """What the map should show for the parks of `frame` (display rows, placed): their bounds
    (minlon, minlat, maxlon, maxlat) and whether that is a single point; None when nothing is placed."""
    geoms = frame.geometry[frame.geometry.notna() & ~frame.geometry.is_empty] if not frame.empty else frame.geometry
    if geoms.empty:
        return None
    minx, miny, maxx, maxy = (float(v) for v in geoms.total_bounds)
    return (minx, miny, maxx, maxy), minx == maxx and miny == maxy


def fit_group(frame: gpd.GeoDataFrame) -> folium.FeatureGroup | None:
    """A FeatureGroup (not in the layer control) whose `FitView` frames the parks of `frame`, or
    None when none is placed."""
    target = view_target(frame)
    if target is None:
        return None
    group = folium.FeatureGroup(name="fit", show=True, control=False)
    FitView(*target).add_to(group)
    return group


def named_links(access: pd.DataFrame | None, ids, lines: gpd.GeoDataFrame | None, nodes: gpd.GeoDataFrame | None,
                year: int | str) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """The placed stations the reasons of parks `ids` name (nearest station, HSR station, airport)
    and the placed lines in service in `year` they name (lines within 800 m, and the lines of
    those stations); (None, None) without a network or access."""
    if access is None or lines is None or nodes is None:
        return None, None
    rows = access.reindex([i for i in ids if i in access.index])
    node_ids = {v for col in NODE_COLUMNS if col in rows.columns for v in rows[col] if isinstance(v, str)}
    named_nodes = placed(nodes[nodes.index.isin(node_ids)])
    refs = {r for v in rows.get("lines_800m", pd.Series(dtype=object)) if isinstance(v, list) for r in v}
    if "line_refs" in named_nodes.columns:
        refs |= {r for v in named_nodes["line_refs"] if isinstance(v, list) for r in v}
    now = placed(lines)
    now = now[open_in(now, year)] if not now.empty else now
    return now[now["line_ref"].isin(refs)], named_nodes


def network_group(lines: gpd.GeoDataFrame | None, nodes: gpd.GeoDataFrame | None, year: int | str,
                  lang: Lang, name_key: str = "sites_layer_network") -> folium.FeatureGroup | None:
    """The stations and lines the reasons name (`named_links`), drawn under the parks: lines in
    their style (dashed until built), stations as white dots (class `site-station`), each with an
    escaped tooltip; None when there is nothing to draw. name_key: the layer's label."""
    if lines is None or nodes is None or (lines.empty and nodes.empty):
        return None
    group = folium.FeatureGroup(name=t(name_key, lang), show=True)
    name = "name_zh" if lang == "zh" else "name_en"
    for _, row in lines.iterrows():
        style = line_style(row["mode"], row["line_ref"], row["status"])
        folium.GeoJson(row.geometry.__geo_interface__, style_function=lambda _, s=style: s,
                       tooltip=folium.Tooltip(esc(row[name]))).add_to(group)
    for fid, row in nodes.iterrows():
        big = row["mode"] in ("hsr-station", "airport", "hub")
        tip = f"<b>{esc(row[name])}</b><br>{esc(label(MODE_LABELS, row['mode'], lang))} · {esc(station_status(row, year, lang))}"
        folium.CircleMarker(location=(row.geometry.y, row.geometry.x), radius=7 if big else 5, color="#222222", weight=2,
                            fill=True, fill_color="#ffffff", fill_opacity=1.0,
                            dash_array=None if row["status"] == "existing" else "3 3", tooltip=folium.Tooltip(tip),
                            **{"className": f"site-station station-{esc(fid)}"}).add_to(group)
    return group


HIGHLIGHT_COLOUR = "#ffcc00"
"""The halo under the emphasised result and its stations (clear of every plan colour and line colour)."""
GREY = "#8a8a8a"
"""Parks an empty search shows for context."""
LABEL_STYLE = "white-space: normal; width: max-content; max-width: 200px; font-weight: 600;"
STATION_LABEL_STYLE = "white-space: normal; width: max-content; max-width: 150px; font-size: 11px;"
"""The permanent labels wrap (a long park name would run out of a narrow map column)."""


def highlight_group(row: pd.Series, text: str, lines: gpd.GeoDataFrame | None, nodes: gpd.GeoDataFrame | None,
                    lang: Lang) -> folium.FeatureGroup:
    """The result a table row selected, emphasised (not in the layer control; drawn under the
    parks so the park stays clickable): a yellow halo round its outline or a bigger ring round its
    marker, a ring at its middle (class `site-highlight`) with `text` as a permanent label (class
    `site-highlight-label`), and the lines and stations its reasons name (`named_links` of this park
    alone) drawn thicker, each station labelled with its name (class `site-highlight-station`).

    row: the park's display row (`ui.mapview.parks.display_frame`); text: plain text, escaped here."""
    group = folium.FeatureGroup(name="highlight", show=True, control=False)
    name = "name_zh" if lang == "zh" else "name_en"
    for _, line in (lines if lines is not None else pd.DataFrame()).iterrows():
        style = line_style(line["mode"], line["line_ref"], line["status"])
        folium.GeoJson(line.geometry.__geo_interface__, interactive=False,
                       style_function=lambda _, s=style: {**s, "weight": s["weight"] + 3, "opacity": 1.0}).add_to(group)
    geom = row.geometry
    point = geom.geom_type == "Point"
    if not point:
        folium.GeoJson(geom.__geo_interface__, interactive=False, className="site-highlight-halo",
                       style_function=lambda _: {"color": HIGHLIGHT_COLOUR, "weight": 10, "opacity": 0.9,
                                                 "fill": False}).add_to(group)
    spot = geom if point else geom.representative_point()
    folium.CircleMarker(location=(spot.y, spot.x), radius=15 if point else 9, color="#111111", weight=3, fill=True,
                        fill_color=HIGHLIGHT_COLOUR, fill_opacity=0.85 if point else 0.6, interactive=False,
                        tooltip=_label(text, LABEL_STYLE, "top", [0, -14], "site-highlight-label"),
                        **{"className": "site-highlight"}).add_to(group)
    for fid, node in (nodes if nodes is not None else pd.DataFrame()).iterrows():
        folium.CircleMarker(location=(node.geometry.y, node.geometry.x), radius=9, color="#111111", weight=3, fill=True,
                            fill_color=HIGHLIGHT_COLOUR, fill_opacity=1.0, interactive=False,
                            tooltip=_label(node[name], STATION_LABEL_STYLE, "right", [10, 0],
                                           "site-highlight-station-label"),
                            **{"className": f"site-highlight-station station-{esc(fid)}"}).add_to(group)
    RelayoutLabels().add_to(group)
    return group


class RelayoutLabels(folium.MacroElement):
    """Lays the group's permanent labels out again once the map frame has its final size (and on
    every resize): a label opened while the frame was still being sized kept the width and
    position measured then (a shared link opened the highlighted park's label ~80 px left of its
    ring, cut off at the map's edge)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function () {
                var group = {{ this._parent.get_name() }};
                function relayout() {
                    group.eachLayer(function (layer) {
                        var tip = layer.getTooltip && layer.getTooltip();
                        if (tip && tip.options.permanent && layer.isTooltipOpen()) { tip.update(); }
                    });
                }
                function added(map) {
                    [0, 250, 800].forEach(function (ms) { setTimeout(relayout, ms); });
                    map.on("resize zoomend moveend", relayout);
                }
                group.on("add", function (e) { added(e.target._map); });
                if (group._map) { added(group._map); }  // added before this script ran
                group.on("remove", function (e) {
                    if (e.target._map) { e.target._map.off("resize zoomend moveend", relayout); }
                });
            })();
        {% endmacro %}
        """
    )


def _label(text: str, style: str, direction: str, offset: list[int], class_name: str) -> folium.Tooltip:
    """A permanent label (a Leaflet tooltip always open) of `text`, escaped."""
    return folium.Tooltip(esc(text), style=style, sticky=False, permanent=True, direction=direction, offset=offset,
                          className=class_name)


def greyed_group(frame: gpd.GeoDataFrame, lang: Lang) -> folium.FeatureGroup | None:
    """Every park of `frame` (display rows) in grey, for an empty search's map: points as small
    grey dots, outlines grey, each with its tooltip (class `site-greyed`); None when none is placed."""
    if frame.empty:
        return None
    group = folium.FeatureGroup(name=t("sites_layer_greyed", lang), show=True)
    for _, row in frame[frame.geom_type == "Point"].iterrows():
        folium.CircleMarker(location=(row.geometry.y, row.geometry.x), radius=5, color=GREY, weight=1.5, fill=True,
                            fill_color=GREY, fill_opacity=0.35, tooltip=folium.Tooltip(row["tip"]),
                            **{"className": "site-greyed"}).add_to(group)
    shapes = frame[frame.geom_type != "Point"]
    if not shapes.empty:
        folium.GeoJson(json.loads(shapes[["tip", "geometry"]].to_json(drop_id=True)), className="site-greyed",
                       style_function=lambda _: {"color": GREY, "weight": 1.5, "fillColor": GREY, "fillOpacity": 0.15},
                       tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True)).add_to(group)
    return group
