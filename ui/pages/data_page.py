"""The Data page: bring your own layers in (import with checks), sketch new ones (draw), and
export any layer in the format and CRS someone else needs. DESIGN.md §4."""

from __future__ import annotations

import streamlit as st

from ui.draw_panel import render_draw
from ui.export_panel import render_export
from ui.i18n import t
from ui.import_panel import render_import
from ui.page import start, vendor_url


def render() -> None:
    """Draw the Data page: import, the session's layers, draw, export."""
    state = start()
    lang = state.lang
    st.title(t("page_data", lang), anchor=False)
    tab_import, tab_draw, tab_export = st.tabs([t("tab_import", lang), t("tab_draw", lang), t("tab_export", lang)])
    with tab_import:
        render_import(state)
    with tab_draw:
        render_draw(state, vendor_url())
    with tab_export:
        render_export(state)
    st.subheader(t("my_layers", lang), anchor=False)
    if not state.user_layers:
        st.caption(t("no_user_layers", lang))
    for name, layer in list(state.user_layers.items()):
        c1, c2 = st.columns([5, 1])
        c1.markdown(f"**{name}** · {len(layer.gdf)} · {t('role_' + layer.role, lang)} · {layer.origin}",
                    help="\n".join(layer.notes) or None)
        if c2.button(t("remove_layer", lang), key=f"w_remove_{abs(hash(name))}"):
            del state.user_layers[name]
            st.rerun()
