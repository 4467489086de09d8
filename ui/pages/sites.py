"""The Sites page (investors): find parks by industry, city, size, status and transport access,
ranked with the reason for each rank, on a map; compare two to four side by side (XLSX, PDF).

Every state — filters, compared parks, map view, language — is in the URL (`ui.urlstate`), so a
pasted link opens the same view. Distances are planar EPSG:4547 metres from the park boundary
(layers.access), for the network in service in the chosen year or the full plan.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.generalize import zoom_for_bounds
from layers.parks import KIND_LABELS, STATUSES, STATUS_LABELS, area_range_km2, label, placed
from layers.sites import EXISTING, INSPECTION_COLUMN, compare_parks, industry_chips, rank_sites, resolve_network
from ui import data, link_notices, networks, park_finder, site_explain_view
from ui.exports.downloads import table_csv, table_xlsx
from ui.filters import NETWORK_YEARS, filter_choices, hidden_notice, url_choices
from ui.plan_names import region_name
from ui.i18n import LABELS, Lang, t
from ui.inspection import inspection, park_summary, summary_text
from ui.mapview import base_map, layer_control, park_groups, plan_legend
from ui.mapview.sites_map import fit_group, highlight_group, named_links, network_group
from ui.safe_html import md
from ui.urlstate import decode, encode, query_state, site_query
from ui.page import start_with_parks, vendor_url

DISTANCES_M = [None, 500, 800, 1000, 2000, 5000, 10000, 20000, 50000]
_URL_KEYS = ("ind", "city", "kind", "st", "area", "unk", "metro", "net", "hsr", "air", "nc", "cmp", "lat", "lon", "z", "src")
_FILTER_URL_KEYS = ("ind", "city", "kind", "st", "area", "unk", "metro", "hsr", "air", "nc")
ALL_SITES = {"ws_ind": [], "ws_city": [], "ws_kind": [], "ws_status": [], "ws_min_area": None, "ws_max_area": None,
             "ws_unknown_area": True, "ws_metro": None, "ws_hsr": None, "ws_air": None, "ws_no_conflict": False}
"""The search form's filter widgets and the value of each that hides no park."""


def _seed_widgets_from_url(parks) -> list[str]:
    """On the session's first run, put the URL's state into the widgets; return what was dropped."""
    if st.session_state.get("ws_seeded"):
        return []
    st.session_state["ws_seeded"] = True
    state = decode(dict(st.query_params), park_ids=set(parks.index), choices=url_choices(parks))
    seeds = {"ws_ind": state.get("industries"), "ws_city": state.get("cities"), "ws_kind": state.get("kinds"),
             "ws_status": state.get("statuses"), "ws_metro": state.get("metro_within_m"),
             "ws_hsr": state.get("max_hsr_m"), "ws_air": state.get("max_airport_m"), "ws_cmp": state.get("compare"),
             "ws_min_area": state.get("min_area_km2"), "ws_max_area": state.get("max_area_km2"),
             "ws_unknown_area": state.get("unknown_area"), "ws_no_conflict": state.get("no_conflict")}
    top, _ = area_range_km2(parks)
    for key in ("ws_min_area", "ws_max_area"):  # the inputs stop at the data's largest area
        if seeds[key] is not None:
            seeds[key] = min(float(seeds[key]), top)
    for key, value in seeds.items():
        if value is not None:
            st.session_state[key] = value
    if state.get("access_network"):
        st.session_state[networks.CHOICE_KEY] = state["access_network"]
    net = state.get("network")
    if net is not None:
        st.session_state["ws_net"] = net if net in (EXISTING, "full") or net in NETWORK_YEARS else EXISTING
    if "lat" in state and "lon" in state:
        st.session_state["ws_view"] = ((state["lat"], state["lon"]), state.get("zoom", 11))
    return state["_problems"]


