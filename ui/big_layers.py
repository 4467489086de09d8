"""Big user layers on the map as vector tiles (issue 13): their archives, built with progress
shown, kept in `static/tiles/` (which Streamlit serves, Range requests included) by layer and
revision (`layers.big_layers.tile_archive`), and where the map finds them.

One archive per display system: over Gaode the layer is shifted to GCJ-02 before its tiles are
cut (the same shift every other layer gets for display, `ui.mapview.basemaps.for_display`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import geopandas as gpd
import streamlit as st

from geo.measure import geodesic_area_m2
from layers.big_layers import archive_name, tile_archive
from layers.user_layers import UserLayer
from ui import workspace
from ui.i18n import Lang, t
from ui.assets import localize
from ui.mapview.basemaps import display_system, for_display
from ui.mapview.vector_tiles import VectorTileLayer, land_use_tiles
from ui.page import vendor_url
from ui.safe_html import esc

TILES_DIR = Path(__file__).resolve().parent.parent / "static" / "tiles"
"""Where the archives live: served at /app/static/tiles/ (`server.enableStaticServing`)."""

SHOWN_FIELDS = ("code", "name_zh", "name", "id", "label")
"""Attributes a parcel's popup shows, when the layer has them (plus its geodesic area)."""


def tiles_url(path: Path) -> str:
    """The URL our server serves `path` (in TILES_DIR) at, honouring server.baseUrlPath."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static/tiles/{path.name}" if base else f"/app/static/tiles/{path.name}"


def fields(layer: UserLayer) -> list[str]:
    """The attributes that go into the tiles: SHOWN_FIELDS the layer has, and `area_m2`."""
    return [c for c in SHOWN_FIELDS if c in layer.gdf.columns] + ["area_m2"]


def _revision(layer: UserLayer) -> str:
    return str(workspace.revisions().get(layer.layer_id or "", 0))


def _key(layer: UserLayer) -> str:
    """The layer's name for its archives (and so, in part, their public file names): its id and
    a digest of its workspace (two workspaces may each have a layer "user-1" at revision 3)."""
    where = hashlib.sha256(workspace.location().encode("utf-8")).hexdigest()[:12]  # a database URL may hold a password
    return f"{layer.layer_id or layer.name}@{where}"


def existing(layer: UserLayer, basemap: str) -> Path | None:
    """The archive of the layer's current revision for `basemap`'s display system, if built."""
    path = TILES_DIR / archive_name(_key(layer), _revision(layer), fields(layer), display_system(basemap))
    return path if path.exists() else None


def _tile_frame(layer: UserLayer, basemap: str) -> gpd.GeoDataFrame:
    """The layer as tiled: its shown attributes as text, its geodesic area (m², on the WGS84
    ellipsoid, computed before any display shift) and its geometry in the display system."""
    gdf = layer.gdf
    out = gpd.GeoDataFrame({c: gdf[c].astype("string").fillna("") for c in SHOWN_FIELDS if c in gdf.columns},
                           geometry=gdf.geometry.to_numpy(), crs=gdf.crs, index=gdf.index)
    out["area_m2"] = geodesic_area_m2(gdf.geometry).round(1)
    return for_display(out, basemap)


def build(layer: UserLayer, basemap: str, lang: Lang) -> Path | None:
    """Build (or find) the layer's archive for `basemap`, with a progress bar; None, after
    saying why, when it cannot be built."""
    bar = st.progress(0.0, text=t("tiles_building", lang, name=layer.name, n=len(layer.gdf)))

    def progress(done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=t("tiles_building", lang, name=layer.name, n=len(layer.gdf)))

    try:
        archive = tile_archive(_tile_frame(layer, basemap), layer=_key(layer), revision=_revision(layer),
                               folder=TILES_DIR, properties=fields(layer), variant=display_system(basemap),
                               progress=progress)
    except (ValueError, OSError) as exc:
        bar.empty()
        st.error(t("tiles_failed", lang, name=layer.name, why=str(exc)[:300]))
        return None
    bar.empty()
    return archive.path


def map_layer(layer: UserLayer, path: Path, lang: Lang) -> VectorTileLayer:
    """The big layer `layer` drawn from its archive at `path` (served by us, its scripts too)."""
    return localize(land_use_tiles(tiles_url(path), path.name.split(".")[0], fields(layer), lang,
                                   attribution=esc(layer.name)), vendor_url())
