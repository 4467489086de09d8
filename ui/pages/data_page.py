"""The Data page: bring your own layers in (import with checks, or outline the parks with a
boundary file), sketch new ones (draw), export any layer in the format and CRS someone else
needs, a transit network, the land use of every park, a plan document read into proposed records
(`ui.panels.plan_review_panel`), and the layers saved in the workspace. DESIGN.md §4."""

from __future__ import annotations

import streamlit as st

from ui.panels.city_landuse_panel import render_city_landuse
from ui.panels.draw_panel import render_draw
from ui.panels.export_panel import render_export
from ui.i18n import t
from ui.panels.import_panel import render_import
from ui.panels.layers_panel import render_layers
from ui.panels.network_panel import render_networks
from ui.panels.plan_review_panel import render_plan_review
from ui.page import start, vendor_url


def render() -> None:
    """Draw the Data page: import, draw, export, then the workspace's layers."""
    state = start()
    lang = state.lang
    st.title(t("page_data", lang), anchor=False)
    if state.flash:
        st.success(state.flash)
        state.flash = None
    tab_import, tab_draw, tab_export, tab_network, tab_landuse, tab_read = st.tabs(
        [t("tab_import", lang), t("tab_draw", lang), t("tab_export", lang), t("tab_network", lang),
         t("tab_city_landuse", lang), t("tab_read_plan", lang)])
    with tab_import:
        render_import(state)
    with tab_draw:
        render_draw(state, vendor_url())
    with tab_export:
        render_export(state)
    with tab_network:
        render_networks(state)
    with tab_landuse:
        render_city_landuse(state)
    with tab_read:
        render_plan_review(state)
    render_layers(state)