def _distance_select(sb, label_key: str, key: str, lang: Lang) -> float | None:
    current = st.session_state.get(key)
    options = DISTANCES_M if current in DISTANCES_M else [*DISTANCES_M, current]
    return sb.selectbox(t(label_key, lang), options, key=key,
                        format_func=lambda v: t("any", lang) if v is None else site_explain_view.distance_label(v))


def _measurable_select(sb, label_key: str, key: str, lang: Lang, count: int, why_key: str,
                       plan: bool = False) -> float | None:
    """A distance criterion, or — when the network has nothing of that kind to measure to — no
    widget but the reason (a filter that could only say no is not offered); on the plan network
    the reason says what the documents name (`<why_key>_plan`)."""
    if count:
        return _distance_select(sb, label_key, key, lang)
    st.session_state.pop(key, None)
    detail = f"{why_key}_plan"
    sb.caption(t(why_key, lang) + (" " + t(detail, lang) if plan and detail in LABELS else ""))
    return None


def _query(parks, lang: Lang):
    """The sidebar's search form; returns a layers.sites.SiteQuery."""
    sb = st.sidebar
    sb.header(t("site_search", lang))
    chips = industry_chips(parks, lang)
    for key in ("ws_ind",):  # chips of the other language (a shared link) are kept if still valid
        st.session_state[key] = [c for c in st.session_state.get(key, []) if c in chips]
    industries = sb.multiselect(t("industry_chips", lang), chips, key="ws_ind", placeholder=t("all", lang))
    choices = filter_choices(parks)
    for key, name in (("ws_city", "cities"), ("ws_kind", "kinds")):  # values the data no longer has are dropped
        st.session_state[key] = [v for v in st.session_state.get(key, []) if v in choices[name]]
    cities = sb.multiselect(t("city", lang), choices["cities"], key="ws_city", format_func=lambda v: region_name(v, lang),
                            placeholder=t("all", lang))
    kinds = sb.multiselect(t("kind", lang), choices["kinds"], key="ws_kind", format_func=lambda v: label(KIND_LABELS, v, lang),
                           placeholder=t("all", lang))
    statuses = sb.multiselect(t("status", lang), STATUSES, key="ws_status", format_func=lambda v: label(STATUS_LABELS, v, lang),
                              placeholder=t("all", lang))
    top, unknown = area_range_km2(parks)  # the range comes from the data
    for key in ("ws_min_area", "ws_max_area"):  # kept within it when another session's save shrank it
        if (st.session_state.get(key) or 0.0) > top:
            st.session_state[key] = top
    c1, c2 = sb.columns(2)
    lo = c1.number_input(t("min_area", lang), min_value=0.0, max_value=top, value=None, step=0.5, key="ws_min_area",
                         help=t("area_data_range", lang, top=top))
    hi = c2.number_input(t("max_area", lang), min_value=0.0, max_value=top, value=None, step=0.5, key="ws_max_area",
                         help=t("area_data_range", lang, top=top))
    st.session_state.setdefault("ws_unknown_area", True)  # kept unless the user unticks them
    include_unknown = bool(st.session_state["ws_unknown_area"])
    if unknown:
        include_unknown = sb.checkbox(t("include_unknown_area", lang, n=unknown), key="ws_unknown_area",
                                      help=t("unknown_area_note", lang, n=unknown),
                                      disabled=lo is None and hi is None)
    years = [EXISTING, *NETWORK_YEARS]
    net = sb.selectbox(t("network_year", lang), years, key="ws_net",
                       format_func=lambda v: t("existing_today", lang, year=date.today().year) if v == EXISTING
                       else (t("full_plan", lang) if v == "full" else str(v)))
    network = networks.choose(lang, sb)
    summary = networks.summary(network, resolve_network(net)) if network is not None else None
    metro = _measurable_select(sb, "metro_within", "ws_metro", lang, summary.rail_stations_in_service if summary else 1,
                               "no_rail_in_network")
    plan = network is not None and network.is_plan
    hsr = _measurable_select(sb, "hsr_within", "ws_hsr", lang, summary.hsr_in_service if summary else 1,
                             "no_hsr_in_network", plan)
    air = _measurable_select(sb, "airport_within", "ws_air", lang, summary.airports_in_service if summary else 1,
                             "no_airport_in_network", plan)
    no_conflict = sb.checkbox(t("sites_no_conflict", lang), key="ws_no_conflict", help=t("sites_no_conflict_help", lang))
    if no_conflict and INSPECTION_COLUMN not in parks.columns:
        sb.caption(t("sites_no_conflict_no_layers", lang))
    return replace(site_query({"industries": industries, "cities": cities, "kinds": kinds, "statuses": statuses,
                               "min_area_km2": lo, "max_area_km2": hi, "network": net, "metro_within_m": metro,
                               "max_hsr_m": hsr, "max_airport_m": air, "unknown_area": include_unknown}),
                   no_conflict=bool(no_conflict))


