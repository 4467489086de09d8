"""The sidebar: language, basemap and the park filters; returns what the user chose."""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import streamlit as st

from layers.parks import KIND_LABELS, KINDS, ParkFilter, area_range_km2, label
from ui import data
from ui.plan_names import plan_name, region_name
from ui.i18n import LANGS, Lang, t
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


W_AREA, W_UNKNOWN = "w_area", "w_unknown_area"
"""The area slider's and the "include parks of unknown area" checkbox's widget keys."""
ALL_PARKS = {"w_cities": [], "w_programmes": [], "w_kinds": [], "w_industry": "", W_UNKNOWN: True}
"""The list and text filters' widget keys and the value of each that hides no park."""
_EPS = 1e-9


def _within(area: tuple[float, float], top: float) -> tuple[float, float]:
    """An area range (km²) clamped to the data's range, 0..top."""
    lo, hi = area
    return min(max(lo, 0.0), top), min(max(hi, 0.0), top)


def user_area_range(value: tuple[float, float], top: float, shown_top: float | None) -> tuple[float, float] | None:
    """The area range (km²) a slider value sets, within 0..`top` (the data's range now), or None
    when it is the full range: from 0 to `top`, or to `shown_top` (the top the slider had when it
    was last drawn: the data's range may have grown since, and the old full range is no choice).

    >>> user_area_range((0.0, 8.0), 9.0, 8.0) is None, user_area_range((0.0, 12.0), 9.0, None) is None
    (True, True)
    >>> user_area_range((1.0, 8.0), 9.0, 8.0), user_area_range((0.0, 7.5), 9.0, 8.0)
    ((1.0, 8.0), (0.0, 7.5))
    """
    lo, hi = _within(value, top)
    full_to = top if shown_top is None else min(top, shown_top)
    return None if lo <= _EPS and hi >= full_to - _EPS else (lo, hi)


def area_choice(state: ViewState, top: float) -> tuple[float, float] | None:
    """The area range the user chose, kept in `state.area_range` (None: the full range, which
    follows the data): from the slider's value (moved, or set from a link), else — the slider was
    not drawn, e.g. another page was open — from `state`."""
    value = st.session_state.get(W_AREA, state.area_range)
    state.area_range = None if value is None else user_area_range(tuple(value), top, state.area_top)
    return state.area_range


def _park_filter(area: tuple[float, float] | None) -> ParkFilter:
    """The ParkFilter of the filter widgets' values (or their defaults) and the area range `area`."""
    get = st.session_state.get
    return ParkFilter(
        cities=tuple(get("w_cities", ())), programmes=tuple(get("w_programmes", ())), kinds=tuple(get("w_kinds", ())),
        industry=get("w_industry", "") or "", min_area_km2=None if area is None else area[0],
        max_area_km2=None if area is None else area[1], include_unknown_area=bool(get(W_UNKNOWN, True)),
    )


def filter_values(parks: gpd.GeoDataFrame, state: ViewState) -> ParkFilter:
    """The filters as `sidebar_filters` would return them, without drawing a widget: what the
    widgets' keys hold (set from a link or earlier runs), else the widgets' defaults. For a first
    paint that sends the map before the sidebar (`ui.pages.atlas`)."""
    top, _ = area_range_km2(parks)
    state.park_filter = _park_filter(area_choice(state, top))
    basemaps = available_basemaps()
    state.basemap = state.basemap if state.basemap in basemaps else basemaps[0]
    return state.park_filter


def filter_choices(parks: gpd.GeoDataFrame) -> dict[str, list[str]]:
    """What the filters offer, from the data: the cities of the parks (in the order the parks
    first name them), the plans of the parks (in the plans' record order; a plan id without a
    record too) and the kinds present."""
    cities = list(dict.fromkeys(c for c in parks["city"] if isinstance(c, str) and c))
    return {"cities": cities, "programmes": data.programmes().in_use(parks["programme"]),
            "kinds": [k for k in KINDS if k in set(parks["kind"])]}


