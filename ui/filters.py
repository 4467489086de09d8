"""The sidebar: language, basemap and the park filters; returns what the user chose."""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from layers.parks import CITIES, CITY_LABELS, KIND_LABELS, KINDS, PROGRAMMES, ParkFilter, area_range_km2, label, programme_name
from ui.i18n import LANGS, t
from ui.mapview.basemaps import available_basemaps
from ui.state import ViewState


def language_switch(state: ViewState) -> None:
    """A 中文 / English switch; changes `state.lang` (and the URL's `?lang=`)."""
    choice = st.sidebar.segmented_control(
        t("language", state.lang), options=list(LANGS), format_func=lambda v: "中文" if v == "zh" else "English",
        default=state.lang, key="w_lang", selection_mode="single",
    )
    if choice and choice != state.lang:
        state.lang = choice
        st.query_params["lang"] = choice
        st.rerun()


def _within(area: tuple[float, float], top: float) -> tuple[float, float]:
    """An area range (km²) clamped to the data's range, 0..top."""
    lo, hi = area
    return min(max(lo, 0.0), top), min(max(hi, 0.0), top)


def filter_values(parks: gpd.GeoDataFrame, state: ViewState) -> ParkFilter:
    """The filters as `sidebar_filters` would return them, without drawing a widget: what the
    widgets' keys hold (set from a link or earlier runs), else the widgets' defaults. For a first
    paint that sends the map before the sidebar (`ui.pages.atlas`)."""
    get = st.session_state.get
    top, unknown = area_range_km2(parks)
    lo, hi = _within(get("w_area", (0.0, top)), top)
    narrowed = lo > 0.0 or hi < top
    state.park_filter = ParkFilter(
        cities=tuple(get("w_cities", ())), programmes=tuple(get("w_programmes", ())), kinds=tuple(get("w_kinds", ())),
        industry=get("w_industry", "") or "", min_area_km2=lo if narrowed else None,
        max_area_km2=hi if narrowed else None, include_unknown_area=bool(unknown and narrowed and get("w_unknown_area", False)),
    )
    basemaps = available_basemaps()
    state.basemap = state.basemap if state.basemap in basemaps else basemaps[0]
    return state.park_filter


def sidebar_filters(parks: gpd.GeoDataFrame, state: ViewState) -> ParkFilter:
    """Draw the filters in the sidebar and return them as a ParkFilter (also kept in `state`)."""
    lang = state.lang
    sb = st.sidebar
    sb.header(t("filters", lang))
    cities = sb.multiselect(t("city", lang), CITIES, format_func=lambda v: label(CITY_LABELS, v, lang), key="w_cities",
                            placeholder=t("all", lang))
    programmes = sb.multiselect(t("programme", lang), list(PROGRAMMES), format_func=lambda v: programme_name(v, lang),
                                key="w_programmes", placeholder=t("all", lang))
    kinds = sb.multiselect(t("kind", lang), KINDS, format_func=lambda v: label(KIND_LABELS, v, lang), key="w_kinds",
                           placeholder=t("all", lang))
    industry = sb.text_input(t("industry", lang), key="w_industry", help=t("industry_help", lang), max_chars=60)
    top, unknown = area_range_km2(parks)  # the range comes from the data
    if "w_area" in st.session_state:  # kept (or set from a link) within the data's range
        st.session_state["w_area"] = _within(st.session_state["w_area"], top)
    lo, hi = sb.slider(t("area_range", lang), min_value=0.0, max_value=top, step=0.1, key="w_area",
                       help=t("area_help", lang), **({} if "w_area" in st.session_state else {"value": (0.0, top)}))
    narrowed = lo > 0.0 or hi < top
    include_unknown = False
    if unknown:
        include_unknown = sb.checkbox(t("include_unknown_area", lang, n=unknown), key="w_unknown_area",
                                      help=t("unknown_area_note", lang, n=unknown), disabled=not narrowed)
    basemaps = available_basemaps()
    state.basemap = sb.selectbox(t("basemap", lang), basemaps, index=basemaps.index(state.basemap) if state.basemap in basemaps else 0,
                                 format_func=lambda v: t(f"basemap_{v}", lang), key="w_basemap")
    state.park_filter = ParkFilter(
        cities=tuple(cities), programmes=tuple(programmes), kinds=tuple(kinds), industry=industry,
        min_area_km2=lo if narrowed else None, max_area_km2=hi if narrowed else None,
        include_unknown_area=include_unknown,
    )
    return state.park_filter


NETWORK_YEARS: list[int | str] = [*range(2018, 2036), "full"]
"""Choices of the "network as of" slider: each year from the first document's to 2035, then the full plan."""


def network_year(state: ViewState) -> int | str:
    """The "network as of" slider; returns the year (or "full") and keeps it in `state`."""
    lang = state.lang
    state.show_landuse = st.sidebar.toggle(t("show_landuse", lang), value=state.show_landuse, key="w_landuse",
                                           help=t("show_landuse_help", lang))
    state.network_year = st.sidebar.select_slider(
        t("network_year", lang), options=NETWORK_YEARS, value=state.network_year,
        format_func=lambda v: t("full_plan", lang) if v == "full" else str(v), key="w_year", help=t("network_help", lang),
    )
    return state.network_year


def sizing_from_state(state: ViewState, choices: dict[str, list[int]]) -> tuple[str | None, int | None]:
    """The "size parks by target" choice `state` holds (a link, earlier runs), when `choices`
    offers its metric: (metric, its year, else the metric's latest target year), else (None, None).
    What `target_sizing`'s select boxes start from, and the atlas's first paint uses without them."""
    metric = state.size_metric if state.size_metric in choices else None
    return (metric, _sizing_year(state, choices[metric])) if metric is not None else (None, None)


def _sizing_year(state: ViewState, years: list[int]) -> int:
    return state.size_year if state.size_year in years else years[-1]


def target_sizing(state: ViewState, choices: dict[str, list[int]]) -> tuple[str | None, int | None]:
    """"Size parks by target": a metric (or none) and one of its target years; kept in `state`."""
    from layers.targets import METRICS

    lang = state.lang
    sb = st.sidebar
    options: list[str | None] = [None, *sorted(choices)]
    current, _ = sizing_from_state(state, choices)
    metric = sb.selectbox(t("size_by", lang), options, index=options.index(current), key="w_size_metric",
                          format_func=lambda m: t("size_none", lang) if m is None else (METRICS[m].name_zh if lang == "zh" else METRICS[m].name_en),
                          help=t("size_help", lang))
    year = None
    if metric is not None:
        years = choices[metric]
        year = sb.selectbox(t("size_year", lang), years, index=years.index(_sizing_year(state, years)), key="w_size_year")
    state.size_metric, state.size_year = metric, year
    return metric, year
