"""Cached access to layers for the pages: loaded and validated once per process, not per rerun."""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from layers import registry
from ui.i18n import Lang
from ui.mapview import display_frame


@st.cache_resource(show_spinner=False)
def parks() -> gpd.GeoDataFrame:
    """The parks layer (validated, EPSG:4326, with computed areas). Shared: never mutate it."""
    return registry.load("parks")


@st.cache_resource(show_spinner=False)
def park_display_frame(lang: Lang) -> gpd.GeoDataFrame:
    """The parks as the map draws them in `lang` (simplified, escaped tooltips). Never mutate."""
    return display_frame(parks(), lang)
