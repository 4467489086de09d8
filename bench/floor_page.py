"""The floor page of the visit bench: a Streamlit page holding nothing but one st_folium map of 93
circle markers, with the same vendored Leaflet as the app (what any Streamlit map page costs).

Run through a launcher in a folder whose `static` links to ours (Streamlit serves the static
folder beside the main script): `bench.visit_bench.floor_script()`."""

import random

import folium
import streamlit as st
from streamlit_folium import st_folium

from ui.assets import localize
from ui.page import vendor_url

st.set_page_config(page_title="floor", layout="wide")
rng = random.Random(7)
m = folium.Map(location=(23.1, 113.3), zoom_start=9, tiles=None)
for _ in range(93):
    folium.CircleMarker((23.1 + rng.uniform(-0.5, 0.5), 113.3 + rng.uniform(-0.6, 0.6)), radius=7).add_to(m)
st_folium(localize(m, vendor_url()), height=680, use_container_width=True, key="floor_map")
