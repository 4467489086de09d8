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


def start() -> ViewState:
    """The session's ViewState, after drawing the 中文 / English switch and, when sign-in is
    configured, the sign-in form (the page stops there until the user is signed in)."""
    state = view()
    language_switch(state)
    if require_sign_in(state.lang) is None and os.environ.get(DATABASE_ENV):
        st.sidebar.warning(t("team_without_sign_in", state.lang))
    return state


def start_with_parks() -> tuple[ViewState, gpd.GeoDataFrame] | None:
    """`start()` plus the parks layer; None (after telling the user why) when it cannot load."""
    state = start()
    parks = data.parks_or_report(state.lang)
    return None if parks is None else (state, parks)


def vendor_url() -> str:
    """Where Streamlit serves static/vendor, honouring server.baseUrlPath."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static/vendor" if base else "/app/static/vendor"
