"""The Data page's transit-network section: import a GTFS feed as an access network (saved in
the workspace as two user layers and registered by `ui.networks`), and the networks imported so
far. The upload is read from a private temporary file, checked (`layers.gtfs.read_gtfs`), and
nothing is saved unless the whole feed reads."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from geo._errors import InputError
from layers._errors import LayerError
from layers.access import summarise
from layers.gtfs import read_gtfs
from layers.transport import FULL_PLAN
from ui import networks, uploads, workspace
from ui.i18n import Lang, t
from ui.panels.import_panel import safe_upload_name
from ui.safe_html import md
from ui.state import ViewState

MAX_UPLOAD_MB = 200


def render_networks(state: ViewState) -> None:
    """The GTFS uploader, the import, and the list of imported networks."""
    lang = state.lang
    st.subheader(t("network_import_title", lang), anchor=False)
    st.caption(t("network_import_help", lang))
    upload = uploads.file_uploader("GTFS (.zip)", lang, type=["zip"], key="net_upload")
    ws = workspace.writer(lang, "net") if upload is not None else None  # who saves it, or why nobody can
    if upload is not None and ws is not None:
        default = Path(safe_upload_name(upload.name)).stem
        name = st.text_input(t("network_import_name", lang), value=default, key=f"net_name_{default}",
                             max_chars=80).strip()
        if st.button(t("network_import_button", lang), key="net_import", type="primary", disabled=not name):
            _import(ws, upload.getvalue(), safe_upload_name(upload.name), name or default, lang)
    _list(lang)


def _import(ws, data: bytes, file_name: str, name: str, lang: Lang) -> None:
    if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
        st.error(t("network_import_failed", lang))
        st.code(t("network_too_big", lang, file=file_name, mb=f"{len(data) / 1024 / 1024:.0f}", limit=MAX_UPLOAD_MB,
                  markdown=False))  # a code block: shown as it is
        return
    with tempfile.TemporaryDirectory(prefix="parkatlas-gtfs-") as folder:
        path = Path(folder) / "feed.zip"
        path.write_bytes(data)
        try:
            with st.spinner(t("exp_building", lang)):
                feed = read_gtfs(path, label=file_name)
        except (InputError, LayerError) as exc:
            st.error(t("network_import_failed", lang))
            st.code(str(exc))
            return
    source = str(feed.nodes["source"].iloc[0]) if len(feed.nodes) else f"GTFS feed {file_name}"
    key = networks.save_imported(ws, lang, name, feed.lines, feed.nodes, source=source, as_of=feed.as_of,
                                 origin=file_name, notes=feed.notes)
    if key is None:
        return
    st.session_state[networks.CHOICE_KEY] = key
    st.success(t("network_import_done", lang, name=name, stations=len(feed.nodes), lines=len(feed.lines),
                 as_of=feed.as_of))
    for note in feed.notes:
        st.caption(md(note))
    st.caption(t("network_import_next", lang))


def _list(lang: Lang) -> None:
    own = [n for n in networks.available() if not n.is_plan]
    if not own:
        return
    st.markdown(f"**{t('network_list', lang)}**")
    rows = []
    for net in own:
        s = summarise(net, FULL_PLAN)
        rows.append({t("network_import_name", lang): net.name_en, t("network_as_of", lang): s.as_of_last,
                     t("network_stations", lang): s.stations_placed, t("network_lines", lang): s.lines_placed,
                     t("source", lang): net.source})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