def _clear_filters() -> None:
    """Every filter of the search form back to "all parks", and their keys out of the URL (the
    "clear filters" button's callback: it runs before the page, so the form is drawn cleared)."""
    for key, value in ALL_SITES.items():
        st.session_state[key] = value
    for key in _FILTER_URL_KEYS:
        if key in st.query_params:
            del st.query_params[key]


def _sync_url(query, compare: list[str], lang: Lang, view_state) -> None:
    """Write the page's whole state into the URL (only keys that differ are touched)."""
    network = networks.chosen()
    state = {**query_state(query), "lang": lang,
             "access_network": network.key if network is not None and not network.is_plan else None}
    if len(compare) >= 2:
        state["compare"] = compare
    if view_state:
        (lat, lon), zoom = view_state
        state.update(lat=lat, lon=lon, zoom=zoom)
    wanted = encode(state)
    for key in _URL_KEYS:
        if key in wanted and st.query_params.get(key) != wanted[key]:
            st.query_params[key] = wanted[key]
        elif key not in wanted and key in st.query_params:
            del st.query_params[key]
    if st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang


def render() -> None:
    """Draw the Sites page."""
    started = start_with_parks()
    if started is None:
        return
    state, parks = started
    lang = state.lang
    parks = _with_inspection(parks)
    dropped = _seed_widgets_from_url(parks)
    search_slot = st.sidebar.container()  # the park search heads the sidebar (drawn once the results are known)
    query = _query(parks, lang)
    st.title(t("page_sites", lang), anchor=False)
    link_notices.remember("sites", [t("url_value_dropped", lang, what=problem) for problem in dropped])
    link_notices.show("sites", lang)
    year = resolve_network(query.network)
    network = networks.chosen()
    access = networks.access(network, year)
    lines, nodes = (network.lines, network.nodes) if network is not None else (None, None)
    ranked = rank_sites(parks, access, query, lang, nodes=nodes, lines=lines)
    found = park_finder.sites_found(parks, list(ranked.index), search_slot, lang)
    if access is None and query.transport_criteria:
        st.warning(t("no_transport_data", lang))
    statement = networks.statement(network, year, lang)
    st.caption(t("sites_found", lang, n=len(ranked), total=len(parks), year=networks.year_label(year, lang)))
    hidden_notice(len(parks) - len(ranked), len(parks), lang, "ws_clear_filters", _clear_filters)
    st.info(md(statement), icon=":material/route:")
    site_explain_view.explain(parks, access, query, len(ranked), lang)
    if found:
        park_finder.found_card(parks, ranked, found, lang)

    map_col, list_col = st.columns([2, 3], gap="medium")
    with list_col:
        table = ranked[["rank", "name", "city", "reasons"]].rename(columns={
            "rank": t("rank", lang), "name": t("col_name", lang), "city": t("city", lang), "reasons": t("reasons", lang)})
        if INSPECTION_COLUMN in parks.columns:  # each park's overall constraint verdict
            table.insert(3, t("col_inspection", lang), [summary_text(v, lang) for v in ranked[INSPECTION_COLUMN]])
        # A click on a row finds its park: highlighted on the map, kept in the URL (`?park=`). Only a click:
        # st.dataframe reports selections, never the row under the pointer, so hovering cannot highlight.
        park_finder.selectable_table(st, table, park_finder.SITES_ROWS, found, width="stretch", height=420, hide_index=True)
        st.caption(t("rank_order", lang))
        export = table.assign(**{t("col_network", lang): statement})  # each row says what it measured
        st.download_button(t("download_csv", lang), table_csv(export.set_index(t("rank", lang))), "parkatlas-sites.csv",
                           "text/csv", key="ws_dl_csv")
    with map_col:
        view_state = _results_map(parks, ranked, lang, found, (access, lines, nodes, year), query)

    st.subheader(t("compare", lang), anchor=False)
    options = list(ranked.index) + [p for p in st.session_state.get("ws_cmp", []) if p not in ranked.index]
    name_col = "name_zh" if lang == "zh" else "name_en"
    compare = st.multiselect(t("compare_pick", lang), options, key="ws_cmp", max_selections=4,
                             format_func=lambda i: parks.at[i, name_col] if i in parks.index else i)
    _sync_url(query, compare, lang, view_state)
    park_finder.sync_found_url(found)
    if len(compare) < 2:
        st.caption(t("compare_hint", lang))
        return
    _render_comparison(parks, compare, access, network, year, statement, lang)