def url_choices(parks: gpd.GeoDataFrame) -> dict[str, list[str]]:
    """The values a URL may name for cities and plans (`ui.urlstate.decode`): those of the data."""
    choices = filter_choices(parks)
    return {"cities": choices["cities"], "programmes": sorted(set(choices["programmes"]) | set(data.programmes().ids()))}


def keep_known(choices: dict[str, list[str]]) -> None:
    """Drop from the filter widgets values the data no longer has (a plan retired since, a city
    whose last park moved), so a widget never holds a value it does not offer."""
    for key, name in (("w_cities", "cities"), ("w_programmes", "programmes"), ("w_kinds", "kinds")):
        held = st.session_state.get(key)
        if held and any(v not in choices[name] for v in held):
            st.session_state[key] = [v for v in held if v in choices[name]]


def sidebar_filters(parks: gpd.GeoDataFrame, state: ViewState) -> ParkFilter:
    """Draw the filters in the sidebar and return them as a ParkFilter (also kept in `state`).
    The area slider spans the data's range now; unless the user moved it, it is at its full
    range and filters nothing (`area_choice`)."""
    lang = state.lang
    sb = st.sidebar
    sb.header(t("filters", lang))
    choices = filter_choices(parks)
    keep_known(choices)
    sb.multiselect(t("city", lang), choices["cities"], format_func=lambda v: region_name(v, lang), key="w_cities",
                   placeholder=t("all", lang))
    sb.multiselect(t("programme", lang), choices["programmes"], format_func=lambda v: plan_name(v, lang),
                   key="w_programmes", placeholder=t("all", lang))
    sb.multiselect(t("kind", lang), choices["kinds"], format_func=lambda v: label(KIND_LABELS, v, lang), key="w_kinds",
                   placeholder=t("all", lang))
    sb.text_input(t("industry", lang), key="w_industry", help=t("industry_help", lang), max_chars=60)
    top, unknown = area_range_km2(parks)  # the range comes from the data
    area = area_choice(state, top)
    st.session_state[W_AREA], state.area_top = area or (0.0, top), top
    sb.slider(t("area_range", lang), min_value=0.0, max_value=top, step=0.1, key=W_AREA, help=t("area_filter_help", lang))
    if unknown:  # ticked unless the user unticks it; it only matters while a range is set
        st.session_state.setdefault(W_UNKNOWN, True)
        sb.checkbox(t("include_unknown_area", lang, n=unknown), key=W_UNKNOWN, help=t("unknown_area_note", lang, n=unknown),
                    disabled=area is None)
    basemaps = available_basemaps()
    state.basemap = sb.selectbox(t("basemap", lang), basemaps, index=basemaps.index(state.basemap) if state.basemap in basemaps else 0,
                                 format_func=lambda v: t(f"basemap_{v}", lang), key="w_basemap")
    state.park_filter = _park_filter(area)
    return state.park_filter


def reset_filters(state: ViewState) -> None:
    """Every park filter back to the value that hides no park (for an on_click callback, which
    runs before the widgets are drawn)."""
    for key, value in ALL_PARKS.items():
        st.session_state[key] = value
    state.area_range = None
    st.session_state.pop(W_AREA, None)


def hidden_notice(hidden: int, total: int, lang: Lang, key: str, on_clear: Callable[[], None]) -> None:
    """When filters hide parks: how many of how many, and a button that clears the filters
    (`on_clear`, run as the button's callback)."""
    if hidden <= 0:
        return
    text, button = st.columns([5, 1], vertical_alignment="center")
    text.info(t("filters_hide", lang, hidden=hidden, total=total), icon=":material/filter_alt_off:")
    button.button(t("clear_filters", lang), key=key, on_click=on_clear, width="stretch")


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
    choices_ = ["plan", "progress"]
    state.colour_by = sb.radio(t("colour_by", lang), choices_, index=choices_.index(state.colour_by)
                               if state.colour_by in choices_ else 0, key="w_colour_by", horizontal=True,
                               format_func=lambda c: t(f"colour_by_{c}", lang), help=t("progress_legend_rule", lang))
    return metric, year
