"""What every page does first: the session's view state with the language switch, the parks
layer (or a clear error instead of a crash), and where our vendored map assets are served."""

from __future__ import annotations

import os

import geopandas as gpd
import streamlit as st

from ui import data
from ui.auth import require_sign_in
from ui.i18n import t
from ui.workspace import DATABASE_ENV
from ui.filters import language_switch
from ui.state import ViewState, view


def start(sidebar: bool = True) -> ViewState:
    """The session's ViewState, after drawing the 中文 / English switch (unless `sidebar` is False:
    a first paint that sends the map first) and, when sign-in is configured, the sign-in form
    (the page stops there until the user is signed in)."""
    state = view()
    if sidebar:
        language_switch(state)
    _say_if_map_assets_are_missing(state.lang)
    if require_sign_in(state.lang) is None and os.environ.get(DATABASE_ENV):
        st.sidebar.warning(t("team_without_sign_in", state.lang))
    return state


def _say_if_map_assets_are_missing(lang) -> None:
    """Maps cannot draw without the vendored Leaflet files (`streamlit run` without `make setup`):
    say so, with the one command that fixes it, instead of an empty frame."""
    from ui.assets import FIX_COMMAND, VENDOR_DIR, missing_files

    missing = missing_files()
    if missing:
        st.error(t("assets_missing", lang, n=len(missing), folder=VENDOR_DIR.name))
        st.code(FIX_COMMAND, language="sh")


def start_with_parks(sidebar: bool = True) -> tuple[ViewState, gpd.GeoDataFrame] | None:
    """`start(sidebar)` plus the parks layer; None (after telling the user why) when it cannot load."""
    state = start(sidebar)
    parks = data.parks_or_report(state.lang)
    return None if parks is None else (state, parks)


def vendor_url() -> str:
    """Where Streamlit serves static/vendor, honouring server.baseUrlPath."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static/vendor" if base else "/app/static/vendor"


MAP_TOP_REM = 4.6
"""What sits above the atlas map (the page's top padding and the one-line title), in rem: the
map's frame takes the rest of the viewport's height."""


MAP_FIRST_CSS = (
    ".stMainBlockContainer { padding-top: 2.4rem; padding-left: 1rem; padding-right: 1rem; padding-bottom: 1rem;"
    " max-width: none; }"
    f' iframe[title="streamlit_folium.st_folium"] {{ height: max(360px, calc(100vh - {MAP_TOP_REM}rem)) !important; }}'
    " .parkatlas-title { font-size: 0.95rem; line-height: 1.4rem; margin: 0; white-space: nowrap; overflow: hidden;"
    " text-overflow: ellipsis; }"
    " .parkatlas-title b { font-size: 1.05rem; }"
    " .parkatlas-title span { color: #666; }"
)
"""A map-first page: little padding around the page, and every st_folium map's frame as tall as
the viewport below the one-line title (the map inside fills it: `ui.mapview.base.FillFrame`),
at least 360 px."""


def map_first_header(title: str, *details: str) -> None:
    """The map-first CSS and the page's title on one short line, with `details` (escaped) after it
    in grey, as one element (`st.html`: for a fresh visitor's browser two small chunks, where
    Markdown with HTML would be three)."""
    from ui.safe_html import esc

    rest = "".join(f" · <span>{esc(d)}</span>" for d in details if d)
    st.html(f"<style>{MAP_FIRST_CSS}</style><h1 class='parkatlas-title'><b>{esc(title)}</b>{rest}</h1>")