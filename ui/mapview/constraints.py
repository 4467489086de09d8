"""Constraint layers on the map in their kind's colour, and a park's conflicting parts hatched.

The hatch is an SVG `<pattern>` (diagonal stripes in the kind's colour) that `HatchPatterns`
adds to the map's document once; a conflict polygon's `fillColor` is `url(#<pattern id>)`, which
Leaflet's SVG renderer (our maps' default: no `prefer_canvas`) writes into the path's `fill`
attribute as it is. Nothing is loaded from anywhere: no plugin, no CDN (DESIGN.md §7). Every
tooltip value is escaped (`ui.safe_html.esc`). Geometry in EPSG:4326.
"""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from geo.generalize import simplify_for_display
from ui.i18n import Lang, t
from ui.mapview.user_layers import tooltip_frame
from ui.safe_html import esc

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
FALLBACK = "#636363"


def safe_colour(colour: object) -> str:
    """`colour` when it is a ``#rrggbb`` colour, else grey: only such a string reaches JS or CSS."""
    return str(colour) if isinstance(colour, str) and _COLOUR.match(colour) else FALLBACK


def hatch_id(colour: str) -> str:
    """The id of the hatch pattern of `colour` (``#rrggbb``).

    >>> hatch_id("#D7191C")
    'parkatlas-hatch-d7191c'
    """
    return f"parkatlas-hatch-{safe_colour(colour)[1:].lower()}"


class HatchPatterns(MacroElement):
    """Defines one diagonal-stripe SVG pattern per colour in a hidden `<svg>` of the document
    (once per document: a rerun's overlays find them there)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var ns = "http://www.w3.org/2000/svg";
            var holder = document.getElementById("parkatlas-hatches");
            if (!holder) {
                holder = document.createElementNS(ns, "svg");
                holder.setAttribute("id", "parkatlas-hatches");
                holder.setAttribute("width", "0");
                holder.setAttribute("height", "0");
                holder.setAttribute("aria-hidden", "true");
                holder.style.position = "absolute";
                holder.appendChild(document.createElementNS(ns, "defs"));
                document.body.appendChild(holder);
            }
            var defs = holder.firstChild;
            {{ this.patterns }}.forEach(function (p) {
                if (document.getElementById(p.id)) return;
                var pattern = document.createElementNS(ns, "pattern");
                pattern.setAttribute("id", p.id);
                pattern.setAttribute("patternUnits", "userSpaceOnUse");
                pattern.setAttribute("width", "8");
                pattern.setAttribute("height", "8");
                pattern.setAttribute("patternTransform", "rotate(45)");
                var line = document.createElementNS(ns, "line");
                line.setAttribute("x1", "0"); line.setAttribute("y1", "0");
                line.setAttribute("x2", "0"); line.setAttribute("y2", "8");
                line.setAttribute("stroke", p.colour);
                line.setAttribute("stroke-width", "3");
                pattern.appendChild(line);
                defs.appendChild(pattern);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, colours: list[str]):
        super().__init__()
        self._name = "HatchPatterns"
        self.patterns = json.dumps([{"id": hatch_id(c), "colour": safe_colour(c)} for c in dict.fromkeys(colours)])


def constraint_group(name: str, gdf: gpd.GeoDataFrame, colour: str, kind_name: str, show: bool = True) -> folium.FeatureGroup:
    """A constraint layer (EPSG:4326) outlined and lightly filled in its kind's `colour`, each
    feature's tooltip naming the layer, the kind and the feature (escaped)."""
    colour = safe_colour(colour)
    group = folium.FeatureGroup(name=esc(f"{name} · {kind_name}"), show=show)
    frame = tooltip_frame(gdf, f"<b>{esc(kind_name)}</b><br>{esc(name)}")
    if frame is None:
        return group
    folium.GeoJson(
        json.loads(frame.to_json(drop_id=True)),
        style_function=lambda _: {"color": colour, "weight": 1.5, "fillColor": colour, "fillOpacity": 0.2},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        zoom_on_click=False,
    ).add_to(group)
    return group


def conflict_group(rows: gpd.GeoDataFrame, lang: Lang, check_names: list[str] | None = None) -> folium.FeatureGroup | None:
    """The conflicting parts of a park (inspection rows with a geometry: `ui.inspection`), hatched
    in each constraint kind's colour (`colour` column), with a dashed outline and an escaped
    tooltip (check, verdict, area in m², ha and 亩). `check_names`: each row's check as shown
    (default the `check` column). None when there is nothing to draw."""
    from geo.measure import convert_area
    from ui.inspection import verdict_label

    mask = rows.geometry.notna() & ~rows.geometry.is_empty
    drawn = rows[mask]
    if drawn.empty:
        return None
    labels = list(check_names) if check_names is not None else list(rows["check"])
    labels = [label for label, keep in zip(labels, mask) if keep]
    colours = [safe_colour(c) for c in drawn["colour"]]
    tips = [t("insp_hatched_tip", lang, markdown=False, check=esc(label), verdict=esc(verdict_label(v, lang)),
              area=f"{a:,.0f} m² · {convert_area(a, 'ha'):,.2f} ha · {convert_area(a, 'mu'):,.1f} 亩")
            for label, v, a in zip(labels, drawn["verdict"], drawn["area_m2"].astype(float))]
    frame = gpd.GeoDataFrame({"tip": tips, "colour": colours, "fill": [f"url(#{hatch_id(c)})" for c in colours]},
                             geometry=simplify_for_display(drawn.geometry, tolerance_m=1), crs=4326)
    group = folium.FeatureGroup(name=esc(t("insp_hatched", lang)), show=True)
    HatchPatterns(colours).add_to(group)
    folium.GeoJson(
        json.loads(frame.to_json(drop_id=True)),
        style_function=lambda f: {"color": f["properties"]["colour"], "weight": 2, "dashArray": "6 4",
                                  "fillColor": f["properties"]["fill"], "fillOpacity": 0.9},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        zoom_on_click=False,
    ).add_to(group)
    return group
