"""Basemaps and what each needs of the layers drawn over it.

Gaode (AMap) tiles are in GCJ-02, China's offset lon/lat: over them, every layer is shifted to
GCJ-02 *for display only* (`for_display`), and a click is shifted back to WGS84 (`click_to_wgs84`)
before it is matched with a park; nothing is stored in GCJ-02 (DESIGN.md §2). Tianditu tiles are
CGCS2000 (= WGS84 at map scale) and need a token, read from the environment variable
`TIANDITU_TOKEN`; without one, Tianditu is not offered.
"""

from __future__ import annotations

import os

import folium
import geopandas as gpd
from xyzservices import TileProvider, providers

from geo.chinese_offsets import from_wgs84, gcj02_to_wgs84, wgs84_to_gcj02

WEB_TILES: dict[str, TileProvider] = {
    "light": providers.Esri.WorldGrayCanvas,
    "osm": providers.OpenStreetMap.Mapnik,
    "satellite": providers.Esri.WorldImagery,
}
"""WGS84 basemaps: offered together in the map's layer control."""

GAODE = TileProvider(
    name="Gaode.Normal", url="https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
    subdomains="1234", max_zoom=18, attribution="&copy; 高德地图 Gaode (AMap) · GCJ-02",
)
"""Gaode's road map, in GCJ-02 (https, the same tiles as xyzservices' Gaode.Normal)."""

TIANDITU_TOKEN_ENV = "TIANDITU_TOKEN"


def tianditu_token() -> str | None:
    """The Tianditu API token from the environment, or None."""
    token = (os.environ.get(TIANDITU_TOKEN_ENV) or "").strip()
    return token or None


def available_basemaps() -> tuple[str, ...]:
    """Basemap keys the sidebar offers: the web basemaps, Gaode, and Tianditu when a token is set."""
    return (*WEB_TILES, "gaode") + (("tianditu",) if tianditu_token() else ())


def display_system(basemap: str) -> str:
    """The lon/lat system layers must be drawn in over `basemap`: "gcj02" for Gaode, else "wgs84"."""
    return "gcj02" if basemap == "gaode" else "wgs84"


def for_display(gdf: gpd.GeoDataFrame, basemap: str) -> gpd.GeoDataFrame:
    """`gdf` (EPSG:4326) as drawn over `basemap`: shifted to GCJ-02 over Gaode, unchanged otherwise.
    Returns a copy when shifted; never store the result."""
    if display_system(basemap) == "wgs84" or gdf.empty:
        return gdf
    out = gdf.copy()
    present = out.geometry.notna()
    out.loc[present, out.geometry.name] = from_wgs84(out.geometry[present], "gcj02").values
    return out


def point_for_display(lat: float, lon: float, basemap: str) -> tuple[float, float]:
    """A WGS84 (lat, lon) as drawn over `basemap`."""
    if display_system(basemap) == "wgs84":
        return lat, lon
    glon, glat = wgs84_to_gcj02(lon, lat)
    return float(glat), float(glon)


def click_to_wgs84(lat: float, lon: float, basemap: str) -> tuple[float, float]:
    """A map click (lat, lon as displayed over `basemap`) in true WGS84."""
    if display_system(basemap) == "wgs84":
        return lat, lon
    wlon, wlat = gcj02_to_wgs84(lon, lat)
    return float(wlat), float(wlon)


def add_basemap_layers(m: folium.Map, basemap: str, names: dict[str, str]) -> None:
    """Add the tile layers for the chosen basemap to `m`.

    The WGS84 basemaps come together (switchable in the layer control); Gaode and Tianditu come
    alone, so the layers can never sit over tiles of another coordinate system."""
    if basemap == "gaode":
        folium.TileLayer(GAODE, name=names["gaode"], overlay=False, control=False).add_to(m)
    elif basemap == "tianditu" and tianditu_token():
        token = tianditu_token()
        for layer, label in (("vec", names["tianditu"]), ("cva", None)):
            url = (f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
                   f"&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={token}")
            folium.TileLayer(url, name=label or "Tianditu labels", attr="&copy; 天地图 Tianditu", subdomains="01234567",
                             max_zoom=18, overlay=label is None, control=False).add_to(m)
    else:
        for key, provider in WEB_TILES.items():
            folium.TileLayer(provider, name=names[key], show=(key == basemap), overlay=False, control=True).add_to(m)
