"""The atlas's view in its URL: language, filters, network year, access network and the
selected park, so a pasted link opens the same view (as the Sites page does; `ui.urlstate`
reads and writes the values). A bad value is dropped from the URL and named, shortened."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import streamlit as st

from layers.parks import ParkFilter, area_range_km2
from ui import networks
from ui.filters import NETWORK_YEARS, W_AREA, W_UNKNOWN, reset_filters, url_choices
from ui.state import ViewState
from ui.urlstate import decode, encode

FILTER_URL_KEYS = ("city", "prog", "kind", "q", "area", "unk")
"""The URL keys of the park filters (what "clear filters" removes)."""
ATLAS_URL_KEYS = (*FILTER_URL_KEYS, "net", "src", "park", "lang")
_SEEDED = "atlas_url_seeded"


def seed_from_url(state: ViewState, parks: gpd.GeoDataFrame) -> list[str]:
    """On the session's first atlas run, put the URL's view into the filter widgets; returns
    the problems with values that were dropped (the park is handled by the deep link)."""
    if st.session_state.get(_SEEDED):
        return []
    st.session_state[_SEEDED] = True
    params = {k: v for k, v in st.query_params.to_dict().items() if k != "park"}
    url = decode(params, park_ids=set(parks.index), choices=url_choices(parks))
    for key, widget in (("cities", "w_cities"), ("programmes", "w_programmes"), ("kinds", "w_kinds"),
                        ("industry", "w_industry")):
        if url.get(key):
            st.session_state[widget] = url[key]
    if "min_area_km2" in url or "max_area_km2" in url:
        top, _ = area_range_km2(parks)
        lo = min(max(float(url.get("min_area_km2", 0.0)), 0.0), top)
        hi = min(max(float(url.get("max_area_km2", top)), lo), top)
        st.session_state[W_AREA] = (lo, hi)  # the full range is no filter (`ui.filters.area_choice`)
    if url.get("unknown_area") is not None:
        st.session_state[W_UNKNOWN] = bool(url["unknown_area"])
    net = url.get("network")
    if net == "existing":
        net = date.today().year
    if net in NETWORK_YEARS:
        state.network_year = net
    elif net is not None:
        url["_problems"].append(f"net={net!r}: the atlas shows {NETWORK_YEARS[0]}-{NETWORK_YEARS[-2]} or full; ignored")
    if url.get("access_network"):
        st.session_state[networks.CHOICE_KEY] = url["access_network"]
    return url["_problems"]


def sync_url(state: ViewState, flt: ParkFilter) -> None:
    """Write the atlas's whole view into the URL (only keys that differ are touched; keys of
    other pages are left alone). `area=` only for a range the user set, `unk=0` only when they
    excluded the parks of unknown area from it."""
    network = networks.chosen()
    narrowed = flt.min_area_km2 is not None or flt.max_area_km2 is not None
    wanted = encode({
        "cities": list(flt.cities), "programmes": list(flt.programmes), "kinds": list(flt.kinds),
        "industry": flt.industry.strip() or None, "min_area_km2": flt.min_area_km2, "max_area_km2": flt.max_area_km2,
        "unknown_area": False if narrowed and not flt.include_unknown_area else None,
        "network": None if state.network_year == ViewState().network_year else state.network_year,
        "lang": state.lang, "park": state.selected_park,
        "access_network": network.key if network is not None and not network.is_plan else None,
    })
    for key in ATLAS_URL_KEYS:
        if key in wanted and st.query_params.get(key) != wanted[key]:
            st.query_params[key] = wanted[key]
        elif key not in wanted and key in st.query_params:
            del st.query_params[key]


def clear_filters(state: ViewState) -> None:
    """Every park filter back to "all parks", and their keys out of the URL (the "clear filters"
    button's callback: it runs before the page, so the widgets are drawn cleared)."""
    reset_filters(state)
    for key in FILTER_URL_KEYS:
        if key in st.query_params:
            del st.query_params[key]
