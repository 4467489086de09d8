"""The atlas's tables: the parks shown (with each park's progress) and their access, on request,
with CSV downloads made on click; a click on a row opens its park."""

from __future__ import annotations

import streamlit as st

from ui import data, networks, park_finder
from ui.exports.downloads import table_csv
from ui.i18n import Lang, t
from ui.park_table import access_view, park_table
from ui.safe_html import md


def render_tables(shown, year, lang: Lang, selected: str | None = None) -> None:
    """The parks shown and their access, as tables and CSV downloads (made on click), on request:
    the table and download widgets' code is a large download for a fresh visitor's browser, so a
    visit that only wants the map does not pay for it. A click on a row opens its park (`selected`:
    the open park, whose row starts selected)."""
    if not st.toggle(t("show_tables", lang, n=len(shown)), key="w_tables"):
        return
    network = networks.chosen()
    access = networks.access(network, year)
    c1, c2 = st.columns(2)
    c1.download_button(t("download_csv", lang), data=lambda: table_csv(_park_table(lang, tuple(shown.index),
                                                                                   _table_key())),
                       file_name="parkatlas-parks.csv", mime="text/csv", key="download_csv", on_click="ignore")
    if network is not None and access is not None:
        statement = networks.statement(network, year, lang)
        c2.download_button(t("download_access_csv", lang),  # the file says what it measured
                           data=lambda: table_csv(_access_table(lang, tuple(shown.index), year, network.key,
                                                                data._all_key()).assign(
                                                                    **{t("col_network", lang): statement})),
                           file_name=f"parkatlas-access-{year}.csv", mime="text/csv", key="download_access_csv",
                           on_click="ignore")
    st.caption(t("rows_open_parks", lang))
    parks_tab, access_tab = st.tabs([t("tab_parks", lang), t("tab_access", lang)])
    with parks_tab:
        park_finder.selectable_table(st, _park_table(lang, tuple(shown.index), _table_key()), park_finder.PARK_ROWS,
                                     selected, width="stretch", height=320)
    with access_tab:
        if network is not None and access is not None:
            st.caption(md(networks.statement(network, year, lang)))
            park_finder.selectable_table(st, _access_table(lang, tuple(shown.index), year, network.key, data._all_key()),
                                         park_finder.ACCESS_ROWS, selected, width="stretch", height=320)


def _table_key() -> tuple:
    """What the park table depends on: the parks, targets and actual figures (and the day, for progress)."""
    from datetime import date

    return data._key("parks", "targets", "actuals") + (date.today().isoformat(),)


@st.cache_resource(show_spinner=False, max_entries=32)
def _park_table(lang: Lang, ids: tuple[str, ...], key: tuple):
    """The table of the parks shown (cached by language, the parks shown and the layers'
    revisions), with each park's progress against its own targets (`layers.park_progress`)."""
    from layers.park_progress import park_progress

    table = park_table(data.parks().loc[list(ids)], lang)
    targets, _ = data.optional_layer("targets")
    progress = data.progress()
    if targets is not None and progress is not None:
        states = park_progress(targets, progress, list(ids))
        table.insert(len(table.columns) - 1, t("col_progress", lang), [t(f"progress_{s}", lang) for s in states])
    return table


@st.cache_resource(show_spinner=False, max_entries=32)
def _access_table(lang: Lang, ids: tuple[str, ...], year, network_key: str, key: tuple):
    """The access table of the parks shown on one network in one year (cached like `_park_table`)."""
    network = next(n for n in networks.available() if n.key == network_key)
    return access_view(data.parks().loc[list(ids)], networks.access(network, year), network.nodes, network.lines,
                       lang)
