"""The Data page's export section: any layer (bundled, the atlas's filtered view, imported or
drawn) in the format and coordinate system the user needs, labelled when it is schematic or
illustrative (geo.export.label_for). Parks carry where each officer's outline comes from
(ui.exports.park_outlines: workspace version, author, date, reason, evidence) and no bundled
note that the outline contradicts."""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import streamlit as st

from geo._errors import GeoError
from geo.export import EXPORT_CRS, EXPORT_FORMATS, export_layer, label_for
from layers.parks import filter_parks
from ui import data, workspace
from ui.exports.park_outlines import OUTLINE_ABOUT, outline_origins, with_outline_columns
from ui.i18n import t
from ui.safe_html import md
from ui.state import ViewState
from ui.stored_text import layer_title

_BUNDLED = ("transport_lines", "transport_nodes", "facilities")
_PARKS = ("parks", "parks-filtered")
"""The file names of the parks choices (`export_choices`)."""
_COMPUTED = ("area_m2", "area_km2", "area_ha", "area_mu", "area_diff_pct")
"""The parks layer's own computed columns: an export recomputes its measures, so these are dropped."""


def _park_versions() -> dict[str, int]:
    """{park id: current workspace version}; empty without a workspace (the bundled parks then)."""
    frame = workspace.layer("parks")
    if frame is None or "_version" not in frame.columns:
        return {}
    return {str(pid): int(v) for pid, v in frame["_version"].items()}


def parks_for_export(parks: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """`parks` (EPSG:4326, indexed by id) as exported: without the computed measures (the export
    measures again), with the outline columns (`OUTLINE_COLUMNS`) read from the workspace's
    versions, and without a bundled note an officer's outline contradicts."""
    from ui.panels.history_panel import history

    versions = _park_versions()
    shown = {pid: versions[pid] for pid in parks.index if pid in versions}
    return with_outline_columns(parks.drop(columns=list(_COMPUTED), errors="ignore"), outline_origins(shown, history))


def export_choices(state: ViewState) -> dict[str, tuple[str, Callable[[], gpd.GeoDataFrame]]]:
    """Label shown -> (layer name for the file, a function returning the layer in EPSG:4326), in
    the order the user sees them."""
    lang = state.lang
    parks = data.parks()
    choices: dict[str, tuple[str, Callable[[], gpd.GeoDataFrame]]] = {
        t("exp_parks_all", lang, n=len(parks)): (_PARKS[0], lambda: parks_for_export(parks)),
    }
    shown = filter_parks(parks, state.park_filter)
    if len(shown) != len(parks):
        choices[t("exp_parks_filtered", lang, n=len(shown))] = (
            _PARKS[1], lambda: parks_for_export(shown))
    for layer_id in _BUNDLED:
        gdf, _ = data.optional_layer(layer_id)
        if gdf is not None:
            choices[t("exp_bundled", lang, layer=layer_title(layer_id, lang), n=len(gdf), markdown=False)] = (
                layer_id, lambda g=gdf: g)
    for layer in data.user_layers():
        label = t("exp_user", lang, name=layer.name, n=len(layer.gdf), markdown=False)  # a select box option: plain text
        choices[label] = (layer.name, lambda g=layer.gdf: g)
    return choices


def render_export(state: ViewState) -> None:
    """Pick a layer, a format and a CRS; the file is built on demand and offered for download."""
    lang = state.lang
    choices = export_choices(state)
    c1, c2, c3 = st.columns([2, 1, 2])
    which = c1.selectbox(t("exp_layer", lang), list(choices), key="w_exp_layer")
    fmt = c2.selectbox(t("exp_format", lang), list(EXPORT_FORMATS), key="w_exp_format",
                       format_func=lambda k: t(f"exp_fmt_{k}", lang))
    crs = c3.selectbox(t("exp_crs", lang), list(EXPORT_CRS), key="w_exp_crs", format_func=lambda k: t(f"exp_crs_{k}", lang))
    if crs == "gcj02":
        st.warning(t("exp_gcj02_note", lang))
    layer_name, load = choices[which]
    gdf = load()
    label = label_for(gdf)
    if label:
        st.info(t("exp_label_note", lang, label=label))
    parks = layer_name in _PARKS  # with the outline columns of parks_for_export
    outlined = int(gdf["outline_version"].notna().sum()) if parks else 0
    if outlined:
        st.caption(t("exp_outline_note", lang, n=outlined))
    if st.button(t("exp_build", lang), key="w_exp_build"):
        try:
            with st.spinner(t("exp_building", lang)):
                about = OUTLINE_ABOUT if parks else None
                exported = export_layer(gdf, fmt, crs, layer_name=layer_name, label=label, about=about)
        except GeoError as exc:
            st.error(md(str(exc)))
            return
        st.download_button(t("exp_download", lang, name=exported.filename), exported.data, exported.filename,
                           exported.mime, key="w_exp_download", type="primary")
