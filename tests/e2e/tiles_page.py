"""A page holding one map with a big layer: drawn from its vector-tile archive, or as GeoJSON, or
not at all (the browser test of `ui.mapview.vector_tiles`, and the pages `bench.tiles_browser_bench`
compares). Environment: PARKATLAS_TILES_URL / PARKATLAS_TILES_LAYER (the archive and its tile
layer) and PARKATLAS_TILES_VIEW ("lat,lon,zoom"); the query string may override them per visit:
`?mode=tiles|geojson|none&n=<size>&z=<zoom>`, where the bench serves several sizes
(PARKATLAS_TILES_<n>_URL / _LAYER / _GEOJSON)."""

import os

import folium
import streamlit as st
from streamlit_folium import st_folium

from layers.landuse import CODES
from ui.assets import localize
from ui.mapview.vector_tiles import land_use_tiles
from ui.page import vendor_url

def main() -> None:
    """Draw the page (run by its launcher as __main__; importing it draws nothing)."""
    st.set_page_config(page_title="tiles", layout="wide")
    q = st.query_params
    mode, n = q.get("mode", "tiles"), q.get("n", "")
    prefix = f"PARKATLAS_TILES_{n}_" if n else "PARKATLAS_TILES_"
    lat, lon, zoom = (float(v) for v in os.environ["PARKATLAS_TILES_VIEW"].split(","))
    m = folium.Map(location=(lat, lon), zoom_start=int(q.get("z", zoom)), tiles=None)
    if mode == "tiles":
        land_use_tiles(os.environ[prefix + "URL"], os.environ.get(prefix + "LAYER", "parcels"), ["code", "label"],
                       "en").add_to(m)
    elif mode == "geojson":  # what a layer of this size would cost as GeoJSON (no sampling)
        colours = {c.code: c.colour for c in CODES.values()}
        with open(os.environ[prefix + "GEOJSON"], encoding="utf-8") as f:
            folium.GeoJson(f.read(), style_function=lambda feat: {
                "fillColor": colours.get(feat["properties"].get("code"), "#ccc"), "color": "#555", "weight": 0.3,
                "fillOpacity": 0.7}).add_to(m)
    st_folium(localize(m, vendor_url()), height=600, use_container_width=True, key="tiles_map", returned_objects=[])


if __name__ == "__main__":
    main()