def _with_inspection(parks):
    """The parks with each one's overall constraint verdict (`INSPECTION_COLUMN`), when the
    workspace has constraint layers (else as they are: "no conflict" then cannot be checked)."""
    found = inspection()
    if not found.checks:
        return parks
    return parks.assign(**{INSPECTION_COLUMN: found.overall().reindex(parks.index.astype(str)).to_numpy()})


def _results_map(parks, ranked: pd.DataFrame, lang: Lang, found: str | None = None, network=(None, None, None, None),
                 query=None):
    """The results on a map, with the stations and lines their reasons name (`network`: access,
    lines, nodes, year). The view fits the results (or a park found by the search or a row click,
    zoomed to, outlined and emphasised — its label and the stations its reasons name — even when
    the criteria leave it out) in the frame as the browser draws it (`ui.mapview.sites_map.FitView`),
    unless the link set a view and the results are still those it opened with. With no result the
    map shows every park greyed, framed on the place the search covers (`query`'s cities), with the
    network there. The base map stays the same from search to search; only its groups change.
    Returns the map's (centre, zoom) for the URL, or None before the map has reported a fitted view."""
    ids = [*ranked.index, found] if found in parks.index and found not in ranked.index else list(ranked.index)
    frame = data.park_display_rows(lang, ids)
    center, zoom = _overview(parks)
    seeded = _seeded_view(ids)
    groups = park_groups(frame, lang, found)
    access, lines, nodes, year = network
    fit_frame = frame.loc[[found]] if found in frame.index else frame
    if found in frame.index:
        groups.insert(0, _highlight(parks, ranked, frame.loc[found], network, lang))  # under the parks
    if ranked.empty:
        fit_frame, under = site_explain_view.empty_map(parks, query, lang, found, network, fit_frame)
        groups[:0] = under
    else:
        links = network_group(*named_links(access, ranked.index, lines, nodes, year), year, lang)
        if links is not None:
            groups.insert(0, links)  # under the parks
    if seeded:
        center, zoom = seeded
    else:
        fit = fit_group(fit_frame)
        if fit is not None:
            groups.append(fit)
    result = st_folium(base_map(lang, "light", center, zoom, vendor_url(), compact=True,
                                plans=plan_legend(frame["programme"], data.programmes(), lang)), key="sites_map", height=440,
                       use_container_width=True, feature_group_to_add=groups,
                       layer_control=layer_control(), returned_objects=["center", "zoom"])
    if result and result.get("center") and result.get("zoom") is not None:
        c = result["center"]
        return (round(float(c["lat"]), 5), round(float(c["lng"]), 5)), int(result["zoom"])
    if seeded:  # kept in the URL until the map reports its own view
        return (round(float(center[0]), 5), round(float(center[1]), 5)), int(zoom)
    return None  # the fit happens in the browser: the URL gets the view once the map reports it


