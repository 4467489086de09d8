"""The atlas's tables: the parks shown (with each park's progress), their access and their
inspection (every park × check), on request, with CSV (and, for inspection, XLSX) downloads made
on click; a click on a row of the first two opens its park."""

from __future__ import annotations

from datetime import date

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
    parks_tab, access_tab, inspection_tab = st.tabs([t("tab_parks", lang), t("tab_access", lang),
                                                     t("tab_inspection", lang)])
    with parks_tab:
        park_finder.selectable_table(st, _park_table(lang, tuple(shown.index), _table_key()), park_finder.PARK_ROWS,
                                     selected, width="stretch", height=320)
    with access_tab:
        if network is not None and access is not None:
            st.caption(md(networks.statement(network, year, lang)))
            park_finder.selectable_table(st, _access_table(lang, tuple(shown.index), year, network.key, data._all_key()),
                                         park_finder.ACCESS_ROWS, selected, width="stretch", height=320)
    with inspection_tab:
        render_inspection_table(tuple(shown.index), lang)


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


def render_inspection_table(ids: tuple[str, ...], lang: Lang) -> None:
    """Every park shown × every check (constraint layers, land-use indicators against the rules),
    sortable by any column, with CSV and XLSX downloads (made on click)."""
    from ui.exports.downloads import table_xlsx
    from ui.inspection import inspection

    found = inspection()
    if found.rows.empty:
        st.info(t("insp_empty", lang))
        return
    table = _inspection_table(lang, ids, data._all_key())
    c1, c2 = st.columns(2)
    c1.download_button(t("download_inspection_csv", lang), data=lambda: table_csv(table),
                       file_name="parkatlas-inspection.csv", mime="text/csv", key="download_inspection_csv",
                       on_click="ignore")
    about = {t("insp_xlsx_about", lang): t("insp_method_note", lang, markdown=False),
             t("insp_xlsx_date", lang): date.today().isoformat()}
    c2.download_button(t("download_inspection_xlsx", lang),
                       data=lambda: table_xlsx(table, t("tab_inspection", lang), lang, about),
                       file_name="parkatlas-inspection.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="download_inspection_xlsx", on_click="ignore")
    _plan_report(found, ids, lang)
    st.caption(t("insp_table_note", lang))
    if found.problems:
        st.warning(t("insp_problem", lang))
        st.code("\n".join(found.problems))
    st.dataframe(table, width="stretch", height=360)


MAX_REPORT_PARKS = 60
"""The most parks one plan's inspection report holds (a page or more each)."""


def _plan_report(found, ids: tuple[str, ...], lang: Lang) -> None:
    """The inspection report of every outlined park of one plan (among the parks shown): each
    park's report (`ui.panels.inspection_section.inspection_report`) one after the other in one
    PDF, made on click."""
    from layers.parks import is_placed
    from ui.panels.inspection_section import plan_report
    from ui.plan_names import plan_name

    parks = data.parks().loc[[i for i in ids if i in data.parks().index]]
    outlined = parks[is_placed(parks) & parks.geom_type.isin(["Polygon", "MultiPolygon"])]
    plans = list(dict.fromkeys(str(p) for p in outlined["programme"]))
    if not plans:
        st.caption(t("rep_plan_none", lang))
        return
    c1, c2 = st.columns([2, 1])
    plan = c1.selectbox(t("rep_plan_choose", lang), plans, key="insp_plan_report_plan",
                        format_func=lambda p: f"{plan_name(p, lang)} ({int((outlined['programme'] == p).sum())})")
    members = [str(i) for i in outlined.index[outlined["programme"] == plan]][:MAX_REPORT_PARKS]
    c2.download_button(t("rep_plan_download", lang),
                       data=lambda: plan_report(found, members, lang),
                       file_name=f"inspection-{plan}.pdf", mime="application/pdf", key="insp_plan_report",
                       on_click="ignore")


@st.cache_resource(show_spinner=False, max_entries=32)
def _inspection_table(lang: Lang, ids: tuple[str, ...], key: tuple):
    """The inspection table of the parks shown, for people (`ui.inspection.display_table`),
    cached by language, the parks shown and every layer's revision."""
    from ui.inspection import display_table, inspection

    rows = inspection().rows
    order = {p: i for i, p in enumerate(ids)}
    rows = rows[rows["park_id"].isin(order)]
    rows = rows.assign(_park=rows["park_id"].map(order), _indicator=rows["kind"] != "constraint")
    return display_table(rows.sort_values(["_park", "_indicator"], kind="stable"), data.parks(), lang)
