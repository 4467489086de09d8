"""A page holding one map with a big layer drawn from its vector-tile archive (the browser test
of `ui.mapview.vector_tiles`, and the page the tile bench will measure). The archive's URL and
the view come from the environment: PARKATLAS_TILES_URL, PARKATLAS_TILES_VIEW ("lat,lon,zoom")."""

import os

import folium
import streamlit as st
from streamlit_folium import st_folium

from layers.landuse import CODES
from ui.assets import localize
from ui.mapview.vector_tiles import VectorTileLayer
from ui.page import vendor_url

st.set_page_config(page_title="tiles", layout="wide")
lat, lon, zoom = (float(v) for v in os.environ["PARKATLAS_TILES_VIEW"].split(","))
m = folium.Map(location=(lat, lon), zoom_start=int(zoom), tiles=None)
VectorTileLayer(os.environ["PARKATLAS_TILES_URL"], data_layer=os.environ.get("PARKATLAS_TILES_LAYER", "parcels"),
                colours={c.code: c.colour for c in CODES.values()}, code_field="code",
                names={c.code: f"{c.code} {c.name_zh} / {c.name_en}" for c in CODES.values()},
                labels=[("code", "Land use"), ("label", "Note")], area_label="Area").add_to(m)
st_folium(localize(m, vendor_url()), height=600, use_container_width=True, key="tiles_map", returned_objects=[])