def _highlight(parks, ranked: pd.DataFrame, row, network, lang: Lang):
    """The found park emphasised: labelled with its rank (or that the criteria leave it out),
    with the stations and lines its own reasons name."""
    access, lines, nodes, year = network
    name = parks.at[row.name, "name_zh" if lang == "zh" else "name_en"]
    text = (t("sites_highlight_rank", lang, rank=int(ranked.at[row.name, "rank"]), name=name, markdown=False)
            if row.name in ranked.index else t("sites_highlight_out", lang, name=name, markdown=False))
    return highlight_group(row, text, *named_links(access, [row.name], lines, nodes, year), lang)


def _seeded_view(ids: list[str]) -> tuple[tuple[float, float], int] | None:
    """The view the link opened with, while the map shows the parks it opened with (a new search
    lets the map fit its own results)."""
    seeded = st.session_state.get("ws_view")
    if not seeded:
        return None
    opened_with = st.session_state.setdefault("ws_view_ids", list(ids))
    if opened_with != list(ids):
        st.session_state.pop("ws_view", None)
        return None
    return seeded


def _overview(parks) -> tuple[tuple[float, float], int]:
    """The base map's own view (every placed park; the same from search to search, so the map is
    never rebuilt for a new search): centre (lat, lon) and zoom."""
    shown = placed(parks)
    if shown.empty:
        return (23.0, 113.3), 8
    minx, miny, maxx, maxy = shown.total_bounds
    return ((miny + maxy) / 2, (minx + maxx) / 2), min(zoom_for_bounds((minx, miny, maxx, maxy), 480, 420), 13)


def _render_comparison(parks, ids: list[str], access, network, year, statement: str, lang: Lang) -> None:
    """The side-by-side table, with XLSX and one-page PDF downloads."""
    from ui.exports.static_map import StaticMapError
    from ui.exports.static_pdf import comparison_pdf

    targets, _ = data.optional_layer("targets")
    facilities, _ = data.optional_layer("facilities")
    lines, nodes = (network.lines, network.nodes) if network is not None else (None, None)
    short = (f"{network.name_zh if lang == 'zh' else network.name_en}; {networks.year_label(year, lang)}"
             if network is not None else "")
    found = inspection()
    table = compare_parks(parks, ids, access, targets, facilities, lang, nodes=nodes, lines=lines, year=year,
                          network=short, programmes=data.programmes(),
                          inspection={i: park_summary(found, i, lang) for i in ids} if found.checks else None)
    name_col = "name_zh" if lang == "zh" else "name_en"
    table.columns = [parks.at[i, name_col] for i in table.columns]
    st.dataframe(table, width="stretch", height=min(60 + 36 * len(table), 720))
    sources = t("compare_note", lang, date=date.today().isoformat(), markdown=False)  # for the PDF and xlsx
    note = f"{sources} {statement}"
    about = {t("xlsx_sources", lang): sources, t("col_network", lang): statement}
    c1, c2 = st.columns(2)
    c1.download_button(t("download_xlsx", lang), table_xlsx(table, t("compare", lang), lang, about),
                       "parkatlas-compare.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="ws_dl_xlsx")
    if c2.button(t("compare_pdf", lang), key="ws_build_pdf"):
        try:
            with st.spinner(t("exp_building", lang)):
                pdf = comparison_pdf(table, t("compare_title", lang), note)
        except StaticMapError as exc:
            c2.error(str(exc))
            return
        c2.download_button(t("download_pdf", lang), pdf, "parkatlas-compare.pdf", "application/pdf", key="ws_dl_pdf",
                           type="primary")
