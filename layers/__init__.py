"""The domain: one module per layer kind (schema, loading, validation, styling) and a registry.

`layers` never imports Streamlit or folium; the app asks `layers.registry.load(layer_id)`.
"""
