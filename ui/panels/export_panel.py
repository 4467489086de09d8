"""The Data page's export section: any layer (bundled, the atlas's filtered view, imported or
drawn) in the format and coordinate system the user needs, labelled when it is schematic or
illustrative (geo.export.label_for)."""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import streamlit as st

from geo._errors import GeoError
from geo.export import EXPORT_CRS, EXPORT_FORMATS, export_layer, label_for
from layers.parks import filter_parks
from ui import data
from ui.i18n import t
from ui.state import ViewState

_BUNDLED = ("transport_lines", "transport_nodes", "facilities")
_COMPUTED = ("area_m2", "area_km2", "area_ha", "area_mu", "area_diff_pct")
"""The parks layer's own computed columns: an export recomputes its measures, so these are dropped."""


def export_choices(state: ViewState) -> dict[str, tuple[str, Callable[[], gpd.GeoDataFrame]]]:
    """Label shown -> (layer name for the file, a function returning the layer in EPSG:4326), in
    the order the user sees them."""
    lang = state.lang
    parks = data.parks()
    choices: dict[str, tuple[str, Callable[[], gpd.GeoDataFrame]]] = {
        t("exp_parks_all", lang, n=len(parks)): ("parks", lambda: parks.drop(columns=list(_COMPUTED), errors="ignore")),
    }
    shown = filter_parks(parks, state.park_filter)
    if len(shown) != len(parks):
        choices[t("exp_parks_filtered", lang, n=len(shown))] = (
            "parks-filtered", lambda: shown.drop(columns=list(_COMPUTED), errors="ignore"))
    for layer_id in _BUNDLED:
        gdf, _ = data.optional_layer(layer_id)
        if gdf is not None:
            choices[t("exp_bundled", lang, layer=layer_id, n=len(gdf))] = (layer_id, lambda g=gdf: g)
    for layer in data.user_layers():
        choices[t("exp_user", lang, name=layer.name, n=len(layer.gdf))] = (layer.name, lambda g=layer.gdf: g)
    return choices


def render_export(state: ViewState) -> None:
    """Pick a layer, a format and a CRS; the file is built on demand and offered for download."""
    lang = state.lang
    choices = export_choices(state)
    c1, c2, c3 = st.columns([2, 1, 2])
    which = c1.selectbox(t("exp_layer", lang), list(choices), key="w_exp_layer")
    fmt = c2.selectbox(t("exp_format", lang), list(EXPORT_FORMATS), key="w_exp_format",
                       format_func=lambda k: EXPORT_FORMATS[k].title)
    crs = c3.selectbox(t("exp_crs", lang), list(EXPORT_CRS), key="w_exp_crs", format_func=lambda k: EXPORT_CRS[k].title)
    if crs == "gcj02":
        st.warning(t("exp_gcj02_note", lang))
    layer_name, load = choices[which]
    gdf = load()
    label = label_for(gdf)
    if label:
        st.info(t("exp_label_note", lang, label=label))
    if st.button(t("exp_build", lang), key="w_exp_build"):
        try:
            with st.spinner(t("exp_building", lang)):
                exported = export_layer(gdf, fmt, crs, layer_name=layer_name, label=label)
        except GeoError as exc:
            st.error(str(exc))
            return
        st.download_button(t("exp_download", lang, name=exported.filename), exported.data, exported.filename,
                           exported.mime, key="w_exp_download", type="primary")
