"""Cached access to layers for the pages: loaded and validated once per process, not per rerun.

Everything returned is shared between sessions: never mutate it.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from layers import registry
from layers._errors import LayerError
from layers.access import access_table
from layers.transport import check_line_refs, open_in
from ui.i18n import Lang
from ui.mapview import display_frame


@st.cache_resource(show_spinner=False)
def parks() -> gpd.GeoDataFrame:
    """The parks layer (validated, EPSG:4326, with computed areas)."""
    return registry.load("parks")


@st.cache_resource(show_spinner=False)
def park_display_frame(lang: Lang) -> gpd.GeoDataFrame:
    """The parks as the map draws them in `lang` (simplified, escaped tooltips)."""
    return display_frame(parks(), lang)


@st.cache_resource(show_spinner=False)
def optional_layer(layer_id: str) -> tuple[gpd.GeoDataFrame | None, str | None]:
    """A layer that the atlas can do without: (frame, None); (None, None) when the data folder
    has no file for it; or (None, why it could not load) when its file is broken."""
    if not registry.is_bundled(layer_id):
        return None, None
    try:
        gdf = registry.load(layer_id)
    except (LayerError, OSError) as exc:
        return None, str(exc)
    if layer_id == "transport_nodes":
        lines, _ = optional_layer("transport_lines")
        problems = check_line_refs(lines, gdf) if lines is not None else []
        if problems:
            return None, "\n".join(problems)
    return gdf, None


def empty_layer(*columns: str) -> gpd.GeoDataFrame:
    """An empty EPSG:4326 layer with `columns`, for an optional layer that is not bundled."""
    return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=4326)


@st.cache_resource(show_spinner=False)
def network(year: int | str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Transport lines and nodes in service in `year` (or the full plan); empty when absent."""
    lines, _ = optional_layer("transport_lines")
    nodes, _ = optional_layer("transport_nodes")
    empty = empty_layer("mode", "status", "line_ref")
    lines = empty if lines is None else lines[open_in(lines, year)]
    nodes = empty if nodes is None else nodes[open_in(nodes, year)]
    return lines, nodes


@st.cache_resource(show_spinner=False)
def access(year: int | str) -> pd.DataFrame | None:
    """Access of every park in `year` (layers.access.access_table), or None without transport data."""
    lines, _ = optional_layer("transport_lines")
    nodes, _ = optional_layer("transport_nodes")
    if lines is None or nodes is None:
        return None
    return access_table(parks(), lines, nodes, year)


@st.cache_resource(show_spinner=False)
def landuse_for_park(park_id: str) -> tuple[gpd.GeoDataFrame, pd.DataFrame, bool]:
    """Land use of one park: (parcels clipped to it, its composition, illustrative?).

    Real parcels (data/landuse.geojson) when the data folder has them, else illustrative parcels
    generated for the park (layers.landuse.illustrative_for_park), which say so everywhere.
    """
    from layers.landuse import clip_to, illustrative_for_park, park_composition

    park = parks().loc[[park_id]]
    real, _ = optional_layer("landuse")
    illustrative = real is None
    parcels = illustrative_for_park(park_id, park.geometry.iloc[0]) if illustrative else real
    candidates = parcels.iloc[parcels.sindex.query(park.geometry.iloc[0], predicate="intersects")]
    return clip_to(candidates, park.geometry.iloc[0]), park_composition(park, candidates), illustrative


def parks_or_report(lang: Lang) -> gpd.GeoDataFrame | None:
    """The parks layer, or None after telling the user why it could not be loaded (a page then
    stops drawing instead of crashing)."""
    from ui.i18n import t

    try:
        return parks()
    except LayerError as exc:
        st.error(t("data_error", lang))
        st.code(str(exc))
        return None
