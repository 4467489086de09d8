"""The Data page's draw section: sketch a polygon, line or point on the map (folium's Draw
plugin, served from our own install), see its geodesic area or length in km², ha and 亩 as soon
as the shape is finished, name it and keep it as a layer of its own in the workspace."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo._errors import InputError
from geo.drawn import drawn_layer, measure_drawn
from layers.user_layers import unique_name
from ui import workspace
from ui.data import user_layers
from ui.assets import localize
from ui.i18n import Lang, t
from ui.mapview import base_map
from ui.mapview.draw_control import add_draw
from ui.mapview.user_layers import user_layer_group
from ui.panels.outline_editor import EDIT_OPTIONS
from ui.safe_html import md
from ui.state import ViewState


def measure_text(measures: dict, lang: Lang) -> str:
    """A drawn shape's measures as one line: area in km², ha and 亩, or length in km and m.

    >>> measure_text({"kind": "polygon", "area_km2": 1.135, "area_ha": 113.5, "area_mu": 1702.5}, "en")
    'Area (geodesic): 1.135 km² · 113.50 ha · 1,702.5 亩'
    """
    if measures["kind"] == "polygon":
        return t("drawn_area", lang, km2=f"{measures['area_km2']:,.3f}", ha=f"{measures['area_ha']:,.2f}",
                 mu=f"{measures['area_mu']:,.1f}", markdown=False)  # numbers only
    if measures["kind"] == "line":
        return t("drawn_length", lang, km=f"{measures['length_km']:,.3f}", m=f"{measures['length_m']:,.0f}",
                 markdown=False)
    return t("drawn_point", lang)


def render_draw(state: ViewState, vendor_url: str) -> None:
    """The drawing map, the measures of the shapes drawn, and "keep as layer"."""
    lang = state.lang
    st.caption(t("draw_hint", lang))
    m = base_map(lang, state.basemap if state.basemap in ("light", "osm", "satellite") else "light",
                 (23.1, 113.35), 9, vendor_url)
    add_draw(m, lang, export=False, position="topleft",
             draw_options={"circle": False, "circlemarker": False, "rectangle": True}, edit_options=EDIT_OPTIONS)
    groups = [user_layer_group(layer.name, layer.gdf, i) for i, layer in enumerate(user_layers())]
    result = st_folium(localize(m, vendor_url), key="draw_map", height=520, use_container_width=True,
                       feature_group_to_add=groups or None, returned_objects=["all_drawings", "last_active_drawing"])
    drawings = [f for f in (result or {}).get("all_drawings") or [] if isinstance(f, dict)]
    if not drawings:
        return
    for i, feature in enumerate(drawings, start=1):
        try:
            st.markdown(f"**{i}.** {measure_text(measure_drawn(feature.get('geometry')), lang)}")
        except InputError as exc:
            st.warning(f"{i}. {md(exc)}")
    ws = workspace.writer(lang, "draw")
    if ws is None:
        return
    c1, c2 = st.columns([3, 1])
    name = c1.text_input(t("drawn_name", lang), value=t("drawn_default_name", lang), key="w_drawn_name", max_chars=80)
    if c2.button(t("keep_drawn", lang), key="w_keep_drawn"):
        try:
            layer = drawn_layer(drawings, name)
        except InputError as exc:
            st.error(md(str(exc)))
            return
        final = unique_name(name, {existing.name for existing in user_layers()})
        workspace.save_layer(ws, lang, final, layer, role="overlay", origin=t("drawn_origin", lang),
                             reason=t("drawn_reason", lang))
