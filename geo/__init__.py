"""Pure geospatial computation for ParkAtlas.

Nothing here imports Streamlit, folium or our own `layers`/`ui` packages, and nothing reads the
project's files: functions take GeoSeries/GeoDataFrames (EPSG:4326 unless a docstring says
otherwise) and return plain values, Series or frames on the same index.
"""
