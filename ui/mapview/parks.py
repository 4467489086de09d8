"""The park overlays: one FeatureGroup per programme, escaped tooltips, minimal properties."""

from __future__ import annotations

import json

import folium
import geopandas as gpd

from geo.generalize import simplify_for_display
from layers.park_lookup import stack_sizes
from layers.parks import placed
from layers.programmes import Catalogue
from ui.i18n import Lang, t
from ui.safe_html import esc

SELECTED_COLOUR = "#111111"


def _tooltip_html(row: gpd.GeoSeries, lang: Lang, stacked: int = 1) -> str:
    """Name in `lang`, the other name, area; and, for one of `stacked` > 1 parks drawn at one
    place, that a click there lets you choose among them."""
    name = row["name_zh"] if lang == "zh" else row["name_en"]
    other = row["name_en"] if lang == "zh" else row["name_zh"]
    if row["area_km2"] > 0:
        area = f'{t("tooltip_area", lang)}: {row["area_km2"]:.2f} km² · {row["area_mu"]:,.0f} 亩'
    else:
        area = t("tooltip_location_only", lang)
    tip = f"<b>{esc(name)}</b><br><span style='color:#555'>{esc(other)}</span><br>{esc(area)}"
    if stacked > 1:
        tip += f"<br><i>{esc(t('tooltip_same_place', lang, n=int(stacked), markdown=False))}</i>"
    return tip


def display_frame(parks: gpd.GeoDataFrame, lang: Lang, programmes: Catalogue) -> gpd.GeoDataFrame:
    """What the map needs of each placed park, and nothing more: id, programme, its colour and
    name (from the plan records), styling flags, its name in `lang` and an escaped tooltip (both
    HTML-escaped), and geometry simplified to 5 m and rounded to 6 decimals (EPSG:4326). A
    tooltip of parks sharing one place says how many do. Parks not placed yet are not drawn."""
    parks = placed(parks)
    stacked = stack_sizes(parks)
    out = gpd.GeoDataFrame(
        {
            "id": parks["id"].map(esc),
            "programme": parks["programme"],
            "colour": parks["programme"].map(programmes.colour),
            "programme_label": parks["programme"].map(lambda p: programmes.name(p, lang)),
            "kind": parks["kind"],
            "schematic": parks["geometry_quality"] == "schematic",
            "tip": [_tooltip_html(row, lang, stacked[pid]) for pid, row in parks.iterrows()],
            "name_html": parks["name_zh" if lang == "zh" else "name_en"].map(esc),
        },
        geometry=simplify_for_display(parks.geometry),
        crs=parks.crs,
        index=parks.index,
    )
    # Larger features first so that phases and carriers are drawn on top and stay clickable.
    return out.assign(_order=-parks["area_m2"]).sort_values("_order", kind="stable").drop(columns="_order")


def _style(selected: str | None, hollow_selected: bool = False):
    def style(feature: dict) -> dict:
        p = feature["properties"]
        colour = p["colour"]
        is_selected = p["id"] == selected
        return {
            "color": SELECTED_COLOUR if is_selected else colour,
            "weight": 4 if is_selected else (1.5 if p["kind"] == "phase" else 2),
            "fill": True,
            "fillColor": colour,
            "fillOpacity": (0.0 if hollow_selected else 0.45) if is_selected else 0.25,
            "dashArray": "6 4" if p["schematic"] else None,
            "radius": 7,
        }

    return style


NO_VALUE_RADIUS = 4.0
"""Radius (px) of a park that has no target for the metric the map is sized by."""


def _add_parks(subset: gpd.GeoDataFrame, group: folium.FeatureGroup, selected: str | None, hollow_selected: bool,
               radii: dict[str, float] | None = None) -> None:
    """Points as circle markers (class `park-<id>`, exact click reports), polygons as one GeoJson.

    radii: when the map is sized by a target, park id -> marker radius in px; parks not in it are
    drawn as small hollow dots."""
    for pid, row in subset[subset.geom_type == "Point"].iterrows():
        style = _style(selected, hollow_selected)({"properties": {"colour": row["colour"], "id": row["id"],
                                                                  "kind": row["kind"], "schematic": row["schematic"]}})
        radius, opacity = 7.0, max(style["fillOpacity"], 0.35)
        if radii is not None:
            radius, opacity = (radii[pid], 0.45) if pid in radii else (NO_VALUE_RADIUS, 0.0)
        folium.CircleMarker(
            location=(row.geometry.y, row.geometry.x), radius=radius, color=style["color"], weight=style["weight"],
            fill=True, fill_color=style["fillColor"], fill_opacity=opacity,
            tooltip=folium.Tooltip(row["tip"]), **{"className": f"park-marker park-{row['id']}"},
        ).add_to(group)
    polygons = subset[subset.geom_type != "Point"]
    if not polygons.empty:
        folium.GeoJson(
            json.loads(polygons.drop(columns=["name_html", "programme_label"], errors="ignore").to_json(drop_id=True)),
            style_function=_style(selected, hollow_selected),
            highlight_function=lambda _: {"weight": 4, "fillOpacity": 0.5},
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
            zoom_on_click=False,
        ).add_to(group)
        for pid, row in polygons[polygons.index.isin(list(radii or {}))].iterrows():
            # A proportional symbol on the outline (its area stands for the value, not the park's size).
            spot = row.geometry.representative_point()
            folium.CircleMarker(location=(spot.y, spot.x), radius=radii[pid], color=SELECTED_COLOUR, weight=1.5,
                                fill=True, fill_color=row["colour"], fill_opacity=0.45,
                                tooltip=folium.Tooltip(row["tip"]), **{"className": f"park-symbol park-{row['id']}"}).add_to(group)


def park_groups(frame: gpd.GeoDataFrame, lang: Lang, selected: str | None,
                hollow_selected: bool = False, radii: dict[str, float] | None = None) -> list[folium.FeatureGroup]:
    """One FeatureGroup per programme with its parks (polygons, and points as circle markers),
    each with an escaped tooltip; the selected park comes last, in its own group, outlined in
    black so nothing co-located hides it.

    frame: rows of `display_frame` (the parks to show). hollow_selected: leave the selected park
    unfilled (its land use is drawn beneath it). radii: park id -> marker radius (px) when the
    map is sized by a target (see `_add_parks`)."""
    groups = []
    others = frame[frame.index != selected]
    for pid, label in dict(zip(frame["programme"], frame["programme_label"])).items():
        group = folium.FeatureGroup(name=esc(label), show=True)
        _add_parks(others[others["programme"] == pid], group, selected, hollow_selected, radii)
        groups.append(group)
    if selected in frame.index:
        group = folium.FeatureGroup(name=t("selected_park", lang), show=True, control=False)
        _add_parks(frame.loc[[selected]], group, selected, hollow_selected, radii)
        groups.append(group)
    return groups


def plan_legend(programme_ids, programmes: Catalogue, lang: Lang) -> list[tuple[str, str]]:
    """The legend's entries for the plans of the parks on a map: (colour, name in `lang`), in the
    plans' record order (names are escaped by the legend)."""
    return [(programmes.colour(p), programmes.name(p, lang)) for p in programmes.in_use(programme_ids)]
